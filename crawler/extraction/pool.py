"""The process pool extraction runs on: the crawl's (`pipelines.extract`) and offline re-extraction's
(`archive.reextract`). Plain multiprocessing, no Scrapy, so the archive can use it without the crawl runtime.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def ignore_stop_signals() -> None:
    """In a worker: Ctrl-C and systemd signal the whole process group, but only the crawl process decides
    when to stop; it finishes the pages in flight and then shuts the pool down."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def extraction_pool(workers: int) -> ProcessPoolExecutor:
    """The worker pool of the crawl (and of offline re-extraction). spawn, not fork: the crawl process has
    threads (reactor pool, a local server) that fork would copy mid-flight."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=ignore_stop_signals)
