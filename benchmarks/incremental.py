"""Incremental crawling: requests of a second crawl of the unchanged site / requests of the first.

    python benchmarks/incremental.py [--n 3000] [--page-weight-kb 0]

Both crawls run `python -m crawler crawl sample --base-url ... --db ...` (child processes, same
archive) against one N-article sample site served from this process; requests are counted in the
server's request log, so robots.txt, sitemaps, feeds, listings and conditional requests all count.
Page weight does not change which URLs exist, so pages are left unpadded by default to save time.
ratio = second / first, target <= 0.05.
"""
from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from pathlib import Path

from common import BENCH_CRAWL_SETTINGS, check_crawl, machine_line, ratio_line, run_crawl_process

from crawler.sample_site import SampleSite, serve

TARGET = 0.05


def kind_of(path: str, article_paths: set[str]) -> str:
    """What a requested URL is, for the breakdown."""
    bare = path.split("?", 1)[0]
    if bare in article_paths:
        return "article"
    if bare == "/robots.txt":
        return "robots"
    if "sitemap" in bare:
        return "sitemap"
    if bare == "/rss.xml":
        return "feed"
    if bare == "/" or bare.startswith("/section/"):
        return "listing"
    return "other"


def breakdown(records, article_paths: set[str]) -> str:
    kinds = Counter(kind_of(r.path, article_paths) for r in records)
    statuses = Counter(r.status for r in records)
    return ", ".join(f"{k} {v}" for k, v in kinds.most_common()) + " | status " + ", ".join(
        f"{k}: {v}" for k, v in sorted(statuses.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000, help="articles on the sample site")
    parser.add_argument("--page-weight-kb", type=int, default=0)
    args = parser.parse_args()
    print(machine_line())
    print(f"crawl settings: LOCAL_SITE_SETTINGS + {BENCH_CRAWL_SETTINGS}")
    site = SampleSite(seed=7, n_articles=args.n, page_weight_kb=args.page_weight_kb or None)
    articles = {a.path for a in site.articles}
    with serve(site) as server, tempfile.TemporaryDirectory(prefix="incremental-bench-") as tmp:
        db = Path(tmp) / "archive.db"
        first = run_crawl_process(server.base_url, db)
        check_crawl(first)
        first_requests = list(server.requests)
        second = run_crawl_process(server.base_url, db)
        check_crawl(second)
        second_requests = server.requests[len(first_requests):]
    expected = site.expected["article_count"]
    print(f"first crawl: {len(first_requests)} requests in {first.wall_seconds:.1f} s, {first.articles} of "
          f"{expected} expected articles archived: {breakdown(first_requests, articles)}")
    print(f"second crawl: {len(second_requests)} requests in {second.wall_seconds:.1f} s, "
          f"{second.articles} articles archived: {breakdown(second_requests, articles)}")
    print(f"second crawl summary: {second.stdout.strip()}")
    print(ratio_line(len(second_requests) / len(first_requests), TARGET))


if __name__ == "__main__":
    main()
