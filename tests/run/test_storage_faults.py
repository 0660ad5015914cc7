"""OS errors under the archive (issue #27): a disk that fills mid-crawl gives one line, exit 74, an
aborted run and an intact archive; the next run, once there is room, archives the rest.

The disk is real: a small tmpfs mounted for the test (the tests run as root, as CI does; elsewhere
the test is skipped with the reason), its size shrunk under the archive once it exists.
"""
from __future__ import annotations

import os
import subprocess

import pytest

from archive.store import Archive
from crawler.run.oserrors import EXIT_STORAGE, storage_failure
from crawler.sample_site import SampleSite, serve
from tests.conftest import readonly_rows, run_cli

ROOM_KB = 400  # left free for the crawl: less than 36 articles' rows and raw pages need


@pytest.fixture
def small_disk(tmp_path):
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount_point)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def resize(mount_point, kb: int) -> None:
    subprocess.run(["mount", "-o", f"remount,size={kb}k", str(mount_point)], check=True)


def used_kb(mount_point) -> int:
    stats = os.statvfs(mount_point)
    return (stats.f_blocks - stats.f_bfree) * stats.f_frsize // 1024


def test_storage_failures_are_named_in_a_few_words():
    import errno
    import sqlite3

    assert storage_failure(OSError(errno.ENOSPC, "No space left on device", "/x/a.warc.gz")) == "disk full (/x/a.warc.gz)"
    assert storage_failure(OSError(errno.EROFS, "Read-only file system")) == "file system is read-only"
    assert storage_failure(sqlite3.OperationalError("database or disk is full")) == "disk full (the archive database)"
    wrapped = RuntimeError("while writing")
    wrapped.__cause__ = OSError(errno.EIO, "Input/output error")
    assert storage_failure(wrapped) == "disk I/O error"
    assert storage_failure(OSError(errno.ENOENT, "No such file")) is None
    assert storage_failure(ValueError("bad")) is None


def test_a_disk_full_mid_crawl_is_one_line_an_aborted_run_and_an_intact_archive(small_disk, tmp_path):
    db = small_disk / "archive.db"
    Archive(db).close()
    resize(small_disk, used_kb(small_disk) + ROOM_KB)
    site = SampleSite(seed=7, n_articles=36)
    with serve(site) as server:
        crawl = ("crawl", "sample", "--base-url", server.base_url, "--db", str(db), "--log-file",
                 str(tmp_path / "crawl.log"), "-s", "ARCHIVE_BATCH_SIZE=4")
        full = run_cli(*crawl, timeout=180)
        kept = readonly_rows(db, "SELECT COUNT(*) FROM articles")[0][0]
        integrity = readonly_rows(db, "PRAGMA integrity_check")
        first_run = readonly_rows(db, "SELECT status FROM crawl_runs WHERE id = 1")
        resize(small_disk, 16 * 1024)
        again = run_cli(*crawl, timeout=180)

    assert full.returncode == EXIT_STORAGE, f"exit {full.returncode}\n{full.stdout}\n{full.stderr[-3000:]}"
    lines = full.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: disk full"), full.stderr[-3000:]
    assert "what was archived before is intact" in lines[0]
    assert full.stdout == ""
    assert integrity == [("ok",)]
    assert 0 < kept < 36, (kept, lines)
    assert first_run in ([("aborted",)], [("running",)])  # 'running': the disk refused even that; see below

    assert again.returncode == 0, again.stderr[-3000:]
    assert again.stdout.startswith(f"run 2 finished [sample]: {36 - kept} new,"), again.stdout
    assert readonly_rows(db, "SELECT id, status FROM crawl_runs") == [(1, "aborted"), (2, "finished")]
    assert readonly_rows(db, "SELECT COUNT(*), COUNT(DISTINCT canonical_url) FROM articles") == [(36, 36)]
    assert readonly_rows(db, "PRAGMA integrity_check") == [("ok",)]
