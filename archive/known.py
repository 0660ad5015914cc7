"""What the archive knows of itself, as a crawl reads it before it starts: which article URLs it already
holds, which pages it found not to be articles, and the URL shapes its articles had (`crawler.discovery.shapes`).
`archive.recall.load_known` fills these from an archive file.

The small parts (re-checks, non-articles, shapes) are loaded once per run. The archived URLs
are not: an archive of millions of articles would hold ~0.5 kB of RAM per URL for the whole run
(measured: 476 bytes per entry), so a crawl asks the archive (two indexed lookups at most) as of
the run's start (`ArchiveKnownArticles`): an article archived by this very run is not "known",
as with a snapshot, and the run's own bookkeeping deduplicates it.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone


def parse_iso(value: str | None) -> datetime | None:
    """An ISO 8601 date as an aware datetime (naive means UTC); None when empty or unreadable."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def recheck_since(days: int) -> str | None:
    """The first-seen time from which archived articles are fetched again (`--recheck-days`); None for 0."""
    if days <= 0:
        return None
    return (datetime.now(timezone.utc) - timedelta(days=days)).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)  # one per archived URL of the crawled sites: no __dict__ each
class KnownArticle:
    id: int
    fetched_at: str
    lastmod: str | None = None
    etag: str | None = None
    last_modified: str | None = None

    def changed_since(self, announced: datetime | None) -> bool:
        """True when a sitemap/feed date is newer than our copy (no date announced means no news)."""
        if announced is None:
            return False
        ours = parse_iso(self.lastmod) or parse_iso(self.fetched_at)
        return ours is None or announced > ours

    def conditional_headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass
class KnownArticles:
    by_site: dict[str, dict[str, KnownArticle]] = field(default_factory=dict)
    recheck: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # site -> [(url, canonical_url)]
    not_articles: dict[str, set[str]] = field(default_factory=dict)  # site -> canonical URLs found not to be articles
    shapes: dict[str, set[str]] = field(default_factory=dict)  # site -> learned article URL shapes

    def is_not_article(self, site: str, canonical_url: str) -> bool:
        return canonical_url in self.not_articles.get(site, ())

    def has_shape(self, site: str, shape: str) -> bool:
        return shape in self.shapes.get(site, ())

    def get(self, site: str, canonical_url: str) -> KnownArticle | None:
        return self.by_site.get(site, {}).get(canonical_url)

    def add(self, site: str, url: str, article: KnownArticle) -> None:
        self.by_site.setdefault(site, {})[url] = article

    def __len__(self) -> int:
        return sum(len(urls) for urls in self.by_site.values())

    def close(self) -> None:
        """Release what the lookups hold (nothing, in memory)."""


KNOWN_BY_URL = (
    "SELECT id, fetched_at, lastmod, etag, last_modified FROM articles "
    "WHERE canonical_url = ? AND site = ? AND id <= ?"
)
KNOWN_BY_ALIAS = (
    "SELECT a.id, a.fetched_at, a.lastmod, a.etag, a.last_modified FROM aliases al "
    "JOIN articles a ON a.id = al.article_id WHERE al.url = ? AND a.site = ? AND al.rowid <= ? AND a.id <= ?"
)


class ArchiveKnownArticles(KnownArticles):
    """The archived URLs of a run's sites, looked up in the archive (read-only) as they were at the run's
    start: articles and aliases are only ever added, so an id (rowid) bound is that snapshot."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        super().__init__()
        self.conn = conn
        self.max_article_id = conn.execute("SELECT COALESCE(MAX(id), 0) FROM articles").fetchone()[0]
        self.max_alias_rowid = conn.execute("SELECT COALESCE(MAX(rowid), 0) FROM aliases").fetchone()[0]

    def get(self, site: str, canonical_url: str) -> KnownArticle | None:
        row = self.conn.execute(KNOWN_BY_URL, (canonical_url, site, self.max_article_id)).fetchone()
        if row is None:
            row = self.conn.execute(
                KNOWN_BY_ALIAS, (canonical_url, site, self.max_alias_rowid, self.max_article_id)).fetchone()
        return KnownArticle(*row) if row else None

    def add(self, site: str, url: str, article: KnownArticle) -> None:
        raise TypeError("the archive is the record of known articles: write to it, not to this view")

    def __len__(self) -> int:
        """URLs known as of the run's start, over every site (a count, for logs and tests)."""
        articles = self.conn.execute("SELECT COUNT(*) FROM articles WHERE id <= ?", (self.max_article_id,))
        aliases = self.conn.execute("SELECT COUNT(*) FROM aliases WHERE rowid <= ?", (self.max_alias_rowid,))
        return articles.fetchone()[0] + aliases.fetchone()[0]

    def __bool__(self) -> bool:
        return True  # a view of the archive, even an empty one

    def close(self) -> None:
        self.conn.close()
