"""Live per-site progress: a redrawn status line on a terminal, plain log lines otherwise (cron, files)."""
from __future__ import annotations

import logging
import sys
from typing import TextIO

from scrapy import signals
from twisted.internet import task

logger = logging.getLogger(__name__)


def site_progress(stats: dict, sites: list[str]) -> str:
    """`sample: 40 fetched, 36 new | other: ...` from the spider's per-site counters."""
    parts = []
    for site in sites:
        prefix = f"site/{site}/"
        fetched = sum(v for k, v in stats.items() if k.startswith(prefix + "fetched/"))
        skipped = stats.get(prefix + "skipped/already_archived", 0)
        failed = sum(v for k, v in stats.items() if k.startswith(prefix + "failures/"))
        parts.append(f"{site}: {fetched} fetched, {skipped} known, {failed} failed")
    return " | ".join(parts)


class ProgressDisplay:
    def __init__(self, stats, interval: float, stream: TextIO | None = None) -> None:
        self.stats = stats
        self.interval = interval
        self.stream = stream or sys.stderr
        self.on_terminal = self.stream.isatty()
        self.sites: list[str] = []
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler) -> "ProgressDisplay":
        settings = crawler.settings
        interval = settings.getfloat("PROGRESS_INTERVAL", 1.0 if sys.stderr.isatty() else 60.0)
        display = cls(crawler.stats, interval)
        crawler.signals.connect(display.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(display.spider_closed, signal=signals.spider_closed)
        return display

    def spider_opened(self, spider) -> None:
        self.sites = [site.name for site in getattr(spider, "sites", [])]
        self.loop = task.LoopingCall(self.show)
        self.loop.start(self.interval, now=False)

    def show(self) -> None:
        line = site_progress(self.stats.get_stats(), self.sites)
        if self.on_terminal:
            self.stream.write("\r\x1b[K" + line)
            self.stream.flush()
        else:
            logger.info("progress %s", line)

    def spider_closed(self, spider) -> None:
        if self.loop and self.loop.running:
            self.loop.stop()
        if self.on_terminal:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
