"""Crawler traps: URLs too long or too deep, repeated segments, endless pagination, calendar walks.

Settings (defaults in brackets):
  TRAP_MAX_URL_LENGTH [1000]       characters of the (percent-encoded) URL
  TRAP_MAX_PATH_DEPTH [12]         path segments
  TRAP_MAX_SEGMENT_REPEATS [2]     times one segment may appear in a path (/sport/sport/sport is 3)
  TRAP_MAX_PAGE [100]              highest page number, from ?page=N or /page/N/
  TRAP_MAX_CALENDAR_HOPS [5]       calendar pages reached from calendar pages in a row
  TRAP_PAGE_PARAMS, TRAP_DATE_PARAMS, TRAP_CALENDAR_WORDS  override the word lists of crawler/data/traps.toml
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections import Counter, OrderedDict
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

from scrapy import Request
from scrapy.exceptions import IgnoreRequest

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

_TRAP_WORDS = tomllib.loads((Path(__file__).parent.with_name("data") / "traps.toml").read_text(encoding="utf-8"))
PAGE_PARAMS = frozenset(_TRAP_WORDS["page_params"])
# Request meta set by the spider on a request for one article page (never followed as a listing walk).
ONE_ARTICLE_META = "one_article"
DATE_PARAMS = frozenset(_TRAP_WORDS["date_params"])
# Path words that make date segments after them a calendar/archive listing, not an article.
CALENDAR_WORDS = frozenset(_TRAP_WORDS["calendar_words"])

# A year, optionally with month and day: 2024, 2024-01, 20240105, 2024_1_5.
_DATE_SEGMENT = re.compile(r"^(?:19|20)\d\d(?:[-_.]?\d{1,2}){0,2}$")


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
