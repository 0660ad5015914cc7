"""The one place an OS-level storage failure becomes a one-line message and an aborted run.

A full disk (ENOSPC), a file system remounted read-only (EROFS), a failing disk (EIO), a quota or
file-size limit (EDQUOT, EFBIG) are not bad input and not a bug: every write after the first fails
the same way, so a crawl that logs each one prints hundreds of tracebacks and archives nothing
more. `storage_failure(exc)` recognises them (as OSError, or as SQLite's "database or disk is full"
/ "disk I/O error" / "readonly database", which carry no errno) and names them in a few words; the
archive stage then stops the crawl once (`StorageFailed`, exit 74), and the run is recorded as
`aborted` (by this run if the disk lets it, else by the next run). SQLite's transactions and the
WARC writer's fsync-before-commit keep the archive intact: what was committed stays readable.
"""
from __future__ import annotations

import errno
import sqlite3

EXIT_STORAGE = 74  # EX_IOERR: the archive's disk failed; what was committed is intact
STORAGE_ERRNOS = {
    errno.ENOSPC: "disk full",
    errno.EDQUOT: "disk quota exceeded",
    errno.EFBIG: "file too large for this file system or limit",
    errno.EROFS: "file system is read-only",
    errno.EIO: "disk I/O error",
}
# SQLite reports these conditions as text (sqlite3 exceptions have no errno).
SQLITE_MESSAGES = {
    "database or disk is full": "disk full",
    "disk i/o error": "disk I/O error",
    "attempt to write a readonly database": "file system is read-only",
}


class StorageFailed(RuntimeError):
    """The archive's storage failed mid-run; the message is one line, for the operator."""


def storage_failure(exc: BaseException | None) -> str | None:
    """A few words naming the storage failure behind `exc` (or its causes), or None when it is not one."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, OSError) and exc.errno in STORAGE_ERRNOS:
            where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
            return f"{STORAGE_ERRNOS[exc.errno]}{where}"
        if isinstance(exc, sqlite3.Error):
            text = str(exc).lower()
            for needle, words in SQLITE_MESSAGES.items():
                if needle in text:
                    return f"{words} (the archive database)"
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return None


def is_storage_failure(exc: BaseException) -> bool:
    return storage_failure(exc) is not None


STORAGE_GUARD_ATTRIBUTE = "_storage_guard"
STORAGE_FAILED_REASON = "storage_failed"  # the close reason; recorded in crawl_runs as status 'aborted'


class StorageGuard:
    """One per crawl: the first storage failure is logged once and stops the crawl; the rest are quiet.

    The archive stage asks `stopped_by(exc)` about every exception of its writing unit; True means
    the exception was a storage failure and is dealt with (the crawl is closing), so the stage drops
    the item without a traceback. The runner reads `message` once the crawl is over.
    """

    def __init__(self, close_crawl=None) -> None:
        self.close_crawl = close_crawl  # called once, with the close reason
        self.message: str | None = None

    @classmethod
    def of(cls, crawler) -> StorageGuard:
        guard = getattr(crawler, STORAGE_GUARD_ATTRIBUTE, None)
        if guard is None:
            def close(reason: str) -> None:
                from scrapy.utils.defer import deferred_from_coro

                if crawler.engine is not None and crawler.engine.spider is not None:
                    deferred_from_coro(crawler.engine.close_spider_async(reason=reason))

            guard = cls(close)
            setattr(crawler, STORAGE_GUARD_ATTRIBUTE, guard)
        return guard

    def stopped_by(self, exc: BaseException) -> bool:
        failure = storage_failure(exc)
        if failure is None:
            return False
        if self.message is None:
            import logging

            self.message = failure
            # INFO: the log file keeps it; the CLI prints the one line (`error: disk full: …`, exit 74).
            logging.getLogger(__name__).info("%s: stopping the crawl; what was archived before is intact", failure)
            if self.close_crawl is not None:
                self.close_crawl(STORAGE_FAILED_REASON)
        return True


def storage_failed_message(message: str, run_id: int | None) -> str:
    """The one line the CLI prints when a run stopped on a storage failure."""
    run = f"run {run_id} aborted" if run_id else "the run is recorded as aborted by the next one"
    return f"{message}: the crawl stopped ({run}); what was archived before is intact"
