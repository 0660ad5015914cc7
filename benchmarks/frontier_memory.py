"""Frontier memory: peak RSS of a crawl discovering a sitemap index of N article URLs, and its growth per URL.

    python benchmarks/frontier_memory.py [--n 1000000] [--small 50000] [--per-sitemap 10000] [--in-memory]

A local server on 127.0.0.1 serves robots.txt, a sitemap index and N/per-sitemap sitemaps of
article URLs with a lastmod each. robots.txt disallows the article paths, so no article is
downloaded: every URL is discovered, canonicalised, checked against the archive, recorded in the
run's bookkeeping and scheduled as a request (through the scheduler's queues), and is then dropped by
Scrapy's robots.txt middleware when dequeued. The crawl (`python -m crawler crawl sample --base-url`,
empty archive) runs twice, at `--small` and at N URLs; its own RSS (extraction workers apart) is
sampled every 0.2 s. ratio = (peak at N - peak at small) / (N - small) in bytes per extra URL,
target 200; the peak at N should stay under 500 MB. `--in-memory` keeps Scrapy's pending requests
in memory queues (FRONTIER_ON_DISK=False) for comparison.

The crawl's fixed buffers fill during its first ~10,000 URLs: the FRONTIER_MEMORY_REQUESTS (10,000)
requests kept in memory queues (~2 kB each) and the run bookkeeping's 8 MB SQLite page cache; after
that RSS stays flat (`benchmarks/frontier_trace.py --frames 0` shows it). With `--small` at or under
that, the ratio counts those buffers filling, not growth per URL: keep `--small` well above it.
"""
from __future__ import annotations

import argparse
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from common import check_crawl, machine_line, ratio_line, rss_kb, run_crawl_process, tree_rss_kb

TARGET = 200.0
PEAK_LIMIT_MB = 500


class SitemapServer(BaseHTTPRequestHandler):
    n = 0
    per_sitemap = 50_000

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        base = f"http://{self.headers['Host']}"
        if self.path == "/robots.txt":
            self.reply(f"User-agent: *\nDisallow: /news/\nSitemap: {base}/sitemap.xml\n", "text/plain")
        elif self.path == "/sitemap.xml":
            count = -(-self.n // self.per_sitemap)
            entries = "".join(f"<sitemap><loc>{base}/sitemaps/{i}.xml</loc></sitemap>" for i in range(count))
            self.reply(f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                       f"{entries}</sitemapindex>", "application/xml")
        elif self.path.startswith("/sitemaps/"):
            index = int(self.path.rsplit("/", 1)[1].split(".")[0])
            first, last = index * self.per_sitemap, min(self.n, (index + 1) * self.per_sitemap)
            entries = "".join(
                f"<url><loc>{base}/news/2026/{k % 12 + 1}/{k % 28 + 1}/story-{k}</loc>"
                f"<lastmod>2026-{k % 12 + 1:02d}-{k % 28 + 1:02d}T10:00:00+03:00</lastmod></url>"
                for k in range(first, last))
            self.reply(f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                       f"{entries}</urlset>", "application/xml")
        else:
            self.send_error(404)

    def reply(self, text: str, content_type: str) -> None:
        body = text.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


class Sampler:
    """Peak RSS of a process (alone, and with its children) while it runs."""

    def __init__(self) -> None:
        self.peak_own = self.peak_tree = 0

    def __call__(self, pid: int) -> None:
        while rss_kb(pid):
            own, tree, _ = tree_rss_kb(pid)
            self.peak_own, self.peak_tree = max(self.peak_own, own), max(self.peak_tree, tree)
            time.sleep(0.2)


def discover(n: int, per_sitemap: int, in_memory: bool, tmp: Path) -> tuple[Sampler, float, dict]:
    SitemapServer.n, SitemapServer.per_sitemap = n, per_sitemap
    server = ThreadingHTTPServer(("127.0.0.1", 0), SitemapServer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sampler = Sampler()
    settings = {"FRONTIER_ON_DISK": str(not in_memory), "WARC_ENABLED": "False", "FRONTIER_DIR": str(tmp)}
    try:
        measure = run_crawl_process(f"http://127.0.0.1:{server.server_port}", tmp / f"frontier-{n}.db", settings,
                                    on_start=sampler)
    finally:
        server.shutdown()
    check_crawl(measure)
    return sampler, measure.wall_seconds, measure.counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=50_000)
    parser.add_argument("--per-sitemap", type=int, default=10_000, 
                        help="the same at both sizes, so only the number of URLs differs (a bigger sitemap is "
                             "a bigger transient parse tree)")
    parser.add_argument("--in-memory", action="store_true", help="pending requests in memory queues")
    args = parser.parse_args()
    print(machine_line())
    peaks = {}
    with tempfile.TemporaryDirectory(prefix="frontier-bench-") as tmp:
        for n in (args.small, args.n):
            sampler, wall, counts = discover(n, args.per_sitemap, args.in_memory, Path(tmp))
            peaks[n] = sampler.peak_own * 1024
            print(f"n={n}: {wall:.0f} s, {counts.get('requests', '?')} requests; peak RSS crawl process "
                  f"{sampler.peak_own / 1024:,.0f} MiB, with its extraction workers {sampler.peak_tree / 1024:,.0f} MiB")
    per_url = (peaks[args.n] - peaks[args.small]) / (args.n - args.small)
    print(f"growth: {per_url:,.0f} bytes per extra URL; peak at {args.n}: {peaks[args.n] / 2**20:,.0f} MiB "
          f"(limit {PEAK_LIMIT_MB} MB)")
    print(ratio_line(per_url, TARGET))


if __name__ == "__main__":
    main()
