"""What grows per announced URL: the frontier_memory crawl in this process under tracemalloc.

    python benchmarks/frontier_trace.py [--n 40000] [--at 15000 35000] [--frames 8] [--top 15]
    python benchmarks/frontier_trace.py --n 100000 --frames 0 --at 1 10000 50000 99000

Serves the same sitemap index as `frontier_memory.py` (every article disallowed by robots.txt) and
crawls it in-process with an extension that snapshots the Python heap when the scheduler has taken
`--at` A and B requests, and again when it has handed out A and B of them (the robots.txt middleware
then drops them). Prints the top growers between the two snapshots of each phase, grouped by
traceback, in bytes per URL. Pick A beyond FRONTIER_MEMORY_REQUESTS (10,000), or the growth shown is
the memory queue filling. A measurement tool, not a benchmark: tracemalloc slows the crawl a lot.
`--frames 0` runs without tracemalloc and prints, at every `--at` point, what it cannot see: RSS,
glibc's heap, SQLite's own allocations (page caches) and Python's allocated block count.
"""
from __future__ import annotations

import argparse
import ctypes
import gc
import os
import sys
import tempfile
import threading
import traceback
import tracemalloc
from http.server import ThreadingHTTPServer
from pathlib import Path

from common import BENCH_CRAWL_SETTINGS, rss_kb  # also puts the repository on sys.path
from frontier_memory import SitemapServer

# benchmarks/incremental.py would shadow the `incremental` package Twisted imports.
sys.path.remove(str(Path(__file__).resolve().parent))
from scrapy import signals  # noqa: E402
from twisted.internet import task  # noqa: E402

SKIP = (tracemalloc.__file__, "<frozen importlib._bootstrap>", "<frozen importlib._bootstrap_external>")


class TraceGrowth:
    """Snapshots of the heap at two request counts, while requests are enqueued and while they are dequeued."""

    points: tuple[int, ...] = (0, 0)
    frames = 8  # 0: no tracemalloc, C-level figures only
    snapshots: dict[str, dict[int, tuple[tracemalloc.Snapshot | None, int]]] = {"enqueued": {}, "dequeued": {}}

    def __init__(self, stats) -> None:
        self.stats = stats
        self.enqueued = 0
        self.poll = task.LoopingCall(self.check_dequeued)

    @classmethod
    def from_crawler(cls, crawler) -> "TraceGrowth":
        extension = cls(crawler.stats)
        crawler.signals.connect(extension.scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(extension.opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.closed, signal=signals.spider_closed)
        return extension

    def opened(self) -> None:
        if self.frames:
            tracemalloc.start(self.frames)
        self.poll.start(0.2)

    def closed(self) -> None:
        if self.poll.running:
            self.poll.stop()

    def scheduled(self, request, spider) -> None:
        self.enqueued += 1
        try:
            self.take("enqueued", self.enqueued)
        except Exception:  # Scrapy would only log it, in a log file of the temporary directory
            traceback.print_exc()

    def check_dequeued(self) -> None:
        self.take("dequeued", self.stats.get_value("scheduler/dequeued", 0))

    def take(self, phase: str, count: int) -> None:
        taken = self.snapshots[phase]
        for point in self.points:
            if count >= point and point not in taken:
                if not self.frames:  # --frames 0: C-level figures only, at full speed
                    taken[point] = (None, count)
                    print(f"{phase} {count}: {c_memory()}", flush=True)
                    continue
                gc.collect()
                snapshot = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, f) for f in SKIP])
                taken[point] = (snapshot, count)
                print(f"{phase} {count}: traced {tracemalloc.get_traced_memory()[0] / 2**20:,.1f} MiB, "
                      f"RSS {own_rss() / 1024:,.0f} MiB", flush=True)


def c_memory() -> str:
    """RSS, glibc's heap in use and free, SQLite's own allocations, Python's allocated blocks."""
    mallinfo2 = ctypes.CDLL("libc.so.6").mallinfo2
    mallinfo2.restype = MallInfo2
    info = mallinfo2()
    sqlite = ctypes.CDLL("libsqlite3.so.0")
    sqlite.sqlite3_memory_used.restype = ctypes.c_int64
    return (f"RSS {own_rss() / 1024:,.0f} MiB, malloc in use {info.uordblks / 2**20:,.1f} MiB "
            f"+ mmapped {info.hblkhd / 2**20:,.1f} MiB, free in heap {info.fordblks / 2**20:,.1f} MiB, "
            f"sqlite {sqlite.sqlite3_memory_used() / 2**20:,.1f} MiB, python blocks {sys.getallocatedblocks():,}")


class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
                 "keepcost")]


def own_rss() -> int:
    return rss_kb(os.getpid())


def report(phase: str, top: int) -> None:
    taken = TraceGrowth.snapshots[phase]
    if len(taken) < 2:
        print(f"{phase}: fewer than two snapshots ({sorted(taken)})")
        return
    (first, a), (second, b) = (taken[p] for p in TraceGrowth.points[:2])
    urls = max(1, b - a)
    diffs = second.compare_to(first, "traceback")
    total = sum(d.size_diff for d in diffs)
    print(f"\n== {phase}: {a} -> {b} requests: {total / urls:,.0f} bytes per URL traced in all")
    for diff in diffs[:top]:
        print(f"{diff.size_diff / urls:8,.1f} B/URL {diff.count_diff / urls:6.2f} blocks/URL")
        for line in diff.traceback.format(limit=TraceGrowth.frames, most_recent_first=True):
            print("    " + line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40_000)
    parser.add_argument("--at", type=int, nargs="+", default=[15_000, 35_000])
    parser.add_argument("--per-sitemap", type=int, default=10_000)
    parser.add_argument("--frames", type=int, default=8)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    TraceGrowth.points, TraceGrowth.frames = tuple(args.at), args.frames
    SitemapServer.n, SitemapServer.per_sitemap = args.n, args.per_sitemap
    server = ThreadingHTTPServer(("127.0.0.1", 0), SitemapServer)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    from crawler.discovery.sites import resolve_sites
    from crawler.run.runner import LOCAL_SITE_SETTINGS, run_crawl

    sites = resolve_sites(["sample"], base_url=f"http://127.0.0.1:{server.server_port}")
    with tempfile.TemporaryDirectory(prefix="frontier-trace-") as tmp:
        settings = {**LOCAL_SITE_SETTINGS, **BENCH_CRAWL_SETTINGS, "WARC_ENABLED": False, "FRONTIER_DIR": tmp,
                    "EXTENSIONS": {"__main__.TraceGrowth": 0}}
        run_crawl(sites, Path(tmp) / "archive.db", settings=settings)
    server.shutdown()
    if args.frames:
        for phase in ("enqueued", "dequeued"):
            report(phase, args.top)


if __name__ == "__main__":
    main()
