"""The crawl runs an archive records: one row per run, one per site and run (for site health).

Mixed into `archive.store.Archive` (same connection); each record is committed at once, apart from
the open batch of articles, so a run's start and end are on disk whatever happens to the batch.
"""
from __future__ import annotations

import json
import sqlite3
from typing import Any

import sqlite_utils

from archive.clock import utc_now


class RunRecords:
    conn: sqlite3.Connection
    db: sqlite_utils.Database

    def commit(self) -> None:  # provided by Archive
        raise NotImplementedError

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
