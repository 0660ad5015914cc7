"""When `watch` polls each site, what it asks for, and with which validators: plain Python, no Scrapy.

A poll of a site requests only the documents that announce its new articles (the news sitemaps and
feeds its first round found), each with the validators (ETag, Last-Modified) of its last answer, so
a poll of a quiet site costs one 304 per document. The interval follows how often the site publishes
(`crawler/data/watch.toml`): never shorter than the operator's `--every` nor the site's crawl delay.
"""
from __future__ import annotations

import statistics
import tomllib
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

RULES_FILE = Path(__file__).parent.with_name("data") / "watch.toml"


@dataclass(frozen=True)
class WatchRules:
    recent_announcements: int = 6
    polls_per_gap: float = 2
    max_factor: float = 6
    fallback_sitemaps: int = 3
    heartbeat_seconds: float = 300
    recheck_seconds: float = 1800
    recheck_hours: float = 48

    @classmethod
    def load(cls, path: Path = RULES_FILE) -> "WatchRules":
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
        interval, report, recheck = data["interval"], data["report"], data["recheck"]
        return cls(
            recent_announcements=int(interval["recent_announcements"]), polls_per_gap=float(interval["polls_per_gap"]),
            max_factor=float(interval["max_factor"]), fallback_sitemaps=int(interval["fallback_sitemaps"]),
            heartbeat_seconds=float(report["heartbeat_seconds"]), recheck_seconds=float(recheck["every_seconds"]),
            recheck_hours=float(recheck["window_hours"]),
        )


@dataclass
class SitePolls:
    """One site's polling state."""

    news_sitemaps: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    plain_sitemaps: list[str] = field(default_factory=list)
    announced: deque = field(default_factory=deque)  # newest announcement dates, newest first
    interval: float = 0.0
    next_due: float = 0.0  # on the caller's clock (time.monotonic())
    last_poll: float | None = None
    floor: float = 0.0  # the site's own minimum gap (crawl delay) when it was last polled
    polls: int = 0

    def urls(self, fallback: int) -> list[str]:
        """What one poll requests: the news sitemaps and feeds, else the first plain sitemaps read."""
        return [*self.news_sitemaps, *self.feeds] or self.plain_sitemaps[:fallback]


class WatchSchedule:
    def __init__(self, every: float, rules: WatchRules | None = None) -> None:
        if every <= 0:
            raise ValueError("the poll interval must be more than 0 seconds")
        self.every = every
        self.rules = rules or WatchRules()
        self.sites: dict[str, SitePolls] = {}
        self.validators: dict[str, tuple[str | None, str | None]] = {}  # URL -> (ETag, Last-Modified)

    def add_site(self, site: str, now: float) -> None:
        self.sites[site] = SitePolls(interval=self.every, next_due=now + self.every)

    # -- what the first round and every poll teach -----------------------------------------------------------
    def found(self, site: str, url: str, kind: str) -> None:
        """An announcing document of `site` answered: kind `news_sitemap`, `feed` or `sitemap` (a plain urlset)."""
        polls = self.sites[site]
        bucket = {"news_sitemap": polls.news_sitemaps, "feed": polls.feeds, "sitemap": polls.plain_sitemaps}[kind]
        if url not in bucket:
            bucket.append(url)

    def remember_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        if etag or last_modified:
            self.validators[url] = (etag, last_modified)

    def conditional_headers(self, url: str) -> dict[str, str]:
        etag, last_modified = self.validators.get(url, (None, None))
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return headers

    def announced(self, site: str, dates: list[datetime], now: float, wall_clock: datetime) -> None:
        """Dates a sitemap or feed gave its entries: the newest few say how often the site publishes.

        The next poll was set when this one started, from what was known then: news that the site
        publishes more often than that brings it forward (a site waking up is not left waiting)."""
        polls = self.sites[site]
        merged = sorted({*polls.announced, *(d.astimezone(timezone.utc) for d in dates)}, reverse=True)
        polls.announced = deque(merged[: self.rules.recent_announcements])
        if polls.last_poll is not None:
            interval = self.interval(site, wall_clock, polls.floor)
            if interval < polls.interval:
                polls.interval = interval
                polls.next_due = min(polls.next_due, max(now, polls.last_poll + interval))

    # -- when ----------------------------------------------------------------------------------------------
    def due(self, now: float) -> list[str]:
        return [name for name, polls in self.sites.items() if polls.next_due <= now]

    def polled(self, site: str, now: float, wall_clock: datetime, floor: float = 0.0) -> float:
        """A poll of `site` started at `now`: set its next one; `floor` is the site's own minimum gap (crawl delay)."""
        polls = self.sites[site]
        polls.polls += 1
        polls.last_poll, polls.floor = now, floor
        polls.interval = self.interval(site, wall_clock, floor)
        polls.next_due = now + polls.interval
        return polls.interval

    def interval(self, site: str, wall_clock: datetime, floor: float = 0.0) -> float:
        shortest = max(self.every, floor)
        longest = max(shortest, self.every * self.rules.max_factor)
        gap = self.expected_gap(site, wall_clock)
        if gap is None:
            return shortest
        return min(longest, max(shortest, gap / self.rules.polls_per_gap))

    def expected_gap(self, site: str, wall_clock: datetime) -> float | None:
        """Seconds until the site's next article, as its newest announcements suggest; None without dates."""
        dates = list(self.sites[site].announced)
        if not dates:
            return None
        age = max(0.0, (wall_clock - dates[0]).total_seconds())
        gaps = [(newer - older).total_seconds() for newer, older in zip(dates, dates[1:])]
        return min(age, statistics.median(gaps)) if gaps else age
