"""Tests for the middlewares of crawler/fetching/: unit tests on each class, then one real crawl in a subprocess."""

import asyncio
import json
import subprocess
import sys
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.core.downloader import Slot
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.robotstxt import ProtegoRobotParser
from scrapy.statscollectors import MemoryStatsCollector

from crawler.fetching.crawldelay import CrawlDelayMiddleware, apply_delay_floor, robots_crawl_delay
from crawler.fetching.retryafter import RetryAfterMiddleware, parse_retry_after
from crawler.fetching.traps import ONE_ARTICLE_META, TrapGuardMiddleware, is_calendar_url, page_number

REPO = Path(__file__).resolve().parents[2]
UA = "ArabicNewsArchiver/0.1 (+test)"


def robots(body: str) -> ProtegoRobotParser:
    return ProtegoRobotParser(body.encode(), None)


# --- CrawlDelayMiddleware ------------------------------------------------------------------


def test_crawl_delay_read_for_our_agent_and_capped():
    body = "User-agent: ArabicNewsArchiver\nCrawl-delay: 7\n\nUser-agent: *\nCrawl-delay: 1\n"
    assert robots_crawl_delay(robots(body), UA, cap=60) == 7.0
    assert robots_crawl_delay(robots("User-agent: *\nCrawl-delay: 600\n"), UA, cap=60) == 60.0
    assert robots_crawl_delay(robots("User-agent: *\nDisallow: /x\n"), UA, cap=60) is None
    assert robots_crawl_delay(None, UA, cap=60) is None


def test_middleware_remembers_delay_per_host():
    mw = CrawlDelayMiddleware(user_agent=UA, max_crawl_delay=5)
    mw.note_robots(robots("User-agent: *\nCrawl-delay: 9\n"), Request("https://a.example/x"))
    assert mw.delay_for(Request("https://a.example/other")) == 5
    assert mw.delay_for(Request("https://b.example/")) is None


@pytest.mark.parametrize("start_delay", [0.05, 1.0, 4.0])
def test_floor_holds_against_jitter(start_delay):
    slot = Slot(concurrency=2, delay=start_delay, jitter=0.5)
    apply_delay_floor(slot, floor=2.0, jitter=0.5)
    assert slot.delay >= 2.0
    assert min(slot.download_delay() for _ in range(2000)) >= 2.0 - 1e-9


def test_floor_keeps_jitter_when_delay_is_well_above():
    slot = Slot(concurrency=2, delay=8.0, jitter=0.5)
    apply_delay_floor(slot, floor=2.0, jitter=0.5)
    assert slot.delay == 8.0 and slot.jitter == 0.5


# --- RetryAfterMiddleware -----------------------------------------------------------------


def test_parse_retry_after_seconds_and_date():
    assert parse_retry_after(b"2") == 2.0
    now = 1_700_000_000.0
    assert parse_retry_after(formatdate(now + 30, usegmt=True), now=now) == pytest.approx(30, abs=1)
    assert parse_retry_after(formatdate(now - 30, usegmt=True), now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_wait_uses_header_backoff_and_cap():
    mw = RetryAfterMiddleware(max_retry_after=120, backoff=5)
    url = "https://a.example/"
    assert mw.wait_for(Response(url, status=429, headers={"Retry-After": "3"}), 0) == 3
    assert mw.wait_for(Response(url, status=503), 0) == 5
    assert mw.wait_for(Response(url, status=503), 2) == 20
    assert mw.wait_for(Response(url, status=503), 10) == 120
    assert mw.wait_for(Response(url, status=429, headers={"Retry-After": "3600"}), 0) is None


def test_other_statuses_pass_through():
    mw = RetryAfterMiddleware()
    response = Response("https://a.example/", status=500)
    assert mw.process_response(Request("https://a.example/"), response) is response


def test_backed_off_host_holds_its_requests_only():
    mw = RetryAfterMiddleware()
    mw.back_off("a.example", 0.2)
    assert mw.remaining_backoff("a.example") > 0.1
    assert mw.remaining_backoff("b.example") == 0

    async def timed(url: str) -> float:
        start = time.monotonic()
        await mw.process_request(Request(url))
        return time.monotonic() - start

    assert asyncio.run(timed("https://a.example/page")) >= 0.15
    assert mw.remaining_backoff("a.example") == 0


# --- TrapGuardMiddleware ------------------------------------------------------------------


@pytest.mark.parametrize(
    "url,reason",
    [
        ("https://n.example/section/sport/sport/sport/", "repeated_segment"),
        ("https://n.example/" + "/".join(f"s{i}" for i in range(13)), "path_depth"),
        ("https://n.example/news?page=101", "pagination"),
        ("https://n.example/news/page/500/", "pagination"),
        ("https://n.example/a?q=" + "x" * 1000, "url_length"),
    ],
)
def test_traps_dropped_with_reason_and_stat(url, reason):
    stats = MemoryStatsCollector(Crawler(Spider, {}))  # a real collector; no reactor involved
    mw = TrapGuardMiddleware(stats=stats)
    with pytest.raises(IgnoreRequest, match=reason):
        mw.process_request(Request(url))
    assert stats.get_value(f"trap/dropped/{reason}") == 1


@pytest.mark.parametrize(
    "url",
    [
        "https://www.aljazeera.net/politics/2017/10/3/some-slug",
        "https://n.example/news/2024/01/01/قمة-عربية",
        "https://n.example/news?page=3",
        "https://n.example/sport/sport-news/football",
    ],
)
def test_articles_and_normal_listings_pass(url):
    assert TrapGuardMiddleware().trap_reason(Request(url)) is None


def test_calendar_detection():
    assert is_calendar_url("https://n.example/calendar/2024/01")
    assert is_calendar_url("https://n.example/archive/2024/01/05/")
    assert is_calendar_url("https://n.example/%D8%A3%D8%B1%D8%B4%D9%8A%D9%81/2024-01-05")
    assert is_calendar_url("https://n.example/news?date=2024-01-05")
    assert not is_calendar_url("https://n.example/politics/2017/10/3/slug")
    assert not is_calendar_url("https://n.example/archive/")
    assert page_number("https://n.example/x?page=7&p=2") == 7


def test_calendar_chain_dropped_after_max_hops():
    mw = TrapGuardMiddleware(max_calendar_hops=2)
    referer = "https://n.example/"
    for month in (1, 2):
        url = f"https://n.example/calendar/2024/{month:02d}"
        assert mw.trap_reason(Request(url, headers={"Referer": referer})) is None
        referer = url
    third = Request("https://n.example/calendar/2024/03", headers={"Referer": referer})
    assert mw.trap_reason(third) == "calendar"
    fresh = Request("https://n.example/calendar/2024/03", headers={"Referer": "https://n.example/"})
    assert mw.trap_reason(fresh) is None


# --- A real crawl ----------------------------------------------------------------------------

# Half a second spaces the ~10 requests as surely as a whole one (the gaps are checked against it) and
# saves the crawl ~5 s of waiting; Retry-After stays well above it, so the host-wide back-off shows.
CRAWL_DELAY = 0.5
RETRY_AFTER = 2
TRAPS = ["/section/sport/sport/sport/", "/list?page=999", "/calendar/2024/03"]
PAGES = {
    "/": ["/a", "/b", "/politics/2017/10/3/some-slug", "/busy", "/calendar/2024/01", *TRAPS[:2]],
    "/a": ["/b", "/c"],
    "/b": ["/c"],
    "/c": ["/a"],
    "/politics/2017/10/3/some-slug": [],
    "/busy": [],
    "/calendar/2024/01": ["/calendar/2024/02"],
    "/calendar/2024/02": ["/calendar/2024/03"],
    "/calendar/2024/03": [],
}


def make_handler(log: list[tuple[float, str, int]]):
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            now = time.monotonic()
            with lock:
                busy_seen = any(path == "/busy" for _, path, _ in log)
                status = 429 if self.path == "/busy" and not busy_seen else 200
                if self.path not in PAGES and self.path != "/robots.txt":
                    status = 404
                log.append((now, self.path, status))
            if self.path == "/robots.txt":
                body = f"User-agent: *\nCrawl-delay: {CRAWL_DELAY:g}\n".encode()
            else:
                links = "".join(f'<a href="{href}">x</a>' for href in PAGES.get(self.path, []))
                body = f"<html><body>{links}</body></html>".encode()
            self.send_response(status)
            if status == 429:
                self.send_header("Retry-After", str(RETRY_AFTER))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    log: list[tuple[float, str, int]] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(log))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    out = tmp_path_factory.mktemp("crawl") / "out.jsonl"
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        done = subprocess.run(
            [sys.executable, "tests/middleware_spider.py", url, str(out)],
            cwd=REPO, capture_output=True, text=True, timeout=60,
        )
    finally:
        server.shutdown()
        server.server_close()
    assert done.returncode == 0, done.stderr[-3000:]
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    responses = {line["url"].removeprefix(url[:-1]): line["status"] for line in lines[:-1]}
    return log, responses, lines[-1]["stats"]


def test_crawl_keeps_crawl_delay_between_requests(crawl):
    log, _, _ = crawl
    times = sorted(t for t, _, _ in log)
    assert len(times) >= 9
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert min(gaps) >= CRAWL_DELAY - 0.05, gaps


def test_crawl_retries_429_after_retry_after(crawl):
    log, responses, stats = crawl
    busy = [(t, status) for t, path, status in log if path == "/busy"]
    assert [status for _, status in busy] == [429, 200]
    assert busy[1][0] - busy[0][0] >= RETRY_AFTER - 0.05
    # The whole host backs off, not just the retried page.
    after = [t for t, _, _ in log if t > busy[0][0]]
    assert after and min(after) - busy[0][0] >= RETRY_AFTER - 0.05
    assert responses["/busy"] == 200
    assert stats["retry_after/count"] == 1


def test_crawl_never_requests_traps_but_fetches_articles(crawl):
    log, responses, stats = crawl
    requested = {path for _, path, _ in log}
    assert not requested & set(TRAPS)
    assert {"/calendar/2024/02", "/c"} <= requested
    assert responses["/politics/2017/10/3/some-slug"] == 200
    for reason in ("repeated_segment", "pagination", "calendar"):
        assert stats[f"trap/dropped/{reason}"] == 1


def test_page_number_bound_walks_listings_only():
    # `?p=317359` on a request for one announced article is a WordPress post id, not page 317359 of a listing.
    guard = TrapGuardMiddleware()
    assert guard.trap_reason(Request("https://n.example/?p=317359")) == "pagination"
    assert guard.trap_reason(Request("https://n.example/?p=317359", meta={ONE_ARTICLE_META: True})) is None
    repeated = "https://n.example/a/a/a/a/?p=317359"
    assert guard.trap_reason(Request(repeated, meta={ONE_ARTICLE_META: True})) == "repeated_segment"


def test_requests_that_waited_together_for_robots_txt_are_all_checked(tmp_path):
    # Scrapy 2.19 hands the parser to the first waiting request only; SharedRobotsTxtMiddleware checks the rest.
    requested: list[str] = []

    class SlowRobots(BaseHTTPRequestHandler):
        def do_GET(self):
            requested.append(self.path)
            if self.path == "/robots.txt":
                time.sleep(0.5)  # every start request arrives while robots.txt is in flight
                body = b"User-agent: *\nDisallow: /private/\n"
            else:
                body = b"<html><body>ok</body></html>"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), SlowRobots)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    starts = ",".join(f"{base}{path}" for path in ("/", "/private/a", "/private/b", "/private/c", "/open"))
    try:
        done = subprocess.run([sys.executable, "tests/middleware_spider.py", starts, str(tmp_path / "out.jsonl")],
                              cwd=REPO, capture_output=True, text=True, timeout=60)
    finally:
        server.shutdown()
        server.server_close()
    assert done.returncode == 0, done.stderr[-3000:]
    assert "/open" in requested and "/" in requested
    assert not [path for path in requested if path.startswith("/private/")], requested
