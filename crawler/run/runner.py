"""Run one crawl of one or more catalog sites into an archive, in this process.

`run_crawl` is the Python twin of `python -m crawler crawl`: it takes the lock,
runs Scrapy, and returns the recorded run with its counts and an exit code.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings

from archive.readonly import open_readonly
from archive.schema import check_archive_file
from crawler.discovery.catalog import Site
from crawler.run.lock import ArchiveLock
from crawler.run.logs import crawl_logging, default_log_file
from crawler.run.oserrors import STORAGE_GUARD_ATTRIBUTE, StorageFailed, storage_failed_message

EXIT_OK = 0
EXIT_SITE_FAILED = 1
EXIT_USAGE = 2
EXIT_UNHEALTHY = 3
EXIT_BUSY = 75  # EX_TEMPFAIL: another run holds the archive; try again later
EXIT_INTERRUPTED = 130

# Loopback servers answer in microseconds: politeness delays are for real newsrooms.
LOCAL_SITE_SETTINGS = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_START_DELAY": 0.05, "CONCURRENT_REQUESTS_PER_DOMAIN": 4}


# How the summary names the URLs a run met and did not fetch (spider stats `site/S/skipped/REASON`).
SKIP_LABELS = {
    "ignored": "robots.txt or trap rules",
    "missing_listing": "listing pages that do not exist",
    "older_than_since": "older than --since",
    "max_articles": "past --max-articles",
    "max_pages": "past --max-pages",
    "known_not_article": "known not to be articles",
    "distrusted_sitemap": "from a sitemap of non-articles",
    "offsite_redirect": "redirected off the site",
    "url_policy": "refused by the URL policy",
}


@dataclass
class RunResult:
    run_id: int | None
    status: str
    counts: dict[str, Any]
    site_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    health: dict[str, list[str]] = field(default_factory=dict)

    def summary_line(self, db_path: str | Path) -> str:
        """One line that accounts for every article URL the run met: archived, known, skipped or failed."""
        c = self.counts
        sites = ",".join(self.site_counts) or "-"
        known = c.get("unchanged", 0) + c.get("skipped_known", 0)
        parts = [f"{c.get('new', 0)} new", f"{c.get('updated', 0)} updated", f"{c.get('duplicates', 0)} duplicates",
                 f"{known} already archived and unchanged"]
        if c.get("not_article"):
            parts.append(f"{c['not_article']} not articles")
        skipped = c.get("skipped") or {}
        if skipped:
            reasons = ", ".join(f"{SKIP_LABELS.get(reason, reason.replace('_', ' '))} {n}"
                                for reason, n in sorted(skipped.items()))
            parts.append(f"{sum(skipped.values())} skipped ({reasons})")
        parts += [f"{c.get('failures', 0)} failures", f"{c.get('requests', 0)} requests"]
        line = f"run {self.run_id} {self.status} [{sites}]: {', '.join(parts)}, {c.get('seconds', 0)} s -> {db_path}"
        if c.get("sitemaps_not_read"):  # the run's sitemap bound (SITEMAP_MAX_DEPTH / SITEMAP_MAX_FILES) was met
            line += f" | {c['sitemaps_not_read']} sitemaps not read (sitemap bound)"
        flagged = [f"{site}: {'; '.join(flags)}" for site, flags in self.health.items() if flags]
        if flagged:
            line += " | HEALTH " + " | ".join(flagged)
        return line

    def failed_sites(self) -> list[str]:
        """Sites that produced nothing at all: no page fetched and no article archived or skipped as known."""
        return [name for name, c in self.site_counts.items() if c.get("pages", 0) == 0 and c.get("known", 0) == 0]

    def archived_nothing(self) -> bool:
        """Article pages were requested, yet none was archived, found unchanged or skipped as known."""
        c = self.counts
        accounted = sum(c.get(k, 0) for k in ("new", "updated", "unchanged", "duplicates", "skipped_known"))
        return self.status != "interrupted" and self.requested_articles() > 0 and accounted == 0

    def requested_articles(self) -> int:
        return sum(site.get("requested_articles", 0) for site in self.site_counts.values())

    def problems(self) -> list[str]:
        """What made the run fail, one line each, for stderr (the summary line stays on stdout)."""
        lines = []
        for site in self.failed_sites():
            c = self.site_counts[site]
            if c.get("unreachable"):
                lines.append(f"{site}: unreachable from here ({c['unreachable_reason']}, {c['unreachable']} "
                             "requests): nothing fetched")
            else:
                lines.append(f"{site}: nothing fetched (see the log)")
        if self.archived_nothing():
            lines.append(f"run {self.run_id} archived nothing although it requested {self.requested_articles()} "
                         "article pages (see the log)")
        return lines

    def exit_code(self, fail_on_health: bool = False) -> int:
        if self.status == "interrupted":
            return EXIT_INTERRUPTED
        if self.failed_sites() or self.archived_nothing():
            return EXIT_SITE_FAILED
        if fail_on_health and any(self.health.values()):
            return EXIT_UNHEALTHY
        return EXIT_OK


def build_settings(db_path: str | Path, overrides: dict[str, Any] | None = None):
    settings = get_project_settings()
    settings.set("ARCHIVE_PATH", str(db_path), priority="cmdline")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def run_crawl(
    sites: list[Site],
    db_path: str | Path,
    *,
    refresh: bool = False,
    max_articles: int = 0,
    max_pages: int = 0,
    since: datetime | None = None,
    settings: dict[str, Any] | None = None,
    log_file: str | Path | None = None,
    verbose: bool = False,
) -> RunResult:
    """Crawl `sites` into the archive at `db_path`; raises `ArchiveBusy` when another run holds it.

    The full log goes to `log_file` (default: beside the archive, see crawler.run.logs); stderr gets
    warnings and errors only, or the full log too when `verbose`.
    """
    from pipelines.session import SESSION_ATTRIBUTE
    from spiders.news import NewsSpider

    check_archive_file(db_path)  # a clear error now, not a traceback inside Scrapy
    overrides = {**(settings or {}), "LOG_INSTALL_ROOT_HANDLER": False}  # crawl_logging's handlers instead
    if max_pages:
        overrides["CLOSESPIDER_PAGECOUNT"] = max_pages
    scrapy_settings = build_settings(db_path, overrides)
    log_path = log_file or default_log_file(db_path)
    with ArchiveLock(db_path), crawl_logging(log_path, verbose=verbose, file_level=scrapy_settings.get("LOG_LEVEL")):
        scrapy_settings.set("ARCHIVE_LOCK_HELD", True, priority="cmdline")
        process = CrawlerProcess(scrapy_settings)
        crawler = process.create_crawler(NewsSpider)
        process.crawl(crawler, sites=sites, refresh=refresh, max_articles=max_articles, since=since)
        process.start()
    session = getattr(crawler, SESSION_ATTRIBUTE, None)
    run_id = session.run_id if session else None
    guard = getattr(crawler, STORAGE_GUARD_ATTRIBUTE, None)
    if guard is not None and guard.message:  # disk full, read-only, I/O error: one line, exit 74
        raise StorageFailed(storage_failed_message(guard.message, run_id))
    return load_run(db_path, run_id)


def load_run(db_path: str | Path, run_id: int | None) -> RunResult:
    """Read a recorded run (the latest when `run_id` is None) back from the archive."""
    conn = open_readonly(db_path)
    try:
        query = "SELECT id, status, counts FROM crawl_runs " + ("WHERE id = ?" if run_id else "ORDER BY id DESC LIMIT 1")
        row = conn.execute(query, (run_id,) if run_id else ()).fetchone()
        if row is None:
            return RunResult(None, "failed", {})
        site_rows = conn.execute("SELECT site, counts, health FROM site_runs WHERE run_id = ?", (row[0],)).fetchall()
    finally:
        conn.close()
    return RunResult(
        run_id=row[0],
        status=row[1],
        counts=json.loads(row[2] or "{}"),
        site_counts={site: json.loads(counts or "{}") for site, counts, _ in site_rows},
        health={site: json.loads(health or "[]") for site, _, health in site_rows},
    )
