"""Politeness for the cluster as a whole: one per-host lease in Redis (SET NX PX).

Each node spaces its own requests to a host (download slots, AutoThrottle, Crawl-delay,
Retry-After), but N nodes would hit the host N times harder. Before a request leaves a
node, `HostLeaseMiddleware` takes the host's lease, a key that exists for the host's delay:
only one node can take it per delay, so requests to a host start at least that far apart
cluster-wide. The delay is the largest of DOWNLOAD_DELAY and the host's robots.txt
Crawl-delay (shared in Redis, whichever node read it); a 429/503 Retry-After stretches the
current lease, so every node waits it out.

Settings: CLUSTER_REDIS_URL, CLUSTER_PREFIX, DOWNLOAD_DELAY, POLITE_MAX_CRAWL_DELAY,
POLITE_MAX_RETRY_AFTER.
"""
from __future__ import annotations

import logging
import os
import socket

import redis
from scrapy import Request, signals
from scrapy.http import Response
from scrapy.utils.asyncio import sleep
from scrapy.utils.httpobj import urlparse_cached

from crawler.cluster.keys import Keys
from crawler.cluster.redis_server import connect
from crawler.middlewares import parse_retry_after, robots_crawl_delay

logger = logging.getLogger(__name__)

# KEYS: lease. ARGV: owner, milliseconds. Lengthens the lease, never shortens it.
STRETCH = """
local left = redis.call('PTTL', KEYS[1])
if left < tonumber(ARGV[2]) then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return left
"""


class HostLeaseMiddleware:
    def __init__(
        self, client: redis.Redis, keys: Keys, *, delay: float, user_agent: str, max_crawl_delay: float = 60.0,
        max_retry_after: float = 120.0, owner: str | None = None,
    ) -> None:
        self.client = client
        self.keys = keys
        self.delay = delay
        self.user_agent = user_agent
        self.max_crawl_delay = max_crawl_delay
        self.max_retry_after = max_retry_after
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}"
        self.stretch = client.register_script(STRETCH)

    @classmethod
    def from_crawler(cls, crawler) -> "HostLeaseMiddleware":
        s = crawler.settings
        mw = cls(
            connect(s.get("CLUSTER_REDIS_URL"), check=False), Keys(s.get("CLUSTER_PREFIX")),
            delay=s.getfloat("DOWNLOAD_DELAY"), user_agent=s.get("ROBOTSTXT_USER_AGENT") or s.get("USER_AGENT"),
            max_crawl_delay=s.getfloat("POLITE_MAX_CRAWL_DELAY", 60.0),
            max_retry_after=s.getfloat("POLITE_MAX_RETRY_AFTER", 120.0), owner=s.get("CLUSTER_NODE_ID"),
        )
        crawler.signals.connect(mw.robots_parsed, signal=signals.robots_parsed)
        return mw

    def host_delay(self, host: str) -> float:
        shared = self.client.hget(self.keys.host_delays, host)
        return max(self.delay, float(shared) if shared else 0.0)

    async def process_request(self, request: Request) -> None:
        host = urlparse_cached(request).hostname or ""
        delay_ms = int(self.host_delay(host) * 1000)
        if delay_ms <= 0:
            return
        key = self.keys.lease(host)
        while not self.client.set(key, self.owner, nx=True, px=delay_ms):
            left = self.client.pttl(key)
            await sleep(max(left, 5) / 1000)

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status in (429, 503):
            wait = parse_retry_after(response.headers.get(b"Retry-After"))
            if wait is not None:
                host = urlparse_cached(request).hostname or ""
                ms = int(min(wait, self.max_retry_after) * 1000)
                self.stretch(keys=[self.keys.lease(host)], args=[self.owner, ms])
        return response

    def robots_parsed(self, robotparser, request: Request) -> None:
        delay = robots_crawl_delay(robotparser, self.user_agent, self.max_crawl_delay)
        if delay is not None:
            self.client.hset(self.keys.host_delays, urlparse_cached(request).hostname or "", delay)
