"""Re-extraction throughput against our extractor alone on all cores, over the same raw pages.

    python benchmarks/reextract_throughput.py [--n 2000] [--page-weight-kb 100] [--stale 0.5]

The sample site (N articles, ~100 kB pages) is crawled once into a fresh archive (WARC on), then a share
`--stale` of the articles gets a stale title, so re-extraction rewrites those rows (as after an extractor
upgrade) and compares the others. `archive.reextract.reextract` then runs over the whole archive on its
process pool (one worker per core). Its rate is counted from the first applied result to the last,
so the pool's start-up (spawning, importing trafilatura) is reported apart.

"Our extractor alone" is `crawler.extraction.extract` with the sample site's hints over the very bytes
read back from the WARC files, on a warm pool of as many processes, chunks of 8 pages, nothing written.
It is timed just before and just after the re-extraction and the two rates are averaged, so a change
of the machine's load during the run weighs on both sides alike.
ratio = reextract pages/s / extractor-alone pages/s, target 0.85.

Also printed: the re-extraction's CPU (this process + its reaped workers) over its wall time, start-up
included: how much of the 2 cores it keeps busy (issue #26: >= 1.5 on 2 cores at 2,000 articles).
"""
from __future__ import annotations

import argparse
import multiprocessing
import sqlite3
import tempfile
import time
from datetime import datetime
from pathlib import Path

from common import check_crawl, children_cpu_seconds, machine_line, memoize_responses, ratio_line, run_crawl_process

from archive.reextract import catalog_hints, reextract
from archive.warc import read_response
from crawler.sample_site import SampleSite, serve
from crawler.extraction.pool import available_cores

TARGET = 0.85
CHUNK = 8
HINTS = catalog_hints().get("sample")


def extract_alone(page: tuple[str, str, bytes, str | None]) -> None:
    from crawler.extraction import NotAnArticle, extract

    url, fetched_at, body, content_type = page
    try:
        extract(body, url, fetched_at=datetime.fromisoformat(fetched_at), content_type=content_type, hints=HINTS)
    except NotAnArticle:
        pass


def stored_pages(db: Path) -> list[tuple[str, str, bytes, str | None]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT url, fetched_at, warc_file, warc_offset FROM articles ORDER BY id").fetchall()
    pages = []
    for url, fetched_at, warc_file, offset in rows:
        body, headers, _ = read_response(db.parent / warc_file, offset)
        pages.append((url, fetched_at, body, headers.get("Content-Type")))
    return pages


def alone_rate(pages: list, processes: int) -> float:
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        pool.map(extract_alone, pages[: processes * CHUNK], chunksize=1)  # import and warm every worker
        started = time.perf_counter()
        pool.map(extract_alone, pages, chunksize=CHUNK)
        return len(pages) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--page-weight-kb", type=int, default=100)
    parser.add_argument("--stale", type=float, default=0.5, help="share of articles whose stored title is made stale")
    args = parser.parse_args()
    print(machine_line())
    cores = available_cores()
    site = SampleSite(seed=7, n_articles=args.n, page_weight_kb=args.page_weight_kb)
    memoize_responses(site)
    with tempfile.TemporaryDirectory(prefix="reextract-bench-") as tmp:
        db = Path(tmp) / "archive.db"
        with serve(site) as server:
            check_crawl(run_crawl_process(server.base_url, db))
        every = max(1, round(1 / args.stale)) if args.stale else 0
        with sqlite3.connect(db) as conn:
            if every:
                conn.execute("UPDATE articles SET title = title || ' (قديم)' WHERE id % ? = 0", (every,))
            n = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        pages = stored_pages(db)
        before = alone_rate(pages, cores)
        marks: list[float] = []
        cpu_before, own_before = children_cpu_seconds(), time.process_time()
        started = time.perf_counter()
        result = reextract(db, progress=lambda r: marks.append(time.perf_counter()))
        total = time.perf_counter() - started
        workers_cpu, main_cpu = children_cpu_seconds() - cpu_before, time.process_time() - own_before
        steady = (len(marks) - 1) / (marks[-1] - marks[0])
        print(f"reextract: {result.seen} articles ({result.changed} changed, {result.unchanged} unchanged, "
              f"{result.failed} failed) in {total:.1f} s wall on {cores} workers = {result.seen / total:.1f} pages/s "
              f"with start-up ({marks[0] - started:.1f} s to the first result), {steady:.1f} pages/s after it")
        print(f"reextract CPU: main process {main_cpu:.1f} s, workers {workers_cpu:.1f} s; "
              f"cpu/wall {(main_cpu + workers_cpu) / total:.2f} on {cores} cores (target >= 1.5)")
    after = alone_rate(pages, cores)
    rate = (before + after) / 2
    print(f"our extractor alone on {cores} processes, same {len(pages)} pages: {before:.1f} pages/s before, "
          f"{after:.1f} after, mean {rate:.1f} (of {n} articles)")
    print(ratio_line(steady / rate, TARGET))


if __name__ == "__main__":
    main()
