"""Open the archive for reading while a crawl writes to it (for downstream tools)."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from archive.store import BUSY_TIMEOUT_MS


def open_readonly(path: str | Path) -> sqlite3.Connection:
    """A read-only connection: it cannot change the archive, and in WAL mode it never waits for the writer.

    Raises FileNotFoundError when there is no archive at `path` (rather than creating an empty one).
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no archive at {path}")
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.row_factory = sqlite3.Row
    return conn
