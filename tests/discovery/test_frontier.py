"""Issue #13's building blocks without a crawl: request kinds, sitemap probing, URL shapes, article
signals of a listing page, taxonomy sitemaps, and the archive's discovery memory."""
from __future__ import annotations

import pytest
from parsel import Selector

from archive.store import Archive
from crawler.discovery.sites import is_static_file, is_taxonomy_sitemap
from crawler.discovery.frontier import Claim, Frontier, SitemapTrust
from crawler.discovery.pagesignals import article_signals
from crawler.discovery.shapes import url_shape
from tests.adhoc_site import AdHocSite

# -- Frontier ------------------------------------------------------------------------------------------


def test_an_article_announced_while_its_listing_request_is_in_flight_joins_it():
    frontier = Frontier()
    assert frontier.claim_listing("http://h/news/1.html")
    assert frontier.claim_article("http://h/news/1.html") is Claim.JOIN
    assert frontier.listing_arrived("http://h/news/1.html") is True  # extract that response
    assert frontier.claim_article("http://h/news/1.html") is Claim.SEEN


def test_an_article_announced_after_its_page_was_parsed_as_a_plain_listing_is_fetched_again_once():
    frontier = Frontier()
    frontier.claim_listing("http://h/node/1")
    assert frontier.listing_arrived("http://h/node/1") is False
    assert frontier.claim_article("http://h/node/1") is Claim.REFETCH
    assert frontier.claim_article("http://h/node/1") is Claim.SEEN


def test_a_url_requested_as_an_article_is_not_requested_again_as_a_listing():
    frontier = Frontier()
    assert frontier.claim_article("http://h/?p=3") is Claim.REQUEST
    assert not frontier.claim_listing("http://h/?p=3")
    assert frontier.claim_listing("http://h/section/a")
    assert not frontier.claim_listing("http://h/section/a")


# -- SitemapTrust --------------------------------------------------------------------------------------


def test_a_sitemap_is_probed_then_read_in_full_once_enough_entries_are_articles():
    trust = SitemapTrust(probe=3, min_article_share=0.5)  # 2 articles needed
    assert [trust.admit("s") for _ in range(4)] == ["request", "request", "request", "hold"]
    trust.hold("s", "site", "http://h/4", None)
    assert trust.settle("s", True) == ("probing", [])
    assert trust.settle("s", True) == ("trusted", [("site", "http://h/4", None)])
    assert trust.admit("s") == "request"


def test_a_sitemap_of_non_articles_stops_being_read():
    trust = SitemapTrust(probe=3, min_article_share=0.5)
    for _ in range(3):
        trust.admit("tags")
    trust.hold("tags", "site", "http://h/tag/9", None)
    assert trust.settle("tags", False) == ("probing", [])
    verdict, dropped = trust.settle("tags", False)
    assert verdict == "distrusted" and dropped == [("site", "http://h/tag/9", None)]
    assert trust.admit("tags") == "drop"


def test_a_sitemap_whose_probe_never_settles_is_released_when_the_crawl_is_idle():
    trust = SitemapTrust(probe=1)
    trust.admit("s")
    trust.hold("s", "site", "http://h/2", "2026-11-01")
    assert list(trust.release_waiting()) == [("site", "http://h/2", "2026-11-01")]
    assert list(trust.release_waiting()) == []
    assert trust.admit("s") == "request"


# -- URL shapes ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "shape"),
    [
        ("http://h:81/news/17.html", "/news/{n}.html"),
        ("http://h/?p=42", "/?p={n}"),
        ("http://h/node/9", "/node/{n}"),
        ("http://h/ar/politics/talks-in-d8a7-12", "/ar/politics/{id}"),
        ("http://h/2024/03/15/some-story", "/{n}/{n}/{n}/{slug}"),
        ("http://h/ar/%D8%B9%D9%86%D9%88%D8%A7%D9%86/a-68512345", "/ar/{slug}/{id}"),
        ("http://h/section/politics", "/section/politics"),
        ("http://h/", "/"),
    ],
)
def test_url_shapes_mask_ids_and_slugs_and_keep_constant_words(url, shape):
    assert url_shape(url) == shape


def test_urls_of_one_scheme_share_a_shape_and_listings_do_not():
    for scheme in ("news-html", "wp", "node", "ar-slug"):
        site = AdHocSite(scheme=scheme)
        by_section = {}
        for article in site.articles:
            by_section.setdefault(article.section, set()).add(url_shape("http://h" + article.path))
        assert all(len(shapes) == 1 for shapes in by_section.values()), (scheme, by_section)
        article_shapes = set().union(*by_section.values())
        listings = ["/", *(site.section_path(s) for s in ("politics", "economy"))]
        assert not {url_shape("http://h" + p) for p in listings} & article_shapes


# -- article signals of a page fetched as a listing ------------------------------------------------------


def test_article_pages_carry_signals_and_listing_pages_do_not():
    site = AdHocSite(scheme="node")
    found = [article_signals(Selector(text=site.article_page(a, "http://h"))) for a in site.articles[:3]]
    assert ["json-ld:NewsArticle", "text-block"] in found
    assert ["og:type", "published-meta", "text-block"] in found
    assert ["text-block"] in found  # no markup at all: one dominant text block under a headline
    assert article_signals(Selector(text=site.home("http://h"))) == []
    assert article_signals(Selector(text=site.section_page("politics"))) == []


def test_a_collection_page_holding_article_teasers_is_not_an_article():
    html = """<html><head><script type="application/ld+json">{"@type": "CollectionPage", "mainEntity":
      {"@type": "ItemList", "itemListElement": [{"@type": "NewsArticle", "headline": "x"}]}}</script>
      <script type="application/ld+json">not json</script></head>
      <body><h1>أخبار</h1><ul><li><p><a href="/a">عنوان طويل لخبر أول في القائمة</a></p></li></ul></body></html>"""
    assert article_signals(Selector(text=html)) == []
    graph = '<script type="application/ld+json">{"@graph": [{"@type": "WebSite"}, {"@type": ["BlogPosting"]}]}</script>'
    assert article_signals(Selector(text=f"<html><head>{graph}</head><body></body></html>")) == ["json-ld:BlogPosting"]


def test_json_ld_nested_too_deep_for_the_parser_is_skipped_not_raised():
    deep = "[" * 100_000 + "]" * 100_000  # json.loads raises RecursionError, not ValueError
    article = '<script type="application/ld+json">{"@type": "NewsArticle"}</script>'
    html = f'<html><head><script type="application/ld+json">{deep}</script>{article}</head><body></body></html>'
    assert article_signals(Selector(text=html)) == ["json-ld:NewsArticle"]


# -- sitemaps and files that are never article lists or articles ----------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://x.example/post_tag-sitemap.xml", "https://x.example/category-sitemap.xml",
        "https://x.example/author-sitemap.xml", "https://x.example/page-sitemap.xml",
        "https://x.example/wp-sitemap-taxonomies-post_tag-1.xml", "https://x.example/wp-sitemap-users-1.xml",
        "https://x.example/sitemap-tags.xml", "https://x.example/sitemap.xml?type=tags",
    ],
)
def test_taxonomy_sitemaps_are_recognised_by_name(url):
    assert is_taxonomy_sitemap(url)


@pytest.mark.parametrize(
    "url",
    ["https://x.example/post-sitemap.xml", "https://x.example/sitemap-news.xml", "https://x.example/news-sitemap.xml",
     "https://x.example/wp-sitemap-posts-post-1.xml", "https://x.example/sitemap-2.xml"],
)
def test_article_sitemaps_are_not_taken_for_taxonomy(url):
    assert not is_taxonomy_sitemap(url)


def test_static_files_are_never_article_candidates():
    assert is_static_file("https://x.example/files/report.PDF")
    assert not is_static_file("https://x.example/news/1.html")
    assert not is_static_file("https://x.example/?p=3")


# -- the archive's discovery memory -------------------------------------------------------------------------


def test_the_archive_remembers_shapes_and_not_articles_per_site(tmp_path):
    archive = Archive(tmp_path / "archive.db")
    archive.record_url_shapes("a", {"/news/{n}.html": 1, "/x/{n}": 5}, "2026-12-01T00:00:00+00:00")
    archive.record_url_shapes("a", {"/news/{n}.html": 1}, "2026-12-02T00:00:00+00:00")
    archive.record_url_shapes("b", {"/node/{n}": 1}, "2026-12-02T00:00:00+00:00")
    archive.remember_not_article("a", "http://h/topics/1", "listing page", None, "2026-12-02T00:00:00+00:00")
    archive.remember_not_article("a", "http://h/topics/1", "no article body", None, "2026-12-03T00:00:00+00:00")
    known = archive.known_articles(["a", "b"], min_shape_articles=2)
    archive.close()
    assert known.shapes == {"a": {"/news/{n}.html", "/x/{n}"}, "b": set()}  # b's one article is not a pattern yet
    assert known.is_not_article("a", "http://h/topics/1") and not known.is_not_article("b", "http://h/topics/1")
    assert known.has_shape("a", "/news/{n}.html") and not known.has_shape("b", "/news/{n}.html")


def test_a_child_page_is_one_segment_below_its_listing():
    from crawler.discovery.sites import is_child_page

    assert is_child_page("http://h/ar/politics/", "http://h/ar/politics/talks-12")
    assert is_child_page("http://h/ar/politics", "http://h/ar/politics/talks-12/")
    assert not is_child_page("http://h/ar/politics/", "http://h/ar/politics/2024/talks-12")
    assert not is_child_page("http://h/ar/politics/", "http://h/ar/economy/talks-12")
    assert not is_child_page("http://h/ar/politics/", "http://h/ar/politics/?page=2")
    assert not is_child_page("http://h/ar/politics/", "http://other/ar/politics/talks-12")
