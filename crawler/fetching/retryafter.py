"""Retry-After honoured on 429/503, for the whole host.

Take 429 and 503 out of RETRY_HTTP_CODES, so Scrapy's RetryMiddleware leaves those two codes to
RetryAfterMiddleware.

Settings (defaults in brackets):
  POLITE_MAX_RETRY_AFTER [120]     longest Retry-After we wait for; beyond it we give up on the request
  POLITE_RETRY_AFTER_TIMES [3]     retries of one request answered 429/503
  POLITE_RETRY_BACKOFF [5]         first wait, in seconds, when 429/503 has no Retry-After;
                                   doubles each retry, capped at POLITE_MAX_RETRY_AFTER
  POLITE_RETRY_AFTER_CODES [429, 503]
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from datetime import timezone
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from scrapy import Request
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.http import Response
from scrapy.utils.asyncio import sleep
from scrapy.utils.httpobj import urlparse_cached

from crawler.fetching.slots import slot_for

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


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
        _, slot = slot_for(self.crawler, request)
        if slot is not None:
            slot.lastseen = max(slot.lastseen, time.monotonic() + seconds)

    def _inc(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)
