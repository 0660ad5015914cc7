"""Cluster scaling: pages/s and CPU ms/page for 1, 2 and 4 nodes next to the single-machine crawl,
Redis commands per page, and the writer's articles/s from a full stream.

    python benchmarks/cluster_scaling.py [--n 1000] [--page-weight-kb 100] [--nodes 1,2,4] [--writer-n 2000]

One sample site (N articles of ~100 kB) is served from this process. The single-machine crawl is
`python -m crawler crawl` (CPU of its process tree from RUSAGE_CHILDREN, minus the start-up CPU of a
crawl that finds nothing, so both sides count crawling only). Each cluster run starts a private
redis-server, `cluster writer` and N `cluster node --workers 1` processes, waits until every node
heartbeats, then runs `cluster seed` and measures from the seed to the run's end: wall time, CPU of
every part (writer, nodes, their extraction workers, redis-server, the seed) from /proc, and Redis
commands from INFO commandstats. The writer figure feeds one writer, in this process, a stream filled
beforehand with N extracted articles. ratio = 1-node cluster CPU/page / single-machine CPU/page,
target <= 1.15; the writer target is >= 500 articles/s.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import (
    BENCH_CRAWL_SETTINGS,
    ROOT,
    check_crawl,
    children_cpu_seconds,
    machine_line,
    memoize_responses,
    process_tree,
    ratio_line,
    run_crawl_process,
)

# benchmarks/incremental.py would shadow Twisted's `incremental` package, which Scrapy needs in this process.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from crawler.discovery.catalog import get_site
from crawler.cluster import wire
from crawler.cluster.keys import Keys
from crawler.cluster.redis_server import LocalRedis, connect
from crawler.cluster.seed import seed
from crawler.cluster.state import RunState
from crawler.cluster.writer import ClusterWriter
from crawler.items import CrawledArticle, FetchedPage
from crawler.run.runner import LOCAL_SITE_SETTINGS
from crawler.sample_site import SampleSite, serve
from crawler.sample_site.site import Request
from pipelines.extract import process_page

TARGET = 1.15
WRITER_TARGET = 500
TICKS = os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes and their live descendants, from /proc/PID/stat."""
    total = 0
    for root in pids:
        for pid in process_tree(root):
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()
            total += int(fields[11]) + int(fields[12])
    return total / TICKS


def command_calls(client) -> int:
    return sum(stats["calls"] for name, stats in client.info("commandstats").items() if name != "cmdstat_info")


def startup_cpu() -> float:
    """CPU of a crawl that starts, finds a refused connection and stops: Python, Scrapy and imports."""
    with tempfile.TemporaryDirectory() as tmp:
        before = children_cpu_seconds()
        subprocess.run([sys.executable, "-m", "crawler", "crawl", "--url", "http://127.0.0.1:9/", "--db",
                        str(Path(tmp) / "a.db")], cwd=ROOT, capture_output=True, check=False)
        return children_cpu_seconds() - before


def single_machine(base_url: str) -> tuple[float, float, int]:
    """(pages/s, CPU ms/page, pages) of the single-machine crawl."""
    with tempfile.TemporaryDirectory() as tmp:
        measure = run_crawl_process(base_url, Path(tmp) / "archive.db")
        check_crawl(measure)
    pages, seconds = measure.counts["requests"], measure.counts["seconds"]
    work = measure.cpu_seconds - startup_cpu()  # the nodes are measured after their start-up too
    if work <= 0:  # a crawl too small to tell its work from start-up (the workers start with the spider)
        work = measure.cpu_seconds
    return pages / seconds, work * 1000 / pages, pages


def cluster(base_url: str, nodes: int) -> tuple[float, float, int, float]:
    """(pages/s, CPU ms/page, pages, Redis commands/page) of one cluster run with `nodes` nodes."""
    settings = [arg for name, value in {**LOCAL_SITE_SETTINGS, **BENCH_CRAWL_SETTINGS}.items()
                for arg in ("-s", f"{name}={value}")]
    with tempfile.TemporaryDirectory() as tmp, LocalRedis(Path(tmp) / "redis") as redis_server:
        url, keys = redis_server.url, Keys()
        client = connect(url)
        base = [sys.executable, "-m", "crawler", "cluster"]
        parts = [subprocess.Popen([*base, "writer", "--db", str(Path(tmp) / "archive.db"), "--redis", url], cwd=ROOT)]
        parts += [subprocess.Popen([*base, "node", "--redis", url, "--workers", "1", *settings], cwd=ROOT)
                  for _ in range(nodes)]
        try:
            while len([n for n in client.smembers(keys.nodes) if client.exists(keys.alive(n.decode()))]) < nodes \
                    or not client.exists(keys.writer):
                time.sleep(0.2)
            watched = [redis_server.process.pid, *(p.pid for p in parts)]
            cpu_before, calls_before, own_before = tree_cpu_seconds(watched), command_calls(client), time.process_time()
            result = seed([get_site("sample").with_base_url(base_url)], url)
            cpu = tree_cpu_seconds(watched) - cpu_before + time.process_time() - own_before
            calls = command_calls(client) - calls_before
        finally:
            for part in parts:
                part.send_signal(signal.SIGTERM)
            for part in parts:
                part.wait(timeout=120)
    pages, seconds = result.counts["requests"], result.counts["seconds"]
    return pages / seconds, cpu * 1000 / pages, pages, calls / pages


def writer_throughput(n: int, page_weight_kb: int) -> tuple[float, float]:
    """(articles/s, articles per CPU-second) of one writer consuming a stream that already holds `n` extracted
    articles (the CPU figure is the writer's own, which the machine's load does not change)."""
    site = SampleSite(seed=11, n_articles=n, page_weight_kb=page_weight_kb)
    base_url = "http://127.0.0.1:8000"
    memoize_responses(site)
    sample = get_site("sample").with_base_url(base_url)
    with tempfile.TemporaryDirectory() as tmp, LocalRedis(Path(tmp) / "redis") as redis_server:
        client, keys = connect(redis_server.url), Keys()
        for article in site.articles:
            response = site.respond(Request("GET", article.path, {}), base_url, 1)
            page = FetchedPage(url=base_url + article.path, site="sample", status=200, body=response.body,
                               content_type=response.headers["Content-Type"], fetched_at="2026-12-01T00:00:00+00:00")
            result = process_page(page, sample.hints, True)
            item = CrawledArticle(page=page, warc_records=result.warc_records)
            if result.extracted is not None:
                extracted = result.extracted
                item.article, item.content_hash = extracted.article, extracted.content_hash
                item.signature, item.search_text = extracted.signature, extracted.search_text
            page.body = b""
            # As a node's StreamStage sends it: JSON on the wire (a pickle is set aside unread, never archived).
            client.xadd(keys.stream, {**wire.stream_fields(item), "node": "bench", "run": 1})
        client.hset(keys.run, mapping=RunState(None, "opening", [sample], started=time.time()).to_redis())
        writer = ClusterWriter(client, keys, Path(tmp) / "archive.db")
        writer.take_lease(wait=1)
        writer.open()
        writer.open_requested_run()
        started, cpu_started = time.perf_counter(), time.process_time()
        while client.xlen(keys.stream):
            writer.consume(">")
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        archived = writer.session.archive.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        writer.close()
    if archived != n:  # a figure for entries set aside rather than written would mean nothing
        raise SystemExit(f"the writer archived {archived} of {n} articles: see {keys.failed} in its log")
    return n / seconds, n / cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="articles on the sample site")
    parser.add_argument("--page-weight-kb", type=int, default=100)
    parser.add_argument("--nodes", default="1,2,4", help="comma-separated node counts")
    parser.add_argument("--writer-n", type=int, default=2000, help="articles in the stream for the writer figure")
    args = parser.parse_args()
    print(machine_line())
    site = SampleSite(seed=7, n_articles=args.n, page_weight_kb=args.page_weight_kb)
    memoize_responses(site)
    with serve(site) as server:
        rate, cpu, pages = single_machine(server.base_url)
        print(f"single machine: {pages} pages, {rate:.1f} pages/s, {cpu:.1f} CPU-ms/page")
        figures = {}
        for nodes in [int(n) for n in args.nodes.split(",") if n]:
            figures[nodes] = cluster(server.base_url, nodes)
            c_rate, c_cpu, c_pages, calls = figures[nodes]
            print(f"cluster, {nodes} node(s): {c_pages} pages, {c_rate:.1f} pages/s ({c_rate / rate:.2f}x single), "
                  f"{c_cpu:.1f} CPU-ms/page, {calls:.1f} Redis commands/page")
    writer_rate, writer_cpu_rate = writer_throughput(args.writer_n, args.page_weight_kb)
    print(f"writer from a full stream: {args.writer_n} articles, {writer_rate:.0f} articles/s, "
          f"{writer_cpu_rate:.0f} articles per CPU-second of the writer (target >= {WRITER_TARGET}/s)")
    if not figures:
        return
    one = figures.get(1) or next(iter(figures.values()))
    print(ratio_line(one[1] / cpu, TARGET))


if __name__ == "__main__":
    main()
