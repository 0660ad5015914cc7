"""Open the archive for reading while a crawl writes to it (for downstream tools)."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from archive.schema import check_archive
from archive.migrate import BUSY_TIMEOUT_MS
from crawler.errors import ArchiveMissing, UsageError


def open_readonly(path: str | Path) -> sqlite3.Connection:
    """A read-only connection: it cannot change the archive, and in WAL mode it never waits for the writer.

    Raises ArchiveMissing (a FileNotFoundError) when there is no archive at `path` (rather than
    creating an empty one), and another UsageError when the file is not an archive or is too new.
    """
    path = Path(path)
    if not path.exists():
        raise ArchiveMissing(f"no archive at {path}")
    if path.is_dir():
        raise UsageError(f"{path} is a directory, not an archive")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.OperationalError as exc:  # unreadable: permissions
        raise UsageError(f"cannot open {path}: {exc}") from None
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    try:
        check_archive(conn, path)
    except UsageError:
        conn.close()
        raise
    conn.row_factory = sqlite3.Row
    return conn
