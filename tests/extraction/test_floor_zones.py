"""Issue #25: bodies from any markup, the trafilatura floor, dates read from content, truthful time zones."""
from __future__ import annotations

import json
import re
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import pytest
import trafilatura

from archive.store import Archive
from crawler.text.arabic import normalize
from crawler.discovery.catalog import load_catalog
from crawler.extraction import ExtractionHints, extract
from crawler.extraction.dates import is_date_line
from tests.markup_variants import VARIANTS

TESTS = Path(__file__).resolve().parents[1]
WORD = re.compile(r"[^\W\d_]{2,}")  # words of letters: punctuation and numbers are not what a body loses
GOLD = sorted((TESTS / "gold").glob("*.json"))
PARAGRAPHS = [
    "أعلنت وزارة الزراعة اليوم عن خطة جديدة لدعم المزارعين في المناطق الريفية وتوفير مياه الري خلال فصل الصيف المقبل.",
    "وقال الوزير في مؤتمر صحفي إن الخطة تشمل قروضا ميسرة وبذورا محسنة وتدريبا على أساليب الري الحديثة في خمس محافظات.",
    "وأضاف أن التنفيذ يبدأ مطلع الشهر المقبل بالتعاون مع الجمعيات التعاونية والبنك الزراعي على أن يستمر ثلاث سنوات.",
]


def broadcaster_page(date_line: str = "الجمعة 24 نيسان / أبريل 2020 09:22 مساءً", date_class: str = "x1") -> bytes:
    """The issue's broadcaster: bare text between <br><br> in a div with two empty custom tags, the date
    in a div whose class says nothing, no structured data."""
    menu = "".join(f"<li><a href='/s{i}/'>قسم {i} من أقسام الموقع الإخبارية</a></li>" for i in range(30))
    return (
        "<html lang='ar'><head><meta charset='utf-8'><title>خطة لدعم المزارعين</title></head><body>"
        f"<ul class='menu'>{menu}</ul><h1>خطة لدعم المزارعين</h1><div class='{date_class}'>{date_line}</div>"
        "<div class='k9'><news-tag></news-tag><share-bar></share-bar>" + "<br><br>".join(PARAGRAPHS) + "</div>"
        "<footer><a href='/about'>من نحن</a></footer></body></html>"
    ).encode()


def gold_page(path: Path) -> tuple[dict, bytes]:
    gold = json.loads(path.read_text(encoding="utf-8"))
    return gold, (TESTS / gold["file"]).read_bytes()


def test_a_body_of_br_separated_text_is_an_article():
    article = extract(broadcaster_page(), "https://tv.example/news/1")
    assert all(p in article.body for p in PARAGRAPHS)
    assert article.body.count("\n\n") == 2  # three paragraphs, not one run
    assert article.body_source == "extractor"


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_a_real_page_gives_the_same_body_in_other_markup(variant):
    gold, page = gold_page(TESTS / "gold" / "elbaladtv-2020.json")
    published = extract(page, gold["url"])
    changed = extract(VARIANTS[variant](page), gold["url"])
    if variant == "renamed":
        # Every word is kept, but the masthead line (`الإشراف العام : …`) is dropped only by its class name.
        assert set(normalize(published.body).split()) <= set(normalize(changed.body).split())
    else:
        assert normalize(changed.body).split() == normalize(published.body).split()
    assert changed.published[:10] == gold["published"]


def test_bare_trafilatura_is_the_floor_when_our_cleaning_takes_the_article():
    # A "read also" heading inside the only wrapper of a link-heavy page: climbing from it took the article.
    links = "".join(f"<a href='/n{i}'>عنوان خبر آخر رقم {i} في الموقع</a> " for i in range(40))
    page = (
        "<html><head><meta charset='utf-8'><title>خبر</title></head><body><div>"
        f"<span>اقرأ أيضا</span>{links}<div>" + "<br><br>".join(PARAGRAPHS * 2) + "</div></div></body></html>"
    ).encode()
    article = extract(page, "https://news.example/2024/05/01/a")
    assert PARAGRAPHS[0] in article.body and PARAGRAPHS[-1] in article.body
    assert article.body_source in ("extractor", "trafilatura", "trafilatura-recall")


@pytest.mark.parametrize("path", GOLD, ids=[p.stem for p in GOLD])
def test_never_much_less_than_bare_trafilatura(path):
    """The differential test: where trafilatura's body has >= 500 characters ours keeps >= 90 % of its
    words, except words the gold names as boilerplate (its `must_exclude` and `boilerplate` strings)."""
    gold, page = gold_page(path)
    theirs = trafilatura.extract(page, url=gold["url"]) or ""
    if len(theirs) < 500:
        pytest.skip("trafilatura's body is shorter than 500 characters")
    for boilerplate in sorted(gold["must_exclude"] + gold.get("boilerplate", []), key=len, reverse=True):
        theirs = normalize(theirs).replace(normalize(boilerplate), " ")
    article = extract(page, gold["url"], content_type=gold.get("content_type"))
    ours = set(WORD.findall(normalize(f"{article.title or ''} {article.lead or ''} {article.body} "
                                      + " ".join(c.text for c in article.captions))))
    words = WORD.findall(normalize(theirs))
    kept = sum(1 for w in words if w in ours)
    assert kept >= 0.9 * len(words), (kept, len(words))


@pytest.mark.parametrize(
    "text, is_date",
    [
        ("الجمعة 24 نيسان / أبريل 2020 09:22 مساءً", True),
        ("نشر في: 2020/12/25 - 1:59 ص", True),
        ("آخر تحديث ١٢ مايو ٢٠٢٤", True),
        ("تم نشره في 3 أبريل/نيسان 2021", True),
        ("الأحد 17 رمضان 1441 هـ الموافق 10 مايو 2020", True),
        ("وقال الوزير يوم 12 مايو 2020 إن الخطة ستبدأ", False),  # a sentence that holds a date
        ("كتب محمد علي 12 مايو 2020", False),
    ],
)
def test_date_lines(text, is_date):
    assert is_date_line(text) is is_date


def test_a_date_under_the_headline_is_read_whatever_its_class():
    article = extract(broadcaster_page(), "https://tv.example/news/1")
    assert article.published == "2020-04-24T21:22:00"  # no zone known: the local time, no offset
    assert article.date_zone_source == "unknown" and article.date_source == "text"


def test_an_update_prefix_gives_the_update_date():
    page = broadcaster_page("نشر في 24 نيسان 2020").replace(b"</h1>", "</h1><span>آخر تحديث 26 نيسان 2020</span>".encode())
    article = extract(page, "https://tv.example/news/1")
    assert article.updated.startswith("2020-04-26")


@pytest.mark.parametrize(
    "hints, expected, source",
    [
        (ExtractionHints(timezone="Asia/Beirut"), "2020-04-24T21:22:00+03:00", "catalog"),  # Beirut summer time
        (ExtractionHints(country_timezone="Africa/Cairo"), "2020-04-24T21:22:00+02:00", "country"),
        (ExtractionHints(timezone="Asia/Qatar", country_timezone="Africa/Cairo"), "2020-04-24T21:22:00+03:00", "catalog"),
        (ExtractionHints(), "2020-04-24T21:22:00", "unknown"),
    ],
)
def test_a_local_time_gets_the_sites_zone_and_says_how_it_was_known(hints, expected, source):
    article = extract(broadcaster_page(), "https://tv.example/news/1", hints=hints)
    assert (article.published, article.date_zone_source) == (expected, source)


def test_the_pages_own_offset_beats_the_country_default():
    page = broadcaster_page().replace(b"</head>", b'<meta property="article:modified_time" content="2020-04-25T08:00:00+04:00"></head>')
    article = extract(page, "https://tv.example/news/1", hints=ExtractionHints(country_timezone="Africa/Cairo"))
    assert article.published == "2020-04-24T21:22:00+04:00" and article.date_zone_source == "page"


def test_the_catalog_gives_sites_their_zone():
    catalog = load_catalog()
    assert catalog["annahar"].hints.timezone == "Asia/Beirut"
    assert catalog["aawsat"].hints.timezone is None and catalog["aawsat"].hints.country_timezone == "Europe/London"


def test_an_unknown_zone_in_the_catalog_is_a_one_line_error(tmp_path):
    from crawler.discovery.catalog import CatalogError

    bad = tmp_path / "sites.toml"
    bad.write_text('[sites.x]\ndomains = ["x.example"]\narticle_pattern = "/a/"\nstart_urls = ["https://x.example/"]\n'
                   'timezone = "Mars/Olympus"\n', encoding="utf-8")
    with pytest.raises(CatalogError, match="unknown time zone 'Mars/Olympus'"):
        load_catalog(bad)


def test_the_archive_row_records_body_source_and_zone_source(tmp_path):
    article = extract(broadcaster_page(), "https://tv.example/news/1", hints=ExtractionHints(timezone="Asia/Beirut"),
                      fetched_at=datetime(2024, 1, 1, tzinfo=timezone.utc))
    row = Archive.metadata_columns(article)
    assert row["body_source"] == "extractor" and row["date_zone_source"] == "catalog"
    archive = Archive(tmp_path / "a.db")
    columns = {r[1] for r in sqlite3.connect(tmp_path / "a.db").execute("PRAGMA table_info(articles)")}
    assert {"body_source", "date_zone_source"} <= columns
    archive.close()


def test_a_crawl_of_a_site_built_of_br_runs_archives_its_articles(tmp_path):
    """End to end: `crawl --url` of a 127.0.0.1 site whose article bodies are bare `<br><br>` runs."""
    from crawler.run.runner import LOCAL_SITE_SETTINGS
    from tests.adhoc_site import AdHocSite, serve_adhoc
    from tests.conftest import db_rows, run_cli

    db = tmp_path / "archive.db"
    site = AdHocSite(scheme="news-html", n_articles=4, markup="br")
    settings = [arg for name, value in LOCAL_SITE_SETTINGS.items() for arg in ("-s", f"{name}={value}")]
    with serve_adhoc(site) as server:
        result = run_cli("crawl", "--url", f"{server.base_url}/", "--db", str(db), *settings, "-s", "EXTRACTION_WORKERS=1")
        assert result.returncode == 0, result.stderr[-3000:]
        rows = db_rows(db, "SELECT canonical_url, body, body_source, published, date_zone_source FROM articles")
    assert sorted(url.removeprefix(server.base_url) for url, *_ in rows) == sorted(site.article_paths)
    for _, body, body_source, published, zone_source in rows:
        assert body.count("\n\n") >= 4 and body_source == "extractor"
        assert len(published) == 19 and zone_source == "unknown"  # a day with no zone: no offset invented


def test_the_floor_counts_the_words_our_body_shares_with_it_not_only_its_length():
    from crawler.extraction.body import clearly_shorter
    article = ["أعلنت الوزارة اليوم افتتاح خط جديد للحافلات الكهربائية في العاصمة", "وقال الوزير إن الخط يخدم آلاف الركاب"]
    masthead = ["الإشراف العام فلان الفلاني رئيس التحرير علان العلاني مدير التحرير فلان"]
    assert not clearly_shorter(article, article)
    assert not clearly_shorter(article + masthead, article)  # ours is the longer one: nothing to take from the floor
    assert clearly_shorter(masthead + article[1:], article + ["وأضاف أن المرحلة الثانية تبدأ العام المقبل"])
    assert not clearly_shorter(article, article + ["تصوير"])  # one word short is not clearly less


TITLELESS = """<html lang="ar"><head><meta charset="utf-8"></head><body>{heading}<div>
<p>أعلنت وزارة النقل اليوم افتتاح خط جديد للحافلات الكهربائية يربط وسط المدينة بالمطار الدولي في العاصمة.</p>
<p>وقال الوزير في مؤتمر صحفي إن الخط سيخدم آلاف الركاب يوميا ويخفض الازدحام في الشوارع الرئيسية للمدينة.</p>
<p>وأضاف أن المرحلة الثانية من المشروع ستبدأ العام المقبل وتشمل الأحياء الشرقية والجنوبية للمدينة كلها.</p>
</div></body></html>"""


@pytest.mark.parametrize("heading, title", [
    ("<h1>كورونا</h1>", "كورونا"),  # one word: no <h1> we read as a title, trafilatura's is
    ('<div class="entry-title">افتتاح خط الحافلات الكهربائية</div>', "افتتاح خط الحافلات الكهربائية"),
    ("<h2>الأكثر قراءة</h2>", None),  # a block's heading is no title: still none
    ("<h2>آخر الأخبار</h2>", None),
    ("", None),
])
def test_a_title_floor_where_we_read_none(heading, title):
    article = extract(TITLELESS.format(heading=heading).encode(), "https://news.example/2024/05/01/bus.html",
                      fetched_at=datetime(2024, 6, 1, tzinfo=timezone.utc))
    assert article.title == title
