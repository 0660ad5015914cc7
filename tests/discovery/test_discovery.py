"""Discovery for uncatalogued sites: the ad-hoc Site, feed links in HTML, sitemaps in robots.txt."""
from __future__ import annotations


import lxml.html
import pytest

from crawler.discovery.catalog import load_catalog
from crawler.discovery.sites import feeds_in_html, find_site, registered_domain, site_for_url, sitemaps_in_robots

from tests.conftest import REAL_PAGES


def dev_page(name: str) -> bytes:
    return (REAL_PAGES / name).read_bytes()


def canonical_of(name: str) -> str:
    return lxml.html.fromstring(dev_page(name)).xpath("string(//link[@rel='canonical']/@href)").strip()


# -- site_for_url -------------------------------------------------------


def test_ad_hoc_site_from_a_url():
    site = site_for_url("https://www.example-news.com/politics/")
    assert site.domains == ["example-news.com"]
    assert site.sitemaps == ["https://www.example-news.com/robots.txt"]
    assert site.start_urls == ["https://www.example-news.com/politics/"]
    assert site.feeds == []
    assert site.verified == "ad-hoc"
    assert site.name == "example-news.com"
    # www., m. and the bare host are one site
    for url in ("https://example-news.com/x", "https://m.example-news.com/x", "https://www.example-news.com/x"):
        assert site.owns(url)
    assert not site.owns("https://example-news.org/x")


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://www.bbc.co.uk/arabic", "bbc.co.uk"),
        ("https://m.akhbarelyom.com/news/", "akhbarelyom.com"),
        ("https://arabic.rt.com/", "rt.com"),
        ("http://127.0.0.1:8765/", "127.0.0.1"),
        ("http://localhost:8000/", "localhost"),
    ],
)
def test_registered_domain(url, domain):
    assert registered_domain(url) == domain
    assert site_for_url(url).domains == [domain]


def test_ad_hoc_site_on_a_local_port_keeps_the_port_for_robots():
    site = site_for_url("http://127.0.0.1:8765/")
    assert site.sitemaps == ["http://127.0.0.1:8765/robots.txt"]
    assert site.is_article_url("http://127.0.0.1:8765/2024/3/15/some-slug")
    assert site.is_listing_url("http://127.0.0.1:8765/section/politics?page=2")


def test_ad_hoc_site_rejects_non_http_urls():
    with pytest.raises(ValueError):
        site_for_url("ftp://example.com/")
    with pytest.raises(ValueError):
        site_for_url("example.com")


ARTICLES = [
    "https://www.example-news.com/2024/03/15/some-story",
    "https://example-news.com/news/2024/3/15/%D8%B9%D9%86%D9%88%D8%A7%D9%86",
    "https://m.example-news.com/politics/123456",
    "https://www.example-news.com/story-title-here-1234567.html",
    "https://www.example-news.com/middle_east/1567890-slug/",
    "https://www.example-news.com/ar/%D8%B9%D9%86%D9%88%D8%A7%D9%86/a-68512345",
    "https://www.example-news.com/ar/%D8%B3%D9%8A%D8%A7%D8%B3%D8%A9/20240315-%D8%B9%D9%86%D9%88%D8%A7%D9%86",
    "https://www.example-news.com/%d8%aa%d8%b1%d9%83%d9%89-%d8%a2%d9%84-%d8%a7%d9%84%d8%b4%d9%8a%d8%ae-%d8%a8%d8%b9%d8%af/",
    "https://www.example-news.com/?p=317359",
    "https://www.example-news.com/node/571234/news/slug",
    "https://www.example-news.com/2024/03/15/some-story?utm_source=rss",
]

NOT_ARTICLES = [
    "https://www.example-news.com/",
    "https://www.example-news.com/politics/",
    "https://www.example-news.com/2024/03/15/",
    "https://www.example-news.com/middle-east",
    "https://www.example-news.com/arab-and-world",
    "https://www.example-news.com/Tags/NewsTagList/21688/1/x",
    "https://www.example-news.com/category/news-of-the-day-in-egypt/",
    "https://www.example-news.com/author/some-long-author-name-here/",
    "https://www.example-news.com/page/12345",
    "https://www.example-news.com/feed/",
    "https://www.example-news.com/wp-content/uploads/2020/01/cropped-Untitled-1ddd-32x32.png",
    "https://www.example-news.com/uploads/2024/03/15/photo.jpg",
    "https://www.other-site.com/2024/03/15/some-story",
    "https://example-news.com.evil.org/2024/03/15/some-story",
]


@pytest.mark.parametrize("url", ARTICLES)
def test_ad_hoc_article_pattern_accepts_typical_article_urls(url):
    assert site_for_url("https://www.example-news.com/").is_article_url(url)


@pytest.mark.parametrize("url", NOT_ARTICLES)
def test_ad_hoc_article_pattern_rejects_home_sections_taxonomy_and_files(url):
    assert not site_for_url("https://www.example-news.com/").is_article_url(url)


def test_ad_hoc_listing_pattern_follows_shallow_pages_of_the_same_site():
    site = site_for_url("https://www.example-news.com/")
    assert site.is_listing_url("https://www.example-news.com/")
    assert site.is_listing_url("https://example-news.com/politics/")
    assert site.is_listing_url("https://www.example-news.com/politics/world?page=2")
    assert not site.is_listing_url("https://www.example-news.com/a/b/c/d")
    assert not site.is_listing_url("https://www.other-site.com/politics/")
    assert not site.is_listing_url("https://www.example-news.com/logo.png")


@pytest.mark.parametrize("page", ["akhbarelyom-2020.html", "elbaladtv-2020.html", "cnn-arabic-2013.html"])
def test_ad_hoc_site_recognises_the_saved_real_articles(page):
    url = canonical_of(page)
    site = site_for_url(url.split("/", 3)[0] + "//" + url.split("/", 3)[2] + "/")
    assert site.is_article_url(url)
    assert not site.is_article_url(site.start_urls[0])


def test_ad_hoc_site_rejects_section_links_of_a_saved_page():
    site = site_for_url("https://akhbarelyom.com/")
    root = lxml.html.fromstring(dev_page("akhbarelyom-2020.html"))
    sections = [h for h in root.xpath("//a/@href") if "/newssection/" in h or "/Tags/" in h]
    stories = [h for h in root.xpath("//a/@href") if "/newdetails/" in h]
    assert len(sections) > 10 and len(stories) > 10
    assert not any(site.is_article_url("https://akhbarelyom.com" + h) for h in sections if h.startswith("/"))
    assert all(site.is_article_url("https://akhbarelyom.com" + h) for h in stories if h.startswith("/"))


def test_ad_hoc_site_agrees_with_the_sample_entry_on_the_sample_sites_url_shapes():
    # `crawl --url http://127.0.0.1:PORT/` on the sample site must find what `crawl sample` finds.
    base = "http://127.0.0.1:8765"
    sample = load_catalog()["sample"].with_base_url(base)
    ad_hoc = site_for_url(base + "/")
    urls = [f"{base}{path}" for path in (
        "/2024/3/15/election-results", "/2023/12/1/%D8%B9%D9%86%D9%88%D8%A7%D9%86", "/",
        "/section/politics", "/section/sport/", "/?page=2", "/section/economy?page=3",
    )]
    for url in urls:
        assert ad_hoc.is_article_url(url) == sample.is_article_url(url), url
        if not sample.is_article_url(url):
            assert ad_hoc.is_listing_url(url) == sample.is_listing_url(url), url


def test_find_site_prefers_the_catalog_entry():
    catalog = load_catalog()
    assert find_site("https://www.aljazeera.net/news/", catalog).name == "aljazeera"
    assert find_site("https://m.akhbarelyom.com/", catalog).name == "akhbarelyom"
    assert find_site("https://www.example-news.com/", catalog).verified == "ad-hoc"


# -- feeds_in_html --------------------------------------------------------

HEAD_FEEDS = """<html><head>
<link rel="alternate" type="application/rss+xml" title="كل الأخبار" href="/rss.xml">
<link rel="alternate" type="application/atom+xml" href="https://example.org/atom/">
<link rel="alternate" type="application/rss+xml" title="خلاصة التعليقات" href="/comments/feed/">
<link rel="alternate" type="application/rss+xml" title="Story comments" href="/story/feed/">
<link rel="alternate" hreflang="en" href="https://example.org/en/">
<link rel="stylesheet" type="text/css" href="/rss.css">
</head><body>
<a href="/section/rss/">RSS</a>
<a href="/feed">خلاصة</a>
<a href="https://feeds.example-cdn.net/arabic/rss.xml">RSS</a>
<a href="https://www.facebook.com/example">فيسبوك</a>
<a href="https://feedly.com/i/subscription/feed/https://example.org/rss.xml">Feedly</a>
<a href="/2024/03/15/story">خبر</a>
<a href="javascript:void(0)">x</a>
<a href="/rss.xml">again</a>
</body></html>"""


def test_feeds_in_html_finds_alternate_links_then_feed_anchors():
    feeds = feeds_in_html(HEAD_FEEDS, "https://example.org/news/")
    assert feeds == [
        "https://example.org/rss.xml",
        "https://example.org/atom/",
        "https://example.org/section/rss/",
        "https://example.org/feed",
        "https://feeds.example-cdn.net/arabic/rss.xml",
    ]


def test_feeds_in_html_honours_base_href_and_bytes_in_the_pages_charset():
    html = '<html><head><meta charset="windows-1256"><base href="https://cdn.example.org/ar/">'
    html += '<link rel="alternate" type="application/rss+xml" title="الأخبار" href="rss.xml"></head></html>'
    assert feeds_in_html(html.encode("cp1256"), "https://example.org/") == ["https://cdn.example.org/ar/rss.xml"]


def test_feeds_in_html_reads_xhtml_with_an_xml_declaration():
    html = '<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><head>'
    html += '<link rel="alternate" type="application/rss+xml" href="/ar/rss.xml"/></head><body/></html>'
    assert feeds_in_html(html, "https://example.org/") == ["https://example.org/ar/rss.xml"]
    assert feeds_in_html(html.encode(), "https://example.org/") == ["https://example.org/ar/rss.xml"]


@pytest.mark.parametrize("html", ["", b"", "   ", b"\x00\x01", "<html><body><p>لا خلاصات</p></body></html>"])
def test_feeds_in_html_without_feeds_is_empty(html):
    assert feeds_in_html(html, "https://example.org/") == []


def test_feeds_on_saved_pages():
    assert feeds_in_html(dev_page("elbaladtv-2020.html"), canonical_of("elbaladtv-2020.html")) == ["https://elbaladtv.net/feed/"]
    assert feeds_in_html(dev_page("akhbarelyom-2020.html"), canonical_of("akhbarelyom-2020.html")) == [
        "https://akhbarelyom.com/RSS/GetSectionRSS?JournalID=1"
    ]
    assert feeds_in_html(dev_page("cnn-arabic-2013.html"), canonical_of("cnn-arabic-2013.html")) == ["http://arabic.cnn.com/rss/"]


def test_catalog_feeds_of_saved_page_sites_are_the_ones_their_pages_announce():
    catalog = load_catalog()
    for page, name in (("elbaladtv-2020.html", "elbaladtv"), ("akhbarelyom-2020.html", "akhbarelyom")):
        assert catalog[name].feeds == feeds_in_html(dev_page(page), canonical_of(page))


# -- sitemaps_in_robots -----------------------------------------------------

ROBOTS = """User-agent: *
Disallow: /search
Sitemap: https://www.example.org/sitemap_index.xml
sitemap: https://www.example.org/news-sitemap.xml

User-agent: Googlebot-News
Allow: /
SITEMAP: /sitemaps/articles.xml
Sitemap: https://www.example.org/sitemap_index.xml
"""


def test_sitemaps_in_robots_lists_every_sitemap_once_and_absolute():
    assert sitemaps_in_robots(ROBOTS, "https://www.example.org/robots.txt") == [
        "https://www.example.org/sitemap_index.xml",
        "https://www.example.org/news-sitemap.xml",
        "https://www.example.org/sitemaps/articles.xml",
    ]


def test_sitemaps_in_robots_accepts_bytes_and_handles_none():
    assert sitemaps_in_robots(ROBOTS.encode(), "https://www.example.org/robots.txt")[0] == "https://www.example.org/sitemap_index.xml"
    assert sitemaps_in_robots("User-agent: *\nDisallow:\n", "https://www.example.org/robots.txt") == []
    assert sitemaps_in_robots("", "https://www.example.org/robots.txt") == []
    assert sitemaps_in_robots("<html>not robots</html>", "https://www.example.org/robots.txt") == []
