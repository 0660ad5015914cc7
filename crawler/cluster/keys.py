"""Every Redis key the cluster uses, under one prefix (several clusters can share a Redis server)."""
from __future__ import annotations

from dataclasses import dataclass

DEFAULT_PREFIX = "ana"
EXIT_REDIS = 69  # EX_UNAVAILABLE: Redis could not be reached or went away


@dataclass(frozen=True)
class Keys:
    prefix: str = DEFAULT_PREFIX

    def _(self, *parts: str) -> str:
        return ":".join((self.prefix, *parts))

    # -- the frontier (scrapy-redis) --
    @property
    def frontier(self) -> str:
        return self._("frontier")  # sorted set of encoded requests, scrapy-redis PriorityQueue

    @property
    def seen(self) -> str:
        return self._("seen")  # request fingerprints of this run, scrapy-redis dupefilter

    def inflight(self, node: str) -> str:
        return self._("inflight", node)  # hash: requests a node has taken and not finished

    # -- nodes --
    @property
    def nodes(self) -> str:
        return self._("nodes")  # set of node ids that registered

    def alive(self, node: str) -> str:
        return self._("alive", node)  # heartbeat, expires when the node stops refreshing it

    def lease(self, host: str) -> str:
        return self._("lease", host)  # per-host politeness lease

    @property
    def host_delays(self) -> str:
        return self._("host-delays")  # hash host -> robots.txt Crawl-delay seen by any node

    # -- the stream to the writer --
    @property
    def stream(self) -> str:
        return self._("stream")

    group = "writers"

    @property
    def failed(self) -> str:
        return self._("failed")  # stream of entries read from Redis that were not usable data (crawler/cluster/failed.py)

    def run_sitemaps(self, run_id: int | str) -> str:
        return self._("run", str(run_id), "sitemaps")  # hash site -> sitemap files taken this run (the bound)

    def run_budget(self, token: str, what: str) -> str:
        return self._("run", token, what)  # the run's `articles` set / `pages` count (crawler/cluster/limits.py)

    @property
    def writer(self) -> str:
        return self._("writer")  # singleton lease of the one writer

    # -- the run --
    @property
    def run(self) -> str:
        return self._("run")  # hash: id, status, sites, options

    @property
    def run_stats(self) -> str:
        return self._("run", "stats")  # hash: node Scrapy stats summed over the cluster

    @property
    def run_tally(self) -> str:
        return self._("run", "tally")  # hash: writer outcomes per site, committed with the acks

    @property
    def run_lastmods(self) -> str:
        return self._("run", "lastmods")  # hash canonical URL -> "epoch iso" of the newest sitemap/feed date

    @property
    def run_scheduled(self) -> str:
        return self._("run", "scheduled")  # set of canonical article URLs requested this run

    @property
    def run_redirects(self) -> str:
        return self._("run", "redirects")  # hash canonical redirect source -> canonical target, this run

    def result(self, token: str) -> str:
        return self._("result", token)  # the finished run's summary, for the seed that waits (by run token)

    @property
    def last_result(self) -> str:
        return self._("last-result")  # the latest finished run's summary, for `status`

    def known(self, site: str) -> str:
        return self._("known", site)  # hash canonical URL -> archived state, published by the writer

    def shapes(self, site: str) -> str:
        return self._("shapes", site)  # set of learned article URL shapes, published by the writer

    def not_articles(self, site: str) -> str:
        return self._("not-articles", site)  # set of canonical URLs found not to be articles, published by the writer

    def recheck(self, site: str) -> str:
        return self._("recheck", site)  # JSON [[url, canonical URL], ...] to fetch again this run (--recheck-days)
