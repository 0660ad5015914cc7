"""What crosses the cluster's Redis (crawler/cluster/wire.py): JSON with a schema, never pickle."""
from __future__ import annotations

import pickle

import pytest
import scrapy

from archive.fts import SearchText
from archive.warc import WarcRef
from crawler.discovery.catalog import get_site
from crawler.cluster.wire import REQUESTS, WireError, conforms, dumps, loads, request_loads
from crawler.extraction.article import Article, Caption, Source
from crawler.items import CrawledArticle, FetchedPage
from spiders.news import NewsSpider


def crawled() -> CrawledArticle:
    page = FetchedPage(url="https://www.aljazeera.net/news/2024/3/15/x", site="aljazeera", status=200,
                       body=b"\x1f\x8b\x00\xff raw", content_type="text/html", fetched_at="2024-03-15T10:00:00+00:00",
                       redirect_urls=["https://aja.me/x"], request_headers={"User-Agent": "a"})
    article = Article(url=page.url, title="عنوان", body="نص", captions=[Caption("صورة", "رويترز", "https://x/1.jpg")],
                      sources=[Source("الجزيرة", "Al Jazeera")], authors=["كاتب"])
    return CrawledArticle(page=page, article=article, canonical_url=page.url, signature=b"\x00\x01" * 8,
                          decision="new", aliases=[("https://aja.me/x", "redirect")],
                          search_text=SearchText("a", "b", "c", "d"), warc_records=b"\x1f\x8bWARC",
                          warc_ref=WarcRef("warc/a.warc.gz", 42))


def test_an_item_and_a_site_come_back_equal():
    item = crawled()
    assert loads(dumps(item)) == item
    site = get_site("aljazeera")
    assert loads(dumps([site])) == [site]
    assert loads(dumps({b"k": (1, "x"), "$t": None})) == {b"k": (1, "x"), "$t": None}


def test_a_request_survives_the_frontier_with_its_site():
    spider = NewsSpider(sites=[])
    site = get_site("aljazeera")
    request = scrapy.Request("https://www.aljazeera.net/sitemap.xml", spider.parse_sitemap, cb_kwargs={"site": site},
                             errback=spider.discovery_failed, meta={"sitemap_depth": 1, "canonical": None},
                             headers={"If-None-Match": "abc"}, priority=10)
    back = request_loads(REQUESTS.dumps(request.to_dict(spider=spider)))
    assert back["cb_kwargs"]["site"] == site and back["callback"] == "parse_sitemap" and back["priority"] == 10
    assert back["headers"] == {b"If-None-Match": [b"abc"]}


def test_what_is_not_ours_is_refused_unread():
    class Boom:
        def __reduce__(self):
            raise AssertionError("never built")

    refused = {
        "pickle": pickle.dumps({"url": "https://x/"}, protocol=5),
        "pickle protocol 0": pickle.dumps({"url": "https://x/"}, protocol=0),
        "garbage": b"\xff\xfe\x00",
        "an unknown type": b'{"$t": "os.system", "f": {}}',
        "a field of the wrong type": b'{"$t": "FetchedPage", "f": {"url": 1}}',
        "a field a class does not have": b'{"$t": "WarcRef", "f": {"file": "a", "offset": 1, "__class__": "x"}}',
        "a bad Site": b'{"$t": "Site", "f": {"name": "x", "domains": ["x"], "article_pattern": "(", "sitemaps": ["a"]}}',
        "deep nesting": b"[" * 200_000,
        "bad base64": b'{"$t": "bytes", "b64": "!!"}',
    }
    for what, data in refused.items():
        with pytest.raises(WireError):
            loads(data)
            pytest.fail(f"accepted {what}")
    with pytest.raises(TypeError):
        dumps(Boom())


@pytest.mark.parametrize("request_dict, reason", [
    ({"url": "https://x/", "_class": "subprocess.Popen"}, "unknown field"),
    ({"url": "https://x/", "callback": "closed"}, "does not offer"),
    ({"url": "https://x/", "errback": "begin_run"}, "does not offer"),
    ({"url": "file:///etc/passwd", "callback": "parse_sitemap"}, "scheme 'file' not allowed"),
    ({"url": "https://x/", "method": "DELETE"}, "method"),
    ({"url": "https://x/", "priority": "high"}, "priority"),
    ({"callback": "parse_sitemap"}, "no url"),
    (["https://x/"], "must be a request"),
])
def test_a_frontier_entry_must_be_one_of_the_spiders_requests(request_dict, reason):
    with pytest.raises(WireError, match=reason):
        request_loads(dumps(request_dict))


def test_conforms_follows_the_type_hints():
    assert conforms([("a", "b")], list[tuple[str, str]])
    assert not conforms([("a", 1)], list[tuple[str, str]])
    assert conforms(None, int | None) and not conforms(True, int) and conforms(3, float)
    assert conforms({"a": [b"x"]}, dict[str, list[bytes]]) and not conforms({"a": ["x"]}, dict[str, list[bytes]])


def test_a_stream_entry_carries_large_bytes_raw_beside_the_json():
    from crawler.cluster.wire import from_stream_fields, stream_fields

    item = crawled()
    item.warc_records = bytes(range(256)) * 40
    fields = {name.encode(): value for name, value in stream_fields(item).items()}
    assert fields[b"blobs"] == b"1" and fields[b"blob0"] == item.warc_records
    assert item.warc_records not in fields[b"item"] and len(fields[b"item"]) < 2000
    assert from_stream_fields(fields) == item
    for broken in ({**fields, b"blobs": b"x"}, {**fields, b"blobs": b"9"}, {b"item": fields[b"item"]}):
        with pytest.raises(WireError):
            from_stream_fields(broken)


def test_the_run_hash_carries_the_runs_bounds_and_refuses_what_no_seed_wrote():
    from crawler.cluster.state import BadRunState, RunState

    run = RunState(id=3, status="seeded", sites=[get_site("aljazeera")], token="t", recheck_days=2, max_articles=5,
                   max_pages=40)
    raw = {name.encode(): value if isinstance(value, bytes) else str(value).encode()
           for name, value in run.to_redis().items()}
    back = RunState.from_redis(raw)
    assert (back.recheck_days, back.max_articles, back.max_pages, back.sites) == (2, 5, 40, run.sites)
    assert RunState.from_redis({k: v for k, v in raw.items() if k != b"max_pages"}).max_pages == 0  # an older seed's
    for garbage in (b"-1", b"five", b"1e9"):
        with pytest.raises(BadRunState):
            RunState.from_redis({**raw, b"max_pages": garbage})
