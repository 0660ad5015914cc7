"""Live crawl progress: one redrawn line on a terminal, plain INFO log lines otherwise (cron, log files).

The terminal line reads `[#######-----] 30/36 articles · 45 pages · 0 failures · 12.5 pages/s`.
The bar's total is the number of article requests scheduled so far (it can still grow while
sitemaps and feeds are read), or `--max-pages` when that bound is the smaller.
"""
from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass
from typing import TextIO

from scrapy import signals
from twisted.internet import task

logger = logging.getLogger(__name__)
BAR_WIDTH = 20


@dataclass(frozen=True)
class CrawlProgress:
    pages: int  # responses received (discovery and articles)
    articles: int  # article pages fetched
    scheduled: int  # article requests scheduled so far: the bar's total
    failures: int
    seconds: float
    max_pages: int = 0

    @classmethod
    def from_stats(cls, stats: dict, seconds: float, max_pages: int = 0) -> "CrawlProgress":
        def total(infix: str) -> int:
            return sum(v for k, v in stats.items() if k.startswith("site/") and infix in k)

        return cls(
            pages=stats.get("downloader/response_count", 0),
            articles=total("/fetched/"),
            scheduled=stats.get("requested/articles", 0),
            failures=total("/failures/"),
            seconds=seconds,
            max_pages=max_pages,
        )

    @property
    def rate(self) -> float:
        return self.pages / self.seconds if self.seconds > 0 else 0.0

    def fraction(self) -> float | None:
        """How far along the run is, when a total is known."""
        fractions = []
        if self.scheduled:
            fractions.append(min(self.articles / self.scheduled, 1.0))
        if self.max_pages:
            fractions.append(min(self.pages / self.max_pages, 1.0))
        return max(fractions) if fractions else None

    def line(self) -> str:
        done = self.fraction()
        bar = "" if done is None else "[" + ("#" * round(done * BAR_WIDTH)).ljust(BAR_WIDTH, "-") + "] "
        articles = f"{self.articles}/{self.scheduled}" if self.scheduled else f"{self.articles}"
        return (f"{bar}{articles} articles · {self.pages} pages · {self.failures} failures · "
                f"{self.rate:.1f} pages/s")


class ProgressDisplay:
    """A Scrapy extension: redraws the progress line on a terminal, else logs it (to the log file)."""

    def __init__(self, stats, interval: float, stream: TextIO | None = None, max_pages: int = 0) -> None:
        self.stats = stats
        self.interval = interval
        self.stream = stream or sys.stderr
        self.on_terminal = self.stream.isatty()
        self.max_pages = max_pages
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler) -> "ProgressDisplay":
        settings = crawler.settings
        interval = settings.getfloat("PROGRESS_INTERVAL", 0.5 if sys.stderr.isatty() else 60.0)
        display = cls(crawler.stats, interval, max_pages=settings.getint("CLOSESPIDER_PAGECOUNT"))
        crawler.signals.connect(display.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(display.spider_closed, signal=signals.spider_closed)
        return display

    def progress(self) -> CrawlProgress:
        return CrawlProgress.from_stats(self.stats.get_stats(), time.monotonic() - self.started, self.max_pages)

    def spider_opened(self, spider) -> None:
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.show)
        self.loop.start(self.interval, now=False)

    def show(self) -> None:
        line = self.progress().line()
        if self.on_terminal:
            self.stream.write("\r\x1b[K" + line)
            self.stream.flush()
        else:
            logger.info("progress %s", line)

    def spider_closed(self, spider) -> None:
        if self.loop and self.loop.running:
            self.loop.stop()
        if self.on_terminal:  # the summary line replaces the progress line
            self.stream.write("\r\x1b[K")
            self.stream.flush()
