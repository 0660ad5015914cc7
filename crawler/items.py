"""Plain data shapes shared by extraction, pipelines and the archive.

Nothing here imports Scrapy: an `Article` is built by `crawler.extraction.extract`
in a worker process, in offline re-extraction, or in a test, and Scrapy items
simply carry these objects between pipeline stages.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Caption:
    """One article image with its caption, as a reader sees it."""

    text: str
    credit: str | None = None
    image_url: str | None = None
    alt: str | None = None


@dataclass
class Source:
    """An attribution such as `الجزيرة` or `رويترز`, with a canonical agency name."""

    name: str
    canonical: str | None = None


@dataclass
class ExtractionHints:
    """Per-site extraction rules from the site catalog, used only where the generic extractor needs them.

    Every selector is an XPath expression evaluated on the parsed page.
    """

    body_xpath: str | None = None
    remove_xpaths: list[str] = field(default_factory=list)
    caption_xpath: str | None = None
    author_xpath: str | None = None
    date_xpath: str | None = None
    title_suffixes: list[str] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> "ExtractionHints":
        data = dict(data or {})
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"unknown extraction hint(s): {sorted(unknown)}")
        return cls(**data)


@dataclass
class Article:
    """A structured news article: what extraction returns and the archive stores."""

    url: str
    canonical_url: str | None = None
    title: str | None = None
    lead: str | None = None
    body: str = ""
    captions: list[Caption] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    published: str | None = None  # ISO 8601 with timezone
    updated: str | None = None
    date_source: str | None = None  # json-ld, meta, time-tag, url, text, htmldate
    date_precision: str | None = None  # day, month, year
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    language: str | None = None
    extractor: str | None = None  # "name version settings-hash", for provenance

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Article":
        data = dict(data)
        data["captions"] = [Caption(**c) for c in data.get("captions") or []]
        data["sources"] = [Source(**s) for s in data.get("sources") or []]
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in known})


class NotAnArticle(ValueError):
    """Raised by `extract` when a page holds no article (empty, binary, a listing page...).

    The message is the reason, logged by the pipeline when it skips the page.
    """


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
