"""Where the CPU of an archived page goes, measured in the crawl as it runs, next to the naive crawler.

    python benchmarks/crawl_cpu.py [--n 1000] [--page-weight-kb 100] [--transfer-pages 50]

The sample site (N articles, ~100 kB pages, rendered once beforehand) is served from this process on
127.0.0.1 and crawled by `python -m crawler crawl` in a child process, as in crawl_throughput.py, with
`-s STATS_CLASS=benchmarks.cpu_stats.JsonCpuStats` writing the run's stats as JSON at the end:

- each extraction worker times its steps per page (`pipelines.extract.StepClock`, thread CPU time) and
  the crawl sums them: `extract` (crawler.extraction.extract), `keys` (content hash + MinHash + index
  text), `warc` (the page's gzipped WARC records);
- the archive stage times its write units on the writer thread (WARC append, dedup, SQLite statements);
- the crawl process's own CPU (RUSAGE_SELF) and its reaped workers' (RUSAGE_CHILDREN) at the end.

Pool transfer (pickling the page to a worker and the result back, both ends) is not visible in the
run's threads, so it is timed here, in-process, on the same kind of page and result.
"Rest of the crawl process" = the crawl process less the writer thread: Scrapy, the spider, the
reactor, the pool's feeder threads, interpreter start-up and imports.

The naive crawler (benchmarks/naive_crawler.py) then crawls the same site once; its CPU is the child's.
ratio = our CPU per archived page (all processes) / the naive crawler's, target 1.3 (issue #26).
"""
from __future__ import annotations

import argparse
import json
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, article_pages, check_crawl, children_cpu_seconds, machine_line, memoize_responses, ratio_line, \
    run_crawl_process

from crawler.items import FetchedPage
from crawler.sample_site import SampleSite, serve
from pipelines.extract import process_page

TARGET = 1.3
NAIVE = Path(__file__).resolve().parent / "naive_crawler.py"
WORKER_STEPS = ("extract", "keys", "warc")


def fetched(url: str, body: bytes) -> FetchedPage:
    return FetchedPage(url=url, site="sample", status=200, body=body, content_type="text/html; charset=utf-8",
                       fetched_at="2026-12-04T10:00:00+00:00",
                       request_headers={"User-Agent": "ArabicNewsArchiver/0.1", "Accept-Encoding": "gzip, deflate"},
                       response_headers={"Content-Type": "text/html; charset=utf-8", "Content-Length": str(len(body))})


def transfer_ms(pages: list[tuple[str, bytes]]) -> tuple[float, float, float]:
    """(CPU ms per page to pickle and unpickle the job and its result, kB sent to the worker, kB back)."""
    jobs = [(fetched(url, body), None, True) for url, body in pages]
    results = [process_page(*job) for job in jobs]
    started = time.process_time()
    sent = back = 0
    for job, result in zip(jobs, results):
        out, ret = pickle.dumps(job, pickle.HIGHEST_PROTOCOL), pickle.dumps(result, pickle.HIGHEST_PROTOCOL)
        pickle.loads(out), pickle.loads(ret)
        sent, back = sent + len(out), back + len(ret)
    elapsed = time.process_time() - started
    return elapsed / len(jobs) * 1e3, sent / len(jobs) / 1024, back / len(jobs) / 1024


def run_naive(base_url: str, db: Path) -> tuple[int, float, float]:
    """(articles stored, wall seconds, CPU seconds) of one naive crawl."""
    cpu_before, started = children_cpu_seconds(), time.perf_counter()
    result = subprocess.run([sys.executable, str(NAIVE), base_url, str(db)], cwd=ROOT, capture_output=True,
                            text=True, timeout=3600)
    wall, cpu = time.perf_counter() - started, children_cpu_seconds() - cpu_before
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"naive crawler exited with {result.returncode}")
    return int(result.stdout.split("naive:")[1].split()[0]), wall, cpu


def step_table(stats: dict, articles: int) -> list[tuple[str, float]]:
    per_page = max(1, articles)
    worker_pages = max(1, stats.get("cpu_ms/worker/pages", 0))
    rows = [(f"worker: {step}", stats.get(f"cpu_ms/worker/{step}", 0.0) / worker_pages) for step in WORKER_STEPS]
    workers_all = stats["cpu_ms/workers"] / per_page
    rows.append(("worker: the rest (pool loop, unpickling, start-up, imports)",
                 workers_all - sum(ms for _, ms in rows)))
    rows.append(("workers, all", workers_all))
    writer = stats.get("cpu_ms/writer_thread", 0.0) / per_page
    rows.append(("crawl process: writer thread (WARC append, dedup, SQLite)", writer))
    rows.append(("crawl process: the rest (Scrapy, spider, pool threads, start-up)",
                 stats["cpu_ms/crawl_process"] / per_page - writer))
    rows.append(("crawl process, all", stats["cpu_ms/crawl_process"] / per_page))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--page-weight-kb", type=int, default=100)
    parser.add_argument("--transfer-pages", type=int, default=50)
    args = parser.parse_args()
    print(machine_line())
    site = SampleSite(seed=7, n_articles=args.n, page_weight_kb=args.page_weight_kb)
    memoize_responses(site)
    with serve(site) as server, tempfile.TemporaryDirectory(prefix="crawl-cpu-") as tmp:
        pages = article_pages(site, server.base_url)
        stats_path = Path(tmp) / "stats.json"
        crawl = run_crawl_process(server.base_url, Path(tmp) / "ours.db", {
            "STATS_CLASS": "benchmarks.cpu_stats.JsonCpuStats", "CPU_STATS_PATH": str(stats_path)})
        check_crawl(crawl)
        stats = json.loads(stats_path.read_text())
        naive_articles, naive_wall, naive_cpu = run_naive(server.base_url, Path(tmp) / "naive.db")
    print(f"our crawl: {crawl.articles} articles in {crawl.wall_seconds:.1f} s wall, CPU {crawl.cpu_seconds:.1f} s "
          f"(crawl process {stats['cpu_ms/crawl_process'] / 1e3:.1f} s, workers {stats['cpu_ms/workers'] / 1e3:.1f} s)")
    print("per archived page, CPU ms:")
    for label, ms in step_table(stats, crawl.articles):
        print(f"  {label:<68} {ms:6.2f}")
    transfer, sent, back = transfer_ms(pages[: args.transfer_pages])
    print(f"  {'pool transfer, pickled and unpickled, timed in-process (in the above)':<68} {transfer:6.2f}"
          f"   ({sent:.0f} kB to the worker, {back:.1f} kB back)")
    ours_ms = crawl.cpu_seconds / max(1, crawl.articles) * 1e3
    naive_ms = naive_cpu / max(1, naive_articles) * 1e3
    print(f"  {'total, all processes':<68} {ours_ms:6.2f}")
    print(f"naive crawler: {naive_articles} articles in {naive_wall:.1f} s wall, {naive_ms:.2f} CPU ms/page; "
          f"wall ratio ours/naive pages/s {crawl.articles / crawl.wall_seconds / (naive_articles / naive_wall):.2f}")
    print(ratio_line(ours_ms / naive_ms, TARGET))


if __name__ == "__main__":
    main()
