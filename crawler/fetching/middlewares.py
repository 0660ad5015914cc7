"""Downloader middlewares: politeness (robots.txt Crawl-delay, Retry-After) and crawler traps.

Each class takes plain values in its constructor; `from_crawler` is the only
place that reads settings. Enable them with `POLITE_DOWNLOADER_MIDDLEWARES`
below (merge it into DOWNLOADER_MIDDLEWARES) and take 429 and 503 out of
RETRY_HTTP_CODES, so Scrapy's RetryMiddleware leaves those two codes to
RetryAfterMiddleware.

Settings (defaults in brackets):
  POLITE_MAX_CRAWL_DELAY [60]      cap, in seconds, on a robots.txt Crawl-delay we obey
  POLITE_MAX_RETRY_AFTER [120]     longest Retry-After we wait for; beyond it we give up on the request
  POLITE_RETRY_AFTER_TIMES [3]     retries of one request answered 429/503
  POLITE_RETRY_BACKOFF [5]         first wait, in seconds, when 429/503 has no Retry-After;
                                   doubles each retry, capped at POLITE_MAX_RETRY_AFTER
  POLITE_RETRY_AFTER_CODES [429, 503]
  TRAP_MAX_URL_LENGTH [1000]       characters of the (percent-encoded) URL
  TRAP_MAX_PATH_DEPTH [12]         path segments
  TRAP_MAX_SEGMENT_REPEATS [2]     times one segment may appear in a path (/sport/sport/sport is 3)
  TRAP_MAX_PAGE [100]              highest page number, from ?page=N or /page/N/
  TRAP_MAX_CALENDAR_HOPS [5]       calendar pages reached from calendar pages in a row
  TRAP_PAGE_PARAMS, TRAP_DATE_PARAMS, TRAP_CALENDAR_WORDS  override the word lists below
"""

from __future__ import annotations

import logging
import re
import time
import tomllib
from collections import Counter, OrderedDict
from collections.abc import Iterable
from datetime import timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

from scrapy import Request, signals
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.utils.asyncio import sleep
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

if TYPE_CHECKING:
    from typing import Self

    from scrapy.core.downloader import Slot
    from scrapy.crawler import Crawler
    from scrapy.robotstxt import RobotParser
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

# Priorities: TrapGuard before RobotsTxtMiddleware (100) so a trap URL costs no
# robots.txt fetch; CrawlDelay after it, when the host's parser is known;
# RetryAfter beside RetryMiddleware (550).
POLITE_DOWNLOADER_MIDDLEWARES: dict[str, int | None] = {
    # The URL policy (scheme, length, the site's hosts) first: a refused URL costs nothing, redirects included.
    "crawler.discovery.urlpolicy.UrlPolicyMiddleware": 50,
    "crawler.fetching.middlewares.TrapGuardMiddleware": 60,
    # Scrapy's own lets through requests that waited for robots.txt beside the first (see the class).
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.fetching.middlewares.SharedRobotsTxtMiddleware": 100,
    "crawler.fetching.middlewares.CrawlDelayMiddleware": 110,
    "crawler.fetching.middlewares.RetryAfterMiddleware": 560,
}

_TRAP_WORDS = tomllib.loads((Path(__file__).parent.with_name("data") / "traps.toml").read_text(encoding="utf-8"))
PAGE_PARAMS = frozenset(_TRAP_WORDS["page_params"])
# Request meta set by the spider on a request for one article page (never followed as a listing walk).
ONE_ARTICLE_META = "one_article"
DATE_PARAMS = frozenset(_TRAP_WORDS["date_params"])
# Path words that make date segments after them a calendar/archive listing, not an article.
CALENDAR_WORDS = frozenset(_TRAP_WORDS["calendar_words"])

# A year, optionally with month and day: 2024, 2024-01, 20240105, 2024_1_5.
_DATE_SEGMENT = re.compile(r"^(?:19|20)\d\d(?:[-_.]?\d{1,2}){0,2}$")


def _slot_for(crawler: Crawler | None, request: Request) -> tuple[str, Slot | None]:
    """The download slot key of *request* and its slot, if the downloader has one yet."""
    downloader = crawler.engine.downloader  # type: ignore[union-attr]
    key = downloader.get_slot_key(request)
    return key, downloader.slots.get(key)


# --- Crawl-delay ---------------------------------------------------------------------------


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
        key, slot = _slot_for(self.crawler, request)
        self.slot_delays[key] = floor
        if slot is not None:
            apply_delay_floor(slot, floor, self.jitter)
            return
        per_slot = self.crawler.engine.downloader.per_slot_settings.setdefault(key, {})
        per_slot["delay"] = max(float(per_slot.get("delay", 0.0)), floor)
        per_slot["jitter"] = 0.0


# --- Retry-After ---------------------------------------------------------------------------


def parse_retry_after(value: str | bytes | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or HTTP-date); None if unusable."""
    if not value:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else value).strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class RetryAfterMiddleware:
    """Retry 429/503 after the wait the server asks for, backing off the whole host.

    The wait is Retry-After when given (beyond max_retry_after we give up on
    the request, log it, and still back the host off for max_retry_after), else
    backoff * 2**retries, capped. The host is backed off, not just the request:
    requests to it wait in process_request (a non-blocking sleep), and requests
    already queued in its download slot are held by moving the slot's
    `lastseen` to the end of the wait (this part needs a non-zero slot delay,
    which AutoThrottle or DOWNLOAD_DELAY give). Held requests count against
    CONCURRENT_REQUESTS, as Scrapy's own delayed slot queues do.
    """

    def __init__(
        self,
        max_retry_after: float = 120.0,
        max_retries: int = 3,
        backoff: float = 5.0,
        codes: Iterable[int] = (429, 503),
        stats: StatsCollector | None = None,
    ) -> None:
        self.max_retry_after = max_retry_after
        self.max_retries = max_retries
        self.backoff = backoff
        self.codes = frozenset(codes)
        self.stats = stats
        self.crawler: Crawler | None = None
        self.blocked_until: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        mw = cls(
            max_retry_after=settings.getfloat("POLITE_MAX_RETRY_AFTER", 120.0),
            max_retries=settings.getint("POLITE_RETRY_AFTER_TIMES", 3),
            backoff=settings.getfloat("POLITE_RETRY_BACKOFF", 5.0),
            codes=[int(c) for c in settings.getlist("POLITE_RETRY_AFTER_CODES", [429, 503])],
            stats=crawler.stats,
        )
        mw.crawler = crawler
        return mw

    def wait_for(self, response: Response, retry_times: int) -> float | None:
        """Seconds to wait before retrying; None when the server asks for more than we accept."""
        asked = parse_retry_after(response.headers.get(b"Retry-After"))
        if asked is None:
            return min(self.backoff * 2**retry_times, self.max_retry_after)
        return asked if asked <= self.max_retry_after else None

    def back_off(self, host: str, seconds: float) -> None:
        self.blocked_until[host] = max(self.blocked_until.get(host, 0.0), time.monotonic() + seconds)

    def remaining_backoff(self, host: str) -> float:
        return max(0.0, self.blocked_until.get(host, 0.0) - time.monotonic())

    async def process_request(self, request: Request) -> None:
        host = urlparse_cached(request).hostname or ""
        while (wait := self.remaining_backoff(host)) > 0:
            await sleep(wait)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if response.status not in self.codes or request.meta.get("dont_retry"):
            return response
        wait = self.wait_for(response, request.meta.get("retry_times", 0))
        self._back_off_host(request, self.max_retry_after if wait is None else wait)
        if wait is None:
            self._inc("retry_after/too_long")
            logger.warning(
                "Giving up %s: Retry-After %s exceeds POLITE_MAX_RETRY_AFTER=%ss",
                request, response.headers.get(b"Retry-After"), self.max_retry_after,
            )
            return response
        assert self.crawler is not None and self.crawler.spider is not None
        logger.debug("Host of %s backs off %.1fs after %s", request, wait, response.status)
        retry = get_retry_request(
            request,
            spider=self.crawler.spider,
            reason=str(response.status),
            max_retry_times=self.max_retries,
            stats_base_key="retry_after",
        )
        return retry or response

    def _back_off_host(self, request: Request, seconds: float) -> None:
        self.back_off(urlparse_cached(request).hostname or "", seconds)
        if self.crawler is None:
            return
        _, slot = _slot_for(self.crawler, request)
        if slot is not None:
            slot.lastseen = max(slot.lastseen, time.monotonic() + seconds)

    def _inc(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)


# --- Crawler traps -------------------------------------------------------------------------


def _segments(path: str) -> list[str]:
    return [unquote(s).lower() for s in path.split("/") if s]


def page_number(url: str, page_params: Iterable[str] = PAGE_PARAMS) -> int:
    """Highest page number in ?page=N style parameters or a /page/N/ path; 0 if none."""
    parts = urlsplit(url)
    names = frozenset(page_params)
    numbers = [int(v) for k, v in parse_qsl(parts.query) if k.lower() in names and v.isdigit()]
    segments = _segments(parts.path)
    numbers += [int(n) for word, n in zip(segments, segments[1:]) if word == "page" and n.isdigit()]
    return max(numbers, default=0)


def is_calendar_url(
    url: str,
    calendar_words: Iterable[str] = CALENDAR_WORDS,
    date_params: Iterable[str] = DATE_PARAMS,
) -> bool:
    """A calendar/archive listing: a calendar word followed by date segments, or a date query parameter.

    A date path alone (/politics/2017/10/3/slug) is an article, not a calendar.
    """
    parts = urlsplit(url)
    words, params = frozenset(calendar_words), frozenset(date_params)
    if any(k.lower() in params and any(c.isdigit() for c in v) for k, v in parse_qsl(parts.query)):
        return True
    segments = _segments(parts.path)
    return any(
        seg in words and any(_DATE_SEGMENT.match(after) for after in segments[i + 1 :])
        for i, seg in enumerate(segments)
    )


class TrapGuardMiddleware:
    """Drop requests that look like crawler traps, with a logged reason and a `trap/dropped/<reason>` stat.

    Calendar hops are counted along the Referer chain (set by Scrapy's
    RefererMiddleware): a calendar page linked from a calendar page is one hop
    further; the hop counts of recent calendar URLs are kept in a bounded map.
    """

    def __init__(
        self,
        max_url_length: int = 1000,
        max_path_depth: int = 12,
        max_segment_repeats: int = 2,
        max_page: int = 100,
        max_calendar_hops: int = 5,
        page_params: Iterable[str] = PAGE_PARAMS,
        date_params: Iterable[str] = DATE_PARAMS,
        calendar_words: Iterable[str] = CALENDAR_WORDS,
        stats: StatsCollector | None = None,
        remembered_calendar_urls: int = 100_000,
    ) -> None:
        self.max_url_length = max_url_length
        self.max_path_depth = max_path_depth
        self.max_segment_repeats = max_segment_repeats
        self.max_page = max_page
        self.max_calendar_hops = max_calendar_hops
        self.page_params = frozenset(p.lower() for p in page_params)
        self.date_params = frozenset(p.lower() for p in date_params)
        self.calendar_words = frozenset(w.lower() for w in calendar_words)
        self.stats = stats
        self.remembered = remembered_calendar_urls
        self.calendar_hops: OrderedDict[str, int] = OrderedDict()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        s = crawler.settings
        lists: dict[str, Any] = {
            arg: s.getlist(name) for arg, name in [
                ("page_params", "TRAP_PAGE_PARAMS"),
                ("date_params", "TRAP_DATE_PARAMS"),
                ("calendar_words", "TRAP_CALENDAR_WORDS"),
            ] if s.get(name)
        }
        return cls(
            max_url_length=s.getint("TRAP_MAX_URL_LENGTH", 1000),
            max_path_depth=s.getint("TRAP_MAX_PATH_DEPTH", 12),
            max_segment_repeats=s.getint("TRAP_MAX_SEGMENT_REPEATS", 2),
            max_page=s.getint("TRAP_MAX_PAGE", 100),
            max_calendar_hops=s.getint("TRAP_MAX_CALENDAR_HOPS", 5),
            stats=crawler.stats,
            **lists,
        )

    def process_request(self, request: Request) -> None:
        reason = self.trap_reason(request)
        if reason is None:
            return
        if self.stats is not None:
            self.stats.inc_value(f"trap/dropped/{reason}")
        logger.info("Dropped crawler trap (%s): %s", reason, request.url)
        raise IgnoreRequest(f"crawler trap: {reason}")

    def trap_reason(self, request: Request) -> str | None:
        """Why *request* looks like a trap, or None. Records calendar hops of requests it lets through."""
        url = request.url
        if len(url) > self.max_url_length:
            return "url_length"
        segments = _segments(urlsplit(url).path)
        if len(segments) > self.max_path_depth:
            return "path_depth"
        if max(Counter(segments).values(), default=0) > self.max_segment_repeats:
            return "repeated_segment"
        # A page number only walks listings: on a single announced article, `?p=317359` is a WordPress post id.
        if not request.meta.get(ONE_ARTICLE_META) and page_number(url, self.page_params) > self.max_page:
            return "pagination"
        if not is_calendar_url(url, self.calendar_words, self.date_params):
            return None
        hops = self._hops_from(request) + 1
        if hops > self.max_calendar_hops:
            return "calendar"
        self._remember(url, hops)
        return None

    def _hops_from(self, request: Request) -> int:
        referer = request.headers.get(b"Referer")
        return self.calendar_hops.get(referer.decode("latin-1"), 0) if referer else 0

    def _remember(self, url: str, hops: int) -> None:
        self.calendar_hops[url] = hops
        self.calendar_hops.move_to_end(url)
        while len(self.calendar_hops) > self.remembered:
            self.calendar_hops.popitem(last=False)


# --- robots.txt, for many requests waiting on one host's parser ----------------------------


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's RobotsTxtMiddleware, with every request that waited for a host's robots.txt checked.

    Requests that arrive while robots.txt is being fetched all await one Deferred through
    `asFuture`, which consumes its result: the first gets the parser, the others get None and
    are let through (a cluster node that takes discovered URLs off the frontier before its own
    robots.txt is in hits this every time). Once the fetch is over the parser is in `_parsers`.
    """

    async def robot_parser(self, request: Request) -> RobotParser | None:
        parser = await super().robot_parser(request)
        if parser is None:
            settled = self._parsers.get(urlparse_cached(request).netloc)
            if settled is not None and not isinstance(settled, Deferred):
                return settled
        return parser
