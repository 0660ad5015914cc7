"""Stage 1: turn a fetched page into an `Article` (or skip it with a logged reason)."""
from __future__ import annotations

import logging
from datetime import datetime

from scrapy.exceptions import DropItem

from crawler.catalog import Site
from crawler.extraction import extract
from crawler.items import CrawledArticle, ExtractionHints, NotAnArticle
from pipelines.session import ArchiveSession

logger = logging.getLogger(__name__)


class ExtractStage:
    def __init__(self, session: ArchiveSession, hints: dict[str, ExtractionHints] | None = None) -> None:
        self.session = session
        self.hints = hints or {}

    @classmethod
    def from_crawler(cls, crawler) -> "ExtractStage":
        stage = cls(ArchiveSession.of(crawler))
        stage.crawler = crawler
        return stage

    def open_spider(self) -> None:
        sites: list[Site] = getattr(self.crawler.spider, "sites", [])
        self.hints = {site.name: site.hints for site in sites}

    def process_item(self, item: CrawledArticle) -> CrawledArticle:
        page = item.page
        if page.status == 304:
            item.decision, item.existing_id = "unchanged", page.known_id
            return item
        if page.status in (404, 410):
            item.decision, item.existing_id = "gone", page.known_id
            return item
        try:
            item.article = extract(
                page.body,
                page.url,
                fetched_at=datetime.fromisoformat(page.fetched_at),
                content_type=page.content_type,
                hints=self.hints.get(page.site),
            )
        except NotAnArticle as reason:
            self.session.tally(page.site, "not_article")
            raise DropItem(f"not an article: {page.url}: {reason}") from None
        return item
