"""The archive: every SQL statement that writes or looks up crawled articles.

One `Archive` is one writer connection (sqlite-utils over sqlite3) in WAL mode,
so readers never block it and it never blocks them. Writes are batched: a
transaction stays open for up to `batch_size` articles or `batch_seconds`, then
commits; lookups run on the same connection, so they see the open batch.
A crash loses at most the open batch, which the next run fetches again.
"""
from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlite_utils

from archive.fts import SearchText, index_article, search_text, unindex_article
from archive.memory import DiscoveryMemory
from archive.schema import MIGRATIONS, check_archive, database_file
from crawler.extraction import Article
from archive.known import KnownArticle, KnownArticles, parse_iso

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 30_000
# Article rows are 2-4 kB: a 4 kB page holds one and wastes a quarter of itself; 16 kB pages pack them.
PAGE_SIZE = 16_384


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def utc_iso(value: str | None) -> str | None:
    """An ISO date in UTC (as `fetched_at` is), so SQLite compares and subtracts them; None when unreadable."""
    when = parse_iso(value)
    return when.astimezone(timezone.utc).isoformat(timespec="seconds") if when else None


def configure_connection(conn: sqlite3.Connection) -> None:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")


def migrate(db: sqlite_utils.Database) -> list[int]:
    """Apply pending migrations in order, each in its own transaction; return the versions applied."""
    conn = db.conn
    current = check_archive(conn, database_file(conn), for_writing=True)
    applied = []
    for migration in MIGRATIONS:
        if migration.version <= current:
            continue
        with db.atomic():
            for statement in split_sql(migration.sql):
                conn.execute(statement)
            if migration.backfill:
                migration.backfill(conn)
            conn.execute(
                "INSERT OR REPLACE INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.description, utc_now()),
            )
            conn.execute(f"PRAGMA user_version = {migration.version}")
        applied.append(migration.version)
    # Once, after the last step: the pages later steps free are given back too.
    if current > 0 and any(m.vacuum for m in MIGRATIONS if m.version in applied):  # a new archive has nothing to give back
        vacuum(conn)
    return applied


def vacuum(conn: sqlite3.Connection) -> None:
    """Give freed pages back to the file system, moving to PAGE_SIZE pages on the way when no
    reader keeps the archive in WAL mode (the page size of a WAL database cannot change).
    A reader that blocks it only costs the compaction: the archive stays valid, its free pages reused."""
    conn.execute("PRAGMA busy_timeout = 0")  # a reader would make leaving WAL mode wait, in vain
    try:
        switched = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0] == "delete"
    except sqlite3.OperationalError:
        switched = False
    finally:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    try:
        if switched:
            conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        conn.execute("VACUUM")
    except sqlite3.OperationalError as exc:
        logger.warning("archive not compacted after the migration (%s); run VACUUM when no reader is open", exc)
    finally:
        if switched:
            conn.execute("PRAGMA journal_mode = WAL")


def split_sql(script: str) -> list[str]:
    """Split a migration script into statements (ours contain no semicolons inside literals)."""
    return [s.strip() for s in script.split(";") if s.strip()]


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


class WrongThread(RuntimeError):
    """A write from a thread that does not own the archive connection: a bug of the caller."""


class Archive(DiscoveryMemory):
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
        """Commit, fold the WAL back into the main file, and close."""
        self.commit()
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.db.close()

    # -- crawl runs ---------------------------------------------------
    def start_run(self, spider: str, *, close_stale: bool = False) -> int:
        """Record a new run. `close_stale` (only for a caller holding the archive lock): runs still
        marked running died without recording their end (kill -9, power loss) and become `aborted`."""
        self.commit()
        with self.db.atomic():
            if close_stale:
                self.conn.execute("UPDATE crawl_runs SET status = 'aborted' WHERE status = 'running'")
            cursor = self.conn.execute(
                "INSERT INTO crawl_runs (started_at, spider, status) VALUES (?, ?, 'running')",
                (utc_now(), spider),
            )
        return int(cursor.lastrowid)

    def finish_run(self, run_id: int, counts: dict[str, Any], status: str) -> None:
        self.commit()
        with self.db.atomic():
            self.conn.execute(
                "UPDATE crawl_runs SET finished_at = ?, counts = ?, status = ? WHERE id = ?",
                (utc_now(), json.dumps(counts, ensure_ascii=False, sort_keys=True), status, run_id),
            )

    def record_site_run(self, run_id: int, site: str, pages: int, articles: int, counts: dict, fill_rates: dict, health: list[str]) -> None:
        self.commit()
        with self.db.atomic():
            self.conn.execute(
                "INSERT OR REPLACE INTO site_runs (run_id, site, pages, articles, counts, fill_rates, health) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (run_id, site, pages, articles, json.dumps(counts, sort_keys=True), json.dumps(fill_rates, sort_keys=True), json.dumps(health, ensure_ascii=False)),
            )

    def site_history(self, site: str, *, before_run: int | None, limit: int = 5) -> list[dict[str, Any]]:
        """The site's most recent recorded runs before `before_run`, newest first (for health checks)."""
        rows = self.conn.execute(
            "SELECT counts, fill_rates FROM site_runs WHERE site = ? AND run_id < ? ORDER BY run_id DESC LIMIT ?",
            (site, before_run or 1 << 62, limit),
        )
        return [{"counts": json.loads(c or "{}"), "fill_rates": json.loads(f or "{}")} for c, f in rows]

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
        row = self.conn.execute(
            "SELECT id FROM articles WHERE site = ? AND content_hash = ? ORDER BY id LIMIT 1", (site, content_hash)
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
        row = self.article_row(article, content_hash, fetch)
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
        row = self.article_row(article, content_hash, fetch)
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
            **self.metadata_columns(article),
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

    # -- row building -------------------------------------------------
    @staticmethod
    def metadata_columns(article: Article) -> dict[str, Any]:
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

    def article_row(self, article: Article, content_hash: str, fetch: FetchInfo) -> dict[str, Any]:
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
            **self.metadata_columns(article),
        }

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

