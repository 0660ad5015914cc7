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


class SharedCrawl:
    """The sample site (seed 7) crawled once into a fresh archive, its server left running: `result` is
    that crawl's process, `requests` what the server had been asked by then. Its archive is never
    written to: a test that crawls again or writes works on `copy(folder)`, which keeps the URLs valid
    (same server, same port). Nothing here may change the site (update, remove, redirect articles):
    tests that do take their own `sample_server`."""

    def __init__(self, server, db: Path, result: subprocess.CompletedProcess) -> None:
        self.server, self.site, self.db, self.result = server, server.site, db, result
        self.base_url = server.base_url
        self.requests = list(server.requests)

    def copy(self, folder: Path) -> Path:
        """A private copy of the archive, as `folder/archive.db`."""
        target = Path(folder) / "archive.db"
        source, copy = sqlite3.connect(self.db), sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            source.close()
            copy.close()
        return target

    def crawl(self, db: Path, *extra: str) -> subprocess.CompletedProcess:
        """Crawl the shared server again into `db` (a copy, or an archive of its own)."""
        assert Path(db).resolve() != self.db.resolve(), "crawl a copy(), not the shared archive"
        return run_cli("crawl", "sample", "--base-url", self.base_url, "--db", str(db), *extra)


@pytest.fixture(scope="session")
def shared_crawl(tmp_path_factory) -> SharedCrawl:
    """One crawl of the sample site per test worker, for the tests whose first step was that same crawl
    of a fresh site (each used to serve and crawl its own). By the end of the first crawl the site's
    one-time faults (the 500, the 429) are spent, as they are for any second crawl."""
    from crawler.sample_site import SampleSite, serve

    db = tmp_path_factory.mktemp("shared-crawl") / "archive.db"
    with serve(SampleSite(seed=7)) as server:
        result = run_cli("crawl", "sample", "--base-url", server.base_url, "--db", str(db))
        assert result.returncode == 0, result.stderr[-3000:]
        yield SharedCrawl(server, db, result)


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


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook, which turns the marks into groups
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
        if getattr(config.option, "loadgroup", False):
            name_group(item)
    items.sort(key=lambda item: schedule_rank(item.nodeid))  # stable: the rest keep their order


def name_group(item) -> None:
    """Put the item's xdist group in its node id, `path::test@group`, which is how the scheduler reads it.

    pytest-xdist (3.8) does it by setting `item._nodeid`, which pytest 9 no longer reads (the id lives in
    `item._id`): without this every test was its own group, module-scoped fixtures were built on both
    workers and the demo's fixed port was not kept to one worker. On an older pytest xdist's own hook
    still does it, after this one."""
    if not hasattr(item, "_id") or "@" in item.nodeid:
        return
    from _pytest.nodeid import NodeId

    names = sorted({str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                    for mark in item.iter_markers("xdist_group")})
    item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(names)}")
