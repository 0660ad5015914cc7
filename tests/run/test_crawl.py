"""End to end: crawl the bundled sample site over real HTTP into a real SQLite archive."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT, run_cli
from tests.conftest import db_rows as rows


def archived_paths(db, base_url):
    return sorted(url[len(base_url):] for (url,) in rows(db, "SELECT canonical_url FROM articles"))


@pytest.mark.xdist_group("shared-crawl")  # one worker, one shared crawl (tests/conftest.py)
def test_crawl_archives_every_article_once(shared_crawl):
    expected = shared_crawl.site.expected
    result = shared_crawl.result  # of a fresh archive, on a fresh site
    db, base = shared_crawl.db, shared_crawl.base_url

    assert archived_paths(db, base) == sorted(expected["archivable_paths"])
    requested = [r.path for r in shared_crawl.requests]
    assert not [p for p in requested if p.startswith("/private/")], "robots.txt disallows /private/"
    assert expected["not_found_path"] in requested
    assert expected["flaky_path"] in archived_paths(db, base)
    assert requested.count(expected["flaky_path"]) == 2  # a 500, then a retry that succeeded
    amp_or_tracking = [u for (u,) in rows(db, "SELECT canonical_url FROM articles") if "amp" in u or "utm_" in u]
    assert amp_or_tracking == []

    legacy_bodies = [b for (b,) in rows(db, "SELECT body FROM articles WHERE canonical_url LIKE '%/legacy/%'")]
    assert len(legacy_bodies) == len(expected["legacy_paths"])
    assert any(expected["known_legacy_sentence"] in body for body in legacy_bodies)
    assert not any("\ufffd" in body for body in legacy_bodies)

    (articles,) = rows(db, "SELECT COUNT(*) FROM articles")[0]
    (with_credit,) = rows(db, "SELECT COUNT(DISTINCT article_id) FROM captions WHERE credit IS NOT NULL")[0]
    assert with_credit == articles
    assert ("الجزيرة", "Al Jazeera") in rows(db, "SELECT DISTINCT name, canonical FROM sources")
    (run,) = rows(db, "SELECT status, counts FROM crawl_runs")
    assert run[0] == "finished"
    counts = json.loads(run[1])
    assert counts["new"] == articles and counts["failures"] == 0
    assert f"{articles} new" in result.stdout


@pytest.mark.xdist_group("shared-crawl")  # one worker, one shared crawl (tests/conftest.py)
def test_second_run_fetches_no_article_and_adds_nothing(shared_crawl, tmp_path):
    db = shared_crawl.copy(tmp_path)  # the archive of a first crawl
    article_paths = set(shared_crawl.site.expected["archivable_paths"])
    first_requests = len(shared_crawl.server.requests)
    (before,) = rows(db, "SELECT COUNT(*) FROM articles")[0]
    assert before == len(article_paths)

    second = shared_crawl.crawl(db)
    assert second.returncode == 0, second.stderr[-3000:]
    second_paths = shared_crawl.server.paths_requested()[first_requests:]
    assert second_paths, "the second run asked nothing at all"
    assert [p for p in second_paths if p.split("?")[0] in article_paths] == []
    assert rows(db, "SELECT COUNT(*) FROM articles")[0][0] == before
    assert "0 new" in second.stdout


@pytest.mark.xdist_group("demo-port")  # its second run needs the same port: no other demo at the same time
def test_demo_command_writes_the_archive(tmp_path):
    db = tmp_path / "demo.db"
    result = run_cli("demo", "--db", str(db))
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.startswith("run 1 finished")
    from crawler.sample_site import SampleSite

    expected = SampleSite().expected
    assert rows(db, "SELECT COUNT(*) FROM articles")[0][0] == len(expected["archivable_paths"])
    assert rows(db, "SELECT COUNT(*) FROM captions")[0][0] >= len(expected["archivable_paths"])
    # The demo serves the site on the same port each time, so a second run sees the same URLs: incremental.
    again = run_cli("demo", "--db", str(db))
    assert again.returncode == 0, again.stderr[-3000:]
    assert re.match(r"run 2 finished \[sample\]: 0 new, 0 updated, 0 duplicates, [1-9]\d* already archived and unchanged",
                    again.stdout), again.stdout


def test_demo_on_a_taken_port_says_so_and_its_rerun_still_fetches_no_article(tmp_path):
    import socket

    db = tmp_path / "demo.db"
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        first = run_cli("demo", "--db", str(db), "--port", str(taken))
    assert first.returncode == 0, first.stderr[-3000:]
    moved = re.search(rf"port {taken} is taken: serving on port (\d+) instead", first.stderr)
    assert moved, first.stderr
    # No --port: the demo asks for the port the archive's articles were served on, so the URLs are the same.
    again = run_cli("demo", "--db", str(db))
    assert again.returncode == 0, again.stderr[-3000:]
    assert f"http://127.0.0.1:{moved[1]}" in again.stderr and "is taken" not in again.stderr, again.stderr
    assert re.match(r"run 2 finished \[sample\]: 0 new, 0 updated, 0 duplicates, [1-9]\d* already archived", again.stdout)


@pytest.mark.xdist_group("shared-crawl")  # one worker, one shared crawl (tests/conftest.py)
def test_pool_and_inline_extraction_archive_identical_articles(shared_crawl, tmp_path):
    from crawler.extraction.pool import available_cores

    columns = ("canonical_url, title, lead, body, authors, published, updated, date_source, section, tags, "
               "language, content_hash, extractor")
    # The shared crawl ran with the default, one extraction worker per core: a pool on 2 cores or more.
    pooled = shared_crawl.db
    if available_cores() < 2:
        pooled = tmp_path / "workers-2.db"
        assert shared_crawl.crawl(pooled, "-s", "EXTRACTION_WORKERS=2").returncode == 0
    inline = tmp_path / "workers-1.db"  # a fresh archive, the same server: the same URLs
    result = shared_crawl.crawl(inline, "-s", "EXTRACTION_WORKERS=1")
    assert result.returncode == 0, result.stderr[-3000:]
    archives = {}
    for workers, db in (("1", inline), ("2", pooled)):
        archives[workers] = (
            rows(db, f"SELECT {columns} FROM articles ORDER BY canonical_url"),
            rows(db, "SELECT a.canonical_url, c.text, c.credit, c.image_url, c.alt FROM captions c "
                     "JOIN articles a ON a.id = c.article_id ORDER BY 1, c.id"),
            rows(db, "SELECT a.canonical_url, s.name, s.canonical FROM sources s "
                     "JOIN articles a ON a.id = s.article_id ORDER BY 1, s.id"),
        )
    assert len(archives["1"][0]) == len(shared_crawl.site.expected["archivable_paths"])
    assert archives["1"] == archives["2"]


def test_scrapy_crawl_news_works_too(sample_server, tmp_path):
    db = tmp_path / "scrapy.db"
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", "site=sample", "-a", f"base_url={sample_server.base_url}",
         "-s", f"ARCHIVE_PATH={db}", "-s", "LOG_LEVEL=WARNING", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_START_DELAY=0.05"],
        cwd=ROOT, capture_output=True, text=True, timeout=240,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert rows(db, "SELECT COUNT(*) FROM articles")[0][0] == len(sample_server.site.expected["archivable_paths"])
