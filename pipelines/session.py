"""The state the pipeline stages share during one crawl: the archive connection, the run, the near-duplicate index.

One session per crawler, created by whichever stage asks first, so every stage
sees the writes of the open batch and the run is recorded exactly once.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from archive.store import Archive
from crawler.neardup import NearDupIndex

SESSION_ATTRIBUTE = "_archive_session"


@dataclass
class ArchiveSession:
    archive: Archive
    neardup: NearDupIndex
    run_id: int | None = None
    holds_lock: bool = False  # the runner took the archive lock: no other run can be live
    counts: Counter = field(default_factory=Counter)  # (site, outcome) -> n
    fill: Counter = field(default_factory=Counter)  # (site, field) -> articles with that field filled
    closers: list[Callable[[], None]] = field(default_factory=list)

    @classmethod
    def of(cls, crawler) -> "ArchiveSession":
        session = getattr(crawler, SESSION_ATTRIBUTE, None)
        if session is None:
            settings = crawler.settings
            archive = Archive(settings.get("ARCHIVE_PATH"), batch_size=settings.getint("ARCHIVE_BATCH_SIZE", 50))
            neardup = NearDupIndex(threshold=settings.getfloat("NEAR_DUPLICATE_THRESHOLD", 0.8))
            neardup.load(archive.iter_signatures())
            session = cls(archive=archive, neardup=neardup, holds_lock=settings.getbool("ARCHIVE_LOCK_HELD"))
            setattr(crawler, SESSION_ATTRIBUTE, session)
        return session

    def begin_run(self, spider_name: str) -> int:
        """Record the crawl run once, whichever stage opens first."""
        if self.run_id is None:
            self.run_id = self.archive.start_run(spider_name, close_stale=self.holds_lock)
        return self.run_id

    def on_close(self, closer: Callable[[], None]) -> None:
        self.closers.append(closer)

    def close(self) -> None:
        """Run the stages' closers (e.g. WARC fsync), then commit and checkpoint the archive."""
        for closer in self.closers:
            closer()
        self.archive.close()

    def tally(self, site: str, outcome: str) -> None:
        self.counts[(site, outcome)] += 1

    def totals(self) -> Counter:
        totals: Counter = Counter()
        for (_, outcome), n in self.counts.items():
            totals[outcome] += n
        return totals
