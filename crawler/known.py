"""What a crawl knows of the archive before it starts: which article URLs it already holds, which
pages it found not to be articles, and the URL shapes its articles had (`crawler.shapes`).

Loaded once per run (one indexed query per site), so deciding whether to fetch an
article costs a dict lookup, not a database round trip.
"""
from __future__ import annotations

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


def load_known(
    archive_path: str | None, site_names: list[str], recheck_days: int = 0, min_shape_articles: int = 2
) -> KnownArticles:
    """Read once at the start of a run (the spider's `from_crawler`); empty without an archive."""
    if not archive_path:
        return KnownArticles()
    from archive.store import Archive

    since = None
    if recheck_days > 0:
        since = (datetime.now(timezone.utc) - timedelta(days=recheck_days)).isoformat(timespec="seconds")
    archive = Archive(archive_path)
    try:
        return archive.known_articles(site_names, since, min_shape_articles)
    finally:
        archive.close()
