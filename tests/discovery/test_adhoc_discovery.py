"""Issue #13: discovery decides by the page, not only by the URL's shape.

Each test runs `python -m crawler crawl --url` (a child process) against an `AdHocSite` served by this
process on 127.0.0.1 and checks the archive and the server's request log.
"""
from __future__ import annotations

import pytest

from crawler.run.runner import LOCAL_SITE_SETTINGS
from tests.adhoc_site import AdHocSite, serve_adhoc
from tests.conftest import db_rows, run_cli

LOCAL_SETTINGS = [arg for name, value in LOCAL_SITE_SETTINGS.items() for arg in ("-s", f"{name}={value}")]


def crawl(server, db) -> str:
    result = run_cli("crawl", "--url", f"{server.base_url}/", "--db", str(db), *LOCAL_SETTINGS, "-s",
                     "EXTRACTION_WORKERS=1")
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def archived_paths(db, base: str) -> list[str]:
    return sorted(url.removeprefix(base) for (url,) in db_rows(db, "SELECT canonical_url FROM articles"))


SCHEMES = [
    pytest.param("news-html", {"sitemap": True, "feed": False}, id="news-N-html_sitemap"),
    pytest.param("wp", {"sitemap": False, "feed": True}, id="wordpress-p_feed"),
    pytest.param("node", {"sitemap": False, "feed": False}, id="node-N_pages-only"),
    pytest.param("ar-slug", {"sitemap": True, "feed": True}, id="ar-section-slug-N_sitemap-and-feed"),
    pytest.param("ar-slug", {"sitemap": False, "feed": False}, id="ar-section-slug-N_pages-only"),
]


@pytest.mark.parametrize(("scheme", "options"), SCHEMES)
def test_crawl_url_archives_every_article_once_and_a_second_run_fetches_none(tmp_path, scheme, options):
    db = tmp_path / "archive.db"
    site = AdHocSite(scheme=scheme, **options)
    with serve_adhoc(site) as server:
        crawl(server, db)
        assert archived_paths(db, server.base_url) == sorted(site.article_paths)
        first_run = len(server.requests)
        assert sorted(set(server.article_requests())) == sorted(site.article_paths)
        # Learned for the next run: the shape of this site's article URLs.
        shapes = db_rows(db, "SELECT shape, articles FROM url_shapes")
        assert sum(n for _, n in shapes) == len(site.article_paths)
        assert len(shapes) <= 2, shapes

        second = crawl(server, db)
        assert server.article_requests(first_run) == []
        assert "0 new" in second
    assert db_rows(db, "SELECT COUNT(*) FROM articles") == [(len(site.article_paths),)]


@pytest.mark.parametrize("first", ["/", "/sitemap-posts.xml"])
def test_listing_before_sitemap_or_sitemap_before_listing_gives_the_same_archive(tmp_path, first):
    # The other of the two is answered late, so the crawler meets each article first through `first`.
    late = "/sitemap.xml" if first == "/" else "/"
    site = AdHocSite(scheme="news-html", sitemap=True, feed=False, slow={late: 1.5})
    db = tmp_path / "archive.db"
    with serve_adhoc(site) as server:
        crawl(server, db)
        assert archived_paths(db, server.base_url) == sorted(site.article_paths)
        requests = len(server.requests)
        # Each article fetched once, whichever announcement came first.
        assert sorted(server.article_requests()) == sorted(site.article_paths)
    # 10 articles, robots twice, index, posts sitemap, home, 2 sections, /about: the same either way.
    assert abs(requests - 18) <= 2, requests  # measured: 18 both ways


@pytest.mark.parametrize("tag_sitemap", ["post_tag-sitemap.xml", "sitemap-2.xml"])
def test_a_tag_sitemap_of_thousands_costs_a_few_dozen_requests_at_most(tmp_path, tag_sitemap):
    # Named like Yoast's tag sitemap it is not read at all; under a neutral name its first entries
    # turn out not to be articles and the rest of it is not read.
    site = AdHocSite(scheme="news-html", sitemap=True, feed=False, tag_pages=3000, tag_sitemap_name=tag_sitemap)
    db = tmp_path / "archive.db"
    with serve_adhoc(site) as server:
        crawl(server, db)
        assert archived_paths(db, server.base_url) == sorted(site.article_paths)
        tag_requests = [p for p in server.requests if p.startswith("/topics/")]
        assert len(tag_requests) <= 36, len(tag_requests)
        remembered = db_rows(db, "SELECT COUNT(*) FROM not_articles WHERE url LIKE '%/topics/%'")[0][0]
        assert remembered == len(set(tag_requests))
        first_run = len(server.requests)
        crawl(server, db)
        second = server.requests[first_run:]
    assert not [p for p in second if p in site.article_paths]
    # Remembered tag pages are not fetched again; the distrusted sitemap probes at most as many new ones.
    assert len([p for p in second if p.startswith("/topics/")]) <= 12


def test_trusted_announcements_do_not_bypass_robots_trap_guards_or_request_bounds(tmp_path):
    # The sitemap (read before the slow home page) announces a disallowed page and a trap URL first;
    # the crawl is bounded to 4 articles.
    private, trap = "/private/briefing-1.html", "/x/x/x/x/story-2.html"
    site = AdHocSite(scheme="news-html", sitemap=True, feed=False, extra_sitemap_paths=[private, trap],
                     slow={"/": 1.5})
    db = tmp_path / "archive.db"
    with serve_adhoc(site) as server:
        result = run_cli("crawl", "--url", f"{server.base_url}/", "--db", str(db), "--max-articles", "4",
                         "-v", *LOCAL_SETTINGS)
        assert result.returncode == 0, result.stderr[-3000:]
        requested = list(server.requests)
    assert private not in requested  # robots.txt: Disallow /private/
    assert trap not in requested and "Dropped crawler trap (repeated_segment)" in result.stderr
    archived = archived_paths(db, server.base_url)
    assert 1 <= len(archived) <= 4  # listing responses extracted as articles count against the bound too
    fetched = [p for p in requested if p in site.article_paths]
    assert len(fetched) == len(set(fetched))
