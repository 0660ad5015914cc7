"""Stage 1: turn a fetched page into an `Article` (or skip it with a logged reason).

Extraction is CPU-bound (lxml + trafilatura, ~10-20 ms a page): run inline it
stalls the reactor and every download with it, and threads do not help because
of the GIL. So by default it runs in a pool of worker processes, one per
available core; `EXTRACTION_WORKERS = 1` runs it inline. Backpressure comes
from Scrapy itself: a response stays in the scraper's active size until its
item leaves this stage, and `SCRAPER_SLOT_MAX_ACTIVE_SIZE` stops new downloads
when too much is in flight.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from archive.fts import SearchText, search_text
from archive.warc import page_records
from crawler.discovery.catalog import Site
from crawler.extraction import Article, ExtractionHints, NotAnArticle, extract
from crawler.extraction.pool import available_cores, extraction_pool
from crawler.text.identity import content_hash
from crawler.items import CrawledArticle, FetchedPage
from crawler.text.neardup import NearDupIndex
from pipelines.session import ArchiveSession

logger = logging.getLogger(__name__)


@dataclass
class Extracted:
    """What a worker sends back: the article and the keys dedup needs, computed off the reactor thread."""

    article: Article
    content_hash: str
    signature: bytes
    search_text: SearchText


@dataclass
class WorkerResult:
    extracted: Extracted | None  # None: not an article, see `reason`
    reason: str | None = None
    warc_records: bytes | None = None  # the page's gzipped WARC records, when WARC writing is on
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds per step (StepClock), for the crawl's stats


class StepClock:
    """CPU seconds of the calling thread per named step: `thread_time`, so an inline extraction is not
    charged the writer thread's work, and a worker reports what its page cost it, step by step."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.thread_time()

    def lap(self, step: str) -> None:
        now = time.thread_time()
        self.seconds[step] = self.seconds.get(step, 0.0) + now - self._last
        self._last = now


@lru_cache(maxsize=1)
def signer() -> NearDupIndex:
    """Per process: signatures depend only on the MinHash parameters, not on an index's contents."""
    return NearDupIndex()


def extract_page(page: FetchedPage, hints: ExtractionHints | None) -> Extracted | str:
    """The article with its keys, or the reason it is not one (exceptions do not cross processes well)."""
    article = extract_article(page, hints)
    return article if isinstance(article, str) else article_keys(article)


def extract_article(page: FetchedPage, hints: ExtractionHints | None) -> Article | str:
    try:
        return extract(
            page.body,
            page.url,
            fetched_at=datetime.fromisoformat(page.fetched_at),
            content_type=page.content_type,
            hints=hints,
        )
    except NotAnArticle as reason:
        return str(reason) or "not an article"


def article_keys(article: Article) -> Extracted:
    """What dedup and the index need besides the article: content hash, MinHash signature, index text."""
    return Extracted(
        article,
        content_hash(article.title, article.body),
        signer().signature(article.body),
        search_text(article.title, article.lead, article.body, [c.text for c in article.captions]),
    )


def process_page(page: FetchedPage, hints: ExtractionHints | None, with_warc: bool) -> WorkerResult:
    """All per-page CPU work that needs no archive state: extraction, its keys and WARC serialisation,
    each step's CPU time reported with the result."""
    clock = StepClock()
    article = extract_article(page, hints)
    clock.lap("extract")
    extracted = None if isinstance(article, str) else article_keys(article)
    clock.lap("keys")
    records = page_records(page) if with_warc else None
    clock.lap("warc")
    reason = article if extracted is None else None
    return WorkerResult(extracted, reason, records, clock.seconds)


def warm_up() -> None:
    """Sent once per worker at the start of a crawl so the workers spawn and import the extractor and
    datasketch (~1 s each) while the spider still reads robots.txt and sitemaps, not at the first article."""
    signer().signature("")


class ExtractStage:
    def __init__(
        self, session: ArchiveSession, workers: int = 1, hints: dict[str, ExtractionHints] | None = None,
        with_warc: bool = False,
    ) -> None:
        self.session = session
        self.workers = max(1, workers)
        self.with_warc = with_warc
        self.hints = hints or {}
        self.pool: ProcessPoolExecutor | None = None
        self.cpu: Counter = Counter()  # CPU seconds per worker step, summed over the run's pages
        self.cpu_pages = 0
        self.stats = None  # the crawler's stats collector, where the step totals go at the end

    @classmethod
    def from_crawler(cls, crawler) -> "ExtractStage":
        workers = crawler.settings.getint("EXTRACTION_WORKERS", 0) or available_cores()
        stage = cls(ArchiveSession.of(crawler), workers, with_warc=crawler.settings.getbool("WARC_ENABLED", True))
        stage.crawler = crawler
        stage.stats = crawler.stats
        return stage

    def open_spider(self) -> None:
        sites: list[Site] = getattr(self.crawler.spider, "sites", [])
        self.hints = {site.name: site.hints for site in sites}
        if self.workers > 1:
            self.pool = extraction_pool(self.workers)
            for _ in range(self.workers):  # a worker is spawned per submit while none is idle
                self.pool.submit(warm_up)

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
        if self.stats is not None:  # where the extraction CPU went (benchmarks/crawl_cpu.py reads these)
            for step, seconds in self.cpu.items():
                self.stats.set_value(f"cpu_ms/worker/{step}", round(seconds * 1e3, 1))
            self.stats.set_value("cpu_ms/worker/pages", self.cpu_pages)

    async def process_item(self, item: CrawledArticle) -> CrawledArticle:
        page = item.page
        if page.status == 304:
            item.decision, item.existing_id = "unchanged", page.known_id
            return item
        if page.status in (404, 410):
            item.decision, item.existing_id = "gone", page.known_id
            return item
        if 300 <= page.status < 400:
            item.decision, item.existing_id = "redirected", page.known_id
            return item
        hints = self.hints.get(page.site)
        if self.pool is None:
            result = process_page(page, hints, self.with_warc)
        else:
            result = await asyncio.wrap_future(self.pool.submit(process_page, page, hints, self.with_warc))
        self.cpu.update(result.cpu)
        self.cpu_pages += 1
        item.warc_records = result.warc_records
        if result.warc_records is not None:
            page.body = b""  # the records carry the raw page: the 100 kB body need not wait in the item
        if result.extracted is None:
            # Not dropped here: the WARC stage still keeps the raw page; the archive stage drops it.
            item.decision, item.skip_reason = "not_article", result.reason
            return item
        extracted = result.extracted
        item.article, item.content_hash, item.signature = extracted.article, extracted.content_hash, extracted.signature
        item.search_text = extracted.search_text
        return item
