"""The archive's per-site discovery memory: learned article URL shapes and pages found not to be articles.

Mixed into `archive.store.Archive` (same connection, same write batches). Read back by
`Archive.known_articles` into `archive.known.KnownArticles`, so the spider of the next run calls
a link of a learned shape an article and does not fetch a remembered not-article as one.
"""
from __future__ import annotations

import sqlite3

from archive.known import KnownArticles


class DiscoveryMemory:
    conn: sqlite3.Connection

    def _write(self) -> None:  # provided by Archive
        raise NotImplementedError

    def remember_not_article(self, site: str, url: str, reason: str | None, run_id: int | None, seen_at: str) -> None:
        """Remember a page that extraction found not to be an article, so later runs do not fetch it as one."""
        self._write()
        self.conn.execute(
            "INSERT INTO not_articles (site, url, reason, first_seen, last_seen, run_id) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(site, url) DO UPDATE SET reason = excluded.reason, last_seen = excluded.last_seen, "
            "run_id = excluded.run_id",
            (site, url, reason, seen_at, seen_at, run_id),
        )

    def record_url_shapes(self, site: str, shapes: dict[str, int], seen_at: str) -> None:
        """Add this run's article counts per URL shape (`crawler.discovery.shapes.url_shape`) of `site`."""
        for shape, articles in shapes.items():
            self._write()
            self.conn.execute(
                "INSERT INTO url_shapes (site, shape, articles, first_seen, last_seen) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(site, shape) DO UPDATE SET articles = articles + excluded.articles, "
                "last_seen = excluded.last_seen",
                (site, shape, articles, seen_at, seen_at),
            )

    def load_discovery_memory(self, known: KnownArticles, site: str, min_shape_articles: int = 2) -> None:
        """Fill `known` with the site's remembered not-articles and the shapes of `min_shape_articles`+ articles."""
        known.not_articles[site] = {
            url for (url,) in self.conn.execute("SELECT url FROM not_articles WHERE site = ?", (site,))
        }
        known.shapes[site] = {
            shape for (shape,) in self.conn.execute(
                "SELECT shape FROM url_shapes WHERE site = ? AND articles >= ?", (site, min_shape_articles))
        }
