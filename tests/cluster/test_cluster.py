"""Many crawl nodes on Redis, one archive writer (issue "when one machine is not enough").

Real parts only: Debian's redis-server started by each test on a free port with its own
directory (crawler.cluster.redis_server.LocalRedis), the bundled sample site served by this
test process on 127.0.0.1, and the writer, nodes and seed as `python -m crawler cluster ...`
child processes, exactly as an operator runs them.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest

from crawler.cluster.keys import EXIT_REDIS, Keys
from crawler.cluster.redis_server import LocalRedis, connect
from crawler.run.runner import EXIT_OK, LOCAL_SITE_SETTINGS
from crawler.sample_site import SampleSite, serve
from tests.conftest import ROOT, archived_count, run_cli
from tests.conftest import readonly_rows as rows

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs Debian's redis-server")

LOCAL_SETTINGS = [arg for name, value in LOCAL_SITE_SETTINGS.items() for arg in ("-s", f"{name}={value}")]
# Columns that say when and in which run a row was written, or where its raw page sits: they differ
# between any two crawls. Ids differ by arrival order, so rows refer to articles by canonical URL.
# archived_at too: the writer's clock when it wrote the row, so two crawls never share it; what they share,
# that every article has one and none before its fetch, `assert_archived_after_fetch` checks. announced_at
# is compared: the run settles it on its announcements (archive.store.Archive.raise_lastmods).
VOLATILE = {"id", "run_id", "fetched_at", "first_seen", "last_seen", "warc_file", "warc_offset", "seen_at", "at",
            "archived_at"}
ARTICLE_REFERENCES = {"article_id", "cluster_id", "near_duplicate_of"}
TABLES = ["articles", "captions", "sources", "article_versions", "aliases", "events", "signatures"]
GAP_TOLERANCE = 0.1  # see tests/run/test_operations.py: handler-thread lag on a saturated CPU


# -- helpers -----------------------------------------------------------------------------------------------------


@contextmanager
def sample(n_articles: int = 12, **options):
    site = SampleSite(seed=7, n_articles=n_articles, **options)
    with serve(site) as server:
        yield site, server




def archive_content(db: Path) -> dict[str, list[tuple]]:
    """Every archived row, minus run ids, fetch times and WARC positions, in a stable order."""
    conn = sqlite3.connect(db)
    try:
        canonical = dict(conn.execute("SELECT id, canonical_url FROM articles"))
        content = {}
        for table in TABLES:
            columns = [c[1] for c in conn.execute(f"PRAGMA table_info({table})") if c[1] not in VOLATILE]
            found = []
            for row in conn.execute(f"SELECT {', '.join(columns)} FROM {table}"):
                found.append(tuple(canonical.get(v) if name in ARTICLE_REFERENCES and v is not None else v
                                   for name, v in zip(columns, row)))
            content[table] = sorted(found, key=repr)
        return content
    finally:
        conn.close()


def assert_archived_after_fetch(db: Path) -> None:
    """Every article has its archiving time, not before its page was fetched (ISO UTC times compare as dates)."""
    times = rows(db, "SELECT julianday(first_seen), julianday(archived_at) FROM articles")
    assert times and all(archived is not None and archived >= fetched - 1 / 86400 for fetched, archived in times)


def ok(result: subprocess.CompletedProcess, code: int = EXIT_OK) -> subprocess.CompletedProcess:
    assert result.returncode == code, f"exit {result.returncode}\n{result.stdout}\n{result.stderr[-4000:]}"
    return result


def article_paths_requested(site: SampleSite, server, since: int = 0) -> list[str]:
    archivable = set(site.expected["archivable_paths"])
    return [p for p in server.paths_requested()[since:] if p.split("?")[0] in archivable]


class Parts:
    """Writer, nodes and seeds of one cluster as child processes, each in its own process group
    (so kill -9 takes a node's extraction workers with it, as a lost machine would)."""

    def __init__(self, redis_url: str, tmp_path: Path) -> None:
        self.redis_url = redis_url
        self.tmp_path = tmp_path
        self.procs: list[subprocess.Popen] = []

    def start(self, *args: str) -> subprocess.Popen:
        name = f"{args[0]}-{len(self.procs)}"
        out, err = (open(self.tmp_path / f"{name}.{kind}", "w") for kind in ("out", "err"))
        proc = subprocess.Popen([sys.executable, "-m", "crawler", "cluster", *args, "--redis", self.redis_url],
                                cwd=ROOT, stdout=out, stderr=err, start_new_session=True)
        proc.log_name = name
        self.procs.append(proc)
        return proc

    def writer(self, db: Path) -> subprocess.Popen:
        return self.start("writer", "--db", str(db), "-v")

    def node(self, *settings: str) -> subprocess.Popen:
        return self.start("node", "--workers", "1", *LOCAL_SETTINGS, *settings)

    def seed(self, server) -> subprocess.Popen:
        return self.start("seed", "sample", "--base-url", server.base_url)

    def output(self, proc: subprocess.Popen) -> tuple[str, str]:
        return tuple((self.tmp_path / f"{proc.log_name}.{kind}").read_text() for kind in ("out", "err"))

    def wait(self, proc: subprocess.Popen, timeout: float = 120) -> int:
        try:
            return proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{proc.log_name} did not finish within {timeout} s:\n{self.output(proc)[1][-4000:]}")

    def kill(self, proc: subprocess.Popen, signum: int = signal.SIGKILL) -> None:
        if proc.poll() is None:
            os.killpg(proc.pid, signum)
            proc.wait(timeout=60)

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


@pytest.fixture
def redis_server(tmp_path):
    with LocalRedis(tmp_path / "redis") as server:
        yield server


@pytest.fixture
def parts(redis_server, tmp_path):
    cluster = Parts(redis_server.url, tmp_path)
    yield cluster
    cluster.stop_all()


def wait_until(condition, timeout: float = 60, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)


def assert_every_article_once(db: Path, site: SampleSite, base_url: str) -> None:
    expected = sorted(base_url + path for path in site.expected["archivable_paths"])
    assert sorted(url for (url,) in rows(db, "SELECT canonical_url FROM articles")) == expected
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    assert rows(db, "SELECT COUNT(*) FROM articles WHERE title = '' OR body = ''") == [(0,)]


# -- 1. same rows as one machine; 5. a second seed fetches no article page ------------------------------------------


def test_three_nodes_archive_exactly_what_one_machine_archives_and_a_second_run_fetches_no_article(tmp_path):
    single, clustered = tmp_path / "single.db", tmp_path / "cluster.db"
    with sample(n_articles=20) as (site, server):
        first = ok(run_cli("cluster", "run", "sample", "--nodes", "3", "--base-url", server.base_url,
                           "--db", str(clustered)))
        first_article_requests = article_paths_requested(site, server)
        ok(run_cli("crawl", "sample", "--base-url", server.base_url, "--db", str(single)))  # the site's 500 and 429 are spent
        before = len(server.requests)
        second = ok(run_cli("cluster", "run", "sample", "--nodes", "1", "--base-url", server.base_url,
                            "--db", str(clustered)))
        second_article_requests = article_paths_requested(site, server, before)

    assert first.stdout.startswith("run 1 finished [sample]: 20 new,"), first.stdout
    assert_every_article_once(clustered, site, server.base_url)
    assert archive_content(clustered) == archive_content(single)
    assert_archived_after_fetch(clustered)
    assert_archived_after_fetch(single)
    assert rows(clustered, "SELECT COUNT(*) FROM articles WHERE announced_at IS NULL") == [(0,)]  # all announced
    # Every article page once (the two that fail first, 500 and 429, once more), none twice.
    assert sorted(set(first_article_requests)) == sorted(site.expected["archivable_paths"])
    retried = {site.expected["flaky_path"]: 2, site.expected["retry_after_path"]: 2}
    assert {path: n for path, n in Counter(first_article_requests).items() if n > 1} == retried
    assert rows(clustered, "SELECT COUNT(*) FROM crawl_runs WHERE status = 'finished'") == [(2,)]

    known = re.match(r"run 2 finished \[sample\]: 0 new, 0 updated, 0 duplicates, (\d+) already archived and "
                     "unchanged", second.stdout)
    assert known and int(known[1]) >= len(site.expected["archivable_paths"]), second.stdout  # aliases counted too
    assert second_article_requests == []
    assert archive_content(clustered)["articles"] == archive_content(single)["articles"]


# -- 2. politeness across nodes ----------------------------------------------------------------------------------


def test_the_per_host_gap_across_three_nodes_never_falls_under_the_delay(tmp_path):
    db, delay = tmp_path / "archive.db", 0.4
    with sample(n_articles=10) as (site, server):
        ok(run_cli("cluster", "run", "sample", "--nodes", "3", "--base-url", server.base_url, "--db", str(db),
                   "-s", f"DOWNLOAD_DELAY={delay}"))
        requests = sorted(server.requests, key=lambda r: r.time)
    assert_every_article_once(db, site, server.base_url)
    gaps = [(round(b.time - a.time, 3), b.path) for a, b in zip(requests, requests[1:])]
    assert [gap for gap in gaps if gap[0] < delay - GAP_TOLERANCE] == []
    assert len(requests) > 20
    # The sample site's 429 asks for 2 s: the whole cluster waits it out, not only the node that got it.
    busy = next(i for i, r in enumerate(requests) if r.status == 429)
    assert requests[busy + 1].time - requests[busy].time >= 2 - GAP_TOLERANCE


# -- 3. kill -9 of a node, then of the writer --------------------------------------------------------------------


def test_a_node_and_the_writer_killed_mid_run_lose_nothing_and_archive_nothing_twice(parts, tmp_path):
    db = tmp_path / "archive.db"
    slow = ("-s", "DOWNLOAD_DELAY=0.25")  # the cluster-wide lease: ~4 requests/s, so there is a "mid-run"
    with sample(n_articles=24) as (site, server):
        writer = parts.writer(db)
        doomed = parts.node(*slow)
        parts.node(*slow)  # the survivor, which takes over what the doomed node held
        seeding = parts.seed(server)
        client, keys = connect(parts.redis_url), Keys()
        doomed_id = f"{os.uname().nodename}-{doomed.pid}"
        wait_until(lambda: client.hlen(keys.inflight(doomed_id)) > 0 and archived_count(db) >= 2, what="a busy node")
        held = client.hlen(keys.inflight(doomed_id))
        parts.kill(doomed)
        status = ok(run_cli("cluster", "status", "--redis", parts.redis_url))
        assert "run: 1 seeded [sample]" in status.stdout and f"{doomed_id}: " in status.stdout, status.stdout

        wait_until(lambda: not client.exists(keys.inflight(doomed_id)), timeout=30, what="the dead node's requests")
        archived = archived_count(db)
        wait_until(lambda: archived_count(db) > archived, what="more articles")
        parts.kill(writer)
        parts.writer(db)  # takes up what the killed writer read and never acknowledged
        assert parts.wait(seeding) == EXIT_OK, parts.output(seeding)
        summary = parts.output(seeding)[0]

    assert held > 0
    assert summary.startswith("run 1 finished [sample]"), summary
    assert_every_article_once(db, site, server.base_url)
    assert rows(db, "SELECT status FROM crawl_runs") == [("finished",)]
    assert rows(db, "SELECT COUNT(*), COUNT(DISTINCT article_id) FROM article_history")[0] == (24, 24)  # one version each
    assert rows(db, "SELECT COUNT(*) FROM article_versions") == [(0,)]  # none superseded


# -- 4. Redis stopped mid-run ------------------------------------------------------------------------------------


def test_redis_stopped_mid_run_stops_every_part_with_a_clear_error_and_a_rerun_completes(parts, redis_server, tmp_path):
    db = tmp_path / "archive.db"
    with sample(n_articles=24) as (site, server):
        writer = parts.writer(db)
        nodes = [parts.node("-s", "DOWNLOAD_DELAY=0.25") for _ in range(2)]
        seeding = parts.seed(server)
        wait_until(lambda: archived_count(db) >= 3, what="a few archived articles")
        redis_server.stop()
        codes = {proc.log_name: parts.wait(proc, timeout=60) for proc in [writer, *nodes, seeding]}
        assert codes == {proc.log_name: EXIT_REDIS for proc in [writer, *nodes, seeding]}
        for proc in [writer, *nodes]:
            assert "error: lost Redis at redis://127.0.0.1:" in parts.output(proc)[1], parts.output(proc)[1][-3000:]
        for proc in [writer, *nodes, seeding]:  # one line each, no traceback (issue #27); the writer runs with -v
            stderr = parts.output(proc)[1]
            lines = [line for line in stderr.splitlines() if proc is writer and line.startswith("error: ") or
                     proc is not writer and line.strip()]
            assert "Traceback" not in stderr and len(lines) == 1, stderr[-6000:]
            assert lines[0].startswith("error: lost Redis"), stderr[-3000:]
        kept = archived_count(db)
        assert 3 <= kept < 24
        assert rows(db, "PRAGMA integrity_check") == [("ok",)]

        rerun = ok(run_cli("cluster", "run", "sample", "--nodes", "2", "--base-url", server.base_url, "--db", str(db)))
    assert rerun.stdout.startswith(f"run 2 finished [sample]: {24 - kept} new,"), rerun.stdout
    assert_every_article_once(db, site, server.base_url)
    assert rows(db, "SELECT id, status FROM crawl_runs") == [(1, "aborted"), (2, "finished")]


# -- 6. status and usage -----------------------------------------------------------------------------------------


def test_status_shows_nodes_writer_and_no_run_and_a_second_seed_is_refused(parts, tmp_path):
    client, keys = connect(parts.redis_url), Keys()
    parts.writer(tmp_path / "archive.db")
    node = parts.node()
    wait_until(lambda: client.exists(keys.alive(f"{os.uname().nodename}-{node.pid}")), what="the node's heartbeat")
    status = ok(run_cli("cluster", "status", "--redis", parts.redis_url))
    assert "run: none open" in status.stdout and "nodes: 1 alive" in status.stdout, status.stdout
    assert "writer: " in status.stdout and "writer: none" not in status.stdout

    client.hset(keys.run, mapping={"status": "seeded", "id": 7, "token": "t7", "started": time.time()})  # as if open
    refused = run_cli("cluster", "seed", "--url", "http://127.0.0.1:9/", "--redis", parts.redis_url)
    assert refused.returncode == 75 and refused.stderr.startswith("error: run 7 is still open"), refused.stderr
    assert "a run without progress for 600 s is taken over" in refused.stderr


# -- 8. runs that tell the truth: their own summary, never blocked for good by dead parts --------------------------


def test_a_fresh_archive_on_a_redis_used_before_gets_its_own_run_and_summary(redis_server, tmp_path):
    """Run ids are per archive: the second archive's run 1 is not the first archive's run 1."""
    with sample(n_articles=10) as (site, server):
        common = ["sample", "--nodes", "1", "--base-url", server.base_url, "--redis", redis_server.url]
        first = ok(run_cli("cluster", "run", *common, "--db", str(tmp_path / "first.db")))
        second = ok(run_cli("cluster", "run", *common, "--db", str(tmp_path / "second.db")))
        third = ok(run_cli("cluster", "run", *common, "--db", str(tmp_path / "second.db")))
    n = len(site.expected["archivable_paths"])
    assert first.stdout.startswith(f"run 1 finished [sample]: {n} new,"), first.stdout
    assert second.stdout.startswith(f"run 1 finished [sample]: {n} new,"), second.stdout
    assert archived_count(tmp_path / "second.db") == n
    again = re.match(r"run 2 finished \[sample\]: 0 new, 0 updated, 0 duplicates, (\d+) already archived and unchanged",
                     third.stdout)
    assert again and int(again[1]) >= n, third.stdout  # every archived URL (aliases too) accounted for
    assert connect(redis_server.url).exists(Keys().run) == 0  # nothing left open


def test_a_run_left_open_by_dead_parts_is_taken_over_once_its_lease_expires(parts, tmp_path):
    client, keys = connect(parts.redis_url), Keys()
    db = tmp_path / "archive.db"
    parts.writer(db)
    node = parts.node()
    wait_until(lambda: client.exists(keys.stream), what="the writer's consumer group")  # it has looked for a run
    wait_until(lambda: client.exists(keys.alive(f"{os.uname().nodename}-{node.pid}")), what="the node's heartbeat")
    stale = time.time() - 30
    client.hset(keys.run, mapping={"status": "seeded", "id": 7, "token": "dead", "started": stale,
                                   "progress_at": stale})  # its seed, writer and nodes died 30 s ago
    with sample(n_articles=10) as (site, server):
        refused = run_cli("cluster", "seed", "sample", "--base-url", server.base_url, "--redis", parts.redis_url,
                          "--take-over-after", "60")
        assert refused.returncode == 75 and re.search(r"last progress 3\d s ago", refused.stderr), refused.stderr
        taken = ok(run_cli("cluster", "seed", "sample", "--base-url", server.base_url, "--redis", parts.redis_url,
                           "--take-over-after", "20"))
    n = len(site.expected["archivable_paths"])
    assert taken.stdout.startswith(f"run 1 finished [sample]: {n} new,"), taken.stdout + taken.stderr
    assert archived_count(db) == n
    assert client.exists(keys.run) == 0 and client.zcard(keys.frontier) == 0
    assert "run 7 made no progress for 3" in taken.stderr and "taken over" in taken.stderr, taken.stderr


def test_a_node_without_redis_exits_69_with_the_url_in_the_error():
    port = LocalRedis().port  # free, nothing listening
    result = run_cli("cluster", "node", "--redis", f"redis://127.0.0.1:{port}/0")
    assert result.returncode == EXIT_REDIS
    assert f"error: Redis at redis://127.0.0.1:{port}/0 does not answer" in result.stderr
