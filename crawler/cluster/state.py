"""The run and the archive's memory, as the cluster shares them in Redis.

The run hash says which run is open (its id in `crawl_runs`, its sites and options) and
where it is: `opening` (a seed asked), `running` (the writer recorded it and published the
known articles), `seeded` (discovery requests are on the frontier), then deleted when the
writer records its end. Each run has a `token` of its own: run ids are per archive (a fresh
archive starts at 1 again on a Redis used before), so the run's summary, the nodes' joining and
a take-over are keyed by the token, never by the id. The writer refreshes `progress_at` while
the run moves (requests fetched, entries written); a run without progress for its lease
(`RUN_LEASE`, or the seed's `--take-over-after`) is left by dead parts and a new seed takes it over.
What the archive knows (articles, discovery memory) nodes read from `crawler.cluster.memory`.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import redis

from crawler.discovery.catalog import Site
from crawler.cluster import wire
from crawler.cluster.keys import Keys
from archive.known import parse_iso

# KEYS: lastmods hash. ARGV: url, epoch, iso. Keeps the newest announced date of a URL.
NEWER_LASTMOD = """
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old and tonumber(string.match(old, '^%S+')) >= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ' ' .. ARGV[3])
return 1
"""
logger = logging.getLogger(__name__)
RUN_LEASE = 600.0  # seconds without progress after which an open run counts as abandoned

# KEYS: run hash. ARGV: token. Deletes the run only if it is still the one judged abandoned.
DROP_RUN = """
local token = redis.call('HGET', KEYS[1], 'token') or ''
if redis.call('EXISTS', KEYS[1]) == 1 and token == ARGV[1] then redis.call('DEL', KEYS[1]) return 1 end
return 0
"""


class BadRunState(wire.WireError):
    """The run hash holds something no seed wrote."""


@dataclass
class RunState:
    id: int | None
    status: str
    sites: list[Site] = field(default_factory=list)
    refresh: bool = False
    since: datetime | None = None
    started: float = 0.0  # time.time() when the seed asked
    token: str = ""  # this run's own name in Redis (ids repeat across archives)
    progress_at: float = 0.0  # time.time() when the writer last saw the run move
    archive: str = ""  # the writer's archive, so a writer on another archive does not resume it
    recheck_days: int = 0  # `crawl`'s options, for the run as a whole (crawler/cluster/limits.py)
    max_articles: int = 0
    max_pages: int = 0

    def to_redis(self) -> dict[str, Any]:
        return {
            "id": self.id or "", "status": self.status, "sites": wire.dumps(self.sites),
            "refresh": int(self.refresh), "since": self.since.isoformat() if self.since else "",
            "started": self.started, "token": self.token, "progress_at": self.progress_at or self.started,
            **{name: getattr(self, name) for name in LIMITS},
        }

    def idle_seconds(self, now: float) -> float:
        """How long the run has not moved (since it was asked for, when it never did)."""
        return now - max(self.started, self.progress_at)

    @classmethod
    def from_redis(cls, raw: dict[bytes, bytes]) -> RunState | None:
        """The run a seed opened; BadRunState when the hash holds anything else (a pickle, garbage)."""
        if not raw or b"status" not in raw:
            return None
        try:
            sites = wire.loads(raw[b"sites"]) if raw.get(b"sites") else []
            if not (isinstance(sites, list) and all(isinstance(site, Site) for site in sites)):
                raise wire.WireError("the run's sites are not a list of catalog sites")
            status = raw[b"status"].decode()
            if status not in RUN_STATUSES:
                raise wire.WireError(f"unknown run status {status[:20]!r}")
            return cls(
                id=int(raw[b"id"]) if raw.get(b"id") else None, status=status, sites=sites,
                refresh=raw.get(b"refresh") == b"1", since=parse_iso(raw.get(b"since", b"").decode()),
                started=float(raw.get(b"started", 0) or 0), token=raw.get(b"token", b"").decode(),
                progress_at=float(raw.get(b"progress_at", 0) or 0), archive=raw.get(b"archive", b"").decode(),
                **{name: run_limit(raw, name) for name in LIMITS},
            )
        except (UnicodeDecodeError, ValueError) as exc:  # WireError is a ValueError
            raise BadRunState(f"the run hash is not a run this cluster opened: {exc}") from None


RUN_STATUSES = frozenset({"opening", "running", "seeded"})
LIMITS = ("recheck_days", "max_articles", "max_pages")


def run_limit(raw: dict[bytes, bytes], name: str) -> int:
    """One of the run's bounds: a whole number, 0 or more (0, no bound, when absent)."""
    value = int(raw.get(name.encode(), b"0") or 0)  # ValueError for garbage: a BadRunState
    if value < 0:
        raise ValueError(f"{name} must be 0 or more, not {value}")
    return value


def current_run(client: redis.Redis, keys: Keys) -> RunState | None:
    """The open run, or None; a run hash that is not one (garbage, a pickle) is logged, set aside and
    deleted, so the writer, the nodes and the next seed carry on rather than fail on it forever."""
    raw = client.hgetall(keys.run)
    try:
        return RunState.from_redis(raw)
    except BadRunState as exc:
        from crawler.cluster.failed import set_aside

        pipe = client.pipeline(transaction=True)
        set_aside(pipe, keys, "the run hash", repr(raw).encode()[:4096], str(exc))
        pipe.delete(keys.run)
        pipe.execute()
        return None


def drop_run(client: redis.Redis, keys: Keys, run: RunState) -> bool:
    """Close an abandoned run in Redis (its archive row is marked `aborted` by the next run's writer):
    the run, its per-run keys and the frontier it left; only if it is still that run."""
    if not client.eval(DROP_RUN, 1, keys.run, run.token):
        return False
    client.delete(keys.run_stats, keys.run_tally, keys.run_lastmods, keys.run_scheduled, keys.run_redirects,
                  keys.seen, keys.frontier)
    return True


class SharedLastmods:
    """The newest sitemap/feed date of each URL this run, whichever node read it."""

    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.client = client
        self.key = keys.run_lastmods
        self.newer = client.register_script(NEWER_LASTMOD)

    def note(self, canonical: str, when: datetime) -> None:
        self.newer(keys=[self.key], args=[canonical, when.timestamp(), when.isoformat()])

    def get(self, canonical: str) -> str | None:
        raw = self.client.hget(self.key, canonical)
        return self.iso_of(raw) if raw else None

    def all(self) -> dict[str, str]:
        found = ((k.decode("utf-8", "replace"), self.iso_of(v)) for k, v in self.client.hscan_iter(self.key, count=1000))
        return {url: iso for url, iso in found if iso}

    @staticmethod
    def iso_of(raw: bytes) -> str | None:
        """The ISO date of an "epoch iso" entry; None (logged) for an entry no node wrote."""
        _, _, iso = raw.decode("utf-8", "replace").partition(" ")
        if parse_iso(iso) is None:
            logger.warning("ignoring an announced date that is not one: %r", raw[:60])
            return None
        return iso
