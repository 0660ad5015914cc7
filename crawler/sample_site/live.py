"""Live mode: the sample site publishes a new article every few seconds, like a newsroom on a busy day.

    with serve(site) as server, LivePublisher(site, every=5):
        ...  # site.live grows; the news sitemap, the feed and the homepage list each new article first

The first article is published at once, so a watcher started beside it sees a site that is publishing.
"""
from __future__ import annotations

import threading
from types import TracebackType

from crawler.sample_site.site import SampleSite


class LivePublisher:
    def __init__(self, site: SampleSite, every: float) -> None:
        if every <= 0:
            raise ValueError("the live interval must be more than 0 seconds")
        self.site = site
        self.every = every
        self.paused = threading.Event()  # set: publish nothing (a quiet spell, for the tests)
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sample-site-live", daemon=True)

    def start(self) -> "LivePublisher":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        while not self._stopped.is_set():
            if not self.paused.is_set():
                self.site.publish()
            self._stopped.wait(self.every)

    def __enter__(self) -> "LivePublisher":
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()
