"""Opening an archive for writing: connection settings, the migrations applied in order, compaction.

The schema itself (the list of migrations, the checks of a file) is `archive.schema`; this is how an
`archive.store.Archive` brings a file up to it.
"""
from __future__ import annotations

import logging
import sqlite3

import sqlite_utils

from archive.clock import utc_now
from archive.schema import MIGRATIONS, check_archive, database_file

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 30_000
# Article rows are 2-4 kB: a 4 kB page holds one and wastes a quarter of itself; 16 kB pages pack them.
PAGE_SIZE = 16_384


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
        conn.execute("PRAGMA auto_vacuum = INCREMENTAL")  # takes effect with this VACUUM (`release_free_pages`)
        conn.execute("VACUUM")
    except sqlite3.OperationalError as exc:
        logger.warning("archive not compacted after the migration (%s); run VACUUM when no reader is open", exc)
    finally:
        if switched:
            conn.execute("PRAGMA journal_mode = WAL")


def split_sql(script: str) -> list[str]:
    """Split a migration script into statements (ours contain no semicolons inside literals)."""
    return [s.strip() for s in script.split(";") if s.strip()]


def release_free_pages(conn: sqlite3.Connection) -> int:
    """Truncate the file by its free pages (what FTS5 segment merges and superseded rows left), when the
    archive keeps the bookkeeping for it (`auto_vacuum = INCREMENTAL`: new archives, and old ones since a
    migration's VACUUM); return the pages released. Only free pages move, so this costs what they weigh,
    not what the archive weighs, unlike a VACUUM. At 2,000 short articles they were 4 % of the file."""
    if conn.execute("PRAGMA auto_vacuum").fetchone()[0] != 2:
        return 0
    free = conn.execute("PRAGMA freelist_count").fetchone()[0]
    if free:
        # executescript steps the statement to its end; execute() steps a statement without result columns
        # once, which releases one page.
        conn.executescript("PRAGMA incremental_vacuum")
    return free
