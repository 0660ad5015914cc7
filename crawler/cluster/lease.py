"""Politeness for the cluster as a whole: one per-host lease in Redis (SET NX PX).

Each node spaces its own requests to a host (download slots, AutoThrottle, Crawl-delay,
Retry-After), but N nodes would hit the host N times harder. Right before a request is
sent, `LeasedHTTPDownloadHandler` takes the host's lease, a key that exists for the host's
delay: only one node can take it per delay, so requests to a host leave at least that far
apart cluster-wide. (A downloader middleware would take it too early: the request then
still waits in the node's download slot, and two requests could leave closer together.)
The delay is the largest of DOWNLOAD_DELAY and the host's robots.txt Crawl-delay, which
`HostLeaseMiddleware` shares in Redis whichever node read it; a 429/503 Retry-After
stretches the current lease, so every node waits it out.

Settings: CLUSTER_REDIS_URL, CLUSTER_PREFIX, CLUSTER_NODE_ID, DOWNLOAD_DELAY,
POLITE_MAX_CRAWL_DELAY, POLITE_MAX_RETRY_AFTER.
"""
from __future__ import annotations

import logging

import redis
from scrapy import Request, signals
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.http import Response
from scrapy.utils.asyncio import sleep
from scrapy.utils.httpobj import urlparse_cached

from crawler.cluster.keys import Keys
from crawler.cluster.redis_server import connect
from crawler.fetching.crawldelay import robots_crawl_delay
from crawler.fetching.retryafter import parse_retry_after

logger = logging.getLogger(__name__)

# KEYS: lease. ARGV: owner, milliseconds. Lengthens the lease, never shortens it.
STRETCH = """
local left = redis.call('PTTL', KEYS[1])
if left < tonumber(ARGV[2]) then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return left
"""


def shared_delay(raw: bytes | None, cap: float) -> float:
    """A Crawl-delay another node shared, in seconds; 0 for garbage, at most `cap` (no entry stalls a host)."""
    try:
        seconds = float(raw) if raw else 0.0
    except ValueError:
        logger.warning("ignoring a shared host delay that is not a number: %r", raw[:40])
        return 0.0
    return min(seconds, cap) if seconds > 0 else 0.0  # NaN compares False: 0


class HostLease:
    """The per-host lease and the per-host delays, as every node sees them."""

    def __init__(self, client: redis.Redis, keys: Keys, owner: str, delay: float, max_shared: float = 60.0) -> None:
        self.client = client
        self.keys = keys
        self.owner = owner
        self.delay = delay
        self.max_shared = max_shared  # POLITE_MAX_CRAWL_DELAY: the cap a node applies to what it read itself
        self.stretch_script = client.register_script(STRETCH)

    @classmethod
    def from_settings(cls, settings) -> HostLease:
        return cls(connect(settings.get("CLUSTER_REDIS_URL"), check=False), Keys(settings.get("CLUSTER_PREFIX")),
                   settings.get("CLUSTER_NODE_ID") or "node", settings.getfloat("DOWNLOAD_DELAY"),
                   settings.getfloat("POLITE_MAX_CRAWL_DELAY", 60.0))

    def delay_for(self, host: str) -> float:
        return max(self.delay, shared_delay(self.client.hget(self.keys.host_delays, host), self.max_shared))

    async def acquire(self, host: str) -> None:
        """Wait until this node holds the host's lease (for the host's delay)."""
        delay_ms = int(self.delay_for(host) * 1000)
        if delay_ms <= 0:
            return
        key = self.keys.lease(host)
        while not self.client.set(key, self.owner, nx=True, px=delay_ms):
            await sleep(max(self.client.pttl(key), 5) / 1000)

    def stretch(self, host: str, seconds: float) -> None:
        self.stretch_script(keys=[self.keys.lease(host)], args=[self.owner, int(seconds * 1000)])

    def share_crawl_delay(self, host: str, seconds: float) -> None:
        self.client.hset(self.keys.host_delays, host, seconds)


class LeasedHTTPDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP handler, sending a request only while holding its host's lease."""

    def __init__(self, crawler) -> None:
        super().__init__(crawler)
        self.lease = HostLease.from_settings(crawler.settings)

    async def download_request(self, request: Request) -> Response:
        await self.lease.acquire(urlparse_cached(request).hostname or "")
        return await super().download_request(request)


class HostLeaseMiddleware:
    """Shares what one node learns about a host's pace: robots.txt Crawl-delay, Retry-After."""

    def __init__(self, lease: HostLease, user_agent: str, max_crawl_delay: float = 60.0,
                 max_retry_after: float = 120.0) -> None:
        self.lease = lease
        self.user_agent = user_agent
        self.max_crawl_delay = max_crawl_delay
        self.max_retry_after = max_retry_after

    @classmethod
    def from_crawler(cls, crawler) -> HostLeaseMiddleware:
        s = crawler.settings
        mw = cls(HostLease.from_settings(s), s.get("ROBOTSTXT_USER_AGENT") or s.get("USER_AGENT"),
                 s.getfloat("POLITE_MAX_CRAWL_DELAY", 60.0), s.getfloat("POLITE_MAX_RETRY_AFTER", 120.0))
        crawler.signals.connect(mw.robots_parsed, signal=signals.robots_parsed)
        return mw

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status in (429, 503):
            wait = parse_retry_after(response.headers.get(b"Retry-After"))
            if wait is not None:
                self.lease.stretch(urlparse_cached(request).hostname or "", min(wait, self.max_retry_after))
        return response

    def robots_parsed(self, robotparser, request: Request) -> None:
        delay = robots_crawl_delay(robotparser, self.user_agent, self.max_crawl_delay)
        if delay is not None:
            self.lease.share_crawl_delay(urlparse_cached(request).hostname or "", delay)
