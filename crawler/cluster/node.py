"""A crawl node: the news spider on the shared frontier, extraction in its process pool, results
onto the stream. `run_node` is the Python twin of `python -m crawler cluster node`.

The node holds no archive: what is known comes from Redis (published by the writer), what it
finds goes to Redis (requests on the frontier, articles on the stream, sitemap dates and
counts in the run's hashes). It serves run after run until SIGTERM, and exits with 69 when
Redis goes away.
"""
from __future__ import annotations

import logging
import os
import socket
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import redis
from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.exceptions import DontCloseSpider, DropItem
from scrapy.utils.asyncio import sleep
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task

from crawler.cluster.frontier import FRONTIER_ATTRIBUTE, redis_lost
from crawler.cluster.keys import DEFAULT_PREFIX, EXIT_REDIS, Keys
from crawler.cluster import wire
from crawler.cluster.redis_server import RedisUnavailable, connect
from crawler.cluster.limits import PastMaxPages, RunBudget
from crawler.cluster.memory import RedisKnownArticles
from crawler.cluster.state import RunState, SharedLastmods, current_run
from crawler.discovery.frontier import Frontier
from crawler.items import CrawledArticle
from archive.known import parse_iso
from crawler.discovery.urls import canonicalize_url
from crawler.run.shutdown import PromptShutdown
from pipelines.extract import ExtractStage
from spiders.news import NewsSpider

logger = logging.getLogger(__name__)

# Scrapy stats a node adds to the run's totals (the writer's run summary and site health need them).
SHARED_STATS = ("site/", "downloader/request_count", "requested/")


def node_settings(redis_url: str, node_id: str, *, prefix: str = DEFAULT_PREFIX, workers: int = 0,
                  stream_max: int = 1000, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The project settings a node changes: scrapy-redis frontier, cluster lease, stream instead of archive."""
    from scrapy.utils.project import get_project_settings

    keys = Keys(prefix)
    base = get_project_settings()
    middlewares = {**base.getdict("DOWNLOADER_MIDDLEWARES"), "crawler.cluster.lease.HostLeaseMiddleware": 950,
                   "crawler.cluster.limits.RunPageLimit": 50}  # before robots.txt (100): a dropped page fetches none
    extensions = {**base.getdict("EXTENSIONS"), "crawler.run.shutdown.PromptShutdown": None,
                  "crawler.run.progress.ProgressDisplay": None, "crawler.cluster.node.NodeShutdown": 500,
                  "crawler.cluster.node.NodeTick": 510}
    return {
        "SCHEDULER": "crawler.cluster.frontier.ClusterScheduler",
        "DUPEFILTER_CLASS": "crawler.cluster.frontier.CanonicalDupeFilter",
        "SCHEDULER_QUEUE_KEY": keys.frontier,
        "SCHEDULER_DUPEFILTER_KEY": keys.seen,
        "REDIS_URL": redis_url,
        "CLUSTER_REDIS_URL": redis_url,
        "CLUSTER_PREFIX": prefix,
        "CLUSTER_NODE_ID": node_id,
        "CLUSTER_INFLIGHT_KEY": keys.inflight(node_id),
        "CLUSTER_STREAM_MAX": stream_max,
        "ITEM_PIPELINES": {"crawler.cluster.node.NodeExtractStage": 100, "crawler.cluster.node.StreamStage": 300},
        "DOWNLOADER_MIDDLEWARES": middlewares,
        "EXTENSIONS": extensions,
        "DOWNLOAD_HANDLERS": {"http": "crawler.cluster.lease.LeasedHTTPDownloadHandler",
                              "https": "crawler.cluster.lease.LeasedHTTPDownloadHandler"},
        "EXTRACTION_WORKERS": workers,
        "ARCHIVE_PATH": "",
        # The spider's sitemap probe waits for the archive stage's verdicts, which come from the writer,
        # not from this process: nodes read every sitemap entry (a sitemap of non-articles is not distrusted).
        "SITEMAP_PROBE": 1 << 30,
        **(overrides or {}),
    }


def new_node_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


class ClusterNewsSpider(NewsSpider):
    """The news spider, with per-run state shared through Redis instead of kept in the process."""

    name = "news"

    def __init__(self, *args: Any, client: redis.Redis | None = None, keys: Keys | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.client = client
        self.keys = keys or Keys()
        self.shared_lastmods = SharedLastmods(client, self.keys) if client is not None else None
        self.budget = RunBudget(client, self.keys) if client is not None else None
        self.max_pages = 0
        self.run_id: int | None = None
        self.run_token = ""
        self.stopping = False

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> ClusterNewsSpider:
        client = connect(crawler.settings.get("CLUSTER_REDIS_URL"), check=False)
        keys = Keys(crawler.settings.get("CLUSTER_PREFIX"))
        kwargs.update(sites=[], known=RedisKnownArticles(client, keys), client=client, keys=keys)
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.idle, signal=signals.spider_idle)
        return spider

    async def start(self):
        """No start requests of its own: discovery requests come from the seed, on the frontier."""
        return
        yield

    def begin_run(self, run: RunState) -> None:
        """A new run: its sites and options, and none of the previous run's per-URL memory."""
        self.run_id, self.sites, self.refresh, self.since = run.id, run.sites, run.refresh, run.since
        self.run_token = run.token
        self.max_articles, self.max_pages = run.max_articles, run.max_pages  # bounds of the run, in Redis
        self.known.load_run([site.name for site in run.sites])  # the shapes learned by earlier runs
        self.frontier = Frontier()
        self.runstate.scheduled.clear()  # the run's per-URL state lives on disk (crawler/run/runstate.py)
        self.frontier.articles = self.runstate.scheduled
        self.lastmods.clear()
        self.counted.clear()
        self.sitemaps_taken.clear()
        self.policies.clear()  # the URL policy is the run's sites'
        logger.info("node joins run %s: %s", run.id, ", ".join(s.name for s in run.sites))

    def idle(self) -> None:
        if not self.stopping:
            raise DontCloseSpider("a node waits for work until it is stopped")

    def take_sitemap_budget(self, site) -> bool:
        """The run's sitemap bound counts the files every node took, in Redis."""
        key = self.keys.run_sitemaps(self.run_id or 0)
        pipe = self.client.pipeline(transaction=True)
        pipe.hincrby(key, site.name, 1)
        pipe.expire(key, 7 * 24 * 3600)
        taken, _ = pipe.execute()
        return taken <= self.max_sitemap_files

    def past_max_articles(self, canonical: str) -> bool:
        """The run's article bound, counted over every node (crawler/cluster/limits.py)."""
        return not self.budget.take_article(self.run_token, canonical, self.max_articles)

    def note_lastmod(self, canonical: str, lastmod: str | None, when: datetime | None) -> None:
        super().note_lastmod(canonical, lastmod, when)
        if when is not None:
            self.shared_lastmods.note(canonical, when)

    def article_request(self, site, url: str, lastmod: str | None, **kwargs: Any) -> Iterator[Any]:
        if kwargs.get("via"):  # a redirect: its target may be fetched by another node, the alias is recorded at the end
            target = canonicalize_url(url, site_domains=site.domains)
            hops = {canonicalize_url(hop, site_domains=site.domains): target for hop in kwargs["via"]}
            self.client.hset(self.keys.run_redirects, mapping=hops)
        for request in super().article_request(site, url, lastmod, **kwargs):
            self.client.sadd(self.keys.run_scheduled, request.meta["canonical"])
            yield request

    def request_failed(self, failure, kind: str) -> None:
        """A request that failed because Redis went away (its lease, the stream) is the node stopping, said
        once by the tick: not a warning per request."""
        if failure.check(redis.RedisError):
            logger.debug("%s request not done, Redis is gone: %s", kind, failure.request.url)
            return
        if failure.check(PastMaxPages):
            if site := failure.request.cb_kwargs.get("site"):
                self.count(site, "skipped/max_pages")
            return
        super().request_failed(failure, kind)

    def parse_article(self, response, site, known_id, via) -> Iterator[Any]:
        canonical = response.meta.get("canonical")
        shared, local = self.shared_lastmods.get(canonical), self.lastmods.get(canonical)
        if shared and (local is None or parse_iso(shared) > parse_iso(local)):
            self.lastmods[canonical] = shared  # another node read the sitemap that announced it
        yield from super().parse_article(response, site, known_id, via)


class NodeExtractStage(ExtractStage):
    """The extraction stage without an archive: sites (and their hints) come with each run."""

    @classmethod
    def from_crawler(cls, crawler) -> NodeExtractStage:
        from crawler.extraction.pool import available_cores

        workers = crawler.settings.getint("EXTRACTION_WORKERS", 0) or available_cores()
        stage = cls(None, workers, with_warc=crawler.settings.getbool("WARC_ENABLED", True))
        stage.crawler = crawler
        return stage

    async def process_item(self, item: CrawledArticle) -> CrawledArticle:
        self.hints = {site.name: site.hints for site in self.crawler.spider.sites}
        return await super().process_item(item)


class StreamStage:
    """The node's last stage: the extracted item onto the writer's stream, once it has room."""

    def __init__(self, client: redis.Redis, keys: Keys, node_id: str, max_length: int = 1000) -> None:
        self.client = client
        self.keys = keys
        self.node_id = node_id
        self.max_length = max_length

    @classmethod
    def from_crawler(cls, crawler) -> StreamStage:
        s = crawler.settings
        stage = cls(connect(s.get("CLUSTER_REDIS_URL"), check=False), Keys(s.get("CLUSTER_PREFIX")),
                    s.get("CLUSTER_NODE_ID"), s.getint("CLUSTER_STREAM_MAX", 1000))
        stage.crawler = crawler
        return stage

    async def process_item(self, item: CrawledArticle) -> CrawledArticle:
        try:
            # Backpressure: while the writer is behind, this item (and with it the node's downloads) waits.
            while self.client.xlen(self.keys.stream) >= self.max_length:
                await sleep(0.2)
            if item.warc_records:
                item.page.body = b""  # the gzipped WARC records carry the raw page; do not send it twice
            run_id = getattr(self.crawler.spider, "run_id", None) or 0
            self.client.xadd(self.keys.stream, {**wire.stream_fields(item), "node": self.node_id, "run": run_id})
        except redis.RedisError as exc:  # the node stops, said once by its tick; its request stays in flight
            self.crawler.signals.send_catch_log(redis_lost, exc=exc)
            raise DropItem(f"not on the stream, Redis is gone: {exc}", log_level="DEBUG") from None
        return item


class NodeShutdown(PromptShutdown):
    """SIGTERM/SIGINT: keep every request not finished yet in flight (the scheduler gives them back
    on close), then drop what only waits in a download slot, as the single-machine crawl does."""

    def drop_queued(self) -> None:
        tick = getattr(self.crawler, TICK_ATTRIBUTE, None)
        if tick is not None:
            tick.stop_taking_work()
        super().drop_queued()


TICK_ATTRIBUTE = "_cluster_tick"


class NodeTick:
    """Twice a second: heartbeat, follow the run, release finished requests (after adding their
    counts to the run's), and wake the engine when the frontier has work for an idle node."""

    def __init__(self, crawler, client: redis.Redis, keys: Keys, node_id: str, interval: float = 0.5,
                 heartbeat_ttl: float = 5.0) -> None:
        self.crawler = crawler
        self.client = client
        self.keys = keys
        self.node_id = node_id
        self.interval = interval
        self.heartbeat_ttl_ms = int(heartbeat_ttl * 1000)
        self.pushed: dict[str, int] = {}
        self.loop: task.LoopingCall | None = None
        self.redis_error: str | None = None

    @classmethod
    def from_crawler(cls, crawler) -> NodeTick:
        s = crawler.settings
        tick = cls(crawler, connect(s.get("CLUSTER_REDIS_URL"), check=False), Keys(s.get("CLUSTER_PREFIX")),
                   s.get("CLUSTER_NODE_ID"), s.getfloat("CLUSTER_TICK", 0.5), s.getfloat("CLUSTER_HEARTBEAT_TTL", 5.0))
        setattr(crawler, TICK_ATTRIBUTE, tick)
        crawler.signals.connect(tick.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(tick.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(tick.fail, signal=redis_lost)
        return tick

    def spider_opened(self, spider) -> None:
        self.client.sadd(self.keys.nodes, self.node_id)
        self.loop = task.LoopingCall(self.tick)
        self.loop.start(self.interval, now=True)

    def spider_closed(self, spider) -> None:
        if self.loop and self.loop.running:
            self.loop.stop()
        if self.redis_error is None:
            try:
                self.client.delete(self.keys.alive(self.node_id))
                self.client.srem(self.keys.nodes, self.node_id)
            except redis.RedisError:
                pass

    @property
    def frontier(self):
        return getattr(self.crawler, FRONTIER_ATTRIBUTE)

    def stop_taking_work(self) -> None:
        self.release_finished()
        self.frontier.frozen = True
        self.crawler.spider.stopping = True

    def tick(self) -> None:
        try:
            self.client.set(self.keys.alive(self.node_id), self.frontier.inflight_key, px=self.heartbeat_ttl_ms)
            self.follow_run()
            self.release_finished()
            self.wake_if_work()
        except redis.RedisError as exc:
            self.fail(exc)

    def follow_run(self) -> None:
        spider = self.crawler.spider
        run = current_run(self.client, self.keys)
        if run is not None and run.id and run.token != spider.run_token:  # ids repeat across archives
            self.pushed = dict(self.shared_stats())  # counts before this run belong to earlier runs
            spider.begin_run(run)

    def shared_stats(self) -> dict[str, int]:
        stats = self.crawler.stats.get_stats()
        return {k: v for k, v in stats.items() if k.startswith(SHARED_STATS) and isinstance(v, int)}

    def release_finished(self) -> None:
        """Counts first, then the release, in one transaction: an empty in-flight set means counted."""
        if self.frontier.frozen:
            return
        engine = self.crawler.engine
        slot = getattr(engine, "_slot", None)  # Scrapy keeps the requests in progress there
        if slot is None:
            return
        done = self.frontier.finished(slot.inprogress)
        stats = self.shared_stats()
        deltas = {k: v - self.pushed.get(k, 0) for k, v in stats.items() if v != self.pushed.get(k, 0)}
        if not done and not deltas:
            return
        pipe = self.client.pipeline(transaction=True)
        if self.crawler.spider.run_id:
            for key, delta in deltas.items():
                pipe.hincrby(self.keys.run_stats, key, delta)
        if done:
            pipe.hdel(self.frontier.inflight_key, *done)
        pipe.execute()
        self.pushed.update(stats)
        self.frontier.forget(done)

    def wake_if_work(self) -> None:
        """The engine looks at an empty scheduler again only every 5 s; ask it now when work arrived."""
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None and not self.frontier.frozen and self.client.zcard(self.keys.frontier):
            slot.nextcall.schedule()

    def fail(self, exc: Exception) -> None:
        self.frontier.lost = self.frontier.lost or exc
        if self.redis_error is not None:
            return
        self.redis_error = str(exc)
        # INFO: `run_node` ends with the one line the operator sees (`error: lost Redis at URL: …`, exit 69).
        logger.info("lost Redis (%s): stopping this node; nothing it fetched is archived twice or lost "
                    "from the archive, the next seed fetches what did not reach the writer", exc)
        self.frontier.frozen = True
        self.crawler.spider.stopping = True
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="redis_unavailable"))


def run_node(redis_url: str, *, workers: int = 0, prefix: str = DEFAULT_PREFIX, node_id: str | None = None,
             settings: dict[str, Any] | None = None, stream_max: int = 1000) -> int:
    """Run a crawl node until SIGTERM/SIGINT (exit 0) or until Redis goes away (exit 69)."""
    connect(redis_url).close()  # fail early and clearly when Redis is not there
    node_id = node_id or new_node_id()
    from scrapy.utils.project import get_project_settings

    project = get_project_settings()
    for name, value in node_settings(redis_url, node_id, prefix=prefix, workers=workers, stream_max=stream_max,
                                     overrides=settings).items():
        project.set(name, value, priority="cmdline")
    process = CrawlerProcess(project)
    crawler = process.create_crawler(ClusterNewsSpider)
    process.crawl(crawler)
    process.start()
    tick = getattr(crawler, TICK_ATTRIBUTE, None)
    if tick is not None and tick.redis_error:
        raise RedisUnavailable(f"lost Redis at {redis_url}: {tick.redis_error}")
    return 0


__all__ = ["EXIT_REDIS", "ClusterNewsSpider", "NodeTick", "StreamStage", "node_settings", "run_node"]
