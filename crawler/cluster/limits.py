"""The run's bounds across the whole cluster: `--max-articles` and `--max-pages` hold for the run,
not for each node, so they are counted in Redis, under the run's token (ids repeat across archives).

- Articles: a set of the canonical URLs the run requested as articles. A URL already in it is
  allowed again (another node found it too; the frontier makes it one request), a new one only
  while the set is smaller than the bound. Atomic, so N nodes never overshoot.
- Pages: a counter of requests sent (robots.txt included, as the single-machine
  `CLOSESPIDER_PAGECOUNT` counts every response). Past the bound a node drops the requests it
  takes off the frontier (`PastMaxPages`, counted `skipped/max_pages`), so the frontier drains and
  the run ends with its summary, instead of a node closing its spider as one machine does.
"""
from __future__ import annotations

import logging

import redis
from scrapy import Request
from scrapy.exceptions import IgnoreRequest

from crawler.cluster.keys import Keys
from crawler.cluster.redis_server import connect

logger = logging.getLogger(__name__)

BUDGET_TTL = 7 * 24 * 3600  # seconds a run's counts stay in Redis (a run never lasts longer open)

# KEYS: the run's article set. ARGV: canonical URL, bound, ttl. 1 if the URL may be requested.
TAKE_ARTICLE = """
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 1 end
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
"""

# KEYS: the run's page counter. ARGV: bound, ttl. 1 if one more request may be sent.
TAKE_PAGE = """
local taken = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
if taken > tonumber(ARGV[1]) then return 0 end
return 1
"""


class PastMaxPages(IgnoreRequest):
    """The run sent its `--max-pages` requests: this one is dropped, not fetched."""


class RunBudget:
    """One run's article and page bounds, as every node counts them."""

    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.client = client
        self.keys = keys
        self.take_article_script = client.register_script(TAKE_ARTICLE)
        self.take_page_script = client.register_script(TAKE_PAGE)

    def take_article(self, token: str, canonical: str, bound: int) -> bool:
        """Whether the run may request `canonical` as an article (always, without a bound)."""
        if not bound:
            return True
        key = self.keys.run_budget(token, "articles")
        return bool(self.take_article_script(keys=[key], args=[canonical, bound, BUDGET_TTL]))

    def take_page(self, token: str, bound: int) -> bool:
        """Whether the run may send one more request (always, without a bound)."""
        if not bound:
            return True
        return bool(self.take_page_script(keys=[self.keys.run_budget(token, "pages")], args=[bound, BUDGET_TTL]))


class RunPageLimit:
    """Downloader middleware of a node: a request past the run's `--max-pages` is dropped before it is sent."""

    def __init__(self, budget: RunBudget, crawler) -> None:
        self.budget = budget
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler) -> RunPageLimit:
        s = crawler.settings
        client = connect(s.get("CLUSTER_REDIS_URL"), check=False)
        return cls(RunBudget(client, Keys(s.get("CLUSTER_PREFIX"))), crawler)

    def process_request(self, request: Request) -> None:
        spider = self.crawler.spider
        bound = getattr(spider, "max_pages", 0)
        if bound and not self.budget.take_page(spider.run_token, bound):
            raise PastMaxPages(f"past --max-pages ({bound} requests this run)")
