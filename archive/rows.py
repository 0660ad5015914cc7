"""The rows the store reads and writes: an article's state for the crawl's decisions, a page's
provenance, and the `articles` columns built from an extracted article."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from crawler.extraction import Article


@dataclass
class ArticleState:
    """What a crawl needs to know about an archived article to decide whether to fetch or store it again."""

    id: int
    canonical_url: str
    site: str
    content_hash: str
    version: int
    fetched_at: str
    lastmod: str | None
    etag: str | None
    last_modified: str | None
    cluster_id: int | None


STATE_COLUMNS = "id, canonical_url, site, content_hash, version, fetched_at, lastmod, etag, last_modified, cluster_id"
# The article's own row first (rank 0), else the article an alias points at.
STATE_BY_URL = (
    f"SELECT 0 AS rank, {STATE_COLUMNS} FROM articles WHERE canonical_url = ? UNION ALL "
    f"SELECT 1, {', '.join('a.' + c.strip() for c in STATE_COLUMNS.split(','))} "
    "FROM aliases JOIN articles a ON a.id = aliases.article_id WHERE aliases.url = ? ORDER BY rank LIMIT 1"
)


@dataclass
class FetchInfo:
    """How and when a page was fetched: provenance stored beside the extracted article."""

    site: str
    run_id: int | None
    fetched_at: str
    lastmod: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    warc_file: str | None = None
    warc_offset: int | None = None


def metadata_columns(article: Article) -> dict[str, Any]:
    """The columns of `articles` that come from the extracted article besides its text."""
    return {
        "authors": json.dumps(article.authors, ensure_ascii=False),
        "published": article.published,
        "updated": article.updated,
        "date_source": article.date_source,
        "date_precision": article.date_precision,
        "date_zone_source": article.date_zone_source,
        "body_source": article.body_source,
        "section": article.section,
        "tags": json.dumps(article.tags, ensure_ascii=False),
        "images": json.dumps(article.images, ensure_ascii=False),
        "language": article.language,
        "extractor": article.extractor,
    }


def article_row(article: Article, content_hash: str, fetch: FetchInfo) -> dict[str, Any]:
    """The columns of an `articles` row written for a fetched page (text, provenance, metadata)."""
    return {
        "url": article.url,
        "title": article.title,
        "lead": article.lead,
        "body": article.body,
        "content_hash": content_hash,
        "fetched_at": fetch.fetched_at,
        "run_id": fetch.run_id,
        "lastmod": fetch.lastmod,
        "etag": fetch.etag,
        "last_modified": fetch.last_modified,
        "warc_file": fetch.warc_file,
        "warc_offset": fetch.warc_offset,
        **metadata_columns(article),
    }
