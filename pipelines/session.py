"""The state the pipeline stages share during one crawl: the archive connection, the run, the near-duplicate index.

One session per crawler, created by whichever stage asks first, so every stage
sees the writes of the open batch and the run is recorded exactly once.

During a crawl the archive is written by one thread of its own (`start_writer`), so the
reactor thread neither waits for SQLite nor spends its time on the dedup lookups and
writes: items are handed to it in arrival order and each runs there as one unit. The
connection changes hands, never is shared: the reactor thread opens the archive and
records the run, the writer thread owns it from `start_writer` to `stop_writer` (which
waits for the queued items), then the reactor thread records the run's end and closes it.
`Archive.take` moves the ownership; a write from any other thread raises `WrongThread`.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from archive.store import Archive
from crawler.text.neardup import NearDupIndex

SESSION_ATTRIBUTE = "_archive_session"
T = TypeVar("T")


@dataclass
class ArchiveSession:
    archive: Archive
    neardup: NearDupIndex
    run_id: int | None = None
    holds_lock: bool = False  # the runner took the archive lock: no other run can be live
    counts: Counter = field(default_factory=Counter)  # (site, outcome) -> n
    fill: Counter = field(default_factory=Counter)  # (site, field) -> articles with that field filled
    closers: list[Callable[[], None]] = field(default_factory=list)
    writer: ThreadPoolExecutor | None = None  # the archive's own thread, while the crawl runs

    @classmethod
    def of(cls, crawler) -> "ArchiveSession":
        session = getattr(crawler, SESSION_ATTRIBUTE, None)
        if session is None:
            settings = crawler.settings
            archive = Archive(settings.get("ARCHIVE_PATH"), batch_size=settings.getint("ARCHIVE_BATCH_SIZE", 50),
                              handover=True)
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

    def start_writer(self) -> None:
        """From now on the archive is used only through `submit`, on the writer thread."""
        if self.writer is None:
            self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="archive-writer")
            self.writer.submit(self.archive.take)

    def submit(self, work: Callable[..., T], *args: Any) -> "Future[T]":
        """Run `work(*args)` on the writer thread after everything submitted before it (inline without one)."""
        if self.writer is not None:
            return self.writer.submit(work, *args)
        future: Future = Future()
        try:
            future.set_result(work(*args))
        except BaseException as exc:  # noqa: B036 - delivered to whoever awaits the future, like the thread's
            future.set_exception(exc)
        return future

    def stop_writer(self) -> None:
        """Wait for the queued work, then hand the archive back to the calling thread."""
        if self.writer is not None:
            self.writer.shutdown(wait=True)
            self.writer = None
            self.archive.take()

    def on_close(self, closer: Callable[[], None]) -> None:
        self.closers.append(closer)

    def close(self) -> None:
        """Run the stages' closers (e.g. WARC fsync), then commit and checkpoint the archive."""
        self.stop_writer()
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
