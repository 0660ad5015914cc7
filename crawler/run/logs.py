"""Where a crawl's log goes: everything to a rotating file, only warnings and errors to the terminal.

Scrapy's own root handler would print its startup banner, settings and stats dump (over a hundred
lines) on stderr; `python -m crawler crawl` installs these two handlers instead, so a terminal shows
the progress line and the summary, and cron mail stays one summary line per run. `-v` puts the full
log back on stderr.
"""
from __future__ import annotations

import contextlib
import logging
import logging.handlers
import sys
from collections.abc import Iterator
from pathlib import Path

from crawler.errors import UsageError

LOG_FORMAT = "%(asctime)s [%(name)s] %(levelname)s: %(message)s"
LOG_MAX_BYTES = 10 * 1024 * 1024
LOG_BACKUPS = 5


def default_log_file(db_path: str | Path) -> Path:
    """`archive.db` logs to `archive.log` beside it."""
    return Path(db_path).with_suffix(".log")


class ConsoleHandler(logging.StreamHandler):
    """stderr; on a terminal it first clears the progress line a message would otherwise run into."""

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(self.stream, "isatty", lambda: False)():
            self.stream.write("\r\x1b[K")
        super().emit(record)


class LogFileHandler(logging.handlers.RotatingFileHandler):
    """The rotating log file; when its disk fails (full, read-only), one line on stderr and no more
    attempts, rather than a traceback for every record (logging's default)."""

    failed = False

    def emit(self, record: logging.LogRecord) -> None:
        if not self.failed:
            super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:
        from crawler.run.oserrors import storage_failure

        failure = storage_failure(sys.exc_info()[1])
        if failure is None:
            super().handleError(record)
            return
        self.failed = True
        sys.stderr.write(f"error: cannot write the log file {self.baseFilename}: {failure}; it gets no more lines\n")


def file_handler(path: str | Path, level: str | int = "INFO") -> logging.Handler:
    """A rotating log file (10 MB x 5); its directory is created, as cron setups expect."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = LogFileHandler(path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS,
                                                       encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write the log file {path}: {exc.strerror or exc}") from None
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.setLevel(level)
    return handler


def console_handler(level: str | int = "WARNING") -> logging.Handler:
    from crawler.fetching.reachability import PerRequestUnreachable

    handler = ConsoleHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.setLevel(level)
    handler.addFilter(PerRequestUnreachable())  # said once per site at the run's end instead
    return handler


@contextlib.contextmanager
def crawl_logging(log_file: str | Path, *, verbose: bool = False, file_level: str = "INFO") -> Iterator[Path]:
    """Send the root logger to `log_file` (at `file_level`) and stderr (WARNING, or INFO when verbose)."""
    log_file = Path(log_file)
    handlers = [file_handler(log_file, file_level), console_handler("INFO" if verbose else "WARNING")]
    root = logging.getLogger()
    previous_level = root.level
    root.setLevel(min(h.level for h in handlers))
    for handler in handlers:
        root.addHandler(handler)
    try:
        yield log_file
    finally:
        for handler in handlers:
            root.removeHandler(handler)
            handler.close()
        root.setLevel(previous_level)
