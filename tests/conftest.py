"""Shared fixtures: the sample site on a real loopback server, and the CLI run as a subprocess.

A Twisted reactor runs once per process, so every real crawl runs in a child process.
"""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REAL_PAGES = ROOT / "tests" / "fixtures" / "pages"  # real saved news pages, provenance in its README


def run_cli(*args: str, timeout: float = 240, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `python -m crawler ARGS` from the repository root and return the finished process."""
    return subprocess.run(
        [sys.executable, "-m", "crawler", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def readonly_rows(db, sql: str, *params) -> list[tuple]:
    """Read-only, so polling never takes a write lock from the crawl."""
    conn = sqlite3.connect(f"{Path(db).resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def archived_count(db) -> int:
    """Articles archived so far, 0 while the archive is not created yet (for polling a running crawl)."""
    try:
        return readonly_rows(db, "SELECT COUNT(*) FROM articles")[0][0]
    except sqlite3.Error:
        return 0


def db_rows(db, sql: str, *params) -> list[tuple]:
    """Run one query on an archive file and return every row."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


@pytest.fixture
def sample_server():
    from crawler.sample_site import SampleSite, serve

    site = SampleSite(seed=7)
    with serve(site) as server:
        server.site = site
        yield server


@pytest.fixture
def crawl_sample(sample_server, tmp_path):
    """A function that crawls the running sample site into tmp_path/archive.db and returns the process."""
    db = tmp_path / "archive.db"

    def crawl(*extra: str) -> subprocess.CompletedProcess:
        return run_cli("crawl", "sample", "--base-url", sample_server.base_url, "--db", str(db), *extra)

    crawl.db = db
    return crawl


def pytest_addoption(parser):
    parser.addoption("--screenshots", metavar="DIR", default=None,
                     help="keep the browser tests' screenshots in DIR (default: env ARCHIVE_SCREENSHOTS, else a tmp dir)")


@pytest.fixture(scope="session")
def screenshot_dir(request, tmp_path_factory) -> Path:
    """Where browser tests write their screenshots: --screenshots DIR, $ARCHIVE_SCREENSHOTS, or a tmp dir."""
    chosen = request.config.getoption("--screenshots") or os.environ.get("ARCHIVE_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


SCHEDULE = tomllib.loads((ROOT / "tests" / "schedule.toml").read_text(encoding="utf-8"))


def pytest_configure(config):
    """Keep the order `pytest_collection_modifyitems` gives (slowest groups first): xdist would otherwise
    reorder the groups by their number of tests, which puts hundreds of millisecond tests first."""
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


def schedule_rank(nodeid: str) -> int:
    """Where a test's group starts: the position of the first `first` prefix it matches, else after them all."""
    return next((n for n, prefix in enumerate(SCHEDULE["first"]) if nodeid.startswith(prefix)), len(SCHEDULE["first"]))


def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist (`make test`, `--dist loadgroup`) a file's tests stay on one worker, so its
    module-scoped fixtures (a crawl, a server) are built once; a test marked `xdist_group(NAME)` goes
    with every other test of that name instead (e.g. the ones that need the demo's fixed port). The
    files `split` in tests/schedule.toml give each test its own group, and the groups `first` names
    start first, so the two workers end together."""
    split = set(SCHEDULE["split"])
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            path = item.nodeid.split("::")[0]
            item.add_marker(pytest.mark.xdist_group(item.nodeid if path in split else path))
    items.sort(key=lambda item: schedule_rank(item.nodeid))  # stable: the rest keep their order
