"""The run state on disk: bookkeeping in a SQLite side file, pending requests in Scrapy's disk queues."""
from __future__ import annotations

import re
import subprocess
import sys

from crawler.run.runstate import DIR_PREFIX, RunBookkeeping, run_directory
from tests.conftest import run_cli
from tests.conftest import db_rows as query


def test_bookkeeping_keeps_sets_and_dates_on_disk_and_leaves_nothing(tmp_path):
    book = RunBookkeeping(tmp_path)
    assert "https://a.example/1" not in book.scheduled
    book.scheduled.add("https://a.example/1")
    book.scheduled.add("https://a.example/1")
    book.lastmods["https://a.example/1"] = "2026-11-01T10:00:00+00:00"
    book.lastmods["https://a.example/2"] = "2026-11-02T10:00:00+00:00"  # announced, never scheduled
    book.lastmods["https://a.example/1"] = "2026-11-03T10:00:00+00:00"
    book.counted.add(("https://a.example/2", "skipped/already_archived"))
    assert "https://a.example/1" in book.scheduled and len(book.scheduled) == 1
    assert book.lastmods.get("https://a.example/1") == "2026-11-03T10:00:00+00:00"
    assert book.lastmods.get("https://a.example/3") is None
    assert ("https://a.example/2", "skipped/already_archived") in book.counted
    assert ("https://a.example/2", "skipped/max_articles") not in book.counted
    assert list(book.scheduled_announcements()) == [("https://a.example/1", "2026-11-03T10:00:00+00:00")]
    assert (book.directory / "frontier.db").is_file()
    book.close()
    assert list(tmp_path.iterdir()) == []


def test_entries_held_for_a_sitemap_probe_wait_on_disk_and_come_back_in_order(tmp_path):
    from crawler.discovery.catalog import get_site
    from crawler.discovery.frontier import SitemapTrust

    site = get_site("aljazeera")
    book = RunBookkeeping(tmp_path)
    trust = SitemapTrust(probe=1, held=book.held)
    assert [trust.admit("s1") for _ in range(3)] == ["request", "hold", "hold"]
    trust.hold("s1", site, "https://a.example/2", "2026-11-02")
    trust.hold("s1", site, "https://a.example/3", None)
    trust.hold("s2", site, "https://a.example/9", None)
    assert book.conn.execute("SELECT COUNT(*) FROM held").fetchone() == (3,)  # not in memory
    verdict, released = trust.settle("s1", True)
    assert verdict == "trusted" and released == [(site, "https://a.example/2", "2026-11-02"), (site, "https://a.example/3", None)]
    assert released[0][0] is site
    assert list(trust.release_waiting()) == [(site, "https://a.example/9", None)]
    assert book.conn.execute("SELECT COUNT(*) FROM held").fetchone() == (0,)
    book.close()


def test_a_dead_runs_frontier_is_removed_by_the_next_run(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f"{DIR_PREFIX}{int(dead.stdout)}-state-x"
    stale.mkdir()
    (stale / "frontier.db").write_bytes(b"left by kill -9")
    mine = run_directory(tmp_path, "state")
    assert not stale.exists() and mine.exists()


def test_a_crawl_through_disk_queues_archives_every_article(sample_server, tmp_path):
    db = tmp_path / "a.db"
    frontier = tmp_path / "frontier"
    result = run_cli("crawl", "sample", "--base-url", sample_server.base_url, "--db", str(db),
                     "-s", "FRONTIER_MEMORY_REQUESTS=0", "-s", f"FRONTIER_DIR={frontier}", "-s", "LOG_LEVEL=INFO", "-v")
    assert result.returncode == 0, result.stderr[-3000:]
    disk = re.search(r"'scheduler/enqueued/disk': (\d+)", result.stderr)
    assert disk and int(disk.group(1)) > len(sample_server.site.expected["archivable_paths"])  # every request
    paths = sorted(u[len(sample_server.base_url):] for (u,) in query(db, "SELECT canonical_url FROM articles"))
    assert paths == sorted(sample_server.site.expected["archivable_paths"])
    assert list(frontier.iterdir()) == []  # the run's queues and bookkeeping are gone with it
