"""Stop promptly on SIGTERM/SIGINT: drop requests that only wait in a download slot.

Scrapy's graceful stop still downloads every request the downloader already holds,
one slot delay apart: up to CONCURRENT_REQUESTS x Crawl-delay (minutes on a slow
newsroom), longer than systemd's 90 s TimeoutStopSec. The request in flight
finishes; queued ones are dropped, never sent, and the next run finds them again.
"""
from __future__ import annotations

import signal
from typing import Any

from scrapy import signals
from scrapy.exceptions import IgnoreRequest

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class PromptShutdown:
    def __init__(self, crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler) -> "PromptShutdown":
        extension = cls(crawler)
        crawler.signals.connect(extension.engine_started, signal=signals.engine_started)
        return extension

    def engine_started(self) -> None:
        from twisted.internet import reactor

        reactor.callLater(0, self.wrap_handlers)  # after the reactor's startup, where Scrapy installs its own

    def wrap_handlers(self) -> None:
        for signum in STOP_SIGNALS:
            previous = signal.getsignal(signum)
            if callable(previous):
                signal.signal(signum, self.handler(previous))

    def handler(self, previous):
        def on_signal(signum: int, frame: Any) -> None:
            from twisted.internet import reactor

            reactor.callFromThread(self.drop_queued)
            previous(signum, frame)

        return on_signal

    def drop_queued(self) -> None:
        engine = self.crawler.engine
        for slot in engine.downloader.slots.values() if engine else ():
            if slot.latercall:
                slot.latercall.cancel()
                slot.latercall = None
            while slot.queue:
                _, queued = slot.queue.popleft()
                queued.errback(IgnoreRequest("crawl stopping: not sent"))
