"""Authors are people named on the page: bylines read, and everything that only looks like an author left out.

Real pages from tests/fixtures/pages, and byline markup as the CMS families of data/families.toml print it.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from crawler.extraction import ExtractionHints, extract
from crawler.extraction.bylines import pick_byline, read_byline
from crawler.extraction.decoding import parse_tree
from crawler.extraction.page import read_jsonld, read_metas, site_names

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
FETCHED = datetime(2024, 6, 1, tzinfo=timezone.utc)
PERSIAN_PAGES = {
    "khabaronline-fa-2020": ("https://www.khabaronline.ir/news/1353889/", "2020-02-18"),
    "yjc-fa-2020": ("https://www.yjc.ir/fa/news/7349926/", "2020-05-10"),
    # The page prints `2 تير 1399 - 12:09:08 ب.ظ` (and its ID 120200622120908039 encodes the same):
    # 2 Tir 1399 is Monday 22 June 2020, the day its header names too.
    "aryanews-fa-2020": ("http://www.aryanews.com/News/120200622120908039/", "2020-06-22"),
}


@pytest.mark.parametrize(
    "byline, people, outlets",
    [
        ("كتب حسام أبو العلا - القاهرة", ["حسام أبو العلا"], []),  # the city glued to the name is the dateline
        ("دبي - حسام عبد النبي", ["حسام عبد النبي"], []),  # Gulf papers put the city first
        ("محمد علي - الإسماعيلية", ["محمد علي"], []),  # a city not in the list: the longer part is the name
        ("أبوظبي - البيان", [], ["البيان"]),  # city - outlet: the outlet is a source
        ("الرياض - واس", [], ["واس"]),
        ("عبدالله الغامدي (جدة)", ["عبدالله الغامدي"], []),
        ("تقرير: سارة أحمد (رويترز)", ["سارة أحمد"], ["رويترز"]),
        ("حوار - هبة موسى", ["هبة موسى"], []),
        ("ترجمة: أحمد علي ومحمد حسن", ["أحمد علي", "محمد حسن"], []),
        ("logo.png", [], []),
        ("https://www.youm7.com/", [], []),
        ("Arya Group", [], []),  # an organisation
        ("فريق التحرير", [], []),
        ("اليوم السابع", [], ["اليوم السابع"]),  # the site's own name: an outlet, never an author
        ("Youm7", [], ["Youm7"]),
    ],
)
def test_read_byline(byline, people, outlets):
    assert read_byline(byline, ["اليوم السابع", "youm7"], "wwwyoum7com") == (people, outlets)


def test_the_sites_domain_is_no_author():
    # akhbarelyom-2020.html has <meta name="author" content="akhbarelyom">
    assert read_byline("akhbarelyom", ["بوابة أخبار اليوم"], "akhbarelyomcom") == ([], [])
    assert read_byline("Akhbar Elyom", [], "akhbarelyomcom") == ([], [])


def byline_of(html: str, url: str = "https://www.youm7.com/story/2020/5/10/x/4768312"):
    tree = parse_tree(html)
    metas, jsonld = read_metas(tree), read_jsonld(tree)
    return pick_byline(tree, metas, jsonld, ExtractionHints(), url, site_names(metas, url, ExtractionHints(), tree))


YOUM7_HEAD = (
    "<html lang='ar'><head><meta property='og:site_name' content='اليوم السابع'>"
    "<meta name='author' content='{meta}'>"
    "<script type='application/ld+json'>{{\"@context\":\"https://schema.org\",\"@type\":\"NewsArticle\","
    "\"headline\":\"وزير الصحة يتفقد مستشفى العزل\",\"author\":{ld}}}</script></head>"
)


def youm7_page(meta: str, ld: str, byline: str) -> str:
    return (
        YOUM7_HEAD.format(meta=meta, ld=ld)
        + "<body><div class='header'><a href='/'><img src='/images/logo.png' alt='logo.png'></a></div>"
        + "<div class='articleCont'><h1>وزير الصحة يتفقد مستشفى العزل</h1>"
        + f"<div class='articleHeader'><span class='writeBy'>{byline}</span>"
        + "<span class='newsStoryDate'>الأحد، 10 مايو 2020 06:00 م</span></div>"
        + "<div id='articleBody'><p>تفقد وزير الصحة اليوم مستشفى العزل في محافظة الجيزة.</p></div></div>"
        + "<div class='moreNews'><div class='related'><span class='writeBy'>كتب محمود سعد</span></div></div></body></html>"
    )


def test_visible_byline_wins_over_meta_and_json_ld():
    byline = byline_of(youm7_page("اليوم السابع", '{"@type":"Person","name":"أحمد عبد الفتاح"}', "كتب حسام أبو العلا - القاهرة"))
    assert byline.authors == ["حسام أبو العلا"] and byline.visible


def test_json_ld_person_when_no_visible_byline_names_one():
    byline = byline_of(youm7_page("اليوم السابع", '{"@type":"Person","name":"أحمد عبد الفتاح"}', ""))
    assert byline.authors == ["أحمد عبد الفتاح"] and not byline.visible


def test_site_name_in_meta_and_json_ld_is_no_author():
    byline = byline_of(youm7_page("اليوم السابع", '{"@type":"Person","name":"اليوم السابع"}', ""))
    assert byline.authors == []  # and the related card's `كتب محمود سعد` is another story's


def test_organisation_author_is_a_source_when_it_is_an_outlet():
    byline = byline_of(youm7_page("", '{"@type":"Organization","name":"وكالة أنباء الشرق الأوسط"}', ""))
    assert byline.authors == [] and [s.canonical for s in byline.sources] == ["MENA"]
    unknown = byline_of(youm7_page("", '{"@type":"Organization","name":"شركة النشر المتحدة"}', ""))
    assert unknown.authors == [] and unknown.sources == []  # an organisation that is no outlet goes nowhere


def test_city_outlet_byline_gives_a_source_and_no_author():
    html = (
        "<html lang='ar'><head><meta property='og:site_name' content='البيان'></head><body>"
        "<h1>افتتاح معرض الكتاب</h1><div class='article-info'><span class='byline'>أبوظبي - البيان</span></div>"
        "<div class='article-body'><p>افتتح اليوم معرض أبوظبي الدولي للكتاب بمشاركة واسعة.</p></div></body></html>"
    )
    byline = byline_of(html, "https://www.albayan.ae/uae/news/2020-05-10-1.3850000")
    assert byline.authors == [] and [(s.name, s.canonical) for s in byline.sources] == [("البيان", "Al Bayan")]


def fixture(name: str):
    url, _ = PERSIAN_PAGES[name]
    return extract((PAGES / f"{name}.html").read_bytes(), url, fetched_at=FETCHED)


@pytest.mark.parametrize("name", sorted(PERSIAN_PAGES))
def test_persian_pages_are_fa_and_dated_right(name):
    article = fixture(name)
    assert article.language == "fa"
    assert article.published[:10] == PERSIAN_PAGES[name][1]


def test_aryanews_author_meta_names_an_organisation_not_a_person():
    html = (PAGES / "aryanews-fa-2020.html").read_bytes()
    assert b'<meta name="author" content="Arya Group"' in html
    assert fixture("aryanews-fa-2020").authors == []


def test_yjc_solar_hijri_meta_alone_dates_the_page():
    """Without its JSON-LD, the page's only date is `article:published_time` = `۱۳۹۹/۰۲/۲۱ - ۱۸:۵۹`."""
    html = (PAGES / "yjc-fa-2020.html").read_text(encoding="utf-8")
    html = re.sub(r"<script[^>]*application/ld\+json.*?</script>", "", html, flags=re.S)
    article = extract(html.encode("utf-8"), PERSIAN_PAGES["yjc-fa-2020"][0], fetched_at=FETCHED)
    assert article.date_source == "meta" and article.published.startswith("2020-05-10T18:59")
    assert article.date_precision == "minute"


def test_persian_text_is_fa_even_when_declared_ar():
    html = (PAGES / "khabaronline-fa-2020.html").read_text(encoding="utf-8").replace('lang="fa"', 'lang="ar"', 1)
    assert extract(html.encode("utf-8"), PERSIAN_PAGES["khabaronline-fa-2020"][0]).language == "fa"


# Trap pages (composed): everything here only looks like an author; the page has none.
TRAP_BODY = "".join(
    f"<p>قال مسؤولون في الحكومة إن المشروع الجديد سيبدأ العام المقبل في عدة مناطق من البلاد، وسيشمل الفقرة رقم {n} "
    "خططا لتحسين الخدمات العامة والطرق والمدارس والمستشفيات بحسب البيان الرسمي الصادر اليوم.</p>"
    for n in range(6)
)


def trap_page(head: str = "", byline: str = "", site: str = "صدى البلد") -> bytes:
    return (
        f'<html lang="ar"><head><title>افتتاح مشروع جديد - {site}</title>'
        f'<meta property="og:site_name" content="{site}">{head}</head><body>'
        f"<header><a href='/'>{site}</a></header><article><h1>افتتاح مشروع جديد للطرق في المدينة</h1>"
        f"{byline}<div class='content'>{TRAP_BODY}</div></article></body></html>"
    ).encode()


@pytest.mark.parametrize(
    "html",
    [
        # the site's own name in the byline element
        trap_page(byline="<div class='author'>كتب: صدى البلد</div>"),
        # the owner named by a meta author that is the JSON-LD publisher and the meta publisher
        trap_page(head='<meta name="author" content="دار الأمل للنشر"><meta name="publisher" content="دار الأمل للنشر">'
                  '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "x",'
                  ' "author": {"@type": "Person", "name": "دار الأمل للنشر"},'
                  ' "publisher": {"@type": "Organization", "name": "دار الأمل للنشر"}}</script>'),
        # a JSON-LD Organization object naming the owner, its name in meta author
        trap_page(head='<meta name="author" content="مجلس الأمل الإعلامي">'
                  '<script type="application/ld+json">{"@type": "Organization", "name": "مجلس الأمل الإعلامي"}</script>'),
        # a one-letter token
        trap_page(byline="<span class='author'>بقلم: م</span>"),
        trap_page(byline="<span class='byline'>ع . ح</span>"),
        # the page's section printed where the byline stands (meta section)
        trap_page(head='<meta property="article:section" content="أخبار المحافظات">',
                  byline="<div class='author'>أخبار المحافظات</div>"),
        # a section label read as a byline: a link to the section page, no metadata saying so
        trap_page(byline="<div class='author'><a href='/section/governorates'>أخبار المحافظات</a></div>"),
        trap_page(byline="<p><a href='/tag/roads'>مشروعات الطرق</a></p>"),
        # a tag of the page in the header
        trap_page(head='<meta property="article:tag" content="مشروعات الطرق، المدن الجديدة">',
                  byline="<span class='writer'>مشروعات الطرق</span>"),
    ],
)
def test_trap_pages_give_no_author(html):
    article = extract(html, "https://www.elbalad.news/5000/", fetched_at=FETCHED)
    assert article.authors == []


def test_a_person_beside_the_owner_and_labels_is_still_read():
    html = trap_page(
        head='<meta name="publisher" content="دار الأمل للنشر"><meta property="article:section" content="أخبار المحافظات">',
        byline="<a href='/section/gov'>أخبار المحافظات</a><div class='author'>كتب: هبة موسى</div>",
    )
    assert extract(html, "https://www.elbalad.news/5000/", fetched_at=FETCHED).authors == ["هبة موسى"]
