"""The archive: every SQL statement that writes or looks up crawled articles.

One `Archive` is one writer connection (sqlite-utils over sqlite3) in WAL mode,
so readers never block it and it never blocks them. Writes are batched: a
transaction stays open for up to `batch_size` articles or `batch_seconds`, then
commits; lookups run on the same connection, so they see the open batch.
A crash loses at most the open batch, which the next run fetches again.

Beside it: opening and migrating (`archive.migrate`), the rows it builds (`archive.rows`), the runs
it records (`archive.runs`) and the discovery memory (`archive.memory`).
"""
from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import sqlite_utils

from archive.clock import utc_iso, utc_now
from archive.ftsindex import SearchText, index_article, search_text, unindex_article
from archive.known import KnownArticle, KnownArticles, parse_iso
from archive.memory import DiscoveryMemory
from archive.migrate import BUSY_TIMEOUT_MS, PAGE_SIZE, configure_connection, migrate, release_free_pages
from archive.rows import STATE_BY_URL, STATE_COLUMNS, ArticleState, FetchInfo, article_row, metadata_columns
from archive.runs import RunRecords
from archive.schema import check_archive
from crawler.extraction import Article

# Importable from here as before the split (README, tests, pipelines).
__all__ = ["Archive", "ArticleState", "BUSY_TIMEOUT_MS", "FetchInfo", "PAGE_SIZE", "WrongThread", "utc_iso", "utc_now"]


class WrongThread(RuntimeError):
    """A write from a thread that does not own the archive connection: a bug of the caller."""


class Archive(RunRecords, DiscoveryMemory):
    metadata_columns = staticmethod(metadata_columns)  # read by tests of the extraction floor

    def __init__(
        self, path: str | Path, *, batch_size: int = 50, batch_seconds: float = 2.0, handover: bool = False
    ) -> None:
        """`handover`: the connection may pass from one thread to another (one at a time, e.g. to a
        writer thread and back: `pipelines.session`); by default only the opening thread may use it.
        Either way, writing from a thread that does not own it raises `WrongThread` (`take` moves it)."""
        self.path = Path(path)
        self.owner = threading.get_ident()
        self.batch_size = batch_size
        self.batch_seconds = batch_seconds
        new = not self.path.exists() or self.path.stat().st_size == 0
        self.db = sqlite_utils.Database(sqlite3.connect(str(self.path), check_same_thread=not handover))
        self.conn = self.db.conn
        configure_connection(self.conn)
        check_archive(self.conn, self.path, for_writing=True)  # before WAL mode changes someone else's file
        if new:
            self.conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
            self.conn.execute("PRAGMA auto_vacuum = INCREMENTAL")  # before the first table: see `close`
        self.db.enable_wal()
        self.conn.execute("PRAGMA synchronous = NORMAL")
        migrate(self.db)
        self._pending = 0
        self._batch_started = 0.0

    # -- transactions -------------------------------------------------
    def take(self) -> None:
        """Make the calling thread the one that writes (for a `handover` archive changing hands)."""
        self.owner = threading.get_ident()

    def _check_owner(self) -> None:
        # SQLite would interleave two threads' statements in one transaction without complaint.
        if threading.get_ident() != self.owner:
            raise WrongThread(f"{self.path}: written from thread {threading.current_thread().name}, "
                              "which does not own the archive (see Archive.take)")

    def _write(self) -> None:
        """Note one more write in the open batch, opening the batch if needed."""
        self._check_owner()
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN IMMEDIATE")
            self._batch_started = time.monotonic()
        self._pending += 1

    def commit_if_due(self) -> None:
        if self._pending >= self.batch_size or (
            self._pending and time.monotonic() - self._batch_started >= self.batch_seconds
        ):
            self.commit()

    def commit(self) -> None:
        self._check_owner()
        self.db.commit()
        self._pending = 0

    def close(self) -> None:
        """Commit, give the free pages back to the file system, fold the WAL back into the main file, and close."""
        self.commit()
        release_free_pages(self.conn)
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.db.close()

    # -- lookups ------------------------------------------------------
    def article_state(self, canonical_url: str) -> ArticleState | None:
        """The article with this canonical URL, or else the one it is an alias of (one statement, not two)."""
        row = self.conn.execute(STATE_BY_URL, (canonical_url, canonical_url)).fetchone()
        return ArticleState(*row[1:]) if row else None

    def article_state_by_id(self, article_id: int) -> ArticleState:
        row = self.conn.execute(f"SELECT {STATE_COLUMNS} FROM articles WHERE id = ?", (article_id,)).fetchone()
        return ArticleState(*row)

    def same_text(self, site: str, content_hash: str) -> int | None:
        """Id of an article of `site` whose current text has this hash."""
        # By the hash's first 12 hex digits (idx_articles_hash_prefix, a fifth of the size of an index on
        # (site, content_hash)); the unary + keeps SQLite from rewriting the indexed expression into a
        # constant (content_hash = ? makes substr(content_hash, ...) one) and from the site index instead.
        row = self.conn.execute(
            "SELECT id FROM articles WHERE substr(content_hash, 1, 12) = substr(:hash, 1, 12) AND +content_hash = :hash"
            " AND +site = :site ORDER BY id LIMIT 1", {"hash": content_hash, "site": site}
        ).fetchone()
        return row[0] if row else None

    def known_articles(
        self, sites: list[str], recheck_since: str | None = None, min_shape_articles: int = 2
    ) -> KnownArticles:
        """Every archived URL (canonical and aliases) of these sites, for the spider's skip decisions,
        the live articles first seen since `recheck_since`, to fetch again (edits, removals), and the
        site's discovery memory (`archive.memory`)."""
        known = KnownArticles()
        for site in sites:
            rows = self.conn.execute(
                "SELECT canonical_url, id, fetched_at, lastmod, etag, last_modified FROM articles WHERE site = :site "
                "UNION ALL SELECT al.url, a.id, a.fetched_at, a.lastmod, a.etag, a.last_modified "
                "FROM aliases al JOIN articles a ON a.id = al.article_id WHERE a.site = :site",
                {"site": site},
            )
            for url, *state in rows:
                known.add(site, url, KnownArticle(*state))
        self.load_site_memory(known, sites, recheck_since, min_shape_articles)
        return known

    def load_site_memory(
        self, known: KnownArticles, sites: list[str], recheck_since: str | None = None, min_shape_articles: int = 2
    ) -> None:
        """What a run loads up front besides the archived URLs: the articles to re-check (first seen since
        `recheck_since`) and the discovery memory of each site."""
        for site in sites:
            if recheck_since:
                known.recheck[site] = self.recent_articles(site, recheck_since)
            self.load_discovery_memory(known, site, min_shape_articles)

    def recent_articles(self, site: str, since: str) -> list[tuple[str, str]]:
        """(fetched url, canonical_url) of live articles of `site` first seen at or after `since` (for re-checks)."""
        return self.conn.execute(
            "SELECT url, canonical_url FROM articles WHERE site = ? AND status = 'live' AND first_seen >= ?",
            (site, since),
        ).fetchall()

    def iter_signatures(self) -> Iterator[tuple[int, bytes]]:
        yield from self.conn.execute("SELECT article_id, minhash FROM signatures")

    # -- writes -------------------------------------------------------
    def insert_article(
        self,
        article: Article,
        canonical_url: str,
        content_hash: str,
        fetch: FetchInfo,
        *,
        near_duplicate_of: int | None = None,
        cluster_id: int | None = None,
        signature: bytes | None = None,
        text: SearchText | None = None,
    ) -> int | None:
        """Store a new article with its captions, sources and index entry (its text is version 1).

        Returns the new id, or None when the canonical URL is already archived
        (idempotent: a second insert of the same article adds nothing).
        """
        self._write()
        row = article_row(article, content_hash, fetch)
        row.update(
            canonical_url=canonical_url,
            site=fetch.site,
            first_seen=fetch.fetched_at,
            last_seen=fetch.fetched_at,
            version=1,
            near_duplicate_of=near_duplicate_of,
            announced_at=utc_iso(fetch.lastmod),  # what the sitemap/feed said when it was archived; never moved
            archived_at=utc_now(),
        )
        columns = ", ".join(row)
        placeholders = ", ".join("?" for _ in row)
        cursor = self.conn.execute(
            f"INSERT INTO articles ({columns}) VALUES ({placeholders}) ON CONFLICT(canonical_url) DO NOTHING",
            list(row.values()),
        )
        if cursor.rowcount == 0:
            return None
        article_id = int(cursor.lastrowid)
        self.conn.execute("UPDATE articles SET cluster_id = ? WHERE id = ?", (cluster_id or article_id, article_id))
        self._write_children(article_id, article, text)
        if signature is not None:
            self._store_signature(article_id, signature)
        return article_id

    def add_version(
        self, article_id: int, article: Article, content_hash: str, fetch: FetchInfo, signature: bytes | None = None,
        text: SearchText | None = None,
    ) -> int:
        """Store changed text as the next version; the text it replaces moves to `article_versions`."""
        self._write()
        version = self.conn.execute("SELECT version FROM articles WHERE id = ?", (article_id,)).fetchone()[0] + 1
        self._supersede(article_id)
        unindex_article(self.conn, article_id)
        row = article_row(article, content_hash, fetch)
        row.update(version=version, last_seen=fetch.fetched_at)
        assignments = ", ".join(f"{column} = ?" for column in row)
        self.conn.execute(f"UPDATE articles SET {assignments} WHERE id = ?", [*row.values(), article_id])
        self.conn.execute("DELETE FROM captions WHERE article_id = ?", (article_id,))
        self.conn.execute("DELETE FROM sources WHERE article_id = ?", (article_id,))
        self._write_children(article_id, article, text)
        if signature is not None:
            self._store_signature(article_id, signature)
        self.add_event(article_id, article.url, "changed", f"version {version}", fetch.run_id, fetch.fetched_at)
        return version

    def replace_extraction(self, article_id: int, article: Article, content_hash: str, *,
                           text: SearchText | None = None, old_text: SearchText | None = None) -> None:
        """Overwrite the extracted fields of the current version in place (offline re-extraction).

        `text` and `old_text` are the index rows of the new and the stored text when the caller computed
        them already (re-extraction workers do); otherwise they are computed here."""
        self._write()
        fields = {
            "title": article.title,
            "lead": article.lead,
            "body": article.body,
            "content_hash": content_hash,
            **metadata_columns(article),
        }
        assignments = ", ".join(f"{column} = ?" for column in fields)
        unindex_article(self.conn, article_id, old_text)
        self.conn.execute(f"UPDATE articles SET {assignments} WHERE id = ?", [*fields.values(), article_id])
        self.conn.execute("DELETE FROM captions WHERE article_id = ?", (article_id,))
        self.conn.execute("DELETE FROM sources WHERE article_id = ?", (article_id,))
        self._write_children(article_id, article, text)

    def mark_seen(self, article_id: int, seen_at: str, fetch: FetchInfo | None = None) -> None:
        """An unchanged article was seen again: only `last_seen` (and validators) move."""
        self._write()
        self.conn.execute("UPDATE articles SET last_seen = ? WHERE id = ?", (seen_at, article_id))
        if fetch is not None:
            self.conn.execute(
                "UPDATE articles SET lastmod = COALESCE(?, lastmod), etag = COALESCE(?, etag), "
                "last_modified = COALESCE(?, last_modified) WHERE id = ?",
                (fetch.lastmod, fetch.etag, fetch.last_modified, article_id),
            )

    def raise_lastmods(self, announced: Iterable[tuple[str, str]]) -> int:
        """Store newer sitemap/feed dates ((canonical URL, ISO date) pairs) for archived articles.

        A sitemap often arrives after the feed that led to fetching an article; without this the
        next run would see the sitemap's date as news and fetch the article again. `announced_at`
        settles the same way, on the newest date not after the article was archived: what was known
        when the page arrived depends on which sitemap came first (and, in a cluster, on which node
        read it), the run's announcements do not, so one machine and a cluster store the same.
        """
        raised = 0
        for canonical_url, iso in announced:
            row = self.conn.execute("SELECT id, lastmod, announced_at, archived_at FROM articles WHERE canonical_url = ?",
                                    (canonical_url,)).fetchone()
            if row is None:
                continue
            stored, new = parse_iso(row[1]), parse_iso(iso)
            if new is not None and (stored is None or new > stored):
                self._write()
                self.conn.execute("UPDATE articles SET lastmod = ? WHERE id = ?", (iso, row[0]))
                raised += 1
            first, archived = parse_iso(row[2]), parse_iso(row[3])
            if new is not None and archived is not None and new <= archived and (first is None or new > first):
                self._write()
                self.conn.execute("UPDATE articles SET announced_at = ? WHERE id = ?", (utc_iso(iso), row[0]))
        return raised

    def add_alias(self, url: str, article_id: int, kind: str, seen_at: str) -> bool:
        """Record another URL of an archived article; False when it was known already."""
        self._write()
        cursor = self.conn.execute(
            "INSERT INTO aliases (url, article_id, kind, seen_at) VALUES (?, ?, ?, ?) ON CONFLICT(url) DO NOTHING",
            (url, article_id, kind, seen_at),
        )
        return cursor.rowcount > 0

    def add_event(
        self, article_id: int | None, url: str, kind: str, detail: str | None, run_id: int | None, at: str | None = None
    ) -> None:
        """Record what happened to an article (changed, gone, redirected): never a deletion."""
        self._write()
        self.conn.execute(
            "INSERT INTO events (article_id, url, kind, detail, at, run_id) VALUES (?, ?, ?, ?, ?, ?)",
            (article_id, url, kind, detail, at or utc_now(), run_id),
        )
        if article_id is not None and kind in ("gone", "redirected"):
            self.conn.execute("UPDATE articles SET status = ? WHERE id = ?", (kind, article_id))

    def _write_children(self, article_id: int, article: Article, text: SearchText | None = None) -> None:
        # Prepared statements, not sqlite-utils' insert_all: that one checks the schema and opens a
        # savepoint on every call, and at a savepoint FTS5 flushes its pending terms, so every article
        # became an index segment of its own, merged again and again. Nothing in a batch opens one.
        if article.captions:
            self.conn.executemany(
                "INSERT INTO captions (article_id, image_url, text, credit, alt) VALUES (?, ?, ?, ?, ?)",
                [(article_id, c.image_url, c.text, c.credit, c.alt) for c in article.captions],
            )
        if article.sources:
            self.conn.executemany(
                "INSERT INTO sources (article_id, name, canonical) VALUES (?, ?, ?)",
                [(article_id, s.name, s.canonical) for s in article.sources],
            )
        if text is None:
            text = search_text(article.title, article.lead, article.body, [c.text for c in article.captions])
        index_article(self.conn, article_id, text)

    def _store_signature(self, article_id: int, signature: bytes) -> None:
        """The article's near-duplicate signature (`crawler.text.neardup`), replacing an older one in place: with
        foreign keys on, INSERT OR REPLACE deletes and re-inserts, and a row re-inserted in the last page
        splits it (measured: signature pages 17% empty when 5% of articles change soon after storage)."""
        self.conn.execute(
            "INSERT INTO signatures (article_id, minhash) VALUES (?, ?) "
            "ON CONFLICT(article_id) DO UPDATE SET minhash = excluded.minhash",
            (article_id, signature),
        )

    def _supersede(self, article_id: int) -> None:
        """Keep the current text of an article as a superseded version before it is replaced."""
        self.conn.execute(
            "INSERT OR IGNORE INTO article_versions "
            "(article_id, version, fetched_at, run_id, title, lead, body, content_hash, extractor) "
            "SELECT id, version, fetched_at, run_id, title, lead, body, content_hash, extractor FROM articles WHERE id = ?",
            (article_id,),
        )
