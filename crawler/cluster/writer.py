"""The one archive writer: the Redis stream into SQLite, through the single-machine stages.

`run_writer` is the Python twin of `python -m crawler cluster writer`. It holds the archive's
lock file (so no `crawl` writes meanwhile) and a singleton lease in Redis, reads the stream
with a consumer group (XREADGROUP), runs the WARC, dedup and archive stages of
`pipelines/`, commits, and only then acknowledges (XACK) and deletes the entries, so a
writer killed at any point leaves its entries pending; the next one claims them (XAUTOCLAIM)
and writing them again is idempotent. It also opens and closes runs, publishes known
articles for the nodes, and gives a dead node's requests back to the frontier.
"""
from __future__ import annotations

import json
import logging
import os
import signal
import socket
import time
from collections import Counter
from pathlib import Path
from typing import Any

import redis

from archive.known import recheck_since
from archive.store import Archive
from crawler.cluster import wire
from crawler.cluster.failed import set_aside
from crawler.run.oserrors import StorageFailed, is_storage_failure, storage_failure
from crawler.cluster.frontier import requeue
from crawler.cluster.keys import DEFAULT_PREFIX, Keys
from crawler.cluster.redis_server import RedisUnavailable, connect
from crawler.cluster.memory import publish_known
from crawler.cluster.state import RunState, SharedLastmods, current_run, drop_run
from crawler.run.lock import ArchiveLock
from crawler.text.neardup import NearDupIndex
from pipelines.dedup import DedupStage
from pipelines.session import ArchiveSession
from pipelines.store import ArchiveStage
from pipelines.warc import DEFAULT_MAX_BYTES, WarcStage

logger = logging.getLogger(__name__)

SPIDER_NAME = "news"
RESULT_TTL = 7 * 24 * 3600  # seconds a finished run's summary stays for `seed` and `status`
SEP = "\x1f"


class WriterBusy(RuntimeError):
    """Another writer holds the cluster's writer lease."""


class RunStages:
    """The single-machine pipeline stages, opened for one run on the writer's session."""

    def __init__(self, session: ArchiveSession, run: RunState, warc_dir: Path | None, warc_max_bytes: int) -> None:
        self.session = session
        self.run = run
        self.warc = WarcStage(session, warc_dir, warc_max_bytes)
        self.warc.spider_name = SPIDER_NAME
        self.warc.open_spider()
        self.dedup = DedupStage(session, {site.name: site.domains for site in run.sites})
        self.store = ArchiveStage(session, SPIDER_NAME, warc=self.warc, dedup=self.dedup)
        self.store.site_domains = {site.name: site.domains for site in run.sites}

    def process(self, item) -> None:
        """The crawl's writing unit (WARC, dedup, write), inline: this process is the writer."""
        if self.store.write(item) is False:
            logger.info("not an article: %s: %s", item.page.url, item.skip_reason)

    def close(self) -> None:
        if self.warc.writer is not None:
            self.warc.writer.close()  # fsync before the run's row says it finished


class ClusterWriter:
    def __init__(
        self, client: redis.Redis, keys: Keys, db_path: str | Path, *, batch: int = 200, block_ms: int = 500,
        lease_ttl: float = 5.0, settle: float = 1.0, warc_dir: Path | None = None,
        warc_max_bytes: int = DEFAULT_MAX_BYTES, near_duplicate_threshold: float = 0.8,
    ) -> None:
        self.client = client
        self.keys = keys
        self.db_path = Path(db_path)
        self.batch = batch
        self.block_ms = block_ms
        self.lease_ttl_ms = int(lease_ttl * 1000)
        self.settle = settle  # seconds the cluster must stay idle before a run is declared over
        self.warc_dir = warc_dir if warc_dir is not None else self.db_path.resolve().parent / "warc"
        self.warc_max_bytes = warc_max_bytes
        self.threshold = near_duplicate_threshold
        self.consumer = f"{socket.gethostname()}-{os.getpid()}"
        self.session: ArchiveSession | None = None
        self.stages: RunStages | None = None
        self.idle_since: float | None = None
        self.flushed: Counter = Counter()
        self.stopping = False
        self.progress: tuple | None = None  # what the run looked like when last seen moving
        self.progress_checked = 0.0

    # -- life cycle -----------------------------------------------------
    def take_lease(self, wait: float) -> None:
        """The writer is a singleton; a killed writer's lease expires within lease_ttl."""
        deadline = time.monotonic() + wait
        while not self.client.set(self.keys.writer, self.consumer, nx=True, px=self.lease_ttl_ms):
            if time.monotonic() > deadline:
                holder = (self.client.get(self.keys.writer) or b"?").decode()
                raise WriterBusy(f"another cluster writer ({holder}) is running on this Redis")
            time.sleep(0.2)

    def keep_lease(self) -> None:
        if self.client.get(self.keys.writer) != self.consumer.encode():
            raise WriterBusy("the writer lease was taken over (this writer stalled longer than its lease)")
        self.client.pexpire(self.keys.writer, self.lease_ttl_ms)

    def open(self) -> None:
        archive = Archive(self.db_path, batch_size=1 << 30, batch_seconds=1e9)  # commits are ours, per batch
        neardup = NearDupIndex(threshold=self.threshold)
        neardup.load(archive.iter_signatures())
        self.session = ArchiveSession(archive=archive, neardup=neardup, holds_lock=True)
        try:
            self.client.xgroup_create(self.keys.stream, self.keys.group, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        run = current_run(self.client, self.keys)
        if run is not None and run.id and not self.resumable(run):
            logger.warning("run %s in Redis is not an open run of %s: closed, the next seed starts afresh",
                           run.id, self.db_path)
            self.client.set(self.keys.result(run.token), json.dumps(
                {"run_id": run.id, "status": "aborted", "counts": {}, "site_counts": {}, "health": {}}), ex=RESULT_TTL)
            drop_run(self.client, self.keys, run)
        elif run is not None and run.id:  # a writer died mid-run: carry on with it
            logger.info("resuming run %s", run.id)
            self.session.run_id = run.id
            self.stages = RunStages(self.session, run, self.warc_dir, self.warc_max_bytes)
            self.session.counts, self.session.fill = self.tallies()
            self.flushed = self.snapshot()

    def resumable(self, run: RunState) -> bool:
        """Only this archive's own open run is carried on: ids repeat across archives."""
        if run.archive and run.archive != str(self.db_path.resolve()):
            return False
        row = self.session.archive.conn.execute("SELECT status FROM crawl_runs WHERE id = ?", (run.id,)).fetchone()
        return row is not None and row[0] == "running"

    def serve(self, *, until_idle: bool = False) -> None:
        """Consume until stopped (or, with `until_idle`, until no run is open and the stream is empty)."""
        self.claim_pending()
        while not self.stopping:
            self.keep_lease()
            self.open_requested_run()
            consumed = self.consume(">")
            self.reap_dead_nodes()
            self.note_progress()
            self.maybe_finish_run()
            if until_idle and not consumed and current_run(self.client, self.keys) is None:
                return

    def close(self) -> None:
        if self.stages is not None:
            self.stages.close()
        if self.session is not None:
            self.session.archive.close()
        try:
            if self.client.get(self.keys.writer) == self.consumer.encode():
                self.client.delete(self.keys.writer)
        except redis.RedisError:
            pass

    # -- the stream -----------------------------------------------------
    def claim_pending(self) -> None:
        """Take up what a dead writer read but never acknowledged (we hold the lease: it is dead)."""
        if self.stages is None:  # no run to write them into: they wait for the next run's writer
            return
        start = "0-0"
        while True:
            start, entries, _ = self.client.xautoclaim(self.keys.stream, self.keys.group, self.consumer,
                                                       min_idle_time=0, start_id=start, count=self.batch)
            if entries:
                logger.info("taking up %d entries a previous writer did not acknowledge", len(entries))
                self.write(entries)
            if start in (b"0-0", "0-0"):
                return

    def consume(self, start: str) -> int:
        if self.stages is None:  # no run open: entries wait (a run opens before nodes produce any)
            time.sleep(self.block_ms / 1000)
            return 0
        found = self.client.xreadgroup(self.keys.group, self.consumer, {self.keys.stream: start},
                                       count=self.batch, block=self.block_ms)
        entries = found[0][1] if found else []
        if entries:
            self.write(entries)
        return len(entries)

    def write(self, entries: list[tuple[bytes, dict[bytes, bytes]]]) -> None:
        """Archive a batch, commit, then acknowledge it together with the run's counts."""
        if self.stages is None:
            raise RuntimeError("stream entries without an open run")
        failed = []
        for entry_id, fields in entries:
            try:
                item = wire.from_stream_fields(fields)
                if not isinstance(item, wire.TYPES["CrawledArticle"]):
                    raise wire.WireError(f"a stream entry must be a CrawledArticle, not {type(item).__name__}")
            except wire.WireError as exc:  # not data a node wrote: never run, never blocks the stream
                failed.append((entry_id, fields, str(exc)))
                continue
            try:
                self.stages.process(item)
            except Exception as exc:  # a bad entry must not block the stream: keep it aside, with the reason
                if is_storage_failure(exc):
                    raise  # the disk, not the entry: the run stops (crawler/run/oserrors.py)
                logger.exception("cannot archive stream entry %s; kept in %s", entry_id, self.keys.failed)
                failed.append((entry_id, fields, repr(exc)))
        self.session.archive.commit()
        ids = [entry_id for entry_id, _ in entries]
        pipe = self.client.pipeline(transaction=True)
        for entry_id, fields, reason in failed:
            set_aside(pipe, self.keys, "the stream", fields.get(b"item"), reason, entry=entry_id,
                      node=fields.get(b"node", b"?"))
        self.add_tally_deltas(pipe)
        pipe.xack(self.keys.stream, self.keys.group, *ids)
        pipe.xdel(self.keys.stream, *ids)
        pipe.execute()

    # -- run counts, kept in Redis so a restarted writer does not lose them --
    def snapshot(self) -> Counter:
        counts = Counter({("c", *key): n for key, n in self.session.counts.items()})
        counts.update({("f", *key): n for key, n in self.session.fill.items()})
        return counts

    def add_tally_deltas(self, pipe) -> None:
        now = self.snapshot()
        for key, n in now.items():
            if n != self.flushed.get(key, 0):
                pipe.hincrby(self.keys.run_tally, SEP.join(key), n - self.flushed.get(key, 0))
        self.flushed = now

    def tallies(self) -> tuple[Counter, Counter]:
        counts, fill = Counter(), Counter()
        for raw, n in integer_fields(self.client.hgetall(self.keys.run_tally), self.keys.run_tally).items():
            kind, site, name = (raw.split(SEP) + ["", "", ""])[:3]
            if kind not in ("c", "f") or not site or not name:
                logger.warning("ignoring %s field %r: not a tally this writer wrote", self.keys.run_tally, raw[:60])
                continue
            (counts if kind == "c" else fill)[(site, name)] = n
        return counts, fill

    # -- runs -----------------------------------------------------------
    def open_requested_run(self) -> None:
        run = current_run(self.client, self.keys)
        if run is None or run.status != "opening":
            return
        session = self.session
        session.run_id = None
        session.counts, session.fill, self.flushed = Counter(), Counter(), Counter()
        run.id = session.begin_run(SPIDER_NAME)  # marks runs a dead writer left 'running' as aborted
        session.archive.commit()
        names = [site.name for site in run.sites]
        known = session.archive.known_articles(names, recheck_since(run.recheck_days))
        published = publish_known(self.client, self.keys, known, names)
        self.client.delete(self.keys.run_stats, self.keys.run_tally, self.keys.run_lastmods,
                           self.keys.run_scheduled, self.keys.run_redirects, self.keys.seen)
        self.stages = RunStages(session, run, self.warc_dir, self.warc_max_bytes)
        self.client.hset(self.keys.run, mapping={"id": run.id, "status": "running", "progress_at": time.time(),
                                                 "archive": str(self.db_path.resolve())})
        self.idle_since = None
        logger.info("run %s opened: %s (%d known URLs published)", run.id, ", ".join(s.name for s in run.sites),
                    published)

    def note_progress(self, every: float = 1.0) -> None:
        """The run's lease: refreshed whenever requests were fetched or entries written since last look."""
        now = time.time()
        if self.stages is None or now - self.progress_checked < every:
            return
        self.progress_checked = now
        looks = (self.client.hget(self.keys.run_stats, "downloader/request_count"), self.client.zcard(self.keys.frontier),
                 self.client.xlen(self.keys.stream), sum(self.session.counts.values()))
        if looks != self.progress:
            self.progress = looks
            self.client.hset(self.keys.run, "progress_at", now)

    def cluster_idle(self) -> bool:
        if self.client.zcard(self.keys.frontier) or self.client.xlen(self.keys.stream):
            return False
        if self.client.xpending(self.keys.stream, self.keys.group)["pending"]:
            return False
        return not any(self.client.hlen(self.keys.inflight(node.decode("utf-8", "replace")))
                       for node in self.client.smembers(self.keys.nodes))

    def maybe_finish_run(self) -> None:
        run = current_run(self.client, self.keys)
        if run is None or run.status != "seeded" or self.stages is None or not self.cluster_idle():
            self.idle_since = None  # (no stages: a run this writer never opened; a seed takes it over)
            return
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
        if now - self.idle_since >= self.settle:  # nodes push their last counts on their next tick
            self.finish_run(run)

    def finish_run(self, run: RunState) -> None:
        stats = integer_fields(self.client.hgetall(self.keys.run_stats), self.keys.run_stats)
        scheduled = {url.decode() for url in self.client.sscan_iter(self.keys.run_scheduled, count=1000)}
        announced = SharedLastmods(self.client, self.keys).all()
        lastmods = {url: iso for url, iso in announced.items() if url in scheduled}
        redirects = {s.decode("utf-8", "replace"): t.decode("utf-8", "replace")
                     for s, t in self.client.hscan_iter(self.keys.run_redirects, count=1000)}
        self.session.counts, self.session.fill = self.tallies()
        self.stages.close()
        seconds = round(time.time() - run.started, 2)
        self.stages.store.record_run_end(stats, {s.name for s in run.sites}, lastmods.items(), "finished", seconds,
                                         redirects)
        self.session.archive.commit()
        result = json.dumps(self.run_result(run.id))
        self.client.set(self.keys.result(run.token), result, ex=RESULT_TTL)
        self.client.set(self.keys.last_result, result, ex=RESULT_TTL)
        self.client.delete(self.keys.run, self.keys.run_stats, self.keys.run_tally, self.keys.run_lastmods,
                           self.keys.run_scheduled, self.keys.run_redirects, self.keys.seen)
        self.stages = None
        self.idle_since = None

    def run_result(self, run_id: int) -> dict[str, Any]:
        conn = self.session.archive.conn
        status, counts = conn.execute("SELECT status, counts FROM crawl_runs WHERE id = ?", (run_id,)).fetchone()
        sites = conn.execute("SELECT site, counts, health FROM site_runs WHERE run_id = ?", (run_id,)).fetchall()
        return {"run_id": run_id, "status": status, "counts": json.loads(counts or "{}"),
                "site_counts": {site: json.loads(c or "{}") for site, c, _ in sites},
                "health": {site: json.loads(h or "[]") for site, _, h in sites}}

    # -- nodes ----------------------------------------------------------
    def reap_dead_nodes(self) -> None:
        """A node whose heartbeat lapsed (kill -9, a lost machine): its requests go back to the frontier."""
        for raw in self.client.smembers(self.keys.nodes):
            node = raw.decode("utf-8", "replace")
            if self.client.exists(self.keys.alive(node)):
                continue
            given_back = requeue(self.client, self.keys.inflight(node), self.keys.frontier)
            self.client.srem(self.keys.nodes, node)
            logger.warning("node %s stopped answering: %d request(s) it held are back on the frontier", node,
                           given_back)


def integer_fields(raw: dict[bytes, bytes], key: str) -> dict[str, int]:
    """A hash of counts as {name: int}; a field that is not a count is logged and left out."""
    found = {}
    for name, value in raw.items():
        try:
            found[name.decode()] = int(value)
        except (UnicodeDecodeError, ValueError):
            logger.warning("ignoring %s field %r = %r: not a count", key, name[:60], value[:60])
    return found


def run_writer(db_path: str | Path, redis_url: str, *, prefix: str = DEFAULT_PREFIX, until_idle: bool = False,
               lease_wait: float | None = None, **options: Any) -> int:
    """Run the archive writer until SIGTERM/SIGINT; raises ArchiveBusy, WriterBusy or RedisUnavailable."""
    client = connect(redis_url)
    writer = ClusterWriter(client, Keys(prefix), db_path, **options)
    with ArchiveLock(db_path):
        writer.take_lease(wait=lease_wait if lease_wait is not None else 2 * writer.lease_ttl_ms / 1000)

        def stop(signum, frame) -> None:
            writer.stopping = True

        previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            writer.open()
            writer.serve(until_idle=until_idle)
        except redis.RedisError as exc:
            raise RedisUnavailable(f"lost Redis at {redis_url}: {exc}; the archive is intact (committed "
                                   "batches only), unacknowledged entries are taken up by the next writer") from exc
        except Exception as exc:  # disk full, read-only, I/O error: one line, exit 74 (crawler/run/oserrors.py)
            failure = storage_failure(exc)
            if failure is None:
                raise
            raise StorageFailed(f"{failure}: the writer stopped; the archive is intact (committed batches only), "
                                "unacknowledged entries are taken up by the next writer") from None
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            writer.close()
    return 0
