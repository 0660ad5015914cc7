"""Run `python -m crawler watch`: one long-running crawl that polls the sites' news sitemaps and feeds.

`run_watch` is its Python twin. It holds the archive's lock for as long as it runs (a `crawl`
started beside it exits 75), runs `spiders.watch.WatchSpider` through the same settings,
middlewares and pipeline as `crawl`, and returns the recorded run when a signal has ended it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess

from archive.schema import check_archive_file
from crawler.discovery.catalog import Site
from crawler.errors import UsageError
from crawler.run.lock import ArchiveLock
from crawler.run.logs import crawl_logging, default_log_file
from crawler.run.runner import EXIT_OK, RunResult, build_settings, load_run

# Each article is committed on its own: a watch may then wait minutes for the next one, and a reader
# (or a kill -9) must not find it still in an open batch. WAL commits at synchronous=NORMAL are cheap.
WATCH_SETTINGS = {"ARCHIVE_BATCH_SIZE": 1}
WATCH_EXTENSIONS = {"crawler.live.report.WatchReport": 500, "crawler.run.progress.ProgressDisplay": None}


def run_watch(
    sites: list[Site],
    db_path: str | Path,
    *,
    every: float,
    settings: dict[str, Any] | None = None,
    log_file: str | Path | None = None,
    verbose: bool = False,
) -> RunResult:
    """Watch `sites` into the archive at `db_path` until SIGTERM/SIGINT; raises `ArchiveBusy` when another
    run holds it. Polls each site at most every `every` seconds (more slowly when it publishes less)."""
    from pipelines.session import SESSION_ATTRIBUTE
    from spiders.watch import WatchSpider

    if not every > 0:
        raise UsageError(f"--every must be more than 0 seconds, not {every:g}")
    if not sites:
        raise UsageError("name the sites to watch, or --all")
    check_archive_file(db_path)
    overrides = {**WATCH_SETTINGS, **(settings or {}), "LOG_INSTALL_ROOT_HANDLER": False, "WATCH_EVERY": every}
    scrapy_settings = build_settings(db_path, overrides)
    extensions = scrapy_settings.getdict("EXTENSIONS")
    extensions.update(WATCH_EXTENSIONS)
    scrapy_settings.set("EXTENSIONS", extensions, priority="cmdline")
    log_path = log_file or default_log_file(db_path)
    with ArchiveLock(db_path), crawl_logging(log_path, verbose=verbose, file_level=scrapy_settings.get("LOG_LEVEL")):
        scrapy_settings.set("ARCHIVE_LOCK_HELD", True, priority="cmdline")
        process = CrawlerProcess(scrapy_settings)
        crawler = process.create_crawler(WatchSpider)
        process.crawl(crawler, sites=sites)
        process.start()
    session = getattr(crawler, SESSION_ATTRIBUTE, None)
    return load_run(db_path, session.run_id if session else None)


def watch_exit_code(result: RunResult) -> int:
    """A watch ends by a signal: that is its normal end (0), not an interruption of a finite job."""
    return EXIT_OK if result.status == "interrupted" else result.exit_code()
