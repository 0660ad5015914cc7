"""Issue #28: `cluster run` takes `crawl`'s options and holds them for the run across every node, and the
archive's discovery memory (learned URL shapes, pages that are not articles) reaches every node.

Real parts only, as in test_cluster.py: a redis-server of this test on a free port, the sample site or an
ad-hoc site served by this process on 127.0.0.1, the cluster as `python -m crawler cluster run` children.
"""
from __future__ import annotations

import re
import shutil

import pytest

from crawler.cluster.keys import Keys
from crawler.cluster.memory import RedisKnownArticles
from crawler.cluster.redis_server import LocalRedis, connect
from crawler.discovery.shapes import url_shape
from crawler.run.runner import EXIT_USAGE
from tests.adhoc_site import AdHocSite, serve_adhoc
from tests.cluster.test_cluster import article_paths_requested, ok, sample
from tests.conftest import archived_count, run_cli
from tests.conftest import readonly_rows as rows

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs Debian's redis-server")


@pytest.fixture
def redis_server(tmp_path):
    with LocalRedis(tmp_path / "redis") as server:
        yield server


def cluster_run(*args: str) -> str:
    return ok(run_cli("cluster", "run", *args)).stdout


@pytest.mark.parametrize("option", ["--max-articles", "--max-pages", "--recheck-days"])
def test_the_run_options_are_crawls_own_checked_the_same_way(option):
    crawl_help, cluster_help = (run_cli(*cmd, "--help").stdout for cmd in (["crawl"], ["cluster", "run"]))
    wording = re.compile(rf"  {option} N\s+(.*?)\n  -", re.S)
    assert " ".join(wording.search(cluster_help)[1].split()) == " ".join(wording.search(crawl_help)[1].split())
    refused = {cmd[0]: run_cli(*cmd, "sample", option, "-1") for cmd in (["crawl"], ["cluster", "run"])}
    for result in refused.values():
        assert result.returncode == EXIT_USAGE and result.stderr.count("\n") == 1, result.stderr
        assert result.stderr.startswith(f"error: argument {option}: must be 0 or more, not -1"), result.stderr


def test_max_articles_holds_for_the_run_across_three_nodes(redis_server, tmp_path):
    db = tmp_path / "archive.db"
    with sample(n_articles=20) as (site, server):
        summary = cluster_run("sample", "--nodes", "3", "--base-url", server.base_url, "--db", str(db),
                              "--redis", redis_server.url, "--max-articles", "5")
        requested = set(article_paths_requested(site, server))
        single = ok(run_cli("crawl", "sample", "--base-url", server.base_url, "--db", str(tmp_path / "single.db"),
                            "--max-articles", "5")).stdout
    assert summary.startswith("run 1 finished [sample]: 5 new,"), summary
    assert archived_count(db) == 5 and len(requested) == 5
    # Every URL met accounted for as one machine does: the others skipped, past the bound.
    counts = re.compile(r"\]: (.*), \d+ requests")
    assert counts.search(summary)[1] == counts.search(single)[1], (summary, single)
    assert "past --max-articles" in summary


def test_max_pages_holds_for_the_run_across_three_nodes_and_the_run_still_ends(redis_server, tmp_path):
    db = tmp_path / "archive.db"
    with sample(n_articles=20) as (site, server):
        summary = cluster_run("sample", "--nodes", "3", "--base-url", server.base_url, "--db", str(db),
                              "--redis", redis_server.url, "--max-pages", "12")
        fetched = len(server.requests)
    assert fetched == 12, server.paths_requested()  # robots.txt included, as `crawl` counts responses
    assert summary.startswith("run 1 finished [sample]:") and "past --max-pages" in summary, summary
    assert "12 requests" in summary, summary
    assert connect(redis_server.url).exists(Keys().run) == 0  # the run ended: nothing left open


def test_recheck_days_fetches_the_runs_recent_articles_again_conditionally(redis_server, tmp_path):
    db = tmp_path / "archive.db"
    with sample(n_articles=10) as (site, server):
        common = ["sample", "--nodes", "2", "--base-url", server.base_url, "--db", str(db), "--redis", redis_server.url]
        cluster_run(*common)
        before = len(server.requests)
        plain = cluster_run(*common)
        plain_requests = article_paths_requested(site, server, before)
        between = len(server.requests)
        rechecked = cluster_run(*common, "--recheck-days", "1")
        recheck_requests = article_paths_requested(site, server, between)
    assert plain_requests == [] and plain.startswith("run 2 finished"), plain
    # Every archived article once more (the archive's own URLs), and nothing archived twice.
    assert sorted(set(recheck_requests)) == sorted(site.expected["archivable_paths"]), recheck_requests
    assert rechecked.startswith("run 3 finished [sample]: 0 new,"), rechecked
    assert archived_count(db) == len(site.expected["archivable_paths"])


def test_what_run_1_learned_is_known_to_the_nodes_of_run_2(redis_server, tmp_path):
    # A neutral name: the nodes read the tag sitemap, and its pages turn out not to be articles.
    site = AdHocSite(scheme="news-html", sitemap=True, feed=False, tag_pages=6, tag_sitemap_name="sitemap-2.xml")
    db = tmp_path / "archive.db"
    with serve_adhoc(site) as server:
        common = ["--url", f"{server.base_url}/", "--nodes", "2", "--db", str(db), "--redis", redis_server.url,
                  "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_START_DELAY=0.05"]
        cluster_run(*common)
        tags_first = {p for p in server.requests if p.startswith("/topics/")}
        first_run = len(server.requests)
        second = cluster_run(*common)
        second_requests = server.requests[first_run:]
    learned = {shape for (shape,) in rows(db, "SELECT shape FROM url_shapes WHERE articles >= 2")}
    assert learned == {url_shape(path) for path in site.article_paths}
    # The node's own view of the archive in run 2, as the writer published it when it opened the run.
    known = RedisKnownArticles(connect(redis_server.url), Keys())
    name = rows(db, "SELECT DISTINCT site FROM articles")[0][0]
    known.load_run([name])
    assert all(known.has_shape(name, shape) for shape in learned)
    assert len(tags_first) == 6 and all(known.is_not_article(name, f"{server.base_url}{p}") for p in tags_first)
    # Run 2: no tag page fetched again, no article either; the summary says why.
    assert [p for p in second_requests if p.startswith("/topics/") or p in site.article_paths] == []
    assert "known not to be articles 6" in second, second
