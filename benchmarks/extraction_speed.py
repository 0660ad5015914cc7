"""Per-page CPU cost of our extractor vs bare trafilatura.bare_extraction, in one process.

    python benchmarks/extraction_speed.py [--n 300] [--page-weight-kb 100] [--rounds 3] [--profile OUT.prof]

Pages: the article pages of the sample site (seed 7, padded to ~100 kB, rendered through
`site.respond` as a repeat visit, like the crawl benchmark) plus the real pages in
tests/fixtures/pages. Each extractor runs over every page once to warm up (imports, rule caches),
then `--rounds` times; the cheapest round counts (least disturbed by other load). CPU time is
`time.process_time`. "bare" is `trafilatura.bare_extraction(page_bytes, url=url)` with default options
(what a user's crawler calls on each page); "ours" is `crawler.extraction.extract(page_bytes, url)`.

ratio = our ms / bare ms on the sample pages, target 1.15 (issue #26): every field we give beyond the
body (captions, sources, authors, dates, section, tags, language) for at most 15 % more CPU.
"""
from __future__ import annotations

import argparse
import cProfile
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura
from common import ROOT, article_pages, machine_line, ratio_line

from crawler.extraction import NotAnArticle, extract
from crawler.sample_site import SampleSite

TARGET = 1.15
BASE_URL = "http://127.0.0.1:8000"
DEV_PAGES = ROOT / "tests" / "fixtures" / "pages"
DEV_URLS = {  # as in the dev-pages README (URL dates matter to our date fallback)
    "cnn-arabic-2013.html": "http://arabic.cnn.com/2013/middle_east/8/3/syria.clashes/index.html",
    "akhbarelyom-2020.html": "https://akhbarelyom.com/news/newdetails/3126898/1/",
    "elbaladtv-2020.html": "https://elbaladtv.net/",
}

Page = tuple[str, bytes]


def ours(page: Page) -> None:
    try:
        extract(page[1], page[0])
    except NotAnArticle:
        pass


def bare(page: Page) -> None:
    trafilatura.bare_extraction(page[1], url=page[0])


def cpu_ms_per_page(function: Callable[[Page], None], pages: list[Page], rounds: int) -> float:
    """CPU ms per page of the cheapest of `rounds` passes over `pages` (after one warm-up pass)."""
    for page in pages:
        function(page)
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        for page in pages:
            function(page)
        best = min(best, time.process_time() - started)
    return best / len(pages) * 1e3


def dev_pages() -> list[Page]:
    return [(DEV_URLS.get(p.name, "http://example.com/" + p.stem), p.read_bytes()) for p in sorted(DEV_PAGES.glob("*.html"))]


def report(label: str, pages: list[Page], rounds: int) -> tuple[float, float]:
    bare_ms, our_ms = cpu_ms_per_page(bare, pages, rounds), cpu_ms_per_page(ours, pages, rounds)
    size = sum(len(body) for _, body in pages) / len(pages) / 1024
    print(f"{label}: {len(pages)} pages, {size:.0f} kB average: bare {bare_ms:.2f} ms/page, ours {our_ms:.2f} ms/page, "
          f"ours/bare {our_ms / bare_ms:.2f}")
    return bare_ms, our_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300, help="articles on the sample site")
    parser.add_argument("--page-weight-kb", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", type=Path, help="also profile our extractor over the sample pages, write stats here")
    args = parser.parse_args()
    print(machine_line())

    site = SampleSite(seed=7, n_articles=args.n, page_weight_kb=args.page_weight_kb)
    sample = article_pages(site, BASE_URL)
    bare_ms, our_ms = report(f"sample site ({args.page_weight_kb} kB)", sample, args.rounds)
    dev = dev_pages()
    if dev:
        report("dev pages", dev, args.rounds)
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(lambda: [ours(page) for page in sample])
        profiler.dump_stats(args.profile)
        print(f"profile of our extractor on the sample pages: {args.profile}")
    print(ratio_line(our_ms / bare_ms, TARGET))


if __name__ == "__main__":
    main()
