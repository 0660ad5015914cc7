"""The bundled sample site, fetched over real HTTP on 127.0.0.1."""
from __future__ import annotations

import re
import urllib.error
import urllib.request
from email.utils import parsedate_to_datetime
from itertools import combinations

import pytest
from lxml import etree, html

from crawler.text.arabic import tokens
from crawler.discovery.catalog import load_catalog
from crawler.sample_site import Request, SampleSite, serve

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "news": "http://www.google.com/schemas/sitemap-news/0.9"}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with OPENER.open(request, timeout=10) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read()


@pytest.fixture(scope="module")
def site() -> SampleSite:
    return SampleSite(seed=7)


@pytest.fixture(scope="module")
def server(site):
    with serve(site) as running:
        yield running


@pytest.fixture(scope="module")
def catalog_site(server):
    return load_catalog()["sample"].with_base_url(server.base_url)


def doc(server, path: str):
    status, _, body = fetch(server.base_url + path)
    assert status == 200, path
    return html.fromstring(body, base_url=server.base_url + path)


def local_links(server, page) -> list[str]:
    page.make_links_absolute()
    return [href[len(server.base_url):] for href in page.xpath("//a/@href") if href.startswith(server.base_url)]


def shingles(text: str, size: int = 5) -> set[tuple[str, ...]]:
    words = tokens(text)
    return {tuple(words[i:i + size]) for i in range(len(words) - size + 1)}


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b)


def test_robots_txt_disallows_private_and_names_the_sitemap(server):
    status, headers, body = fetch(server.base_url + "/robots.txt")
    text = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    assert "User-agent: *\nDisallow: /private/\n" in text
    assert f"Sitemap: {server.base_url}/sitemap.xml" in text
    assert "Crawl-delay" not in text
    with serve(SampleSite(seed=7, crawl_delay=1.5)) as slow:
        assert "Crawl-delay: 1.5\n" in fetch(slow.base_url + "/robots.txt")[2].decode()


def test_sitemaps_list_every_archivable_article_and_the_404(site, server):
    index = etree.fromstring(fetch(server.base_url + "/sitemap.xml")[2])
    children = index.xpath("//sm:sitemap/sm:loc/text()", namespaces=SITEMAP_NS)
    assert children == [server.base_url + "/sitemap-news.xml", server.base_url + "/sitemap-articles.xml"]
    urlset = etree.fromstring(fetch(children[1])[2])
    locs = [loc[len(server.base_url):] for loc in urlset.xpath("//sm:url/sm:loc/text()", namespaces=SITEMAP_NS)]
    assert sorted(locs) == sorted(site.expected["archivable_paths"] + [site.expected["not_found_path"]])
    assert len(urlset.xpath("//sm:url/sm:lastmod", namespaces=SITEMAP_NS)) == len(locs)
    news = etree.fromstring(fetch(children[0])[2])
    dates = news.xpath("//news:publication_date/text()", namespaces=SITEMAP_NS)
    assert len(dates) == 20 and all(re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+03:00$", d) for d in dates)


def test_rss_feed_has_the_newest_articles_with_dates(site, server):
    status, headers, body = fetch(server.base_url + "/rss.xml")
    assert status == 200 and "rss" in headers["Content-Type"]
    items = etree.fromstring(body).xpath("//item")
    assert len(items) == 20
    links = [item.findtext("link")[len(server.base_url):] for item in items]
    assert set(links) <= set(site.expected["archivable_paths"])
    dates = [parsedate_to_datetime(item.findtext("pubDate")) for item in items]
    assert dates == sorted(dates, reverse=True)


def test_listings_reach_every_archivable_article_and_match_the_catalog_patterns(site, server, catalog_site):
    found, listing_pages = set(), []
    for section_path in site.expected["section_paths"]:
        path = section_path
        while path:
            listing_pages.append(path)
            page = doc(server, path)
            found |= {link for link in local_links(server, page) if catalog_site.is_article_url(server.base_url + link)}
            next_links = page.xpath('//a[@rel="next"]/@href')
            path = next_links[0][len(server.base_url):] if next_links else None
    assert found == set(site.expected["archivable_paths"])
    assert any("?page=2" in p for p in listing_pages)
    assert all(catalog_site.is_listing_url(server.base_url + p) for p in listing_pages + ["/"])
    for path in site.expected["archivable_paths"]:
        assert catalog_site.is_article_url(server.base_url + path)
        assert not catalog_site.is_listing_url(server.base_url + path)
    for path in site.expected["trap_paths"] + ["/tag/oil", "/rss.xml", "/images/2017/10/1.jpg"]:
        url = server.base_url + path
        assert not catalog_site.is_article_url(url) and not catalog_site.is_listing_url(url), path


def test_homepage_links_the_faults(site, server):
    links = set(local_links(server, doc(server, "/")))
    expected = site.expected
    for path in [expected["tracking_path"], expected["amp_path"], expected["redirect_path"], *expected["disallowed_paths"],
                 *expected["trap_paths"], *expected["section_paths"]]:
        assert path in links, path


def test_article_count_and_shape(site):
    expected = site.expected
    assert expected["article_count"] == len(site.articles) == 36 == len(set(expected["archivable_paths"]))
    assert len({a.section for a in site.articles}) == 5
    assert len(expected["legacy_paths"]) == 3
    for article in site.articles:
        assert 5 <= len(article.paragraphs) <= 9
        assert re.fullmatch(r"/[a-z]+/\d{4}/[1-9]\d?/[1-9]\d?/[a-z0-9-]+", article.path)
        assert article.published.utcoffset() is not None
    assert any(a.dateline for a in site.articles) and any(len(a.authors) == 2 for a in site.articles)
    assert {a.source_inside_body for a in site.articles} == {True, False}
    assert len({a.caption_credit for a in site.articles}) >= 4


def test_article_page_carries_metadata_and_boilerplate(site, server):
    article = next(a for a in site.articles if a.byline and a.section != "legacy" and a.path != site.retry_after_path
                   and a.path != site.flaky_path)
    page = doc(server, article.path)
    assert page.findtext(".//title") == f"{article.title} | {site.title}"
    assert page.xpath("//link[@rel='canonical']/@href") == [server.base_url + article.path]
    assert page.xpath("//h1")[0].text_content() == article.title
    assert page.xpath("//figcaption")[0].text_content() == f"{article.caption_text} {article.caption_mark}"
    assert page.xpath("//figure/img/@alt") == [article.caption_alt]
    assert article.byline in page.text_content()
    body = [p.text_content() for p in page.xpath("//div[@id='article-body']/p[not(@class)]")]
    assert body == article.paragraphs
    assert page.xpath("//meta[@property='article:published_time']/@content") == [article.published.isoformat()]
    ld = page.xpath("//script[@type='application/ld+json']")[0].text
    assert '"@type": "NewsArticle"' in ld and article.published.isoformat() in ld
    for boilerplate in ("اقرأ أيضا", "النشرة البريدية", "التعليقات", "شارك"):
        assert boilerplate in page.text_content()


def test_same_seed_same_bytes_other_seed_other_text(site):
    twin, other = SampleSite(seed=7), SampleSite(seed=8)
    base = "http://127.0.0.1:1"
    for path in ["/", site.expected["tracking_target"], "/section/sport?page=2", "/sitemap-articles.xml",
                 site.expected["legacy_paths"][0], site.expected["amp_path"]]:
        assert site.respond(Request("GET", path), base).body == twin.respond(Request("GET", path), base).body
    assert [a.title for a in other.articles] != [a.title for a in site.articles]


def test_same_bytes_over_http_from_two_servers():
    first, second = SampleSite(seed=7), SampleSite(seed=7)
    path = first.articles[0].path
    with serve(first) as a, serve(second) as b:
        body_a = fetch(a.base_url + path)[2].replace(a.base_url.encode(), b"BASE")
        body_b = fetch(b.base_url + path)[2].replace(b.base_url.encode(), b"BASE")
    assert body_a == body_b


def test_fail_once_paths_not_found_and_redirect():
    site = SampleSite(seed=7)
    expected = site.expected
    with serve(site) as server:
        assert fetch(server.base_url + expected["flaky_path"])[0] == 500
        assert fetch(server.base_url + expected["flaky_path"])[0] == 200
        status, headers, _ = fetch(server.base_url + expected["retry_after_path"])
        assert status == 429 and headers["Retry-After"] == "2"
        assert fetch(server.base_url + expected["retry_after_path"])[0] == 200
        assert fetch(server.base_url + expected["not_found_path"])[0] == 404
        status, headers, _ = fetch(server.base_url + expected["redirect_path"])
        assert status == 301 and headers["Location"] == server.base_url + expected["redirect_target"]
        statuses = [record.status for record in server.requests]
        assert statuses == [500, 200, 429, 200, 404, 301]
        assert server.paths_requested()[0] == expected["flaky_path"]
    with serve(site) as fresh:  # the fault is per server instance
        assert fetch(fresh.base_url + expected["flaky_path"])[0] == 500


def test_duplicates_point_their_canonical_at_the_clean_url(site, server):
    expected = site.expected
    tracked = doc(server, expected["tracking_path"])
    assert tracked.xpath("//link[@rel='canonical']/@href") == [server.base_url + expected["tracking_target"]]
    amp = doc(server, expected["amp_path"])
    assert amp.xpath("//link[@rel='canonical']/@href") == [server.base_url + expected["amp_canonical"]]
    main = doc(server, expected["amp_canonical"])
    assert main.xpath("//link[@rel='amphtml']/@href") == [server.base_url + expected["amp_path"]]


def test_conditional_requests_and_update_article():
    site = SampleSite(seed=7)
    article = site.articles[2]
    with serve(site) as server:
        url = server.base_url + article.path
        status, headers, body = fetch(url)
        etag, last_modified = headers["ETag"], headers["Last-Modified"]
        assert status == 200
        assert fetch(url, {"If-None-Match": etag})[0] == 304
        assert fetch(url, {"If-Modified-Since": last_modified})[0] == 304
        lastmod_before = fetch(server.base_url + "/sitemap-articles.xml")[2]

        site.update_article(article.id, paragraphs=[*article.paragraphs, "فقرة جديدة أضيفت بعد التحديث."])

        status, new_headers, new_body = fetch(url, {"If-None-Match": etag})
        assert status == 200 and new_headers["ETag"] != etag and new_headers["Last-Modified"] != last_modified
        assert "فقرة جديدة أضيفت بعد التحديث." in new_body.decode() and new_body != body
        assert fetch(url, {"If-Modified-Since": last_modified})[0] == 200
        lastmod_after = fetch(server.base_url + "/sitemap-articles.xml")[2]
    entry = re.compile(re.escape(article.path).encode() + rb"</loc><lastmod>([^<]+)</lastmod>")
    assert entry.search(lastmod_before)[1] < entry.search(lastmod_after)[1]


def test_legacy_pages_are_windows_1256(site, server):
    sentence = site.expected["known_legacy_sentence"]
    for path in site.expected["legacy_paths"]:
        status, headers, body = fetch(server.base_url + path)
        assert status == 200
        with pytest.raises(UnicodeDecodeError):
            body.decode("utf-8")
        if path == site.expected["no_charset_path"]:
            assert headers["Content-Type"] == "text/html" and b"charset" not in body.lower()
            assert sentence in body.decode("cp1256")
        else:
            assert headers["Content-Type"] == "text/html; charset=windows-1256"
            assert b'<meta charset="windows-1256">' in body


def test_v2_layout_drops_the_caption_and_moves_the_date(site):
    article = site.article(site.expected["tracking_target"])
    base = "http://127.0.0.1:1"
    v1 = html.fromstring(site.respond(Request("GET", article.path), base).body)
    site.layout = "v2"
    try:
        v2 = html.fromstring(site.respond(Request("GET", article.path), base).body)
    finally:
        site.layout = "v1"
    assert v1.xpath("//figcaption") and not v2.xpath("//figcaption")
    assert article.caption_text in v1.text_content() and article.caption_text not in v2.text_content()
    assert v1.xpath("//article//time") and not v2.xpath("//time")
    assert not v2.xpath("//div[@id='article-body']") and not v2.xpath("//meta[@property='article:published_time']")
    assert [d.text_content() for d in v2.xpath("//div[@class='para']")] == article.paragraphs
    assert v2.xpath("//h1")[0].text_content() == article.title


def test_traps_go_on_forever(server):
    page = doc(server, "/calendar/2099/12")
    assert "/calendar/2100/01" in local_links(server, page)
    deep = "/section/sport/sport/sport/sport"
    assert deep + "/sport" in local_links(server, doc(server, deep))


def test_different_articles_do_not_look_like_near_duplicates(site):
    sets = [shingles(a.body) for a in site.articles]
    worst = max(jaccard(a, b) for a, b in combinations(sets, 2))
    assert worst < 0.3


def test_syndicated_copy_on_a_second_site(site):
    mirror = SampleSite(seed=11, name="mirror", syndicate_from=site)
    copy_path, original_path = mirror.expected["syndicated"]
    copy, original = mirror.article(copy_path), site.article(original_path)
    assert copy.title != original.title and mirror.title != site.title
    assert jaccard(shingles(copy.body), shingles(original.body)) > 0.7
    assert mirror.expected["article_count"] == 37 and copy_path in mirror.expected["archivable_paths"]
    with serve(mirror) as other, serve(site) as first:
        assert other.base_url != first.base_url
        assert fetch(other.base_url + copy_path)[0] == 200


def test_large_site_pads_pages_to_the_requested_weight():
    big = SampleSite(seed=3, n_articles=3000, page_weight_kb=60)
    assert big.expected["article_count"] == 3000
    base = "http://127.0.0.1:1"
    for path in [big.articles[1500].path, "/", "/section/culture?page=50"]:
        response = big.respond(Request("GET", path), base)
        assert response.status == 200
        assert 60 * 1024 <= len(response.body) <= 70 * 1024, path
        html.fromstring(response.body)  # still parses
