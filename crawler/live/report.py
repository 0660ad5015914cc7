"""What `watch` prints: one line per poll round that found something, a heartbeat line otherwise.

A round ends when the crawl is idle again after requests went out (the first round is the initial
crawl). Its counts come from the archive session, read on the writer thread after every item of
the round was written, so a line never counts an article the archive does not hold yet.
"""
from __future__ import annotations

import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from scrapy import signals

from archive.stats import duration
from archive.known import parse_iso
from crawler.live.schedule import WatchRules

NEW_FRESHNESS = "SELECT id, site, announced_at, archived_at FROM articles WHERE id > ? ORDER BY id"


def print_line(line: str) -> None:
    print(line, file=sys.stdout, flush=True)


@dataclass
class RoundFacts:
    """What the archive says after a round: outcome counts per site, the newest article id, delays."""

    counts: Counter
    last_id: int
    delays: dict[str, list[float]]  # site -> archived_at - announced_at of its new articles, seconds


def freshness_delays(rows: list[tuple[Any, ...]]) -> dict[str, list[float]]:
    delays: dict[str, list[float]] = {}
    for _, site, announced, archived in rows:
        announced_at, archived_at = parse_iso(announced), parse_iso(archived)
        if announced_at and archived_at:
            delays.setdefault(site, []).append(max(0.0, (archived_at - announced_at).total_seconds()))
    return delays


class WatchReport:
    def __init__(self, crawler, heartbeat_seconds: float, db_path: str, write: Callable[[str], None] = print_line) -> None:
        self.crawler = crawler
        self.heartbeat_seconds = heartbeat_seconds
        self.db_path = db_path
        self.write = write
        self.round = 0
        self.seen_requests = 0
        self.seen_polls = 0
        self.seen_failures = 0
        self.polls_at_line = 0  # polls when the last line was written, for the heartbeat's count
        self.seen_counts: Counter = Counter()
        self.last_id: int | None = None
        self.last_line = time.monotonic()
        self.pending = False  # a round's facts are being read on the writer thread

    @classmethod
    def from_crawler(cls, crawler) -> "WatchReport":
        settings = crawler.settings
        heartbeat = settings.getfloat("WATCH_HEARTBEAT_SECONDS", WatchRules.load().heartbeat_seconds)
        report = cls(crawler, heartbeat, settings.get("ARCHIVE_PATH"))
        crawler.signals.connect(report.idle, signal=signals.spider_idle)
        return report

    def session(self):
        from pipelines.session import SESSION_ATTRIBUTE

        return getattr(self.crawler, SESSION_ATTRIBUTE, None)

    def idle(self, spider) -> None:
        engine, session = self.crawler.engine, self.session()
        if session is None or self.pending or not engine.spider_is_idle():
            return  # e.g. held sitemap entries were just released: the round goes on
        stats = self.crawler.stats
        if stats.get_value("downloader/request_count", 0) != self.seen_requests:
            self.pending = True
            last_id = self.last_id
            future = session.submit(self.read_facts, session, last_id)
            future.add_done_callback(self.facts_read)
        elif time.monotonic() - self.last_line >= self.heartbeat_seconds:
            self.heartbeat()

    @staticmethod
    def read_facts(session, last_id: int | None) -> RoundFacts:
        """On the writer thread: its counts and its connection see every item written so far."""
        conn = session.archive.conn
        if last_id is None:  # the first round: the articles of this run
            rows = conn.execute(NEW_FRESHNESS.replace("id > ?", "run_id = ?"), (session.run_id,)).fetchall()
            start = conn.execute("SELECT COALESCE(MAX(id), 0) FROM articles").fetchone()[0]
        else:
            rows = conn.execute(NEW_FRESHNESS, (last_id,)).fetchall()
            start = rows[-1][0] if rows else last_id
        return RoundFacts(Counter(session.counts), start, freshness_delays(rows))

    def facts_read(self, future) -> None:
        from twisted.internet import reactor

        reactor.callFromThread(self.round_done, future)

    def round_done(self, future) -> None:
        self.pending = False
        try:
            facts = future.result()
        except Exception as exc:  # noqa: BLE001 - a report must not stop the watch; the log says why
            self.crawler.spider.logger.warning("watch: could not read the round's counts: %s", exc)
            return
        stats = self.crawler.stats.get_stats()
        requests = stats.get("downloader/request_count", 0)
        polls = stats.get("watch/polls", 0)
        failures = sum(v for k, v in stats.items() if k.startswith("site/") and "/failures/" in k)
        outcomes = facts.counts - self.seen_counts
        line = self.round_line(outcomes, facts.delays, requests - self.seen_requests, polls - self.seen_polls,
                               failures - self.seen_failures)
        self.round += 1
        self.seen_requests, self.seen_polls, self.seen_failures = requests, polls, failures
        self.seen_counts, self.last_id = facts.counts, facts.last_id
        if line:
            self.write(line)
            self.last_line, self.polls_at_line = time.monotonic(), polls
        elif time.monotonic() - self.last_line >= self.heartbeat_seconds:
            self.heartbeat()  # quiet polls keep the crawl busy now and then: idle alone may never see a pause

    def round_line(self, outcomes: Counter, delays: dict[str, list[float]], requests: int, polls: int,
                   failures: int) -> str | None:
        """The round's summary line, or None when it found nothing (the heartbeat speaks for quiet rounds)."""
        totals: Counter = Counter()
        for (_, outcome), n in outcomes.items():
            totals[outcome] += n
        new = totals["new"] + totals["near_duplicate"]
        if not (new or totals["updated"] or totals["gone"] or totals["redirected"] or failures):
            return None
        sites = sorted({site for (site, outcome), n in outcomes.items() if n and outcome != "unchanged"}) or ["-"]
        all_delays = [d for site_delays in delays.values() for d in site_delays]
        delay = f", delay {duration(statistics.median(all_delays))} median" if all_delays else ""
        name = "first round" if self.round == 0 else f"round {self.round}"
        return (f"watch {name} [{','.join(sites)}]: {new} new, {totals['updated']} updated, {totals['gone']} gone, "
                f"{totals['duplicate']} duplicates, {failures} failures, {requests} requests, {polls} polls{delay}"
                f" -> {self.db_path}")

    def heartbeat(self) -> None:
        stats = self.crawler.stats
        polls = stats.get_value("watch/polls", 0)
        seconds = time.monotonic() - self.last_line
        self.write(f"watch alive: nothing new in {polls - self.polls_at_line} polls over {seconds:.0f} s -> {self.db_path}")
        self.last_line, self.polls_at_line = time.monotonic(), polls
