"""The archive schema as an ordered list of migrations.

`PRAGMA user_version` holds the number of migrations applied; `schema_migrations`
records when each was applied. An archive written by an older release upgrades
in place when it is next opened for writing. Never edit a released migration:
append a new one. Every table and column is documented in archive/SCHEMA.md.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from archive.ftsindex import index_all_articles
from crawler.errors import ArchiveTooNew, NotAnArchive, UsageError
from crawler.text.neardup import compact_signature


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    sql: str
    backfill: Callable[[sqlite3.Connection], None] | None = None  # Python step run after `sql`
    vacuum: bool = False  # the migration frees much space: VACUUM once it is committed


def compact_signatures(conn: sqlite3.Connection) -> None:
    """Migration 6: copy every 32-bit signature, cut to 16 bits, into a new table that replaces the old.

    A copy rather than an UPDATE: shrunk rows would leave the old table's pages half empty; the
    dropped table's pages go to the free list, and the next articles' rows fill them (no VACUUM,
    which at a million articles would rewrite gigabytes for a tenth of the file)."""
    conn.create_function("compact_signature", 1, compact_signature, deterministic=True)
    conn.execute("INSERT INTO signatures_16 (article_id, minhash) "
                 "SELECT article_id, compact_signature(minhash) FROM signatures ORDER BY article_id")
    conn.execute("DROP TABLE signatures")
    conn.execute("ALTER TABLE signatures_16 RENAME TO signatures")


def add_missing_columns(table: str, columns: dict[str, str]) -> Callable[[sqlite3.Connection], None]:
    """A backfill that adds each column only if the table lacks it (so the step is idempotent)."""

    def add(conn: sqlite3.Connection) -> None:
        present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        for name, declaration in columns.items():
            if name not in present:
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {name} {declaration}")

    return add


def add_freshness_columns(conn: sqlite3.Connection) -> None:
    """Migration 8 (issue #30): when each article was announced and archived; a column only if missing, so
    the step can run on an archive that has it already (a merge of branches renumbering migrations)."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(articles)")}
    for name in ("announced_at", "archived_at"):
        if name not in columns:
            conn.execute(f"ALTER TABLE articles ADD COLUMN {name} TEXT")
    # Before this step an article was archived seconds after its first fetch: first_seen is that time.
    # When it was announced is not known (lastmod moves with edits): announced_at stays empty.
    conn.execute("UPDATE articles SET archived_at = first_seen WHERE archived_at IS NULL")


MIGRATIONS: list[Migration] = [
    Migration(
        1,
        "articles, captions, sources, crawl runs",
        """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY,
            description TEXT NOT NULL,
            applied_at TEXT NOT NULL
        );
        CREATE TABLE crawl_runs (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            spider TEXT NOT NULL,
            counts TEXT,
            status TEXT NOT NULL
        );
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL,
            canonical_url TEXT NOT NULL UNIQUE,
            site TEXT NOT NULL,
            title TEXT,
            lead TEXT,
            body TEXT NOT NULL,
            authors TEXT,
            published TEXT,
            updated TEXT,
            section TEXT,
            tags TEXT,
            language TEXT,
            content_hash TEXT NOT NULL,
            fetched_at TEXT NOT NULL,
            run_id INTEGER REFERENCES crawl_runs(id)
        );
        CREATE INDEX idx_articles_site_hash ON articles(site, content_hash);
        CREATE INDEX idx_articles_published ON articles(published);
        CREATE TABLE captions (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            image_url TEXT,
            text TEXT NOT NULL,
            credit TEXT,
            alt TEXT
        );
        CREATE INDEX idx_captions_article ON captions(article_id);
        CREATE TABLE sources (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            canonical TEXT
        );
        CREATE INDEX idx_sources_article ON sources(article_id);
        """,
    ),
    Migration(
        2,
        "provenance, dates detail, versions, aliases, events, near-duplicate signatures",
        """
        ALTER TABLE articles ADD COLUMN date_source TEXT;
        ALTER TABLE articles ADD COLUMN date_precision TEXT;
        ALTER TABLE articles ADD COLUMN images TEXT;
        ALTER TABLE articles ADD COLUMN extractor TEXT;
        ALTER TABLE articles ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE articles ADD COLUMN first_seen TEXT;
        ALTER TABLE articles ADD COLUMN last_seen TEXT;
        ALTER TABLE articles ADD COLUMN lastmod TEXT;
        ALTER TABLE articles ADD COLUMN etag TEXT;
        ALTER TABLE articles ADD COLUMN last_modified TEXT;
        ALTER TABLE articles ADD COLUMN status TEXT NOT NULL DEFAULT 'live';
        ALTER TABLE articles ADD COLUMN cluster_id INTEGER;
        ALTER TABLE articles ADD COLUMN near_duplicate_of INTEGER REFERENCES articles(id);
        ALTER TABLE articles ADD COLUMN warc_file TEXT;
        ALTER TABLE articles ADD COLUMN warc_offset INTEGER;
        UPDATE articles SET first_seen = fetched_at, last_seen = fetched_at WHERE first_seen IS NULL;
        CREATE INDEX idx_articles_cluster ON articles(cluster_id);
        CREATE INDEX idx_articles_site_fetched ON articles(site, fetched_at);
        CREATE TABLE article_versions (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            version INTEGER NOT NULL,
            fetched_at TEXT NOT NULL,
            run_id INTEGER,
            title TEXT,
            lead TEXT,
            body TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            extractor TEXT,
            PRIMARY KEY (article_id, version)
        );
        INSERT INTO article_versions (article_id, version, fetched_at, run_id, title, lead, body, content_hash)
            SELECT id, 1, fetched_at, run_id, title, lead, body, content_hash FROM articles;
        CREATE TABLE aliases (
            url TEXT PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            seen_at TEXT NOT NULL
        );
        CREATE INDEX idx_aliases_article ON aliases(article_id);
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            article_id INTEGER REFERENCES articles(id) ON DELETE CASCADE,
            url TEXT NOT NULL,
            kind TEXT NOT NULL,
            detail TEXT,
            at TEXT NOT NULL,
            run_id INTEGER
        );
        CREATE INDEX idx_events_article ON events(article_id);
        CREATE TABLE signatures (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            minhash BLOB NOT NULL
        );
        CREATE TABLE site_runs (
            run_id INTEGER NOT NULL REFERENCES crawl_runs(id),
            site TEXT NOT NULL,
            pages INTEGER NOT NULL DEFAULT 0,
            articles INTEGER NOT NULL DEFAULT 0,
            counts TEXT,
            fill_rates TEXT,
            health TEXT,
            PRIMARY KEY (run_id, site)
        );
        """,
    ),
    Migration(
        3,
        "Arabic full-text search over normalised title, lead, body and captions",
        """
        CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, lead, body, captions, stems,
            tokenize = 'unicode61 remove_diacritics 2'
        );
        """,
        backfill=index_all_articles,
    ),
    # -- issue #13: per-site discovery memory (a self-contained step; renumber freely when merging) --
    Migration(
        4,
        "per-site discovery memory: learned article URL shapes, pages found not to be articles",
        """
        CREATE TABLE url_shapes (
            site TEXT NOT NULL,
            shape TEXT NOT NULL,
            articles INTEGER NOT NULL DEFAULT 0,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            PRIMARY KEY (site, shape)
        );
        CREATE TABLE not_articles (
            site TEXT NOT NULL,
            url TEXT NOT NULL,
            reason TEXT,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            run_id INTEGER,
            PRIMARY KEY (site, url)
        );
        """,
    ),
    # -- end of issue #13 step --
    # -- issue #15: one copy of the text, compact signatures (self-contained steps) --
    Migration(
        5,
        "one copy of the text: contentless search index, article_versions keeps superseded versions only",
        """
        DROP TABLE articles_fts;
        CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, lead, body, captions, stems,
            content = '',
            tokenize = 'unicode61 remove_diacritics 2'
        );
        DELETE FROM article_versions WHERE EXISTS (
            SELECT 1 FROM articles a
            WHERE a.id = article_versions.article_id AND a.version = article_versions.version
              AND a.title IS article_versions.title AND a.lead IS article_versions.lead
              AND a.body = article_versions.body AND a.content_hash = article_versions.content_hash
        );
        CREATE VIEW article_history AS
            SELECT article_id, version, fetched_at, run_id, title, lead, body, content_hash, extractor, 0 AS current
            FROM article_versions
            UNION ALL
            SELECT id, version, fetched_at, run_id, title, lead, body, content_hash, extractor, 1 AS current
            FROM articles
        """,
        backfill=index_all_articles,  # recomputed: `stems` now holds only the stems that differ from their word
        vacuum=True,
    ),
    Migration(
        6,
        "b-bit near-duplicate signatures: the low 16 bits of each MinHash value (256 instead of 512 bytes)",
        """
        CREATE TABLE signatures_16 (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            minhash BLOB NOT NULL
        )
        """,
        backfill=compact_signatures,
    ),
    # -- end of issue #15 steps --
    # -- issue #25: where the body came from, how the date's time zone was known (self-contained step) --
    Migration(
        7,
        "body_source (ours, site XPath or the trafilatura floor) and date_zone_source (page, catalog, country, unknown)",
        "",
        backfill=add_missing_columns("articles", {"body_source": "TEXT", "date_zone_source": "TEXT"}),
    ),
    # -- issue #30: freshness (a self-contained, idempotent step; renumber freely when merging) --
    Migration(
        8,
        "freshness: announced_at (the sitemap/feed date) and archived_at per article",
        "",
        backfill=add_freshness_columns,
    ),
    # -- end of issue #30 step --
    # -- issue #26: a smaller search index (a self-contained, idempotent step; renumber freely when merging) --
    Migration(
        9,
        "search index without the stems column (query words ask for their proclitic forms), body first; "
        "exact duplicates looked up by a hash prefix",
        """
        DROP INDEX IF EXISTS idx_articles_site_hash;
        CREATE INDEX IF NOT EXISTS idx_articles_hash_prefix ON articles(substr(content_hash, 1, 12));
        DROP TABLE IF EXISTS articles_fts;
        CREATE VIRTUAL TABLE articles_fts USING fts5(
            body, title, lead, captions,
            content = '',
            tokenize = 'unicode61 remove_diacritics 2'
        )
        """,
        backfill=index_all_articles,
        vacuum=True,
    ),
    # -- end of issue #26 step --
]

LATEST_VERSION = MIGRATIONS[-1].version


def check_archive(conn: sqlite3.Connection, path: object, *, for_writing: bool = False) -> int:
    """The archive's schema version, or a UsageError when `path` holds no archive this code can use.

    A reader needs an archive (version >= 1); a writer may also start from an empty file, which
    it then migrates, but never from someone else's database (tables and no version).
    """
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    except sqlite3.DatabaseError as exc:  # e.g. "file is not a database"
        raise NotAnArchive(f"{path} is not an archive ({exc})") from None
    if version > LATEST_VERSION:
        raise ArchiveTooNew(
            f"{path} has archive schema version {version}, newer than this crawler knows ({LATEST_VERSION}); "
            "upgrade the crawler"
        )
    if version == 0 and (tables or not for_writing):
        raise NotAnArchive(f"{path} is not an archive (no archive schema version; a database of another program?)")
    return version


def database_file(conn: sqlite3.Connection) -> str:
    """The file behind a connection, for error messages."""
    row = conn.execute("PRAGMA database_list").fetchone()
    return row[2] if row and row[2] else "the database"


def check_archive_file(path: str | Path) -> None:
    """Refuse (UsageError) a path a crawl must not write: a directory, another program's database, a newer
    archive. A missing or empty file is fine: the crawl creates the archive. Opens the file read-only."""
    path = Path(path)
    if path.is_dir():
        raise UsageError(f"{path} is a directory, not an archive")
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.OperationalError as exc:
        raise UsageError(f"cannot open {path}: {exc}") from None
    try:
        check_archive(conn, path, for_writing=True)
    finally:
        conn.close()
