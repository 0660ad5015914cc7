"""The one URL policy (crawler/discovery/urlpolicy.py): scheme allow-list, the catalog's hosts, a length bound,
for discovery, sitemaps and redirects; and the per-run bound on sitemaps found in sitemaps.

In-process unit tests for the rules, and one real crawl against two loopback servers on two hosts
(127.0.0.1, the site, and 127.0.0.2, elsewhere) for robots.txt, redirects and an endless index.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import TextResponse
from scrapy.utils.test import get_crawler

from crawler.discovery.catalog import Site
from crawler.errors import UsageError
from crawler.discovery.urlpolicy import MAX_URL_LENGTH, UrlPolicy, UrlPolicyMiddleware, check_url, is_link_url, url_refusal
from spiders.news import NewsSpider
from spiders.sitemaps import SITEMAP_DEPTH_META
from tests.conftest import readonly_rows, run_cli

SITE = Site(name="gazette", domains=["gazette.example"], article_pattern=r"/news/\d+",
            sitemaps=["https://gazette.example/robots.txt", "https://cdn-sitemaps.example/gazette/index.xml"])


# -- the rules ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>x</script>", "file:///etc/passwd",
    "ftp://gazette.example/x", "//gazette.example/x", "/news/1", "http://[::1", "http://gazette.example:99999/",
    "http:///nohost", "https://gazette.example/" + "a" * MAX_URL_LENGTH,
])
def test_only_sane_http_urls_pass(url):
    assert url_refusal(url) is not None
    assert not is_link_url(url)
    with pytest.raises(UsageError):
        check_url(url)


def test_a_100_kb_url_is_refused_without_being_parsed_or_echoed_whole():
    url = "http://gazette.example/" + "x" * 100_000
    with pytest.raises(UsageError) as refused:
        check_url(url)
    message = str(refused.value)
    assert "longer than 2083 characters" in message and len(message) < 300 and "\n" not in message


def test_the_site_scope_is_its_domains_and_the_hosts_its_catalog_entry_names():
    policy = UrlPolicy.for_site(SITE)
    assert policy.allows("https://gazette.example/news/1")
    assert policy.allows("https://www.gazette.example/sitemap.xml")
    assert policy.allows("https://cdn-sitemaps.example/gazette/other.xml")  # the catalog lists that host
    assert "not one the catalog lists" in policy.refusal("https://elsewhere.example/sitemap.xml")
    assert not policy.allows("https://gazette.example.elsewhere.example/x")
    assert not policy.allows("https://sub.cdn-sitemaps.example/x")  # a listed host is that host, not its subdomains
    assert not policy.allows("javascript:alert(1)")


def spider(**settings):
    crawler = get_crawler(NewsSpider, {"ARCHIVE_PATH": "", **settings})
    return NewsSpider.from_crawler(crawler, sites=[SITE])


def test_robots_sitemaps_on_another_host_are_followed_only_when_the_catalog_lists_it():
    news = spider()
    robots = TextResponse("https://gazette.example/robots.txt", body=(
        b"User-agent: *\nSitemap: https://gazette.example/sitemap.xml\n"
        b"Sitemap: https://elsewhere.example/sitemap.xml\nSitemap: https://cdn-sitemaps.example/gazette/more.xml\n"))
    followed = [r.url for r in news.parse_sitemap(robots, SITE)]
    assert followed == ["https://gazette.example/sitemap.xml", "https://cdn-sitemaps.example/gazette/more.xml"]
    assert news.crawler.stats.get_value("site/gazette/skipped/offsite_sitemap") == 1


def sitemap_index(url: str, *children: str, depth: int = 0) -> TextResponse:
    body = "".join(f"<sitemap><loc>{c}</loc></sitemap>" for c in children)
    xml = f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</sitemapindex>'
    return TextResponse(url, body=xml.encode(), request=Request(url, meta={SITEMAP_DEPTH_META: depth}))


def test_an_index_pointing_off_site_or_at_javascript_is_not_followed():
    news = spider()
    children = ["https://gazette.example/s1.xml", "https://elsewhere.example/s2.xml", "javascript:alert(1)"]
    followed = [r.url for r in news.parse_sitemap(sitemap_index("https://gazette.example/index.xml", *children), SITE)]
    assert followed == ["https://gazette.example/s1.xml"]
    assert news.crawler.stats.get_value("site/gazette/skipped/offsite_sitemap") == 2


def test_sitemaps_in_sitemaps_stop_at_the_depth_bound_and_at_the_count_bound():
    deep = spider(SITEMAP_MAX_DEPTH=3)
    assert [r.meta[SITEMAP_DEPTH_META] for r in deep.parse_sitemap(
        sitemap_index("https://gazette.example/i2.xml", "https://gazette.example/i3.xml", depth=2), SITE)] == [3]
    assert list(deep.parse_sitemap(sitemap_index("https://gazette.example/i3.xml", "https://gazette.example/i4.xml",
                                                 depth=3), SITE)) == []
    assert deep.crawler.stats.get_value("site/gazette/skipped/sitemap_bound") == 1

    wide = spider(SITEMAP_MAX_FILES=5)
    children = [f"https://gazette.example/s{n}.xml" for n in range(8)]
    assert len(list(wide.parse_sitemap(sitemap_index("https://gazette.example/index.xml", *children), SITE))) == 5
    assert wide.crawler.stats.get_value("site/gazette/skipped/sitemap_bound") == 3


def test_the_middleware_drops_a_redirect_off_site_and_keeps_one_to_a_listed_host():
    crawler = get_crawler(NewsSpider, {})
    middleware = UrlPolicyMiddleware.from_crawler(crawler)
    hop = Request("https://elsewhere.example/sitemap.xml", cb_kwargs={"site": SITE},
                  meta={"redirect_urls": ["https://gazette.example/sitemap.xml"]})
    with pytest.raises(IgnoreRequest):
        middleware.process_request(hop)
    assert crawler.stats.get_value("site/gazette/skipped/url_policy") == 1
    assert middleware.process_request(hop.replace(url="https://cdn-sitemaps.example/gazette/x.xml")) is None
    with pytest.raises(IgnoreRequest):  # robots.txt and other requests without a site: scheme and length
        middleware.process_request(Request("https://elsewhere.example/" + "x" * MAX_URL_LENGTH))


# -- a real crawl: two hosts on loopback --------------------------------------------------------------------------


class Host:
    """A loopback HTTP server answering from a {path: (status, headers, body)} map, recording each request."""

    def __init__(self, address: str, routes) -> None:
        self.routes = routes
        self.requests: list[str] = []
        host = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                host.requests.append(self.path)
                status, headers, body = host.routes(self.path, host.base_url)
                self.send_response(status)
                for name, value in {"Content-Length": str(len(body)), **headers}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer((address, 0), Handler)
        self.httpd.daemon_threads = True

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"


@contextmanager
def running(*hosts: Host):
    threads = [threading.Thread(target=h.httpd.serve_forever, daemon=True) for h in hosts]
    for thread in threads:
        thread.start()
    try:
        yield hosts
    finally:
        for host in hosts:
            host.httpd.shutdown()
            host.httpd.server_close()


ARTICLE = ("<html lang='ar'><head><title>خبر</title></head><body><article><h1>عنوان الخبر الأول</h1>"
           + "".join(f"<p>{'هذه فقرة من نص الخبر تتحدث عن أحداث اليوم في المدينة. ' * 4}</p>" for _ in range(6))
           + "</article></body></html>").encode()
XML = {"Content-Type": "application/xml"}


def test_a_crawl_never_fetches_from_a_host_the_catalog_does_not_list_and_bounds_an_endless_index(tmp_path):
    elsewhere = Host("127.0.0.2", lambda path, base: (200, XML, b"<urlset/>"))

    def home_routes(path: str, base: str):
        if path == "/robots.txt":
            return 200, {}, (f"User-agent: *\nSitemap: {elsewhere.base_url}/sitemap.xml\n"
                             f"Sitemap: {base}/moved.xml\nSitemap: {base}/index-0.xml\n").encode()
        if path == "/moved.xml":  # a sitemap that redirects off-site
            return 301, {"Location": f"{elsewhere.base_url}/moved.xml"}, b""
        if path.startswith("/index-"):  # an index that always links to a new index, and to one article
            n = int(path.removeprefix("/index-").removesuffix(".xml"))
            body = (f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                    f"<sitemap><loc>{base}/index-{n + 1}.xml</loc></sitemap>"
                    f"<sitemap><loc>{base}/articles.xml</loc></sitemap></sitemapindex>")
            return 200, XML, body.encode()
        if path == "/articles.xml":
            return 200, XML, (f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                              f"<url><loc>{base}/news/2024/03/15/first-story</loc></url></urlset>").encode()
        if path == "/news/2024/03/15/first-story":
            return 200, {"Content-Type": "text/html; charset=utf-8"}, ARTICLE
        return 404, {}, b""

    gazette = Host("127.0.0.1", home_routes)
    db = tmp_path / "archive.db"
    with running(gazette, elsewhere):
        result = run_cli("crawl", "--url", f"{gazette.base_url}/", "--db", str(db), "-s", "DOWNLOAD_DELAY=0",
                         "-s", "AUTOTHROTTLE_START_DELAY=0.05", timeout=120)

    assert result.returncode == 0, result.stderr[-3000:]
    assert elsewhere.requests == []  # not the sitemap, not the redirect's target, not its robots.txt
    indexes = [p for p in gazette.requests if p.startswith("/index-")]
    assert indexes == [f"/index-{n}.xml" for n in range(4)]  # robots.txt -> index-0 (depth 1) ... depth 4
    # index-3 (depth 4) lists index-4 and articles.xml at depth 5: both counted, neither fetched
    assert "| 2 sitemaps not read (sitemap bound)" in result.stdout, result.stdout
    assert result.stdout.startswith("run 1 finished ["), result.stdout
    assert readonly_rows(db, "SELECT COUNT(*) FROM articles") == [(1,)]
    assert "Traceback" not in result.stderr
