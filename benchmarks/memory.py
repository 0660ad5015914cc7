"""Peak RSS of a long crawl, and whether it keeps growing after warm-up.

    python benchmarks/memory.py [--n 100000] [--page-weight-kb 100] [--interval 1.0]

Crawls an N-article sample site (pages padded to ~100 kB; served from this process, rendered on
request, not cached) with `python -m crawler crawl` in a child process, and samples VmRSS from
/proc of the crawl process and of its descendants (the extraction workers) every `--interval` s.
The tree figure is the sum of the processes' RSS (shared pages counted once per process).

"After warm-up" is the first sample taken once the server has answered 20% of the run's
requests; "end" is the last sample before the extraction workers exit (the end of the crawl).
ratio = tree RSS at end / tree RSS after warm-up, target <= 1.10; the peak should stay under 1 GB.
A 100k-page crawl takes about N / (crawl pages/s) seconds: measure crawl_throughput first.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from common import BENCH_CRAWL_SETTINGS, check_crawl, machine_line, ratio_line, run_crawl_process, tree_rss_kb

from crawler.sample_site import SampleSite, serve

TARGET = 1.10
WARM_UP_SHARE = 0.2
ONE_GB_KB = 1024 * 1024


@dataclass
class Sample:
    seconds: float
    requests: int  # answered by the server so far
    crawl_kb: int  # the crawl process alone
    tree_kb: int  # crawl process + extraction workers
    processes: int  # in the tree


class Sampler:
    def __init__(self, server, interval: float) -> None:
        self.server, self.interval = server, interval
        self.samples: list[Sample] = []

    def __call__(self, pid: int) -> None:
        started = time.perf_counter()
        while True:
            own, tree, processes = tree_rss_kb(pid)
            if own == 0:  # the crawl process has exited
                return
            self.samples.append(Sample(time.perf_counter() - started, len(self.server.requests), own, tree, processes))
            time.sleep(self.interval)


def mib(kb: int) -> str:
    return f"{kb / 1024:,.0f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="articles on the sample site")
    parser.add_argument("--page-weight-kb", type=int, default=100)
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between RSS samples")
    args = parser.parse_args()
    print(machine_line())
    print(f"crawl settings: LOCAL_SITE_SETTINGS + {BENCH_CRAWL_SETTINGS}")
    site = SampleSite(seed=7, n_articles=args.n, page_weight_kb=args.page_weight_kb)
    with serve(site) as server, tempfile.TemporaryDirectory(prefix="memory-bench-") as tmp:
        sampler = Sampler(server, args.interval)
        crawl = run_crawl_process(server.base_url, Path(tmp) / "archive.db", on_start=sampler)
        check_crawl(crawl)
        total_requests = len(server.requests)
    samples = [s for s in sampler.samples if s.tree_kb]
    warm = next(s for s in samples if s.requests >= WARM_UP_SHARE * total_requests)
    # The last sample with all of warm-up's processes alive: once the pool has shut down the tree shrinks.
    end = [s for s in samples if s.processes >= warm.processes][-1]
    print(f"crawl: {crawl.articles} articles, {total_requests} requests in {crawl.wall_seconds:.0f} s "
          f"({crawl.articles / crawl.wall_seconds:.1f} pages/s), {len(samples)} RSS samples")
    step = max(1, len(samples) // 10)
    for s in samples[::step] + [end]:
        print(f"  t={s.seconds:7.1f} s  requests={s.requests:7d}  crawl {mib(s.crawl_kb):>9}  tree {mib(s.tree_kb):>9}")
    peak_tree = max(s.tree_kb for s in samples)
    peak_crawl = max(s.crawl_kb for s in samples)
    print(f"after warm-up ({warm.requests} requests): tree {mib(warm.tree_kb)}; end: tree {mib(end.tree_kb)}; "
          f"peak: tree {mib(peak_tree)} (crawl process alone {mib(peak_crawl)}), target < 1 GB: "
          f"{'met' if peak_tree < ONE_GB_KB else 'MISSED'}")
    print(f"crawl process alone: end / after warm-up = {end.crawl_kb / warm.crawl_kb:.2f}")
    print(ratio_line(end.tree_kb / warm.tree_kb, TARGET))


if __name__ == "__main__":
    main()
