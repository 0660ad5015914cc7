"""Hostile input through Redis (issue #27): nothing a network peer writes into the cluster's Redis
runs as code, and nothing it writes there stops a run.

Real parts only: Debian's redis-server on a free port, the sample site on 127.0.0.1, the cluster's
writer and nodes as child processes (`python -m crawler cluster run --redis URL`).
"""
from __future__ import annotations

import json
import pickle
import shutil

import pytest

from crawler.cluster.keys import Keys
from crawler.cluster.redis_server import LocalRedis, connect
from crawler.cluster.wire import dumps
from crawler.sample_site import SampleSite, serve
from tests.conftest import readonly_rows, run_cli

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs Debian's redis-server")


class Plant:
    """Unpickling this creates a file: what any code an attacker chooses would do first."""

    def __init__(self, path) -> None:
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def planted(path) -> bytes:
    return pickle.dumps(Plant(path), protocol=5)


def test_the_plant_runs_code_when_unpickled(tmp_path):
    """The payload used below is real: unpickled, it creates its file."""
    pickle.loads(planted(tmp_path / "control")).close()
    assert (tmp_path / "control").exists()


def test_pickles_and_garbage_in_redis_run_nothing_and_the_run_completes(tmp_path):
    marker = tmp_path / "pwned"
    db = tmp_path / "archive.db"
    keys = Keys()
    site = SampleSite(seed=7, n_articles=10)
    with LocalRedis(tmp_path / "redis") as redis_server, serve(site) as server:
        client = connect(redis_server.url)
        base = server.base_url
        # The frontier: a pickle, garbage, a request naming a spider method that is not a callback, a
        # request class to load, a javascript: URL.
        hostile_requests = [
            planted(marker), b"\x00garbage\xff", b'{"url": ',
            dumps({"url": f"{base}/", "callback": "closed", "method": "GET"}),
            dumps({"url": f"{base}/", "_class": "subprocess.Popen"}),
            dumps({"url": "javascript:alert(1)", "callback": "parse_listing"}),
        ]
        client.zadd(keys.frontier, {data: -100 for data in hostile_requests})  # popped first
        # The stream: a pickled "item" and garbage, before any node writes.
        client.xadd(keys.stream, {"item": planted(marker), "node": "evil", "run": 1})
        client.xadd(keys.stream, {"item": b"[1, 2", "node": "evil", "run": 1})
        client.xadd(keys.stream, {"item": dumps({"not": "an item"}), "node": "evil", "run": 1})
        # A dead "node" whose in-flight hash holds garbage, a host delay that is not a number, a run hash
        # that no seed wrote (its sites pickled).
        client.sadd(keys.nodes, "ghost")
        client.hset(keys.inflight("ghost"), mapping={"a": "no-score-here", "b": "x y"})
        client.hset(keys.host_delays, "127.0.0.1", "not-a-number")
        client.hset(keys.run, mapping={"status": "seeded", "id": "", "sites": planted(marker)})

        result = run_cli("cluster", "run", "sample", "--nodes", "1", "--base-url", base, "--db", str(db),
                         "--redis", redis_server.url, timeout=180)
        failed = client.xrange(keys.failed)

    assert not marker.exists()
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.startswith("run 1 finished [sample]: 10 new,"), result.stdout
    assert readonly_rows(db, "SELECT COUNT(*) FROM articles") == [(10,)]
    sources = [fields[b"source"].decode() for _, fields in failed]
    reasons = [fields[b"reason"].decode() for _, fields in failed]
    assert sources.count("the frontier") == len(hostile_requests), reasons
    assert sources.count("the stream") == 3, reasons
    assert sources.count("the run hash") == 1, reasons
    assert sum("a pickle, refused" in reason for reason in reasons) == 3, reasons
    assert any("names a method the spider does not offer" in reason for reason in reasons), reasons
    assert any("unknown field(s) ['_class']" in reason for reason in reasons), reasons
    assert any("scheme 'javascript' not allowed" in reason for reason in reasons), reasons
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert "skipping an entry of the frontier: a pickle, refused" in result.stderr


def test_a_failed_entry_keeps_the_raw_bytes_for_the_operator(tmp_path):
    from crawler.cluster.failed import set_aside

    with LocalRedis(tmp_path / "redis") as redis_server:
        client = connect(redis_server.url)
        set_aside(client, Keys("t"), "the frontier", b"\x80\x05junk", "a pickle, refused")
        [(_, fields)] = client.xrange(Keys("t").failed)
    assert fields[b"data"] == b"\x80\x05junk" and fields[b"source"] == b"the frontier"
    assert json.loads(json.dumps(fields[b"reason"].decode())) == "a pickle, refused"
