"""Cron operation (issue "polite cron operation and per-site health"): overlapping runs, signals,
politeness, run bounds, site health and failing sites.

Every crawl is `python -m crawler crawl` in a child process, against a `SampleSite` this test
process serves on 127.0.0.1, so `server.requests` shows exactly what the crawler asked for.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from archive.store import Archive
from crawler.run.lock import ArchiveLock
from crawler.run.runner import (
    EXIT_BUSY, EXIT_INTERRUPTED, EXIT_OK, EXIT_SITE_FAILED, EXIT_UNHEALTHY, EXIT_USAGE, LOCAL_SITE_SETTINGS,
)
from crawler.sample_site import SampleSite, serve
from tests.conftest import ROOT, archived_count, run_cli
from tests.conftest import readonly_rows as rows

# The settings `--base-url` applies to local sites, for crawls that name no catalog site (`--url`).
LOCAL_SETTINGS = [arg for name, value in LOCAL_SITE_SETTINGS.items() for arg in ("-s", f"{name}={value}")]
# One request at a time, spaced: slow enough to signal a crawl half-way through.
SLOW_SETTINGS = ["-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "-s", "DOWNLOAD_DELAY=0.2"]
# Seconds allowed under a delay the site asked for: the server stamps a request when its handler thread
# runs, and on a saturated CPU that lags by up to ~0.08 s. Ignoring the delay gives gaps near 0 (or half
# the delay with Scrapy's jitter left wide), far below the delay minus this.
GAP_TOLERANCE = 0.1
# The sample site's robots.txt Crawl-delay in the politeness test. Half a second proves the spacing as
# well as a whole one (a broken floor gives gaps of 0 or 0.25 s, both under 0.4) and halves the ~30 s the
# test spent waiting on its ~28 requests.
CRAWL_DELAY = 0.5
SAMPLE_RETRY_AFTER = 2  # seconds: the sample site's Retry-After on the 429 of its /busy/ article


# -- helpers -----------------------------------------------------------------------------------------------------


@contextmanager
def sample(n_articles: int = 12, **options):
    site = SampleSite(seed=7, n_articles=n_articles, **options)
    with serve(site) as server:
        yield site, server


def crawl_args(server, db: Path, *extra: str) -> list[str]:
    return ["crawl", "sample", "--base-url", server.base_url, "--db", str(db), *extra]


def crawl(server, db: Path, *extra: str) -> subprocess.CompletedProcess:
    return run_cli(*crawl_args(server, db, *extra))


def start_crawl(server, db: Path, *extra: str) -> subprocess.Popen:
    """In its own process group, so a signal can go to it and its extraction workers, as Ctrl-C sends it."""
    return subprocess.Popen([sys.executable, "-m", "crawler", *crawl_args(server, db, *extra)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)




def archived_paths(db: Path, base_url: str) -> list[str]:
    return sorted(url[len(base_url):] for (url,) in rows(db, "SELECT canonical_url FROM articles"))


def last_run(db: Path) -> tuple[str, dict]:
    status, counts = rows(db, "SELECT status, counts FROM crawl_runs ORDER BY id DESC LIMIT 1")[0]
    return status, json.loads(counts)


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ok(result: subprocess.CompletedProcess, code: int = EXIT_OK) -> subprocess.CompletedProcess:
    assert result.returncode == code, f"exit {result.returncode}\n{result.stdout}\n{result.stderr[-3000:]}"
    return result


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- 1. overlapping runs -----------------------------------------------------------------------------------------


def test_a_crawl_of_a_locked_archive_exits_75_and_writes_nothing(tmp_path):
    db = tmp_path / "archive.db"
    Archive(db).close()  # an existing, empty archive
    before = file_digest(db)
    with sample() as (_, server), ArchiveLock(db):
        result = ok(crawl(server, db), EXIT_BUSY)
        reextract = ok(run_cli("reextract", "--db", str(db)), EXIT_BUSY)
        assert server.requests == []  # not even robots.txt
    assert result.stderr.startswith("error: busy: another crawl") and f"pid {os.getpid()}" in result.stderr
    assert result.stdout == ""
    assert "busy" in reextract.stderr
    assert file_digest(db) == before
    assert not (tmp_path / "warc").exists()
    assert rows(db, "SELECT COUNT(*) FROM crawl_runs") == [(0,)]


# -- 2. SIGTERM / SIGINT mid-crawl ---------------------------------------------------------------------------------


def signal_mid_crawl(server, db: Path, signum: int, *, after_articles: int = 2, group: bool = False) -> dict:
    """Start a slow crawl, wait until `after_articles` are archived (committed), signal it (or its whole
    process group: a terminal's Ctrl-C, systemd's default KillMode), and let it exit."""
    proc = start_crawl(server, db, *SLOW_SETTINGS)
    deadline = time.monotonic() + 60
    while archived_count(db) < after_articles and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert proc.poll() is None, f"the crawl ended before the signal:\n{proc.communicate()[1][-3000:]}"
    overlapping = run_cli(*crawl_args(server, db))  # what cron starting the next run meanwhile gets
    requests_at_signal = len(server.requests)
    if group:
        os.killpg(proc.pid, signum)
    else:
        proc.send_signal(signum)
    try:
        stdout, stderr = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        stdout, stderr = proc.communicate()
        pytest.fail(f"the crawl did not exit within 60 s of the signal:\n{stderr[-3000:]}")
    return {"returncode": proc.returncode, "stdout": stdout, "stderr": stderr, "pid": proc.pid,
            "overlapping": overlapping, "requests_after_signal": len(server.requests) - requests_at_signal}


def assert_interrupted_run_recorded(db: Path, outcome: dict) -> None:
    assert outcome["returncode"] == EXIT_INTERRUPTED, outcome["stderr"][-3000:]
    assert outcome["stdout"].startswith("run 1 interrupted")
    assert " ERROR: " not in outcome["stderr"], outcome["stderr"][-3000:]  # e.g. a page lost with its worker
    status, counts = last_run(db)
    archived = archived_count(db)
    assert status == "interrupted" and counts["close_reason"] == "shutdown"
    assert counts["new"] == archived > 0 and counts["requests"] > 0
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    assert rows(db, "SELECT COUNT(*) FROM articles WHERE title = '' OR body = ''") == [(0,)]


def test_sigterm_mid_crawl_exits_130_keeps_what_was_archived_and_a_rerun_completes(tmp_path):
    db = tmp_path / "archive.db"
    # Long enough to still run after the overlapping start, which takes several seconds on a loaded machine.
    with sample(n_articles=40) as (site, server):
        outcome = signal_mid_crawl(server, db, signal.SIGTERM)
        overlapping = outcome["overlapping"]
        assert overlapping.returncode == EXIT_BUSY and f"pid {outcome['pid']}" in overlapping.stderr
        assert_interrupted_run_recorded(db, outcome)

        rerun = ok(crawl(server, db))
        assert rerun.stdout.startswith("run 2 finished")
        expected = site.expected["archivable_paths"]
        assert archived_paths(db, server.base_url) == sorted(expected)  # every article exactly once
        assert rows(db, "SELECT COUNT(DISTINCT canonical_url) FROM articles") == [(len(expected),)]
    # A graceful stop finishes the request in flight and sends no new one: systemd and cron wrappers
    # give a stopping service seconds, not one Crawl-delay per request Scrapy had already queued.
    assert outcome["requests_after_signal"] <= 2


def test_ctrl_c_mid_crawl_exits_130_and_loses_no_fetched_page(tmp_path):
    db = tmp_path / "archive.db"
    with sample(n_articles=20) as (_, server):
        outcome = signal_mid_crawl(server, db, signal.SIGINT, after_articles=1, group=True)
    assert_interrupted_run_recorded(db, outcome)


# -- 3. politeness -------------------------------------------------------------------------------------------------


def test_crawl_delay_spaces_every_request_and_retry_after_is_honoured(tmp_path):
    db = tmp_path / "archive.db"
    with sample(n_articles=10, crawl_delay=CRAWL_DELAY) as (site, server):
        ok(crawl(server, db))  # --base-url sets DOWNLOAD_DELAY=0: any spacing comes from Crawl-delay
        requests = sorted(server.requests, key=lambda r: r.time)
        expected = site.expected
        assert archived_paths(db, server.base_url) == sorted(expected["archivable_paths"])

    assert requests[0].path == "/robots.txt"
    gaps = [(b.time - a.time, b.path) for a, b in zip(requests, requests[1:])]
    too_short = [(round(gap, 3), path) for gap, path in gaps if gap < CRAWL_DELAY - GAP_TOLERANCE]
    assert too_short == []

    busy = [r for r in requests if r.path == expected["retry_after_path"]]
    assert [r.status for r in busy] == [429, 200]
    assert busy[1].time - busy[0].time >= SAMPLE_RETRY_AFTER - GAP_TOLERANCE


# -- 4. bounds, --since and --log-file -------------------------------------------------------------------------------


def test_max_articles_bounds_the_run_and_a_stale_lock_file_does_not_block_it(tmp_path):
    db = tmp_path / "archive.db"
    Path(f"{db}.lock").write_text("999999")  # left by a crashed run: flock died with it
    with sample(n_articles=36) as (_, server):
        result = ok(crawl(server, db, "--max-articles", "5"))
    assert 1 <= archived_count(db) <= 5
    assert result.stdout.startswith("run 1 finished")


def test_max_pages_stops_the_run(tmp_path):
    db = tmp_path / "archive.db"
    max_pages = 5
    with sample(n_articles=36) as (site, server):
        ok(crawl(server, db, "--max-pages", str(max_pages)))
        requested = len(server.requests)
    status, counts = last_run(db)
    assert (status, counts["close_reason"]) == ("finished", "closespider_pagecount")
    assert archived_count(db) < site.expected["article_count"]
    # Scrapy lets what the downloader already holds (up to CONCURRENT_REQUESTS=16) finish, + robots.txt.
    assert requested <= max_pages + 16 + 1


def test_since_skips_older_entries_and_log_file_gets_info_lines(tmp_path):
    db, log = tmp_path / "archive.db", tmp_path / "crawl.log"
    since = datetime(2017, 9, 25, tzinfo=timezone.utc)
    with sample(n_articles=36) as (site, server):
        ok(crawl(server, db, "--since", since.date().isoformat(), "--log-file", str(log)))
        base = server.base_url

    text = log.read_text(encoding="utf-8")
    assert re.search(r"^\d{4}-\d\d-\d\d [\d:,]+ \[[\w.]+\] INFO: ", text, re.M)
    assert "run 1 finished" in text

    archived = set(archived_paths(db, base))
    # Every date of these is on or after --since, or (a day of slack for the URL's local date) before it.
    recent = {a.path for a in site.articles if a.published >= since}
    older = {a.path for a in site.articles if a.updated < since - timedelta(days=1)}
    assert recent and older
    assert recent <= archived
    assert sorted(older & archived) == []  # including the 2009-2011 legacy articles


# -- 5. site health ------------------------------------------------------------------------------------------------


def test_a_redesign_is_flagged_in_the_summary_site_runs_and_stats(tmp_path):
    db, copy = tmp_path / "archive.db", tmp_path / "copy" / "archive.db"
    copy.parent.mkdir()
    with sample() as (site, server):
        first = ok(crawl(server, db))
        assert "HEALTH" not in first.stdout
        with sqlite3.connect(db) as source, sqlite3.connect(copy) as target:
            source.backup(target)  # the same history, for the --fail-on-health run
        site.layout = "v2"  # the image keeps its alt, but no caption is printed any more
        flagged = ok(crawl(server, db, "--refresh"))
        failing = ok(crawl(server, copy, "--refresh", "--fail-on-health"), EXIT_UNHEALTHY)

    for result in (flagged, failing):
        summary = result.stdout.strip().splitlines()[-1]
        assert re.search(r"\| HEALTH sample: .*captions", summary), summary
    ((health,),) = rows(db, "SELECT health FROM site_runs WHERE run_id = 2 AND site = 'sample'")
    assert any("captions" in flag for flag in json.loads(health))
    assert rows(db, "SELECT health FROM site_runs WHERE run_id = 1") == [("[]",)]

    stats = ok(run_cli("stats", "--db", str(db)))
    assert re.search(r"^sample +2 .*captions fill-rate fell", stats.stdout, re.M)


# -- 6. failing sites and usage errors -------------------------------------------------------------------------------


def test_a_site_that_refuses_connections_exits_1_with_failures_counted(tmp_path):
    db = tmp_path / "archive.db"
    result = ok(run_cli("crawl", "--url", f"http://127.0.0.1:{closed_port()}/", "--db", str(db), *LOCAL_SETTINGS),
                EXIT_SITE_FAILED)
    assert re.search(r" 0 new, .* [1-9]\d* failures", result.stdout), result.stdout
    ((pages, articles),) = rows(db, "SELECT pages, articles FROM site_runs")
    assert (pages, articles) == (0, 0)


@pytest.mark.parametrize("args", [
    ["crawl", "no-such-site"],
    ["crawl", "sample"],  # a local site needs --base-url
    ["crawl", "sample", "--base-url", "http://127.0.0.1:9", "--since", "last tuesday"],
])
def test_usage_errors_exit_2_and_create_no_archive(tmp_path, args):
    db = tmp_path / "archive.db"
    result = ok(run_cli(*args, "--db", str(db)), EXIT_USAGE)
    assert "error" in result.stderr
    assert not db.exists()


# -- 7. ad-hoc sites ---------------------------------------------------------------------------------------------


def test_crawl_url_discovers_an_unlisted_site_through_robots_txt(tmp_path):
    db = tmp_path / "archive.db"
    with sample() as (site, server):
        ok(run_cli("crawl", "--url", f"{server.base_url}/", "--db", str(db), *LOCAL_SETTINGS))
        assert archived_paths(db, server.base_url) == sorted(site.expected["archivable_paths"])
        assert "/robots.txt" in server.paths_requested()
    assert rows(db, "SELECT site FROM site_runs") == [("127.0.0.1",)]
