"""Connecting to Redis with a clear error, and a private `redis-server` for one machine and for tests.

`LocalRedis` runs Debian's real `redis-server` on a free 127.0.0.1 port with its own
directory; `cluster run` uses it when no `--redis` URL is given, the tests always.
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import redis


class RedisUnavailable(RuntimeError):
    """Redis cannot be reached, or went away mid-run."""


def connect(url: str, *, check: bool = True) -> redis.Redis:
    """A client for `url` (bytes responses); raises RedisUnavailable with the URL when it does not answer."""
    client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=30, health_check_interval=10)
    if check:
        try:
            client.ping()
        except redis.RedisError as exc:
            raise RedisUnavailable(f"Redis at {url} does not answer: {exc}") from exc
    return client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalRedis:
    """`with LocalRedis() as server: server.url` runs redis-server until the block ends."""

    def __init__(self, directory: str | Path | None = None, port: int | None = None, *, persist: bool = False) -> None:
        self.port = port or free_port()
        self._tmp = None if directory else tempfile.TemporaryDirectory(prefix="redis-")
        self.directory = Path(directory or self._tmp.name)
        self.persist = persist  # append-only file, so a restart finds the frontier and the stream
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10) -> LocalRedis:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RedisUnavailable("redis-server is not installed (Debian: apt-get install redis-server)")
        self.directory.mkdir(parents=True, exist_ok=True)
        args = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory),
                "--save", "", "--appendonly", "yes" if self.persist else "no", "--loglevel", "warning"]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        deadline = time.monotonic() + timeout
        try:
            while True:
                try:
                    client.ping()
                    return self
                except redis.ConnectionError:
                    if self.process.poll() is not None or time.monotonic() > deadline:
                        self.stop()
                        raise RedisUnavailable(f"redis-server did not start on port {self.port}") from None
                    time.sleep(0.05)
        finally:
            client.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def cleanup(self) -> None:
        self.stop()
        if self._tmp is not None:
            self._tmp.cleanup()

    def __enter__(self) -> LocalRedis:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.cleanup()
