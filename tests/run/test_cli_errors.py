"""Bad input to any command: one line saying what is wrong, exit code 2, never a traceback, nothing changed."""
from __future__ import annotations

import hashlib
import socket
import sqlite3

import pytest

from archive.schema import LATEST_VERSION
from archive.store import Archive
from crawler.run.runner import EXIT_USAGE
from tests.conftest import run_cli


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """One of each kind of bad input: text posing as a database, another program's database, a newer archive."""
    tmp = tmp_path_factory.mktemp("bad-input")
    (tmp / "notes.txt").write_text("ليس أرشيفا\n", encoding="utf-8")
    other = sqlite3.connect(tmp / "other.db")
    other.execute("CREATE TABLE contacts (name TEXT)")
    other.commit()
    other.close()
    future = sqlite3.connect(tmp / "future.db")
    future.execute("CREATE TABLE articles (id INTEGER)")
    future.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    future.commit()
    future.close()
    Archive(tmp / "archive.db").close()
    (tmp / "empty.db").write_bytes(b"")  # a zero-byte file: a crawl may start an archive there, a reader may not
    (tmp / "page.html").write_text("<html><body><p>نص</p></body></html>", encoding="utf-8")
    return tmp


def one_line_usage_error(result) -> str:
    assert result.returncode == EXIT_USAGE, f"exit {result.returncode}\n{result.stdout}\n{result.stderr[-3000:]}"
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), lines[0]  # one prefix for every command and every kind of mistake
    assert result.stdout == ""
    return lines[0]


CASES = {
    # missing or unreadable files
    "extract a missing file": (["extract", "{tmp}/no-such.html", "--url", "https://example.org/a/1"],
                               "no such file"),
    "extract a directory": (["extract", "{tmp}", "--url", "https://example.org/a/1"], "is a directory"),
    "stats of a missing archive": (["stats", "--db", "{tmp}/missing.db"], "no archive at"),
    "export from a missing archive": (["export", "--format", "csv", "--db", "{tmp}/missing.db"], "no archive at"),
    "reextract a missing archive": (["reextract", "--db", "{tmp}/missing.db"], "no archive at"),
    "serve a missing archive": (["serve", "--db", "{tmp}/missing.db", "--port", "{port}"], "no archive at"),
    # databases that are not archives, or are newer than this code
    "stats of a text file": (["stats", "--db", "{tmp}/notes.txt"], "is not an archive"),
    "search another program's database": (["search", "خبر", "--db", "{tmp}/other.db"], "is not an archive"),
    "crawl into another program's database": (["crawl", "aljazeera", "--db", "{tmp}/other.db"], "is not an archive"),
    "reextract a text file": (["reextract", "--db", "{tmp}/notes.txt"], "is not an archive"),
    "reextract a zero-byte file": (["reextract", "--db", "{tmp}/empty.db"], "is not an archive"),
    "serve another program's database": (["serve", "--db", "{tmp}/other.db", "--port", "{port}"], "is not an archive"),
    "stats of a newer archive": (["stats", "--db", "{tmp}/future.db"], "newer than this crawler"),
    "crawl into a newer archive": (["crawl", "aljazeera", "--db", "{tmp}/future.db"], "newer than this crawler"),
    "export a newer archive": (["export", "--format", "jsonl", "--db", "{tmp}/future.db"], "newer than this crawler"),
    # bad URLs
    "crawl a URL that is not http": (["crawl", "--url", "ftp://example.org/", "--db", "{tmp}/new.db"],
                                     "not an http(s) URL"),
    "crawl with a bad base URL": (["crawl", "sample", "--base-url", "localhost:8000", "--db", "{tmp}/new.db"],
                                  "not an http(s) URL"),
    "extract with a bad URL": (["extract", "{tmp}/page.html", "--url", "article-1"], "not an http(s) URL"),
    "extract with an unclosed IPv6 host": (["extract", "{tmp}/page.html", "--url", "http://[::1"], "does not parse"),
    "extract with a 100 kB URL": (["extract", "{tmp}/page.html", "--url", "http://example.org/" + "x" * 100_000],
                                  "longer than 2083 characters"),
    "crawl a javascript: URL": (["crawl", "--url", "javascript:alert(1)", "--db", "{tmp}/new.db"],
                                "scheme 'javascript' not allowed"),
    # unknown sites
    "crawl an unknown site": (["crawl", "no_such_site", "--db", "{tmp}/new.db"], "unknown site"),
    "extract with an unknown site": (["extract", "{tmp}/page.html", "--url", "https://example.org/a",
                                      "--site", "no_such_site"], "unknown site"),
    "check an unknown site": (["sites", "--check", "no_such_site"], "unknown site"),
    "a catalog file that is missing": (["sites", "--catalog", "{tmp}/no-such.toml"], "no-such.toml"),
    # bad dates
    "crawl since a bad date": (["crawl", "aljazeera", "--since", "yesterday", "--db", "{tmp}/new.db"],
                               "not an ISO date"),
    "search since a bad date": (["search", "خبر", "--since", "2024-13-40", "--db", "{tmp}/archive.db"],
                                "not an ISO date"),
    "export until a bad date": (["export", "--format", "csv", "--until", "next week", "--db", "{tmp}/archive.db"],
                                "not an ISO date"),
    # outputs that cannot be written
    "a log file that is a directory": (["crawl", "sample", "--base-url", "http://127.0.0.1:9/", "--log-file", "{tmp}",
                                        "--db", "{tmp}/new.db"], "cannot write the log file"),
    "a report onto a file": (["stats", "--db", "{tmp}/archive.db", "--report", "{tmp}/notes.txt"],
                             "cannot write the report"),
    # other bad options
    "a setting without a value": (["crawl", "aljazeera", "-s", "DOWNLOAD_DELAY", "--db", "{tmp}/new.db"],
                                  "NAME=VALUE"),
    "an empty search": (["search", "  ", "--db", "{tmp}/archive.db"], "empty search query"),
    "an unknown export format": (["export", "--format", "xlsx", "--db", "{tmp}/archive.db"], "invalid choice"),
    # numbers out of range, checked where they are parsed
    "serve on a port past 65535": (["serve", "--db", "{tmp}/archive.db", "--port", "80000"], "not a TCP port: 80000"),
    "a demo on port 0": (["demo", "--db", "{tmp}/new.db", "--port", "0"], "not a TCP port: 0"),
    "search with no hits wanted": (["search", "خبر", "--limit", "0", "--db", "{tmp}/archive.db"], "must be 1 or more"),
    "search with a negative limit": (["search", "خبر", "--limit", "-1", "--db", "{tmp}/archive.db"], "must be 1 or more"),
    "stats over negative days": (["stats", "--days", "-5", "--db", "{tmp}/archive.db"], "must be 1 or more, not -5"),
    "crawl a negative number of articles": (["crawl", "aljazeera", "--max-articles", "-1", "--db", "{tmp}/new.db"],
                                            "must be 0 or more"),
    "a limit that is not a number": (["crawl", "aljazeera", "--max-pages", "ten", "--db", "{tmp}/new.db"],
                                     "not a whole number"),
    "a cluster of no nodes": (["cluster", "run", "sample", "--nodes", "0", "--db", "{tmp}/new.db"], "must be 1 or more"),
    "a negative take-over lease": (["cluster", "seed", "sample", "--take-over-after", "-3"], "0 seconds or more"),
    "check against a base URL that is not one": (["sites", "--check", "sample", "--base-url", "notaurl"],
                                                 "not an http(s) URL"),
    # sites neither the catalog nor the archive knows
    "search an unknown site": (["search", "خبر", "--site", "nosuchsite", "--db", "{tmp}/archive.db"], "unknown site"),
    "export an unknown site": (["export", "--format", "csv", "--site", "nosuchsite", "--db", "{tmp}/archive.db"],
                               "unknown site"),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def digests(folder) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if p.is_file()}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_one_line_and_exit_2(case, files):
    argv, expected = CASES[case]
    before = digests(files)
    argv = [a.format(tmp=files, port=free_port()) for a in argv]
    line = one_line_usage_error(run_cli(*argv, timeout=60))
    assert expected in line, line
    after = digests(files)
    assert {name: after.get(name) for name in before} == before, "bad input changed a file"
    assert not (files / "missing.db").exists() and not (files / "new.db").exists()
    assert not list(files.glob("empty.db?*")), "a lock or journal beside a file that is not an archive"


def test_serve_on_an_occupied_port_is_a_clear_error(files):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        line = one_line_usage_error(run_cli("serve", "--db", str(files / "archive.db"), "--port", str(port), timeout=60))
    assert f"port {port}" in line and "in use" in line, line
