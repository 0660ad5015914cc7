"""robots.txt Crawl-delay as a floor of the host's download slot (Scrapy parses it but ignores it).

Settings (defaults in brackets):
  POLITE_MAX_CRAWL_DELAY [60]      cap, in seconds, on a robots.txt Crawl-delay we obey
  DOWNLOAD_DELAY_JITTER [0.5]      Scrapy's own; narrowed so no gap falls under the floor
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy import Request, signals
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached

from crawler.fetching.slots import slot_for

if TYPE_CHECKING:
    from typing import Self

    from scrapy.core.downloader import Slot
    from scrapy.crawler import Crawler
    from scrapy.robotstxt import RobotParser

logger = logging.getLogger(__name__)


def robots_crawl_delay(parser: RobotParser | None, user_agent: str, cap: float) -> float | None:
    """robots.txt Crawl-delay for *user_agent*, at most *cap*; None when absent or not positive."""
    if parser is None:
        return None
    delay = parser.crawl_delay(user_agent)
    if not delay or delay <= 0:
        return None
    return min(float(delay), cap)


def apply_delay_floor(slot: Slot, floor: float, jitter: float) -> None:
    """Make every gap the slot may choose at least *floor* seconds.

    The slot waits `delay * (1 ± jitter)` between requests, so raising `delay`
    alone is not enough: the jitter is narrowed until `delay * (1 - jitter)`
    equals the floor, keeping what randomness AutoThrottle's larger delays allow.
    """
    slot.delay = max(slot.delay, floor)
    slot.jitter = max(0.0, min(jitter, 1.0 - floor / slot.delay))


class CrawlDelayMiddleware:
    """Keep the gap between two requests to a host at least its robots.txt Crawl-delay.

    Scrapy parses robots.txt but ignores Crawl-delay. RobotsTxtMiddleware sends
    `robots_parsed` with each host's parser; we read the delay there and make it
    a floor of the host's download slot, the thing that actually spaces requests:
    new slots are created with it (the DOWNLOAD_SLOTS mechanism), existing ones
    are raised in process_request before the request joins the slot queue, and
    after every response, once AutoThrottle (an extension, so connected to
    `response_downloaded` before us and called first) has moved slot.delay
    towards its own minimum, we raise it back before the downloader picks the
    next request. Needs ROBOTSTXT_OBEY=True.
    """

    def __init__(self, user_agent: str, max_crawl_delay: float = 60.0, jitter: float = 0.5) -> None:
        self.user_agent = user_agent
        self.max_crawl_delay = max_crawl_delay
        self.jitter = jitter
        self.crawler: Crawler | None = None
        self.host_delays: dict[str, float] = {}
        self.slot_delays: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("ROBOTSTXT_OBEY"):
            raise NotConfigured("Crawl-delay comes from robots.txt, which is only read with ROBOTSTXT_OBEY")
        mw = cls(
            user_agent=settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT"),
            max_crawl_delay=settings.getfloat("POLITE_MAX_CRAWL_DELAY", 60.0),
            jitter=settings.getfloat("DOWNLOAD_DELAY_JITTER", 0.5),
        )
        mw.crawler = crawler
        crawler.signals.connect(mw.robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(mw.response_downloaded, signal=signals.response_downloaded)
        return mw

    def note_robots(self, parser: RobotParser | None, request: Request) -> float | None:
        """Remember the Crawl-delay *parser* gives for the host of *request*."""
        delay = robots_crawl_delay(parser, self.user_agent, self.max_crawl_delay)
        host = urlparse_cached(request).hostname or ""
        if delay is not None:
            self.host_delays[host] = delay
            logger.info("Crawl-delay %.2fs for %s", delay, host)
        return delay

    def delay_for(self, request: Request) -> float | None:
        return self.host_delays.get(urlparse_cached(request).hostname or "")

    def robots_parsed(self, robotparser: RobotParser, request: Request) -> None:
        if self.note_robots(robotparser, request) is not None:
            self._floor_slot(request)

    def process_request(self, request: Request) -> None:
        if self.delay_for(request) is not None:
            self._floor_slot(request)

    def response_downloaded(self, response: Response, request: Request) -> None:
        key = request.meta.get("download_slot")
        floor = self.slot_delays.get(key) if key is not None else None
        slot = self.crawler.engine.downloader.slots.get(key) if floor else None  # type: ignore[union-attr]
        if slot is not None:
            apply_delay_floor(slot, floor, self.jitter)  # type: ignore[arg-type]

    def _floor_slot(self, request: Request) -> None:
        floor = self.delay_for(request)
        if floor is None or self.crawler is None:
            return
        key, slot = slot_for(self.crawler, request)
        self.slot_delays[key] = floor
        if slot is not None:
            apply_delay_floor(slot, floor, self.jitter)
            return
        per_slot = self.crawler.engine.downloader.per_slot_settings.setdefault(key, {})
        per_slot["delay"] = max(float(per_slot.get("delay", 0.0)), floor)
        per_slot["jitter"] = 0.0
