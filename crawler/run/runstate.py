"""The run state on disk (beside `crawler.discovery.frontier`, which decides what each URL is requested as), so a run
announcing millions of URLs keeps bounded memory.

Two parts, both private to one run and thrown away at its end (the archive, not
the frontier, is the memory between runs: after a kill -9 the next run discovers
again whatever was not archived):

- `RunScheduler`: Scrapy's own scheduler with its disk queues (`PickleFifoDiskQueue`)
  in a directory of this run, without JOBDIR's resume semantics. The first
  `FRONTIER_MEMORY_REQUESTS` pending requests stay in memory queues (no pickling, no
  queue files created and removed as a small backlog empties); beyond that they wait
  on disk, not as Python objects in RAM.
- `RunBookkeeping`: the spider's per-URL sets and maps (URLs scheduled, newest
  announced dates, skips counted) as tables of a SQLite file in a directory of this
  run, with a bounded page cache, behind the set/dict operations the spider uses.

Both live under `FRONTIER_DIR` (default: the system's temporary directory), in
directories named after the process, so a run removes those a killed run left.
"""
from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from scrapy.core.scheduler import Scheduler

logger = logging.getLogger(__name__)

DIR_PREFIX = "arabic-news-frontier-"
CACHE_KIB = 8 * 1024  # SQLite page cache of the bookkeeping file: what it may keep in RAM
COMMIT_EVERY = 10_000  # writes per transaction (durability is not needed: the file dies with the run)


def run_directory(parent: str | Path | None, kind: str) -> Path:
    """A new directory for this run under `parent`, after removing the ones of processes that are gone."""
    parent = Path(parent or tempfile.gettempdir())
    parent.mkdir(parents=True, exist_ok=True)
    remove_stale(parent)
    return Path(tempfile.mkdtemp(prefix=f"{DIR_PREFIX}{os.getpid()}-{kind}-", dir=parent))


def remove_stale(parent: Path) -> None:
    for path in parent.glob(f"{DIR_PREFIX}*"):
        try:
            pid = int(path.name[len(DIR_PREFIX):].split("-", 1)[0])
        except ValueError:
            continue
        if pid != os.getpid() and not process_alive(pid):
            logger.info("removing the frontier of a run that died: %s", path)
            shutil.rmtree(path, ignore_errors=True)


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        return True
    return True


class RunScheduler(Scheduler):
    """Scrapy's scheduler, pending requests in disk queues of this run only (FRONTIER_ON_DISK, default on).

    With JOBDIR set, Scrapy's own job directory is used instead (and resumes, as Scrapy documents)."""

    run_dir: Path | None = None
    memory_requests = 0  # pending requests kept in memory before spilling to disk

    @classmethod
    def from_crawler(cls, crawler) -> "RunScheduler":
        scheduler = super().from_crawler(crawler)
        if scheduler.dqdir is None and crawler.settings.getbool("FRONTIER_ON_DISK", True):
            scheduler.run_dir = run_directory(crawler.settings.get("FRONTIER_DIR"), "requests")
            scheduler.dqdir = scheduler._dqdir(str(scheduler.run_dir))
            scheduler.memory_requests = crawler.settings.getint("FRONTIER_MEMORY_REQUESTS", 10_000)
        return scheduler

    def _dqpush(self, request) -> bool:
        if self.run_dir is not None and len(self.mqs) < self.memory_requests:
            return False  # the scheduler then pushes it to the memory queue
        return super()._dqpush(request)

    def close(self, reason: str):
        result = super().close(reason)
        if self.run_dir is not None:
            shutil.rmtree(self.run_dir, ignore_errors=True)
        return result


class RunBookkeeping:
    """The per-URL state of one run in a SQLite file: `scheduled`, `lastmods` and `counted`."""

    def __init__(self, directory: str | Path | None = None) -> None:
        self.directory = run_directory(directory, "state")
        self.conn = sqlite3.connect(self.directory / "frontier.db", isolation_level=None)
        for pragma in ("journal_mode = OFF", "synchronous = OFF", f"cache_size = -{CACHE_KIB}", "temp_store = FILE"):
            self.conn.execute(f"PRAGMA {pragma}")
        self.conn.executescript(
            """
            CREATE TABLE scheduled (url TEXT PRIMARY KEY) WITHOUT ROWID;
            CREATE TABLE announced (url TEXT PRIMARY KEY, iso TEXT NOT NULL) WITHOUT ROWID;
            CREATE TABLE counted (url TEXT, key TEXT, PRIMARY KEY (url, key)) WITHOUT ROWID;
            CREATE TABLE held (id INTEGER PRIMARY KEY, sitemap TEXT NOT NULL, site TEXT NOT NULL,
                               url TEXT NOT NULL, lastmod TEXT);
            CREATE INDEX held_by_sitemap ON held (sitemap, id);
            """
        )
        self.conn.execute("BEGIN")
        self.writes = 0
        self.scheduled = DiskSet(self, "scheduled", ("url",))
        self.lastmods = DiskMap(self, "announced")
        self.counted = DiskSet(self, "counted", ("url", "key"))
        self.held = DiskHeldEntries(self)

    def wrote(self) -> None:
        self.writes += 1
        if self.writes % COMMIT_EVERY == 0:
            self.conn.execute("COMMIT")
            self.conn.execute("BEGIN")

    def scheduled_announcements(self) -> Iterator[tuple[str, str]]:
        """(URL, newest announced ISO date) of the URLs this run scheduled, a page at a time."""
        last = ""
        while True:
            rows = self.conn.execute(
                "SELECT a.url, a.iso FROM announced a JOIN scheduled s ON s.url = a.url WHERE a.url > ? "
                "ORDER BY a.url LIMIT 1000", (last,)).fetchall()
            if not rows:
                return
            yield from rows
            last = rows[-1][0]

    def close(self) -> None:
        self.conn.close()
        shutil.rmtree(self.directory, ignore_errors=True)

    def __del__(self) -> None:  # a spider built but never crawled still leaves nothing behind
        try:
            self.close()
        except Exception:
            pass


class DiskTable:
    """What a set and a map kept in one table of the run's file share: their size, and emptying them."""

    def __init__(self, owner: RunBookkeeping, table: str) -> None:
        self.owner, self.table = owner, table

    def __len__(self) -> int:
        return self.owner.conn.execute(f"SELECT COUNT(*) FROM {self.table}").fetchone()[0]

    def clear(self) -> None:
        self.owner.conn.execute(f"DELETE FROM {self.table}")
        self.owner.wrote()


class DiskSet(DiskTable):
    """`in` and `add` of a set of strings (or tuples of strings), kept in a table."""

    def __init__(self, owner: RunBookkeeping, table: str, columns: tuple[str, ...]) -> None:
        super().__init__(owner, table)
        where = " AND ".join(f"{c} = ?" for c in columns)
        self.select = f"SELECT 1 FROM {table} WHERE {where}"
        self.insert = f"INSERT OR IGNORE INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"

    @staticmethod
    def key(item: Any) -> tuple:
        return item if isinstance(item, tuple) else (item,)

    def __contains__(self, item: Any) -> bool:
        return self.owner.conn.execute(self.select, self.key(item)).fetchone() is not None

    def add(self, item: Any) -> None:
        self.owner.conn.execute(self.insert, self.key(item))
        self.owner.wrote()


class DiskMap(DiskTable):
    """`get`, `[key] = value` and `items()` of a str -> str map, kept in a table."""

    def get(self, key: str | None, default: str | None = None) -> str | None:
        row = self.owner.conn.execute(f"SELECT iso FROM {self.table} WHERE url = ?", (key,)).fetchone()
        return row[0] if row else default

    def __setitem__(self, key: str, value: str) -> None:
        self.owner.conn.execute(f"INSERT OR REPLACE INTO {self.table} (url, iso) VALUES (?, ?)", (key, value))
        self.owner.wrote()

    def items(self) -> Iterator[tuple[str, str]]:
        yield from self.owner.conn.execute(f"SELECT url, iso FROM {self.table} ORDER BY url").fetchall()


class DiskHeldEntries:
    """Sitemap entries waiting for their sitemap's probe (crawler.discovery.frontier.SitemapTrust), kept in a table.

    Sites are stored by name; the `Site` objects seen are kept to give them back (a handful per run).
    """

    def __init__(self, owner: RunBookkeeping) -> None:
        self.owner = owner
        self.sites: dict[str, Any] = {}

    def add(self, sitemap: str, entry: tuple[Any, str, str | None]) -> None:
        site, url, lastmod = entry
        self.sites.setdefault(site.name, site)
        self.owner.conn.execute("INSERT INTO held (sitemap, site, url, lastmod) VALUES (?, ?, ?, ?)",
                                (sitemap, site.name, url, lastmod))
        self.owner.wrote()

    def take(self, sitemap: str) -> list[tuple[Any, str, str | None]]:
        rows = self.owner.conn.execute(
            "SELECT site, url, lastmod FROM held WHERE sitemap = ? ORDER BY id", (sitemap,)).fetchall()
        self.owner.conn.execute("DELETE FROM held WHERE sitemap = ?", (sitemap,))
        self.owner.wrote()
        return [(self.sites[site], url, lastmod) for site, url, lastmod in rows]
