"""Open a run and put the sites' discovery requests on the frontier: what cron calls.

`seed` is the Python twin of `python -m crawler cluster seed`. It asks the writer to open
the run (the writer records it in `crawl_runs` and publishes what is archived), pushes
robots.txt sitemaps, feeds and start pages through the scrapy-redis queue and dupefilter,
and by default waits for the writer to record the run's end, then returns its summary.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import datetime

import redis
from scrapy_redis.queue import PriorityQueue

from crawler.discovery.catalog import Site
from crawler.cluster.frontier import CanonicalDupeFilter
from crawler.cluster.keys import DEFAULT_PREFIX, Keys
from crawler.cluster.redis_server import connect
from crawler.cluster.memory import RedisKnownArticles, published_rechecks
from crawler.cluster.state import RUN_LEASE, RunState, current_run, drop_run
from crawler.cluster.wire import REQUESTS
from crawler.run.runner import RunResult
from spiders.news import NewsSpider

logger = logging.getLogger(__name__)

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


class RunLost(RuntimeError):
    """The run this seed waits for was closed without a summary (taken over after its lease)."""


def new_token() -> str:
    return uuid.uuid4().hex


def seed(
    sites: list[Site], redis_url: str, *, prefix: str = DEFAULT_PREFIX, refresh: bool = False,
    since: datetime | None = None, wait: bool = True, writer_timeout: float = 60.0,
    while_waiting: Callable[[], None] | None = None, take_over_after: float = RUN_LEASE, token: str | None = None,
    recheck_days: int = 0, max_articles: int = 0, max_pages: int = 0,
) -> RunResult:
    """Seed one run of `sites`; with `wait`, block until the writer records its end and return it.

    `recheck_days`, `max_articles` and `max_pages` are `crawl`'s, for the run as a whole. An open run
    that has not moved for `take_over_after` seconds (its writer or nodes died) is closed and this
    run opened instead; one that moves makes this seed raise RunBusy."""
    client, keys = connect(redis_url), Keys(prefix)
    run = RunState(id=None, status="opening", sites=sites, refresh=refresh, since=since, started=time.time(),
                   token=token or new_token(), recheck_days=recheck_days, max_articles=max_articles,
                   max_pages=max_pages)
    open_run(client, keys, run, take_over_after)
    run.id = wait_for_writer(client, keys, run.token, writer_timeout, while_waiting)
    pushed = push_discovery(client, keys, sites, recheck=recheck_days > 0)
    client.hset(keys.run, "status", "seeded")
    if not wait:
        return RunResult(run.id, "seeded", {"requests": pushed})
    return wait_for_end(client, keys, run, while_waiting)


def open_run(client: redis.Redis, keys: Keys, run: RunState, take_over_after: float) -> None:
    fields = [part for pair in run.to_redis().items() for part in pair]
    if client.eval(OPEN_RUN, 1, keys.run, *fields):
        return
    previous = current_run(client, keys)
    if previous is None:  # closed meanwhile
        return open_run(client, keys, run, take_over_after)
    idle = previous.idle_seconds(time.time())
    if idle < take_over_after:
        raise RunBusy(f"run {previous.id or '?'} is still open on this cluster ({previous.status}, last progress "
                      f"{idle:.0f} s ago; a run without progress for {take_over_after:.0f} s is taken over)")
    if drop_run(client, keys, previous):
        logger.warning("run %s made no progress for %.0f s (its writer or nodes died): taken over", previous.id, idle)
    open_run(client, keys, run, take_over_after)


def wait_for_writer(client: redis.Redis, keys: Keys, token: str, timeout: float, while_waiting) -> int:
    deadline = time.monotonic() + timeout
    while (run := current_run(client, keys)) is not None and run.token == token and run.status == "opening":
        if time.monotonic() > deadline:
            drop_run(client, keys, run)
            raise NoWriter(f"no cluster writer opened the run within {timeout:.0f} s: is `cluster writer` running?")
        if while_waiting:
            while_waiting()
        time.sleep(0.1)
    if run is None or run.token != token or run.id is None:
        raise NoWriter("the run was closed before a writer opened it")
    return run.id


def push_discovery(client: redis.Redis, keys: Keys, sites: list[Site], recheck: bool = False) -> int:
    """The spider's own start requests, encoded by scrapy-redis as a node's scheduler would: with
    `recheck`, first the archived articles the writer published to fetch again (conditionally)."""
    from crawler.cluster.frontier import once_per_run

    known = RedisKnownArticles(client, keys)
    if recheck:
        known.recheck = {site.name: published_rechecks(client, keys, site.name) for site in sites}
    spider = SeedSpider(sites=sites, known=known)
    queue = PriorityQueue(server=client, spider=spider, key=keys.frontier, serializer=REQUESTS)
    dupefilter = CanonicalDupeFilter(client, key=keys.seen)

    async def collect() -> list:
        return [request async for request in spider.start()]

    pushed, rechecked = 0, []
    for request in asyncio.run(collect()):
        if request.callback == spider.parse_article:  # a re-check: an article request, not discovery
            rechecked.append(request.meta["canonical"])
        if (request.dont_filter and not once_per_run(request)) or not dupefilter.request_seen(request):
            queue.push(request)
            pushed += 1
    pipe = client.pipeline(transaction=True)
    if rechecked:  # scheduled as articles, as a node's requests are: their newer sitemap dates are kept at the end
        pipe.sadd(keys.run_scheduled, *rechecked)
    for key, n in spider.counts.items():  # re-checks requested: in the run's stats, as a node's counts are
        pipe.hincrby(keys.run_stats, key, n)
    pipe.execute()
    return pushed


class SeedSpider(NewsSpider):
    """The news spider as the seed runs it, for its start requests only: no crawler, counts kept here."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.counts: Counter = Counter()

    def count(self, site: Site, key: str, *, global_too: bool = False) -> None:
        self.counts[f"site/{site.name}/{key}"] += 1
        if global_too:
            self.counts[key] += 1


def wait_for_end(client: redis.Redis, keys: Keys, run: RunState, while_waiting) -> RunResult:
    """This run's own summary (by token: another archive's run 1 is not ours)."""
    while (raw := client.get(keys.result(run.token))) is None:
        if client.hget(keys.run, "token") != run.token.encode() and client.get(keys.result(run.token)) is None:
            raise RunLost(f"run {run.id} was closed without a summary (taken over after making no progress)")
        if while_waiting:
            while_waiting()
        time.sleep(0.25)
    try:
        data = json.loads(raw)
        return RunResult(data["run_id"], data["status"], data["counts"], data["site_counts"], data["health"])
    except (ValueError, KeyError, TypeError) as exc:  # not what a writer wrote
        raise NoWriter(f"the result of run {run.id} in Redis is not a run summary ({exc}); see the archive's "
                       "crawl_runs") from None
