"""Hostile or broken discovery input: feeds and sitemaps never crash the spider or read local files."""
from __future__ import annotations

import gzip

from scrapy.http import TextResponse
from scrapy.utils.test import get_crawler

from crawler.discovery.catalog import get_site
from spiders.news import NewsSpider, feed_entries

XXE_FEED = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><item><title>&secret;</title>
<link>https://news.example/politics/2024/3/15/story-1</link><pubDate>Fri, 15 Mar 2024 10:00:00 +0300</pubDate>
</item></channel></rss>"""

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<rss><channel><item><title>&lol4;</title><link>https://news.example/a/2024/3/15/x</link></item></channel></rss>"""


def test_feed_entities_are_not_resolved():
    entries = list(feed_entries(XXE_FEED))
    assert entries == [("https://news.example/politics/2024/3/15/story-1", "Fri, 15 Mar 2024 10:00:00 +0300")]
    assert list(feed_entries(LAUGHS)) == [("https://news.example/a/2024/3/15/x", None)]


def test_broken_and_empty_feeds_yield_nothing():
    assert list(feed_entries(b"")) == []
    assert list(feed_entries(b"\x00\xff binary junk")) == []
    truncated = XXE_FEED[: len(XXE_FEED) // 2]
    assert all(link.startswith("https://") for link, _ in feed_entries(truncated))


def spider_for_sample(max_sitemap_bytes: int = 10_000):
    crawler = get_crawler(NewsSpider, {"ARCHIVE_PATH": "", "DOWNLOAD_MAXSIZE": max_sitemap_bytes})
    site = get_site("sample").with_base_url("http://127.0.0.1:9")
    spider = NewsSpider.from_crawler(crawler, sites=[site])
    return spider, site


def sitemap_response(body: bytes) -> TextResponse:
    return TextResponse("http://127.0.0.1:9/sitemap-articles.xml.gz", body=body, encoding="utf-8")


def test_a_gzip_bomb_sitemap_is_skipped_with_a_count():
    spider, site = spider_for_sample(max_sitemap_bytes=10_000)
    bomb = gzip.compress(b"<urlset>" + b" " * 5_000_000 + b"</urlset>")
    assert list(spider.parse_sitemap(sitemap_response(bomb), site)) == []
    assert spider.crawler.stats.get_value("site/sample/discovery/bad_sitemaps") == 1


def test_a_gzipped_sitemap_within_bounds_is_read():
    spider, site = spider_for_sample()
    xml = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
           b"<url><loc>http://127.0.0.1:9/politics/2024/3/15/story-1</loc><lastmod>2024-03-15</lastmod></url></urlset>")
    requests = list(spider.parse_sitemap(sitemap_response(gzip.compress(xml)), site))
    assert [r.url for r in requests] == ["http://127.0.0.1:9/politics/2024/3/15/story-1"]


def test_garbage_sitemap_is_skipped():
    spider, site = spider_for_sample()
    assert list(spider.parse_sitemap(sitemap_response(b"not xml at all"), site)) == []
    assert list(spider.parse_sitemap(sitemap_response(b""), site)) == []
