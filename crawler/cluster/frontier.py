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

from crawler.cluster.failed import set_aside
from crawler.cluster.keys import Keys
from crawler.cluster.wire import REQUESTS

logger = logging.getLogger(__name__)
# scrapy-redis 0.9.1 still passes `spider=` to the stats and calls Spider.log(): noise in every node's log.
warnings.filterwarnings("ignore", category=ScrapyDeprecationWarning, module="scrapy_redis")

FRONTIER_ATTRIBUTE = "_cluster_frontier"
# Sent (with `exc=`) when the frontier finds Redis gone; the node's tick stops the node, once, quietly.
redis_lost = object()
GARBAGE_PER_CALL = 100  # unusable entries set aside per next_request call before it lets the engine breathe

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
local given, dropped = 0, 0
for _, value in ipairs(held) do
  local cut = string.find(value, ' ', 1, true)
  local score = cut and tonumber(string.sub(value, 1, cut - 1))
  if score then
    redis.call('ZADD', KEYS[2], score, string.sub(value, cut + 1))
    given = given + 1
  else
    dropped = dropped + 1  -- not "score data": nothing this cluster wrote
  end
end
redis.call('DEL', KEYS[1])
return {given, dropped}
"""


def request_id(data: bytes) -> str:
    """The in-flight hash field of an encoded request (the same SHA-1 the Lua script computes)."""
    return hashlib.sha1(data).hexdigest()


def requeue(client: redis.Redis, inflight_key: str, frontier_key: str) -> int:
    """Put a (dead or stopping) node's in-flight requests back on the frontier; returns how many."""
    given, dropped = client.eval(REQUEUE, 2, inflight_key, frontier_key)
    if dropped:
        logger.warning("dropped %d in-flight entr(ies) of %s that were not requests held by a node", dropped,
                       inflight_key)
    return int(given)


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

    def __init__(self, server, *, inflight_key: str, keys: Keys | None = None, **kwargs) -> None:
        kwargs["serializer"] = REQUESTS  # JSON with a schema, whatever SCHEDULER_SERIALIZER says: never pickle
        super().__init__(server, **kwargs)
        self.inflight_key = inflight_key
        self.keys = keys or Keys()
        self.held: dict[str, object] = {}  # request id -> the Request object the engine got
        self.frozen = False  # stopping: keep everything in flight, to be requeued on close
        self.lost: Exception | None = None  # Redis went away: what is held waits for the writer to requeue it
        self.signals = None
        self.pop = server.register_script(POP_INTO_INFLIGHT)

    @classmethod
    def from_settings(cls, settings):
        # The parent's factory builds its own connection and kwargs; add the node's in-flight key.
        base = Scheduler.from_settings(settings)
        scheduler = cls(
            base.server, inflight_key=settings.get("CLUSTER_INFLIGHT_KEY"), keys=Keys(settings.get("CLUSTER_PREFIX")),
            persist=True,
            queue_key=base.queue_key, queue_cls=base.queue_cls, dupefilter=base.df,
            dupefilter_key=base.dupefilter_key, dupefilter_cls=base.dupefilter_cls, idle_before_close=0,
        )
        return scheduler

    @classmethod
    def from_crawler(cls, crawler):
        scheduler = super().from_crawler(crawler)
        scheduler.signals = crawler.signals
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
        for _ in range(GARBAGE_PER_CALL):
            try:
                data = self.pop(keys=[self.queue.key, self.inflight_key])
            except redis.RedisError as exc:  # said once, by the node's tick; not a traceback per engine call
                self.redis_went_away(exc)
                return None
            if not data:
                return None
            request = self.decoded(data)
            if request is not None:
                break
        else:
            return None
        self.held[request_id(data)] = request
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def redis_went_away(self, exc: Exception) -> None:
        self.frozen = True
        if self.lost is None:
            self.lost = exc
            if self.signals is not None:
                self.signals.send_catch_log(redis_lost, exc=exc)

    def decoded(self, data: bytes):
        """The request a frontier entry encodes; None, with the entry set aside, when it is not one of ours."""
        try:
            return self.queue._decode_request(data)
        except (ValueError, TypeError, AttributeError, KeyError) as exc:  # WireError is a ValueError
            pipe = self.server.pipeline(transaction=True)
            set_aside(pipe, self.keys, "the frontier", data, str(exc) or type(exc).__name__)
            pipe.hdel(self.inflight_key, request_id(data))
            pipe.execute()
            if self.stats:
                self.stats.inc_value("scheduler/unusable/redis")
            return None

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
            # Redis gone: the writer gives them back once the node's heartbeat has lapsed in a Redis that is back.
            log = logger.info if self.lost is not None else logger.error
            log("could not give %d held request(s) back to the frontier: %s", len(self.held), exc)
            return
        if given_back:
            logger.info("gave %d unfinished request(s) back to the frontier", given_back)
        self.held.clear()
