"""Issue #30, live mode: `python -m crawler watch` against the sample site publishing every few seconds.

The unit tests check the pieces in-process (the schedule, news sitemap dates, the live sample site,
the freshness columns and `stats`); one end-to-end test runs `watch` in a child process for a
bounded time against a live site this process serves, with kill -9 and a restart in the middle,
a `crawl` beside it, a quiet spell and a SIGTERM at the end. The issue's 2-minute run with its
delay figures is `benchmarks/watch_live.py`.
"""
from __future__ import annotations

import os
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from archive.readonly import open_readonly
from archive.schema import add_freshness_columns
from archive.stats import archive_stats, format_stats
from archive.store import Archive
from crawler.discovery.announcements import news_sitemap_entries
from crawler.run.runner import EXIT_BUSY, EXIT_OK, EXIT_USAGE
from crawler.sample_site import Request, SampleSite, serve
from crawler.sample_site.live import LivePublisher
from crawler.live.schedule import WatchRules, WatchSchedule
from tests.conftest import ROOT, run_cli
from tests.conftest import readonly_rows as rows
from tests.archive.test_export import build_archive

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=timezone.utc)


# -- the schedule -----------------------------------------------------------------------------------------------


def schedule_with(dates: list[datetime], every: float = 10) -> WatchSchedule:
    schedule = WatchSchedule(every, WatchRules(recent_announcements=6, polls_per_gap=2, max_factor=6))
    schedule.add_site("s", now=0)
    schedule.announced("s", dates, now=0, wall_clock=NOW)
    return schedule


def test_a_site_publishing_every_few_seconds_is_polled_every_interval():
    schedule = schedule_with([NOW - timedelta(seconds=5 * n) for n in range(6)])
    assert schedule.interval("s", NOW) == 10


def test_a_quiet_site_is_polled_less_often_but_within_max_factor():
    hourly = schedule_with([NOW - timedelta(hours=n, minutes=20) for n in range(6)])
    assert hourly.interval("s", NOW) == 60  # 10 s x 6: the ceiling
    every_minute = schedule_with([NOW - timedelta(minutes=n, seconds=30) for n in range(6)])
    assert every_minute.interval("s", NOW) == 15  # half of the 30 s since its newest article


def test_a_site_that_just_published_after_a_long_silence_is_polled_at_once_again():
    schedule = schedule_with([NOW - timedelta(seconds=3), NOW - timedelta(days=3), NOW - timedelta(days=6)])
    assert schedule.interval("s", NOW) == 10


def test_the_interval_never_goes_below_the_sites_crawl_delay_and_dates_are_optional():
    busy = schedule_with([NOW - timedelta(seconds=n) for n in range(6)], every=2)
    assert busy.interval("s", NOW, floor=7.5) == 7.5
    assert schedule_with([]).interval("s", NOW) == 10
    schedule = schedule_with([])
    schedule.polled("s", now=100.0, wall_clock=NOW)
    assert schedule.due(109.9) == [] and schedule.due(110.0) == ["s"]


def test_news_that_a_site_woke_up_brings_its_next_poll_forward():
    schedule = schedule_with([NOW - timedelta(days=3), NOW - timedelta(days=6)])
    assert schedule.polled("s", now=100.0, wall_clock=NOW) == 60  # silent for days: the ceiling
    schedule.announced("s", [NOW - timedelta(seconds=2)], now=101.0, wall_clock=NOW)  # that poll's answer
    assert schedule.due(109.9) == [] and schedule.due(110.0) == ["s"]  # 10 s after the poll, not 60
    schedule.announced("s", [NOW - timedelta(days=7)], now=102.0, wall_clock=NOW)  # old news moves nothing
    assert schedule.due(110.0) == ["s"]


def test_a_poll_asks_for_news_sitemaps_and_feeds_with_their_validators():
    schedule = schedule_with([])
    schedule.found("s", "http://x/sitemap-articles.xml", "sitemap")
    assert schedule.sites["s"].urls(fallback=3) == ["http://x/sitemap-articles.xml"]  # nothing better known
    schedule.found("s", "http://x/sitemap-news.xml", "news_sitemap")
    schedule.found("s", "http://x/rss.xml", "feed")
    schedule.found("s", "http://x/rss.xml", "feed")
    assert schedule.sites["s"].urls(fallback=3) == ["http://x/sitemap-news.xml", "http://x/rss.xml"]
    schedule.remember_validators("http://x/rss.xml", '"abc"', "Fri, 04 Dec 2026 21:00:00 GMT")
    assert schedule.conditional_headers("http://x/rss.xml") == {
        "If-None-Match": '"abc"', "If-Modified-Since": "Fri, 04 Dec 2026 21:00:00 GMT"}
    assert schedule.conditional_headers("http://x/sitemap-news.xml") == {}


def test_the_rules_file_loads_and_every_must_be_positive():
    rules = WatchRules.load()
    assert rules.max_factor >= 1 and rules.polls_per_gap > 0 and rules.heartbeat_seconds > 0
    with pytest.raises(ValueError):
        WatchSchedule(0)


# -- news sitemaps, the live sample site ------------------------------------------------------------------------


def test_news_sitemap_entries_carry_their_publication_dates():
    site = SampleSite(n_articles=12)
    body = site.respond(Request("GET", "/sitemap-news.xml"), "http://x").body
    entries = news_sitemap_entries(body)
    newest = site.newest(1)[0]
    assert entries[0] == (f"http://x{newest.path}", newest.published.isoformat())
    assert news_sitemap_entries(site.respond(Request("GET", "/sitemap-articles.xml"), "http://x").body) is None
    assert news_sitemap_entries(b"<not xml") is None


def test_a_published_article_heads_the_news_sitemap_and_feed_which_answer_304_until_then():
    site = SampleSite(n_articles=12)
    first = {path: site.respond(Request("GET", path), "http://x") for path in ("/sitemap-news.xml", "/rss.xml")}
    for path, response in first.items():
        again = site.respond(Request("GET", path, {"If-None-Match": response.headers["ETag"]}), "http://x")
        assert again.status == 304 and again.body == b""
    article = site.publish(NOW)
    assert article.published == NOW and site.newest(1) == [article]
    assert article.path in site.expected["archivable_paths"] and site.expected["article_count"] == 13
    for path, response in first.items():
        changed = site.respond(Request("GET", path, {"If-None-Match": response.headers["ETag"]}), "http://x")
        assert changed.status == 200 and article.path.encode() in changed.body
    page = site.respond(Request("GET", article.path), "http://x")
    assert page.status == 200 and article.title.encode() in page.body


def test_the_live_publisher_publishes_until_paused_or_stopped():
    site = SampleSite(n_articles=12)
    with LivePublisher(site, every=0.05) as live:
        time.sleep(0.3)
        live.paused.set()
        time.sleep(0.1)
        published = len(site.live)
        time.sleep(0.2)
        assert len(site.live) == published >= 3
    assert len({a.path for a in site.live}) == len(site.live)  # every one a new URL
    with pytest.raises(ValueError):
        LivePublisher(site, every=0)


def test_sample_site_live_every_is_validated():
    result = subprocess.run([sys.executable, "-m", "crawler.sample_site", "--live-every", "0"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "--live-every" in result.stderr


# -- freshness in the archive and in stats ----------------------------------------------------------------------


def test_the_freshness_migration_is_idempotent_and_keeps_first_seen_as_archived_at(tmp_path):
    db = tmp_path / "archive.db"
    build_archive(db)
    conn = sqlite3.connect(db)
    add_freshness_columns(conn)  # once more, as after a merge that renumbered the step
    columns = [row[1] for row in conn.execute("PRAGMA table_info(articles)")]
    assert columns.count("announced_at") == 1 and columns.count("archived_at") == 1
    conn.execute("UPDATE articles SET archived_at = NULL")
    add_freshness_columns(conn)
    assert conn.execute("SELECT COUNT(*) FROM articles WHERE archived_at IS NOT first_seen").fetchone()[0] == 0
    conn.close()


def test_an_article_records_when_it_was_announced_and_archived_and_stats_shows_the_delay(tmp_path):
    from archive.store import FetchInfo
    from crawler.extraction import Article

    db = tmp_path / "archive.db"
    store = Archive(db)
    run = store.start_run("watch")
    announced = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(seconds=30)
    for n, lag in enumerate((10, 20, 40)):
        article = Article(url=f"https://s.example/{n}", title=f"t{n}", body=f"نص الخبر رقم {n} " * 20)
        when = (announced + timedelta(seconds=n)).astimezone(timezone(timedelta(hours=3))).isoformat()
        store.insert_article(article, article.url, f"h{n}", FetchInfo("s", run, announced.isoformat(), lastmod=when))
        store.conn.execute("UPDATE articles SET archived_at = ? WHERE canonical_url = ?",
                           ((announced + timedelta(seconds=n + lag)).isoformat(), article.url))
    untimed = Article(url="https://s.example/listing-only", title="x", body="نص آخر " * 20)
    store.insert_article(untimed, untimed.url, "hx", FetchInfo("s", run, announced.isoformat()))
    store.close()
    stored = rows(db, "SELECT announced_at FROM articles ORDER BY id")
    assert stored[0][0] == announced.isoformat() and stored[-1][0] is None  # in UTC; none from a listing
    conn = open_readonly(db)
    stats = archive_stats(conn, days=2)
    conn.close()
    assert stats["freshness"]["s"] == {"articles": 3, "median_seconds": 20.0, "p90_seconds": 40.0, "max_seconds": 40.0}
    text = format_stats(stats)
    assert "Freshness" in text and "20 s" in text


def test_stats_of_an_archive_without_announcements_shows_no_delay(tmp_path):
    db = tmp_path / "archive.db"
    build_archive(db)
    conn = open_readonly(db)
    assert archive_stats(conn, today=date(2026, 11, 25))["freshness"] == {}
    conn.close()


# -- the command ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ["watch", "--every", "0", "sample", "--base-url", "http://127.0.0.1:9"],
    ["watch", "--every", "soon", "sample", "--base-url", "http://127.0.0.1:9"],
    ["watch"],
    ["watch", "nosuchsite"],
    ["watch", "--all", "sample", "--base-url", "http://127.0.0.1:9"],
])
def test_watch_usage_errors_are_one_line_and_exit_2(tmp_path, args):
    result = run_cli(*args, "--db", str(tmp_path / "archive.db"), timeout=120)
    assert result.returncode == EXIT_USAGE, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "error:" in result.stderr
    assert not (tmp_path / "archive.db").exists()


def start_watch(server, db: Path, *extra: str, every: float = 2) -> subprocess.Popen:
    """In its own process group, so kill -9 reaches its extraction workers too."""
    args = ["watch", "sample", "--base-url", server.base_url, "--every", str(every), "--db", str(db), *extra]
    return subprocess.Popen([sys.executable, "-m", "crawler", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def archived(db: Path, base_url: str) -> list[str]:
    if not db.exists():
        return []
    try:
        return [url[len(base_url):] for (url,) in rows(db, "SELECT canonical_url FROM articles")]
    except Exception:  # noqa: BLE001 - not created or not migrated yet
        return []


def wait_for(condition, timeout: float, what: str, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if process is not None and process.poll() is not None:
            raise AssertionError(f"watch exited {process.returncode} waiting for {what}:\n{process.stderr.read()[-3000:]}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.3)


ROUND_WITH_NEWS = re.compile(r"watch round \d+ \[sample\]: [1-9]\d* new")
HEARTBEAT = "watch alive: nothing new in"


class OutputLines:
    """A running watch's stdout, line by line as it comes, so a test can wait for a round's summary or
    the heartbeat instead of sleeping."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, args=(process.stdout,), daemon=True)
        self.reader.start()

    def _read(self, stream) -> None:
        for line in stream:
            self.lines.append(line.rstrip("\n"))

    def match(self, pattern: re.Pattern) -> bool:
        return any(pattern.match(line) for line in list(self.lines))

    def starts(self, prefix: str) -> bool:
        return any(line.startswith(prefix) for line in list(self.lines))

    def finish(self, process: subprocess.Popen, timeout: float) -> tuple[list[str], str]:
        """Wait for the exit, then every stdout line and the whole stderr."""
        process.wait(timeout=timeout)
        self.reader.join(timeout=30)
        return self.lines, process.stderr.read()


def answered_304_since(requests: list, start: int, paths: set[str]) -> bool:
    """Whether every one of `paths` has answered 304 among the server's requests from index `start` on."""
    return paths <= {r.path for r in requests[start:] if r.status == 304}


def test_watch_archives_what_is_published_survives_kill_9_polls_cheaply_and_stops_on_sigterm(tmp_path):
    site = SampleSite(seed=7, n_articles=12)
    db = tmp_path / "archive.db"
    polled = {"/rss.xml", "/sitemap-news.xml"}
    with serve(site) as server, LivePublisher(site, every=2) as live:
        base = server.base_url
        watch = start_watch(server, db)
        try:
            wait_for(lambda: sum(a.path in archived(db, base) for a in site.live) >= 3, 120, "3 live articles", watch)
            beside = run_cli("crawl", "sample", "--base-url", base, "--db", str(db), timeout=120)
            assert beside.returncode == EXIT_BUSY, beside.stderr  # the same lock as `crawl`
            os.killpg(watch.pid, signal.SIGKILL)
            watch.wait(timeout=30)
            killed_at = len(site.live)
            watch = start_watch(server, db, "-s", "WATCH_HEARTBEAT_SECONDS=3")
            output = OutputLines(watch)
            # Articles published while no watch ran and after the restart are archived too, and a round
            # after the restarted watch's first archives the newest (on a busy machine the first round
            # alone can take them all, so wait for that round rather than for a count).
            wait_for(lambda: sum(a.path in archived(db, base) for a in site.live) >= killed_at + 3
                     and output.match(ROUND_WITH_NEWS), 120, "live articles in a round after the restart", watch)
            live.paused.set()
            quiet = len(site.live)
            wait_for(lambda: all(a.path in archived(db, base) for a in site.live), 60, "the last articles", watch)
            # The poll in flight when publishing stopped may still get a 200: the quiet window opens once
            # both the news sitemap and the feed have answered 304 since.
            settled = len(server.requests)
            wait_for(lambda: answered_304_since(server.requests, settled, polled), 60, "a poll answered 304", watch)
            window_start = len(server.requests)
            # Two more polls and the heartbeat of a quiet spell (3 s), not a fixed 10 s.
            wait_for(lambda: sum(r.path == "/rss.xml" for r in server.requests[window_start:]) >= 2
                     and output.starts(HEARTBEAT), 60, "two quiet polls and the heartbeat", watch)
            window = list(server.requests)[window_start:]
            watch.send_signal(signal.SIGTERM)
            lines, err = output.finish(watch, timeout=90)
        finally:
            if watch.poll() is None:
                os.killpg(watch.pid, signal.SIGKILL)
    assert watch.returncode == EXIT_OK, err[-3000:]
    # Every article on the site, the whole first round and every live one, archived exactly once.
    paths = archived(db, base)
    assert sorted(paths) == sorted(site.expected["archivable_paths"]) and len(site.live) == quiet
    assert rows(db, "SELECT COUNT(*) FROM aliases WHERE kind = 'same-text'") == [(0,)]
    assert [status for (status,) in rows(db, "SELECT status FROM crawl_runs ORDER BY id")] == ["aborted", "interrupted"]
    # A quiet site costs its news sitemap and its feed per poll, both 304.
    polls = sum(r.path == "/rss.xml" for r in window)
    assert polls >= 1, window
    assert {(r.path, r.status) for r in window} <= {("/rss.xml", 304), ("/sitemap-news.xml", 304)}, window
    assert len(window) / polls <= 3
    # Freshness: the live articles were announced with their publication date and archived seconds later.
    live_paths = {a.path for a in site.live}
    delays = [seconds for url, seconds in rows(
        db, "SELECT canonical_url, (julianday(archived_at) - julianday(announced_at)) * 86400 FROM articles")
        if url[len(base):] in live_paths]
    assert len(delays) == len(live_paths) and statistics.median(delays) <= 20, delays
    lines = [line for line in lines if line.strip()]
    assert lines[0].startswith("watch first round [sample]:") and "new" in lines[0]
    # a round after the first archived the live articles (one or, on a busy machine, several per round)
    assert any(ROUND_WITH_NEWS.match(line) for line in lines), lines
    assert any(line.startswith(HEARTBEAT) for line in lines)  # the quiet spell
    assert lines[-1].startswith("run 2 interrupted [sample]:")


def test_watch_rechecks_recent_articles_for_edits_on_its_slower_schedule(tmp_path):
    site = SampleSite(seed=7, n_articles=12)
    db = tmp_path / "archive.db"
    with serve(site) as server:
        args = ["watch", "sample", "--base-url", server.base_url, "--every", "2", "--db", str(db),
                "-s", "WATCH_RECHECK_SECONDS=3"]
        watch = subprocess.Popen([sys.executable, "-m", "crawler", *args], cwd=ROOT, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            wait_for(lambda: len(archived(db, server.base_url)) == site.expected["article_count"], 120,
                     "the first round", watch)
            edited = site.update_article(site.newest(1)[0].id)
            url = server.base_url + edited.path
            wait_for(lambda: rows(db, "SELECT version FROM articles WHERE canonical_url = ?", url) == [(2,)], 60,
                     "the edit", watch)
            watch.send_signal(signal.SIGTERM)
            out, err = watch.communicate(timeout=90)
        finally:
            if watch.poll() is None:
                os.killpg(watch.pid, signal.SIGKILL)
    assert watch.returncode == EXIT_OK, err[-3000:]
    assert any("1 updated" in line for line in out.splitlines()), out
    # Re-checks are conditional: the articles that did not change answered 304.
    rechecked = [r for r in server.requests if r.path in site.expected["archivable_paths"] and r.status == 304]
    assert rechecked
