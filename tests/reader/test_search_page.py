"""The served search page (/DB/-/search) and the hostile-input rows of the reader: a real Datasette on 127.0.0.1,
real HTTP, a real headless Chromium (desktop and 390 px), screenshots (`--screenshots DIR` or $ARCHIVE_SCREENSHOTS).

The archive: 45 articles about النفط over three sites and two months (every third with a caption), one story
carried by two sites (a near-duplicate cluster), one article whose caption image, image list and URL are
`javascript:` URLs, and one whose title is a script tag.
"""
from __future__ import annotations

import io
import json
import re
import time
import urllib.parse
import zipfile
from pathlib import Path

import pytest

from archive.searchpage import arabic_date, eastern_digits, http_url
from archive.store import Archive, FetchInfo
from crawler.extraction import Article, Caption
from tests.reader.test_browse import get, running_datasette
from tests.reader.test_reader_pages import dom, screenshot

WORD = "النفط"
SITES = ("aljazeera", "bbc_arabic", "alarabiya")
HOSTILE_TITLE = "صورة بعنوان خبيث عن النفط"
SCRIPT_TITLE = "<script>document.title='pwned'</script> النفط"
CLUSTER_BODY = "اتفقت الدول المنتجة على خفض إنتاج النفط بمليون برميل يوميا اعتبارا من الشهر المقبل وفق بيان رسمي."


def build_archive(path: Path) -> dict[str, int]:
    store = Archive(path)
    ids = {}
    for n in range(1, 46):
        site, month = SITES[n % 3], "04" if n <= 20 else "05"
        item = Article(url=f"https://{site}.example/news/{n}", title=f"أسعار {WORD} في اليوم {n}",
                       body=f"تحدث التقرير رقم {n} عن أسعار {WORD} والأسواق في المنطقة.", section="اقتصاد" if n % 2 else "سياسة",
                       published=f"2020-{month}-{(n % 28) + 1:02d}T10:00:00+03:00", language="ar",
                       captions=[Caption(f"صورة التقرير {n}", "رويترز")] if n % 3 == 0 else [], extractor="test")
        ids[n] = store.insert_article(item, item.url, f"h{n}", FetchInfo(site, None, f"2020-{month}-28T00:00:00+00:00"))
    first = None
    for site in ("aljazeera", "alarabiya"):
        item = Article(url=f"https://{site}.example/opec", title=f"أوبك تخفض إنتاج {WORD} ({site})", body=CLUSTER_BODY,
                       published="2020-05-10T09:00:00+03:00", extractor="test")
        article_id = store.insert_article(item, item.url, f"opec-{site}", FetchInfo(site, None, "2020-05-10T10:00:00+00:00"),
                                          cluster_id=first, near_duplicate_of=first)
        first = first or article_id
        ids[site] = article_id
    hostile = Article(url="javascript:alert(document.domain)//", title=HOSTILE_TITLE, body=f"نص عن {WORD} وصورة.",
                      captions=[Caption("صورة خبيثة", "رويترز", "javascript:alert(1)")], images=["javascript:alert(2)",
                      "https://img.example/ok.jpg"], published="2020-05-11T09:00:00+03:00", extractor="test")
    ids["hostile"] = store.insert_article(hostile, "https://hostile.example/1", "hostile", FetchInfo("aljazeera", None, "2020-05-11T10:00:00+00:00"))
    script = Article(url="https://evil.example/2", title=SCRIPT_TITLE, body=f"نص عادي عن {WORD}.", extractor="test")
    ids["script"] = store.insert_article(script, script.url, "script", FetchInfo("bbc_arabic", None, "2020-05-12T10:00:00+00:00"))
    store.commit()
    store.close()
    return ids


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("room")
    db = tmp / "archive.db"
    ids = build_archive(db)
    with running_datasette(db, tmp) as base:
        yield {"base": base, "db_url": f"{base}/archive", "ids": ids, "db": db, "tmp": tmp}


def page_url(room, **params) -> str:
    return room["db_url"] + "/-/search?" + urllib.parse.urlencode(params)


def hrefs(page: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]*)"', page)]


# ---------------------------------------------------------------- pieces


def test_dates_read_in_arabic_in_the_articles_own_offset():
    assert arabic_date("2020-04-24T23:30:00+03:00") == "٢٤ أبريل ٢٠٢٠"
    assert arabic_date("not a date") is None and eastern_digits(12345) == "١٢٬٣٤٥"


@pytest.mark.parametrize("url, link", [
    ("https://a.example/x.jpg", "https://a.example/x.jpg"), (" HTTP://a.example/ ", "HTTP://a.example/"),
    ("javascript:alert(1)", None), ("JaVaScRiPt:alert(1)", None), ("data:text/html,x", None), ("//a.example/x", None),
    ("vbscript:x", None), (None, None), ("https:evil", None),
])
def test_only_http_urls_become_links(url, link):
    assert http_url(url) == link


# ---------------------------------------------------------------- the page over HTTP


def test_page_counts_pages_and_facets_the_results(room):
    status, page = get(page_url(room, q=WORD))
    assert status == 200
    assert 'dir="rtl"' in page and "البحث في الأرشيف" in page and "Search the archive" in page
    assert "49 results" in page and "٤٩" in page  # 45 + the cluster's two + the two hostile ones
    assert page.count('class="search-hit"') == 20
    assert "aljazeera" in page and "اقتصاد" in page and "أبريل ٢٠٢٠" in page and "بتعليقات صور" in page and "العربية" in page
    links = hrefs(page)
    assert any("page=3" in h for h in links) and not any("page=4" in h for h in links)
    facet = next(h for h in links if "site=bbc_arabic" in h)
    status, narrowed = get(room["base"] + facet)
    assert status == 200 and "16 results" in narrowed  # 15 of the 45 and the script-titled one
    assert "الموقع: bbc_arabic" in narrowed


def test_page_two_and_date_sort_and_range(room):
    first = get(page_url(room, q=WORD, sort="date"))[1]
    second = get(page_url(room, q=WORD, sort="date", page=2))[1]
    titles = lambda page: re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', page)
    assert len(titles(first)) == 20 and len(titles(second)) == 20 and not set(titles(first)) & set(titles(second))
    ranged = get(page_url(room, q=WORD, since="2020-04-01", until="2020-04-30"))[1]
    assert "20 results" in ranged


def test_hits_show_the_local_date_in_arabic_with_the_iso_value_on_hover(room):
    page = get(page_url(room, q="أوبك"))[1]
    assert '<time datetime="2020-05-10T09:00:00+03:00" title="2020-05-10T09:00:00+03:00">١٠ مايو ٢٠٢٠</time>' in page


def test_a_near_duplicate_hit_says_it_is_also_on_another_site_and_links_it(room):
    page = get(page_url(room, q="أوبك site:aljazeera"))[1]
    assert "also on 1 site" in page and "منشور أيضا في 1 موقع آخر" in page
    assert f'/archive/-/article/{room["ids"]["alarabiya"]}"' in page


def test_or_query_and_a_bad_query_is_one_line_on_the_page(room):
    assert "3 results" in get(page_url(room, q="أوبك OR خبيث"))[1]
    status, page = get(page_url(room, q="النفط OR"))
    assert status == 400 and 'class="search-error"' in page and "OR needs a word" in page
    assert "Traceback" not in page and 'name="q"' in page  # the form is still there to fix the query


@pytest.mark.parametrize("params, why", [
    ({"q": "غزة " * 2000}, "at most 1,000"), ({"q": WORD, "page": "10**30"}, "page is not a number"),
    ({"q": WORD, "page": str(10**30)}, "page must be between"), ({"q": WORD, "since": "أمس"}, "not an ISO date"),
    ({"q": WORD, "sort": "x"}, "unknown sort"),
])
def test_hostile_search_input_is_a_one_line_explanation(room, params, why):
    started = time.monotonic()
    status, page = get(page_url(room, **params))
    assert status == 400 and why in page and "Traceback" not in page
    assert time.monotonic() - started < 3  # refused before any work


def test_the_canned_search_with_a_huge_query_is_bounded(room):
    started = time.monotonic()
    status, body = get(room["db_url"] + "/search.json?" + urllib.parse.urlencode({"q": "النفط " * 2000, "_shape": "array"}))
    assert status == 200 and json.loads(body) == [] and time.monotonic() - started < 3


def test_export_from_the_page_is_a_zip_with_the_data_and_its_card(room):
    page = get(page_url(room, q=WORD, site="alarabiya"))[1]
    link = next(h for h in hrefs(page) if "/-/search/export" in h and "format=jsonl" in h)
    with __import__("urllib.request").request.urlopen(room["base"] + link, timeout=30) as response:
        assert response.headers["content-type"] == "application/zip"
        archive = zipfile.ZipFile(io.BytesIO(response.read()))
    assert sorted(archive.namelist()) == ["search.jsonl", "search.jsonl.card.json", "search.jsonl.card.md"]
    rows = [json.loads(line) for line in archive.read("search.jsonl").decode().splitlines()]
    assert len(rows) == 16 and {row["site"] for row in rows} == {"alarabiya"}
    card = json.loads(archive.read("search.jsonl.card.json"))
    assert card["filters"]["query"] == WORD and card["filters"]["sites"] == ["alarabiya"] and card["rows"] == 16


# ---------------------------------------------------------------- hostile reader input


def test_an_article_id_past_sqlites_range_is_a_404(room):
    assert get(room["db_url"] + "/-/article/99999999999999999999")[0] == 404
    assert get(room["db_url"] + f"/-/article/{2**63 - 1}")[0] == 404


def test_javascript_urls_from_a_page_are_text_never_links(room):
    article_id = room["ids"]["hostile"]
    for path in (f"/-/article/{article_id}", "/articles?_search=" + urllib.parse.quote("خبيث"), f"/articles/{article_id}",
                 "/captions", "/-/search?q=" + urllib.parse.quote("خبيث")):
        status, page = get(room["db_url"] + path)
        assert status == 200, path
        assert not any(h.strip().lower().startswith(("javascript:", "data:")) for h in hrefs(page)), path
        assert "javascript:alert" in page, path  # shown, as text
    page = get(room["db_url"] + f"/-/article/{article_id}")[1]
    assert 'href="https://img.example/ok.jpg"' in page


def test_every_response_carries_a_policy_that_forbids_inline_script(room):
    import urllib.request

    for path in ("/", "/archive", "/archive/articles", f"/archive/-/article/{room['ids']['script']}", "/archive/-/search?q=x"):
        with urllib.request.urlopen(room["base"] + path, timeout=10) as response:
            policy = response.headers["content-security-policy"]
            page = response.read().decode()
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert "'unsafe-inline'" not in directives["script-src"] and directives["object-src"] == "'none'"
        # Datasette's own inline scripts are allowed by their hash: the page's features keep working.
        import base64
        import hashlib
        for body in re.findall(r"<script>(.*?)</script>", page, re.S):
            digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in directives["script-src"], (path, body[:80])


# ---------------------------------------------------------------- a real browser


def test_browser_search_with_facets_and_paging_right_to_left_and_no_raw_json(room, screenshot_dir):
    url = page_url(room, q=WORD, section="اقتصاد", page=2)
    page = dom(room, url)
    assert "search-hit" in page and "search-facet" in page and 'aria-current="page"' in page
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S))
    assert not re.search(r'[\[{]\s*"', text), "raw JSON on the page"
    assert "pwned" not in page
    for size, name in (("1280,1400", "search-desktop.png"), ("390,2200", "search-390.png")):
        screenshot(room, url, screenshot_dir / name, size=size)


def test_browser_shows_a_script_title_as_text_and_a_cluster_at_390_px(room, screenshot_dir):
    page = dom(room, page_url(room, q="document"))
    assert "&lt;script&gt;document.title" in page and "<title>pwned" not in page
    screenshot(room, page_url(room, q="أوبك"), screenshot_dir / "search-cluster-390.png", size="390,1400")


def test_a_search_past_the_servers_time_limit_is_one_line_not_an_error_page(room):
    """The page's SQL runs under the server's sql_time_limit_ms (here 1 ms, in-process, over the same file)."""
    import asyncio

    from datasette.app import Datasette

    from archive.browse import PLUGINS_DIR, TEMPLATES_DIR

    datasette = Datasette([str(room["db"])], plugins_dir=str(PLUGINS_DIR), template_dir=str(TEMPLATES_DIR),
                          settings={"sql_time_limit_ms": 1})
    response = asyncio.run(datasette.client.get("/archive/-/search?" + urllib.parse.urlencode({"q": "النفط OR أسعار*"})))
    assert response.status_code == 400 and "took longer than 0.001 s" in response.text
    assert 'name="q"' in response.text and "Traceback" not in response.text
