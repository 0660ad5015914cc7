"""Open a run and put the sites' discovery requests on the frontier: what cron calls.

`seed` is the Python twin of `python -m crawler cluster seed`. It asks the writer to open
the run (the writer records it in `crawl_runs` and publishes what is archived), pushes
robots.txt sitemaps, feeds and start pages through the scrapy-redis queue and dupefilter,
and by default waits for the writer to record the run's end, then returns its summary.
"""
from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from datetime import datetime

import redis
from scrapy_redis.queue import PriorityQueue

from crawler.catalog import Site
from crawler.cluster.frontier import CanonicalDupeFilter
from crawler.cluster.keys import DEFAULT_PREFIX, Keys
from crawler.cluster.redis_server import connect
from crawler.cluster.state import RunState, current_run
from archive.known import KnownArticles
from crawler.cluster.wire import REQUESTS
from crawler.runner import RunResult

# KEYS: run hash. ARGV: field, value, ... Opens a run unless one is open.
OPEN_RUN = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
"""


class RunBusy(RuntimeError):
    """A run is already open on this cluster."""


class NoWriter(RuntimeError):
    """No writer opened the run in time."""


def seed(
    sites: list[Site], redis_url: str, *, prefix: str = DEFAULT_PREFIX, refresh: bool = False,
    since: datetime | None = None, wait: bool = True, writer_timeout: float = 60.0,
    while_waiting: Callable[[], None] | None = None,
) -> RunResult:
    """Seed one run of `sites`; with `wait`, block until the writer records its end and return it."""
    client, keys = connect(redis_url), Keys(prefix)
    run = RunState(id=None, status="opening", sites=sites, refresh=refresh, since=since, started=time.time())
    fields = [part for pair in run.to_redis().items() for part in pair]
    opened = client.eval(OPEN_RUN, 1, keys.run, *fields)
    if not opened and current_run(client, keys) is None:  # a run hash no seed wrote: set aside, now gone
        opened = client.eval(OPEN_RUN, 1, keys.run, *fields)
    if not opened:
        open_run = current_run(client, keys)
        raise RunBusy(f"run {open_run.id if open_run else '?'} is still open on this cluster ({open_run.status if open_run else '?'})")
    run.id = wait_for_writer(client, keys, writer_timeout, while_waiting)
    pushed = push_discovery(client, keys, sites)
    client.hset(keys.run, "status", "seeded")
    if not wait:
        return RunResult(run.id, "seeded", {"requests": pushed})
    return wait_for_end(client, keys, run.id, while_waiting)


def wait_for_writer(client: redis.Redis, keys: Keys, timeout: float, while_waiting) -> int:
    deadline = time.monotonic() + timeout
    while (run := current_run(client, keys)) is not None and run.status == "opening":
        if time.monotonic() > deadline:
            client.delete(keys.run)
            raise NoWriter(f"no cluster writer opened the run within {timeout:.0f} s: is `cluster writer` running?")
        if while_waiting:
            while_waiting()
        time.sleep(0.1)
    if run is None or run.id is None:
        raise NoWriter("the run was closed before it opened")
    return run.id


def push_discovery(client: redis.Redis, keys: Keys, sites: list[Site]) -> int:
    """The spider's own start requests, encoded by scrapy-redis as a node's scheduler would."""
    from crawler.cluster.frontier import once_per_run
    from spiders.news import NewsSpider

    spider = NewsSpider(sites=sites, known=KnownArticles())
    queue = PriorityQueue(server=client, spider=spider, key=keys.frontier, serializer=REQUESTS)
    dupefilter = CanonicalDupeFilter(client, key=keys.seen)

    async def collect() -> list:
        return [request async for request in spider.start()]

    pushed = 0
    for request in asyncio.run(collect()):
        if (request.dont_filter and not once_per_run(request)) or not dupefilter.request_seen(request):
            queue.push(request)
            pushed += 1
    return pushed


def wait_for_end(client: redis.Redis, keys: Keys, run_id: int, while_waiting) -> RunResult:
    while (raw := client.get(keys.result(run_id))) is None:
        if while_waiting:
            while_waiting()
        time.sleep(0.25)
    try:
        data = json.loads(raw)
        return RunResult(data["run_id"], data["status"], data["counts"], data["site_counts"], data["health"])
    except (ValueError, KeyError, TypeError) as exc:  # not what a writer wrote
        raise NoWriter(f"the result of run {run_id} in Redis is not a run summary ({exc}); see the archive's "
                       "crawl_runs") from None
