"""`run_cluster`: a writer, N local nodes and a seed in one call, for one machine and for tests
(twin of `python -m crawler cluster run`). Every part is its own process, started with the same
CLI an operator uses, so what this exercises is what systemd runs."""
from __future__ import annotations

import subprocess
import sys
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import Any

from crawler.discovery.catalog import Site
from crawler.cluster.keys import DEFAULT_PREFIX
from crawler.cluster.redis_server import LocalRedis, RedisUnavailable, connect
from crawler.cluster.seed import new_token, seed
from crawler.cluster.state import RUN_LEASE, current_run, drop_run
from crawler.run.runner import RunResult

ROOT = Path(__file__).resolve().parent.parent.parent


class PartFailed(RuntimeError):
    """The writer or a node exited while the run was not finished."""


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "crawler", "cluster", *args]


def setting_args(settings: dict[str, Any] | None) -> list[str]:
    return [arg for name, value in (settings or {}).items() for arg in ("-s", f"{name}={value}")]


def start_part(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen(args, cwd=ROOT)


def stop_parts(parts: list[subprocess.Popen], timeout: float = 60) -> None:
    for part in parts:
        if part.poll() is None:
            part.terminate()
    for part in parts:
        try:
            part.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            part.kill()
            part.wait()


def run_cluster(
    sites: list[Site], db_path: str | Path, *, nodes: int = 3, redis_url: str | None = None, workers: int = 1,
    prefix: str = DEFAULT_PREFIX, settings: dict[str, Any] | None = None, refresh: bool = False,
    since: datetime | None = None, take_over_after: float = RUN_LEASE, **limits: int,
) -> RunResult:
    """Crawl `sites` with `nodes` local nodes into `db_path`; without `redis_url`, on a private redis-server.

    `limits` are the seed's `recheck_days`, `max_articles` and `max_pages`, for the run as a whole.
    Its parts stop with it, so a run it leaves unfinished (a part failed, Ctrl-C) is closed in Redis
    on the way out (its archive row becomes `aborted` at the next run) rather than left to block."""
    token = new_token()
    with ExitStack() as stack:
        if redis_url is None:
            redis_url = stack.enter_context(LocalRedis()).url
        common = ["--redis", redis_url, "--prefix", prefix]
        writer = start_part(cli("writer", "--db", str(db_path), *common))
        node_parts = [start_part(cli("node", *common, "--workers", str(workers), *setting_args(settings)))
                      for _ in range(nodes)]
        parts = [writer, *node_parts]
        stack.callback(close_unfinished, redis_url, prefix, token)
        stack.callback(stop_parts, parts)

        def check_parts() -> None:
            for part in parts:
                if part.poll() is not None:
                    raise PartFailed(f"`{' '.join(part.args[2:4])}` exited with {part.returncode} mid-run")

        return seed(sites, redis_url, prefix=prefix, refresh=refresh, since=since, while_waiting=check_parts,
                    take_over_after=take_over_after, token=token, **limits)


def close_unfinished(redis_url: str, prefix: str, token: str) -> None:
    """Our run, if it is still open once our parts are stopped, is over: nobody is left to finish it."""
    import redis

    from crawler.cluster.keys import Keys

    try:
        client, keys = connect(redis_url), Keys(prefix)
        run = current_run(client, keys)
        if run is not None and run.token == token:
            drop_run(client, keys, run)
    except (redis.RedisError, RedisUnavailable):  # Redis gone: the next seed's take-over handles it
        pass
