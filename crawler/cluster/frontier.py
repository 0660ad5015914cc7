"""The shared frontier: scrapy-redis's scheduler and dupefilter, plus the one thing they lack for us,
no URL lost when a node dies.

scrapy-redis pops a request off the Redis queue and forgets it: a node killed with kill -9
loses every request it held. `ClusterScheduler` pops atomically into the node's in-flight
hash instead, and releases a request only once Scrapy's engine is done with it (downloaded,
its callback run, its items through the pipeline, so already on the stream). When a node's
heartbeat lapses, the writer gives its in-flight requests back to the frontier (`requeue`).
"""
from __future__ import annotations

import hashlib
import logging
import warnings

import redis
from scrapy.exceptions import ScrapyDeprecationWarning
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler

logger = logging.getLogger(__name__)
# scrapy-redis 0.9.1 still passes `spider=` to the stats and calls Spider.log(): noise in every node's log.
warnings.filterwarnings("ignore", category=ScrapyDeprecationWarning, module="scrapy_redis")

FRONTIER_ATTRIBUTE = "_cluster_frontier"

# KEYS: frontier zset, in-flight hash. Pops the best request and keeps "score data" in flight.
POP_INTO_INFLIGHT = """
local found = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #found == 0 then return false end
redis.call('ZREM', KEYS[1], found[1])
redis.call('HSET', KEYS[2], redis.sha1hex(found[1]), found[2] .. ' ' .. found[1])
return found[1]
"""

# KEYS: in-flight hash, frontier zset. Gives every held request back, at its priority.
REQUEUE = """
local held = redis.call('HVALS', KEYS[1])
for _, value in ipairs(held) do
  local cut = string.find(value, ' ', 1, true)
  redis.call('ZADD', KEYS[2], string.sub(value, 1, cut - 1), string.sub(value, cut + 1))
end
redis.call('DEL', KEYS[1])
return #held
"""


def request_id(data: bytes) -> str:
    """The in-flight hash field of an encoded request (the same SHA-1 the Lua script computes)."""
    return hashlib.sha1(data).hexdigest()


def requeue(client: redis.Redis, inflight_key: str, frontier_key: str) -> int:
    """Put a (dead or stopping) node's in-flight requests back on the frontier; returns how many."""
    return int(client.eval(REQUEUE, 2, inflight_key, frontier_key))


class CanonicalDupeFilter(RFPDupeFilter):
    """One request per canonical article URL per run across the cluster, as the spider's own
    `scheduled` set does on one machine: article requests carry their canonical URL in meta."""

    def request_fingerprint(self, request) -> str:
        canonical = request.meta.get("canonical")
        if canonical and request.method == "GET":
            kind = getattr(request.callback, "__name__", "")  # parse_article or parse_listing
            return hashlib.sha1(f"{kind} {canonical}".encode()).hexdigest()
        return super().request_fingerprint(request)


def once_per_run(request) -> bool:
    """Article and listing requests: the spider's own frontier sends them with dont_filter (it makes them
    one per canonical URL in its process); across nodes the shared dupefilter must. Retries pass."""
    return bool(request.meta.get("canonical")) and not request.meta.get("retry_times")


class ClusterScheduler(Scheduler):
    """scrapy-redis's scheduler with requests held in a per-node in-flight hash until finished."""

    def __init__(self, server, *, inflight_key: str, **kwargs) -> None:
        super().__init__(server, **kwargs)
        self.inflight_key = inflight_key
        self.held: dict[str, object] = {}  # request id -> the Request object the engine got
        self.frozen = False  # stopping: keep everything in flight, to be requeued on close
        self.pop = server.register_script(POP_INTO_INFLIGHT)

    @classmethod
    def from_settings(cls, settings):
        # The parent's factory builds its own connection and kwargs; add the node's in-flight key.
        base = Scheduler.from_settings(settings)
        scheduler = cls(
            base.server, inflight_key=settings.get("CLUSTER_INFLIGHT_KEY"), persist=True,
            queue_key=base.queue_key, queue_cls=base.queue_cls, dupefilter=base.df,
            dupefilter_key=base.dupefilter_key, dupefilter_cls=base.dupefilter_cls, idle_before_close=0,
            serializer=base.serializer,
        )
        return scheduler

    @classmethod
    def from_crawler(cls, crawler):
        scheduler = super().from_crawler(crawler)
        setattr(crawler, FRONTIER_ATTRIBUTE, scheduler)
        return scheduler

    def enqueue_request(self, request) -> bool:
        if (not request.dont_filter or once_per_run(request)) and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        self.queue.push(request)
        return True

    def next_request(self):
        if self.frozen:
            return None
        data = self.pop(keys=[self.queue.key, self.inflight_key])
        if not data:
            return None
        request = self.queue._decode_request(data)
        self.held[request_id(data)] = request
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def finished(self, in_progress: set) -> list[str]:
        """Ids of held requests the engine no longer has in progress (fully processed)."""
        if self.frozen:
            return []
        return [rid for rid, request in self.held.items() if request not in in_progress]

    def forget(self, ids: list[str]) -> None:
        for rid in ids:
            self.held.pop(rid, None)

    def close(self, reason: str) -> None:
        """Give back what this node still holds (queued in a download slot, or dropped by a stop)."""
        try:
            given_back = requeue(self.server, self.inflight_key, self.queue.key)
        except redis.RedisError as exc:
            logger.error("could not give %d held request(s) back to the frontier: %s", len(self.held), exc)
            return
        if given_back:
            logger.info("gave %d unfinished request(s) back to the frontier", given_back)
        self.held.clear()
