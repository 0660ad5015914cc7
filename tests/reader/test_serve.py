"""`python -m crawler serve` owns its Datasette: a real process, stopped by SIGTERM or SIGINT, and the port freed."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from archive.store import Archive
from tests.conftest import ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").exists() and Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def start_serve(db: Path, port: int) -> tuple[subprocess.Popen, int]:
    """Start `serve` in its own session (so only our signals reach it); return it and its Datasette pid."""
    process = subprocess.Popen(
        [sys.executable, "-m", "crawler", "serve", "--db", str(db), "--port", str(port)], cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not answers(f"http://127.0.0.1:{port}/-/versions.json"):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"serve did not come up: {process.communicate()[1][-3000:]}")
        time.sleep(0.2)
    (child,) = children(process.pid)
    return process, child


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stopping_serve_stops_datasette_and_frees_the_port(tmp_path, stop):
    db = tmp_path / "archive.db"
    Archive(db).close()
    port = free_port()
    process, datasette = start_serve(db, port)
    try:
        assert alive(datasette) and not port_is_free(port)
        process.send_signal(stop)
        assert process.wait(timeout=30) == 0, process.stderr.read()[-3000:]
        deadline = time.monotonic() + 10
        while alive(datasette) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(datasette), "Datasette outlived serve"
        assert port_is_free(port) and not answers(f"http://127.0.0.1:{port}/-/versions.json")
    finally:
        for pid in (datasette, process.pid):
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        process.wait(timeout=10)


def test_killing_serve_outright_still_stops_datasette(tmp_path):
    """Even kill -9, which serve cannot catch: the kernel tells Datasette its parent died (PR_SET_PDEATHSIG)."""
    db = tmp_path / "archive.db"
    Archive(db).close()
    process, datasette = start_serve(db, free_port())
    try:
        process.kill()
        process.wait(timeout=10)
        deadline = time.monotonic() + 15
        while alive(datasette) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(datasette)
    finally:
        if alive(datasette):
            os.kill(datasette, signal.SIGKILL)
