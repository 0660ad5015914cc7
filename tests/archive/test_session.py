"""The archive's writer thread: work runs there in submission order, and the archive comes back after."""
from __future__ import annotations

import threading
import time

import pytest

from archive.store import Archive, WrongThread
from crawler.text.neardup import NearDupIndex
from pipelines.session import ArchiveSession


def test_submitted_work_runs_in_order_on_one_writer_thread_and_the_archive_is_handed_back(tmp_path):
    session = ArchiveSession(Archive(tmp_path / "a.db", handover=True), NearDupIndex())
    run_id = session.begin_run("test")  # on this thread, before the writer takes over
    session.start_writer()
    seen: list[tuple[int, str]] = []

    def note(i: int) -> int:
        if i == 0:
            time.sleep(0.05)  # a slow first unit must not be overtaken
        session.archive.add_event(None, f"https://news.example/{i}", "changed", None, run_id)
        seen.append((i, threading.current_thread().name))
        return i

    futures = [session.submit(note, i) for i in range(20)]
    session.stop_writer()  # waits for the queued work
    assert [f.result() for f in futures] == list(range(20))
    assert [i for i, _ in seen] == list(range(20))
    assert {name for _, name in seen} != {threading.current_thread().name}
    assert len({name for _, name in seen}) == 1
    session.close()  # on this thread again: commits what the writer wrote
    archive = Archive(tmp_path / "a.db")
    urls = [u for (u,) in archive.conn.execute("SELECT url FROM events ORDER BY id")]
    archive.close()
    assert urls == [f"https://news.example/{i}" for i in range(20)]


def test_without_a_writer_thread_work_runs_inline_and_errors_reach_the_caller(tmp_path):
    session = ArchiveSession(Archive(tmp_path / "a.db"), NearDupIndex())
    assert session.submit(threading.current_thread).result() is threading.current_thread()

    def fail() -> None:
        raise ValueError("bad item")

    with pytest.raises(ValueError, match="bad item"):
        session.submit(fail).result()
    session.close()


def test_an_archive_opened_without_handover_refuses_another_thread(tmp_path):
    archive = Archive(tmp_path / "a.db")
    errors: list[Exception] = []

    def use() -> None:
        try:
            archive.conn.execute("SELECT 1")
        except Exception as exc:  # sqlite3.ProgrammingError: created in another thread
            errors.append(exc)

    thread = threading.Thread(target=use)
    thread.start()
    thread.join()
    archive.close()
    assert errors


def test_while_the_writer_owns_the_archive_a_write_from_another_thread_is_refused(tmp_path):
    session = ArchiveSession(Archive(tmp_path / "a.db", handover=True), NearDupIndex())
    run_id = session.begin_run("test")
    session.start_writer()
    session.submit(session.archive.add_event, None, "https://news.example/1", "changed", None, run_id).result()
    with pytest.raises(WrongThread, match="does not own the archive"):
        session.archive.add_event(None, "https://news.example/2", "changed", None, run_id)  # not via submit
    session.close()  # the archive came back to this thread: closing commits what the writer wrote
    archive = Archive(tmp_path / "a.db")
    urls = [u for (u,) in archive.conn.execute("SELECT url FROM events")]
    archive.close()
    assert urls == ["https://news.example/1"]
