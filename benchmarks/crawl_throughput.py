"""Crawl throughput against its limit: a full crawl of the sample site vs bare trafilatura on 2 processes.

    python benchmarks/crawl_throughput.py [--n 3000] [--page-weight-kb 100] [--compare-inline] [--profile OUT.prof]

The sample site (N articles, pages padded to ~100 kB) is served from this process on 127.0.0.1 with
every page rendered once beforehand (`common.memoize_responses`), so the server costs HTTP handling
only, not page generation. The crawl is `python -m crawler crawl sample --base-url ... --db ...` in a
child process with `common.BENCH_CRAWL_SETTINGS` on top of LOCAL_SITE_SETTINGS; its CPU is the child
and its extraction workers (RUSAGE_CHILDREN). Pages/s counts archived articles over the child's whole
wall time (interpreter start-up and worker spawn included).

"The limit" is `trafilatura.extract(page_bytes)` (default options) over the same article pages on a
2-process multiprocessing Pool, timed after the workers have started; "our extractor" is
`crawler.extraction.extract` the same way. ratio = crawl pages/s / limit pages/s, target 0.85.
"""
from __future__ import annotations

import argparse
import multiprocessing
import tempfile
import time
from pathlib import Path

from common import (
    BENCH_CRAWL_SETTINGS, CrawlMeasure, article_pages, check_crawl, machine_line, memoize_responses, ratio_line,
    run_crawl_process,
)

from crawler.sample_site import SampleSite, serve

TARGET = 0.85
LIMIT_PROCESSES = 2
CHUNK = 8


def bare_trafilatura(page: tuple[str, bytes]) -> float:
    """Extract one page in a pool worker; return the worker's CPU seconds for it."""
    import trafilatura

    started = time.process_time()
    trafilatura.extract(page[1])
    return time.process_time() - started


def our_extractor(page: tuple[str, bytes]) -> float:
    from crawler.extraction import NotAnArticle, extract

    started = time.process_time()
    try:
        extract(page[1], page[0])
    except NotAnArticle:
        pass
    return time.process_time() - started


def pool_rate(function, pages: list[tuple[str, bytes]]) -> tuple[float, float]:
    """(pages/s, CPU seconds per page) of `function` over `pages` on a warm 2-process pool."""
    with multiprocessing.get_context("spawn").Pool(LIMIT_PROCESSES) as pool:
        pool.map(function, pages[: LIMIT_PROCESSES * CHUNK], chunksize=1)  # import and warm every worker
        started = time.perf_counter()
        cpu = sum(pool.map(function, pages, chunksize=CHUNK))
        wall = time.perf_counter() - started
    return len(pages) / wall, cpu / len(pages)


def describe(label: str, measure: CrawlMeasure) -> str:
    c = measure.counts
    return (
        f"{label}: {measure.articles} articles, {c.get('requests', '?')} requests in {measure.wall_seconds:.1f} s wall "
        f"(run {c.get('seconds', '?')} s) = {measure.articles / measure.wall_seconds:.1f} pages/s; "
        f"CPU {measure.cpu_seconds:.1f} s = {measure.cpu_seconds / max(1, measure.articles) * 1e3:.1f} ms/page; "
        f"server CPU {measure.server_cpu_seconds:.1f} s (not counted)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000, help="articles on the sample site")
    parser.add_argument("--page-weight-kb", type=int, default=100)
    parser.add_argument("--compare-inline", action="store_true", help="also crawl with EXTRACTION_WORKERS=1")
    parser.add_argument("--profile", type=Path, help="run the (pooled) crawl under cProfile, write stats here")
    args = parser.parse_args()
    print(machine_line())
    print(f"crawl settings: LOCAL_SITE_SETTINGS + {BENCH_CRAWL_SETTINGS}")

    site = SampleSite(seed=7, n_articles=args.n, page_weight_kb=args.page_weight_kb)
    memoize_responses(site)
    with serve(site) as server, tempfile.TemporaryDirectory(prefix="crawl-bench-") as tmp:
        started = time.perf_counter()
        pages = article_pages(site, server.base_url)
        size = sum(len(body) for _, body in pages) / len(pages) / 1024
        print(f"site: {len(pages)} article pages, {size:.0f} kB average, rendered in {time.perf_counter() - started:.1f} s")

        crawl = run_crawl_process(server.base_url, Path(tmp) / "pool.db", profile=args.profile)
        check_crawl(crawl)
        print(describe("crawl (EXTRACTION_WORKERS=0: pool)", crawl))
        expected = site.expected["article_count"]
        if crawl.articles < expected:
            print(f"WARNING: archived {crawl.articles} of {expected} expected articles")
        if args.compare_inline:
            inline = run_crawl_process(server.base_url, Path(tmp) / "inline.db", {"EXTRACTION_WORKERS": "1"})
            check_crawl(inline)
            print(describe("crawl (EXTRACTION_WORKERS=1: inline)", inline))
            print(f"pool / inline pages/s: {inline.wall_seconds / crawl.wall_seconds:.2f}")

    limit_rate, limit_cpu = pool_rate(bare_trafilatura, pages)
    print(f"limit (bare trafilatura.extract, {LIMIT_PROCESSES} processes): {limit_rate:.1f} pages/s, "
          f"CPU {limit_cpu * 1e3:.1f} ms/page")
    ours_rate, ours_cpu = pool_rate(our_extractor, pages)
    print(f"our extractor (crawler.extraction.extract, {LIMIT_PROCESSES} processes): {ours_rate:.1f} pages/s, "
          f"CPU {ours_cpu * 1e3:.1f} ms/page")
    crawl_rate = crawl.articles / crawl.wall_seconds
    print(f"crawl / our-extractor pages/s: {crawl_rate / ours_rate:.2f}")
    print(ratio_line(crawl_rate / limit_rate, TARGET))


if __name__ == "__main__":
    main()
