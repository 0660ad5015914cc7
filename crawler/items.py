"""What the crawl runtime carries between the spider and the pipeline stages.

Nothing here imports Scrapy: Scrapy items simply carry these objects. The article itself is
`crawler.extraction.Article`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crawler.extraction.article import Article


@dataclass
class FetchedPage:
    """An article page as the spider fetched it: the raw material of extraction and of the WARC."""

    url: str  # final URL, after redirects
    site: str
    status: int
    body: bytes
    content_type: str | None
    fetched_at: str  # ISO 8601, UTC
    lastmod: str | None = None  # from the sitemap / feed entry that led here
    etag: str | None = None
    last_modified: str | None = None
    redirect_urls: list[str] = field(default_factory=list)  # URLs that redirected to `url`
    known_id: int | None = None  # archive id when this was a re-check of an archived article
    sitemap: str | None = None  # the sitemap file that announced the page, whose trust its verdict settles
    request_headers: dict[str, str] = field(default_factory=dict)
    response_headers: dict[str, str] = field(default_factory=dict)


@dataclass
class CrawledArticle:
    """The Scrapy item that flows through the pipeline stages: extract → dedup → archive."""

    page: FetchedPage
    article: Article | None = None
    canonical_url: str | None = None
    content_hash: str | None = None
    signature: bytes | None = None
    decision: str | None = None  # new, version, unchanged, alias, gone, redirected, not_article
    skip_reason: str | None = None  # why a page is not an article
    existing_id: int | None = None
    near_duplicate_of: int | None = None
    cluster_id: int | None = None
    aliases: list[tuple[str, str]] = field(default_factory=list)  # (canonicalised other URL, kind)
    search_text: Any = None  # archive.fts.SearchText, computed by the extraction worker
    warc_records: bytes | None = None  # the page's WARC records, serialised by the extraction worker
    warc_ref: Any = None  # archive.warc.WarcRef of the raw response, when WARC writing is on
