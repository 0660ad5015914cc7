"""Our crawl against the naive crawler (benchmarks/naive_crawler.py) on the same sample site, same run.

    python benchmarks/crawl_vs_naive.py [--n 1000] [--page-weight-kb 100] [--runs 2]

The sample site (N articles, ~100 kB pages, every page rendered once beforehand) is served from this
process on 127.0.0.1. Each crawler runs `--runs` times, alternating, as a child process into a fresh
database, both with 16 requests in flight and no throttling; pages/s = articles stored / wall time of
the child, start-up included; the best run of each counts. Ours also keeps WARC records, captions,
sources, near-duplicate signatures and the search index; the naive one stores trafilatura's text.
ratio = our pages/s / naive pages/s, target 1.5.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, check_crawl, machine_line, memoize_responses, ratio_line, run_crawl_process

from crawler.sample_site import SampleSite, serve

TARGET = 1.5
NAIVE = Path(__file__).resolve().parent / "naive_crawler.py"


def run_naive(base_url: str, db: Path) -> tuple[int, float]:
    """(articles stored, wall seconds) of one naive crawl."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, str(NAIVE), base_url, str(db)], cwd=ROOT, capture_output=True,
                            text=True, timeout=3600)
    wall = time.perf_counter() - started
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"naive crawler exited with {result.returncode}")
    return int(result.stdout.split("naive:")[1].split()[0]), wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--page-weight-kb", type=int, default=100)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    print(machine_line())
    site = SampleSite(seed=7, n_articles=args.n, page_weight_kb=args.page_weight_kb)
    memoize_responses(site)
    ours, naive = [], []
    with serve(site) as server, tempfile.TemporaryDirectory(prefix="naive-bench-") as tmp:
        for run in range(args.runs):
            stored, wall = run_naive(server.base_url, Path(tmp) / f"naive-{run}.db")
            naive.append(stored / wall)
            print(f"naive run {run + 1}: {stored} articles in {wall:.1f} s = {naive[-1]:.1f} pages/s")
            crawl = run_crawl_process(server.base_url, Path(tmp) / f"ours-{run}.db")
            check_crawl(crawl)
            ours.append(crawl.articles / crawl.wall_seconds)
            print(f"our run {run + 1}: {crawl.articles} articles in {crawl.wall_seconds:.1f} s = {ours[-1]:.1f} "
                  f"pages/s (CPU {crawl.cpu_seconds:.1f} s)")
    print(f"best: ours {max(ours):.1f} pages/s, naive {max(naive):.1f} pages/s")
    print(ratio_line(max(ours) / max(naive), TARGET))


if __name__ == "__main__":
    main()
