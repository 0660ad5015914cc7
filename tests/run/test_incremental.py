"""Cheap, exact, crash-safe incremental crawls: versions, URL variants, syndication, kill -9."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request

import pytest

from archive.store import Archive
from crawler.items import CrawledArticle, FetchedPage
from crawler.text.neardup import NearDupIndex
from crawler.sample_site import SampleSite, serve
from pipelines.dedup import DedupStage
from pipelines.extract import extract_page
from pipelines.session import ArchiveSession
from pipelines.store import ArchiveStage
from tests.conftest import ROOT, run_cli
from tests.conftest import db_rows as query


def crawl(server, db, *extra, site="sample"):
    result = run_cli("crawl", site, "--base-url", server.base_url, "--db", str(db), *extra)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def test_an_edited_article_becomes_version_2_and_version_1_is_kept(sample_server, tmp_path):
    db = tmp_path / "a.db"
    crawl(sample_server, db)
    site = sample_server.site
    target = site.articles[4]
    old_paragraph = target.paragraphs[0]
    site.update_article(target.id, paragraphs=["تصحيح: عدلت هذه الفقرة بعد النشر لتوضيح عدد الضحايا."] + target.paragraphs[1:])
    before = len(sample_server.requests)

    second = crawl(sample_server, db)

    article_requests = [p for p in sample_server.paths_requested()[before:] if p in site.expected["archivable_paths"]]
    assert article_requests == [target.path]  # only the article whose lastmod moved
    (article_id, version) = query(db, "SELECT id, version FROM articles WHERE canonical_url = ?",
                                  sample_server.base_url + target.path)[0]
    assert version == 2
    bodies = dict(query(db, "SELECT version, body FROM article_history WHERE article_id = ?", article_id))
    assert old_paragraph in bodies[1] and "تصحيح: عدلت" not in bodies[1]
    assert "تصحيح: عدلت" in bodies[2]
    assert query(db, "SELECT kind FROM events WHERE article_id = ?", article_id) == [("changed",)]
    assert "1 updated" in second.stdout
    assert query(db, "SELECT COUNT(*) FROM articles")[0][0] == len(site.expected["archivable_paths"])


def page_item(url: str, body: bytes) -> CrawledArticle:
    return CrawledArticle(
        page=FetchedPage(url=url, site="example", status=200, body=body, content_type="text/html; charset=utf-8",
                         fetched_at="2026-11-25T06:00:00+00:00")
    )


def test_tracking_amp_and_mobile_urls_of_one_article_make_one_row(tmp_path):
    site = SampleSite(n_articles=12)
    article = site.articles[0]
    with serve(site) as server:
        html = urllib.request.urlopen(server.base_url + article.path).read()
    session = ArchiveSession(Archive(tmp_path / "a.db"), NearDupIndex())
    dedup = DedupStage(session, {"example": ["news.example"]})
    store = ArchiveStage(session, dedup=dedup)
    session.begin_run("test")
    variants = [
        f"https://news.example{article.path}",
        f"https://news.example{article.path}?utm_source=facebook&utm_medium=social&fbclid=abc",
        f"https://news.example/amp{article.path}",
        f"https://m.news.example{article.path}",
        f"https://www.news.example{article.path}?output=amp#comments",
    ]
    outcomes = []
    for url in variants:
        item = page_item(url, html)
        item.article = extract_page(item.page, None).article
        store.write(item)
        outcomes.append(item.decision)
    session.archive.commit()
    conn = session.archive.conn
    assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 1
    assert outcomes == ["new", "unchanged", "unchanged", "unchanged", "unchanged"]
    session.archive.close()


def test_a_syndicated_copy_on_another_site_is_kept_and_clustered(tmp_path):
    original_site = SampleSite(seed=7, n_articles=12)
    copy_site = SampleSite(seed=8, n_articles=12, name="sample2", syndicate_from=original_site)
    copy_path, original_path = copy_site.expected["syndicated"]
    db = tmp_path / "a.db"
    with serve(original_site) as first, serve(copy_site) as second:
        crawl(first, db)
        crawl(second, db, site="sample2")
        original = query(db, "SELECT id, cluster_id, site, title FROM articles WHERE canonical_url = ?",
                         first.base_url + original_path)[0]
        copy = query(db, "SELECT id, cluster_id, near_duplicate_of, site, title FROM articles WHERE canonical_url = ?",
                     second.base_url + copy_path)[0]
    assert original[2] == "sample" and copy[3] == "sample2"
    assert copy[4] != original[3]  # re-headlined, still recognised
    assert copy[2] == original[0] and copy[1] == original[1]
    clustered = query(db, "SELECT COUNT(*) FROM articles WHERE near_duplicate_of IS NOT NULL")[0][0]
    assert clustered == 1  # the other 2 x 11 articles are different stories
    assert query(db, "SELECT COUNT(*) FROM articles WHERE site = 'sample2'")[0][0] == len(
        copy_site.expected["archivable_paths"])


def wait_for_articles(db, count: int, process, timeout: float = 60, table: str = "articles") -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            n = query(db, f"SELECT COUNT(*) FROM {table}")[0][0]
        except sqlite3.Error:
            n = 0
        if n >= count:
            return n
        time.sleep(0.05)
    return -1


@pytest.mark.parametrize("kill_after", [0, 6, 18])
def test_kill_9_mid_crawl_then_rerun_archives_every_article_exactly_once(tmp_path, kill_after):
    site = SampleSite(seed=7, n_articles=36)
    db = tmp_path / "a.db"
    slow = ["-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "-s", "DOWNLOAD_DELAY=0.05", "-s", "ARCHIVE_BATCH_SIZE=3"]
    with serve(site) as server:
        args = [sys.executable, "-m", "crawler", "crawl", "sample", "--base-url", server.base_url, "--db", str(db), *slow]
        process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)
        try:
            if kill_after:
                assert wait_for_articles(db, kill_after, process) >= kill_after, "crawl ended before the kill point"
            else:  # mid start-up / discovery: once the run is recorded (a loaded machine may take seconds)
                assert wait_for_articles(db, 1, process, table="crawl_runs") >= 1, "crawl ended before its run began"
            assert process.poll() is None, "crawl finished before it could be killed"
            os.killpg(process.pid, signal.SIGKILL)  # the crawl and its extraction workers, like a power cut
        finally:
            process.wait(timeout=30)
        crawl(server, db)
    assert query(db, "PRAGMA integrity_check") == [("ok",)]
    paths = sorted(u[len(server.base_url):] for (u,) in query(db, "SELECT canonical_url FROM articles"))
    assert paths == sorted(site.expected["archivable_paths"])  # every article, each exactly once
    assert query(db, "SELECT COUNT(*) FROM article_history")[0][0] == len(paths)
    assert query(db, "SELECT COUNT(*) FROM article_versions")[0][0] == 0  # nothing was superseded
    statuses = [s for (s,) in query(db, "SELECT status FROM crawl_runs ORDER BY id")]
    assert statuses == ["aborted", "finished"]  # the killed run is marked by the next run that took the lock


@pytest.mark.xdist_group("shared-crawl")  # one worker, one shared crawl (tests/conftest.py)
def test_refresh_uses_conditional_requests_and_stores_nothing_new(shared_crawl, tmp_path):
    db = shared_crawl.copy(tmp_path)  # the archive of a first crawl
    server = shared_crawl.server
    before = len(server.requests)
    second = shared_crawl.crawl(db, "--refresh")
    assert second.returncode == 0, second.stderr[-3000:]
    article_paths = set(shared_crawl.site.expected["archivable_paths"])
    refetched = [r for r in server.requests[before:] if r.path in article_paths]
    assert refetched and all(r.status == 304 for r in refetched if r.path not in {
        shared_crawl.site.expected["flaky_path"]})
    assert all("If-None-Match" in r.headers for r in refetched)
    assert "0 new, 0 updated" in second.stdout
    assert query(db, "SELECT MAX(version) FROM articles")[0][0] == 1


def test_recheck_records_removed_and_redirected_articles_without_deleting(sample_server, crawl_sample):
    crawl_sample()
    site = sample_server.site
    removed = site.remove_article(site.articles[2].id, status=410)
    moved_from, moved_to = site.redirect_article(site.articles[3].id, site.articles[5].id)
    result = crawl_sample("--recheck-days", "1")
    assert result.returncode == 0, result.stderr[-3000:]
    db, base = crawl_sample.db, sample_server.base_url
    events = query(db, "SELECT a.canonical_url, e.kind, e.detail FROM events e JOIN articles a ON a.id = e.article_id")
    assert (base + removed.path, "gone", "HTTP 410") in events
    redirected = [e for e in events if e[1] == "redirected"]
    assert [e[0] for e in redirected] == [base + moved_from] and moved_to in redirected[0][2]
    statuses = dict(query(db, "SELECT canonical_url, status FROM articles"))
    assert statuses[base + removed.path] == "gone" and statuses[base + moved_from] == "redirected"
    assert query(db, "SELECT COUNT(*) FROM articles")[0][0] == len(site.expected["archivable_paths"])  # nothing deleted
    assert query(db, "SELECT body FROM articles WHERE canonical_url = ?", base + removed.path)[0][0]
