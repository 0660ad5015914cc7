"""The download slot a request goes through: what CrawlDelayMiddleware and RetryAfterMiddleware both adjust."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.core.downloader import Slot
    from scrapy.crawler import Crawler


def slot_for(crawler: Crawler | None, request: Request) -> tuple[str, Slot | None]:
    """The download slot key of *request* and its slot, if the downloader has one yet."""
    downloader = crawler.engine.downloader  # type: ignore[union-attr]
    key = downloader.get_slot_key(request)
    return key, downloader.slots.get(key)

