"""The Arabic article extractor on real dev pages, crafted gold pages and bad input."""
import json
import re
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from crawler.arabic import normalize
from crawler.extraction import EXTRACTOR_ID, ExtractionHints, NotAnArticle, extract
from crawler.extraction.captions import split_credit

ROOT = Path(__file__).resolve().parents[1]
TESTS_DIR = Path(__file__).resolve().parent
GOLD_DIR = TESTS_DIR / "gold"
FETCHED = datetime(2024, 6, 1, tzinfo=timezone.utc)


def gold_cases():
    cases = []
    for path in sorted(GOLD_DIR.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        page = TESTS_DIR / gold["file"]  # relative to tests/: fixtures/pages/… (real) or gold/pages/… (composed)
        cases.append(pytest.param(gold, page, id=path.stem))
    return cases


_cache: dict = {}


def extracted(gold, page):
    if not page.exists():
        pytest.fail(f"gold page {page.relative_to(TESTS_DIR)} is missing from the repository")
    if page not in _cache:
        _cache[page] = extract(page.read_bytes(), gold["url"], content_type=gold.get("content_type"), fetched_at=FETCHED)
    return _cache[page]


def contains(haystack: str, needle: str) -> bool:
    return normalize(needle) in normalize(haystack)


@pytest.mark.parametrize("gold, page", gold_cases())
def test_title(gold, page):
    assert extracted(gold, page).title == gold["title"]


@pytest.mark.parametrize("gold, page", gold_cases())
def test_body_includes_start_middle_end(gold, page):
    body = extracted(gold, page).body
    missing = [s for s in gold["must_include"] if not contains(body, s)]
    assert not missing


@pytest.mark.parametrize("gold, page", gold_cases())
def test_body_excludes_boilerplate(gold, page):
    body = extracted(gold, page).body
    leaked = [s for s in gold["must_exclude"] if contains(body, s)]
    assert not leaked


@pytest.mark.parametrize("gold, page", gold_cases())
def test_body_paragraphs_separated_by_blank_lines(gold, page):
    body = extracted(gold, page).body
    assert "\n\n" in body and "\n\n\n" not in body and "\u200f" not in body


@pytest.mark.parametrize("gold, page", gold_cases())
def test_published_date(gold, page):
    article = extracted(gold, page)
    assert article.published[:10] == gold["published"]
    assert re.search(r"[+-]\d\d:\d\d$", article.published)  # always with a timezone
    assert article.date_source in ("json-ld", "meta", "time-tag", "url", "text", "htmldate")
    assert article.date_precision == "day"


@pytest.mark.parametrize("gold, page", gold_cases())
def test_captions(gold, page):
    # A gold caption is its text, or {"text": ..., "credit": ...} when the credit is checked too.
    found = extracted(gold, page).captions
    for want in gold["captions"]:
        want = want if isinstance(want, dict) else {"text": want}
        matches = [c for c in found if contains(c.text, want["text"])]
        assert matches, f"caption not found: {want['text']}"
        if "credit" in want:
            assert any(c.credit == want["credit"] for c in matches), (want, [c.credit for c in matches])


@pytest.mark.parametrize("gold, page", gold_cases())
def test_sources(gold, page):
    assert [s.name for s in extracted(gold, page).sources] == gold["sources"]


@pytest.mark.parametrize("gold, page", gold_cases())
def test_authors_language_and_provenance(gold, page):
    article = extracted(gold, page)
    if "authors" in gold:
        assert article.authors == gold["authors"]
    assert article.language == gold.get("language", "ar")
    assert article.extractor == EXTRACTOR_ID


def crafted(name):
    gold = json.loads((GOLD_DIR / f"{name}.json").read_text(encoding="utf-8"))
    return extracted(gold, TESTS_DIR / gold["file"])


def test_caption_credit_alt_and_image():
    caption = crafted("aljazeera-style-2017").captions[0]
    assert caption.credit == "غيتي"
    assert caption.alt.startswith("Syrians displaced") and "AFP PHOTO" in caption.alt
    assert caption.image_url == "https://www.aljazeera.net/wp-content/uploads/2017/10/deir-ezzor.jpg"


def test_source_line_outside_body_container_and_canonicals():
    article = crafted("aljazeera-style-2017")
    assert [(s.name, s.canonical) for s in article.sources] == [("الجزيرة", "Al Jazeera"), ("وكالات", "agencies")]
    assert article.authors == []  # the publisher organisation is no author


def test_dateline_and_trailing_agency_are_sources_not_text():
    article = crafted("levant-cp1256")
    assert [s.canonical for s in article.sources] == ["Reuters"]
    assert not article.body.endswith("(رويترز)")


def test_canonical_url_same_site_only():
    article = crafted("aljazeera-style-2017")
    assert article.canonical_url.startswith("https://www.aljazeera.net/news/2017/10/3/")
    html = (GOLD_DIR / "pages" / "aljazeera-style-2017.html").read_bytes()
    assert extract(html, "https://mirror.example.org/copy").canonical_url is None


def test_lead_and_section_from_metadata():
    article = crafted("aljazeera-style-2017")
    assert article.lead.startswith("أعلن النظام السوري")
    assert article.section == "أخبار"
    assert article.updated.startswith("2017-10-03T16:05")


@pytest.mark.parametrize(
    "caption, text, credit",
    [
        ("حركة نزوح واسعة من دير الزور (غيتي)", "حركة نزوح واسعة من دير الزور", "غيتي"),
        ("متظاهرون في وسط بغداد (رويترز)", "متظاهرون في وسط بغداد", "رويترز"),
        ("معمل لتوليد الكهرباء - أ ف ب", "معمل لتوليد الكهرباء", "أ ف ب"),
        ("Syrians displaced from Deir Ezzor / AFP PHOTO / BULENT KILIC", "Syrians displaced from Deir Ezzor", "AFP PHOTO / BULENT KILIC"),
        ("زوار في معرض الكتاب (الجزيرة)", "زوار في معرض الكتاب", "الجزيرة"),
        ("أراض متضررة من الجفاف. تصوير: محمد العلوي", "أراض متضررة من الجفاف", "محمد العلوي"),
        ("الرئيس يصافح ضيفه (يمين)", "الرئيس يصافح ضيفه (يمين)", None),
        ("صورة بلا مصدر - في المساء", "صورة بلا مصدر - في المساء", None),
    ],
)
def test_caption_credit_forms(caption, text, credit):
    assert split_credit(caption) == (text, credit)


ARTICLE = (
    "<html lang='ar'><head><title>عنوان الخبر التجريبي | موقع الاختبار</title></head><body>"
    "<div class='junk'><p>نص دعائي لا علاقة له بالخبر ويجب حذفه من النص قبل الاستخراج بالكامل هنا.</p></div>"
    "<div class='story'><h1>عنوان الخبر التجريبي</h1><span class='writer'>بقلم: منى سالم</span>"
    "<p>قال مسؤولون إن الحكومة ستعلن خلال الأسبوع المقبل عن خطة جديدة لدعم المزارعين في المناطق الريفية المتضررة.</p>"
    "<p>وأضاف المسؤولون أن الخطة تشمل قروضا ميسرة وتوزيع بذور محسنة على آلاف الأسر في المحافظات الجنوبية.</p>"
    "<p class='pic-note'>صورة من الأرشيف للحقول</p><em class='post-date'>الثلاثاء 3/10/2017 م</em></div>"
    "</body></html>"
)


def test_hints_are_applied():
    hints = ExtractionHints(
        body_xpath="//div[@class='story']",
        remove_xpaths=["//div[@class='junk']"],
        caption_xpath="//p[@class='pic-note']",
        author_xpath="//span[@class='writer']",
        date_xpath="//em[@class='post-date']",
        title_suffixes=[" | موقع الاختبار"],
    )
    article = extract(ARTICLE.encode(), "https://test.example/news/1", hints=hints)
    assert article.title == "عنوان الخبر التجريبي"
    assert article.authors == ["منى سالم"]
    assert article.published.startswith("2017-10-03") and article.date_source == "text"
    assert [c.text for c in article.captions] == ["صورة من الأرشيف للحقول"]
    assert "نص دعائي" not in article.body and "صورة من الأرشيف" not in article.body
    assert article.body.startswith("قال مسؤولون")


def test_relative_date_against_fetch_time():
    html = ARTICLE.replace("الثلاثاء 3/10/2017 م", "منذ ساعتين").encode()
    article = extract(html, "https://test.example/news/1", fetched_at=datetime(2024, 3, 15, 12, tzinfo=timezone.utc))
    assert article.published == "2024-03-15T10:00:00+00:00" and article.date_source == "text"


def test_no_date_is_left_empty():
    html = ARTICLE.replace("الثلاثاء 3/10/2017 م", "").encode()
    article = extract(html, "https://test.example/news/1")
    assert article.published is None and article.date_precision is None


def test_deep_nesting_extracts():
    html = ("<html><body>" + "<div>" * 400 + "<h1>خبر في عمق الصفحة</h1>" + "<p>" + "نص عربي طويل عن الحدث " * 30 + "</p>" + "</div>" * 400 + "</body></html>")
    article = extract(html.encode(), "https://test.example/deep")
    assert "نص عربي طويل" in article.body and article.title == "خبر في عمق الصفحة"


@pytest.mark.parametrize(
    "data, content_type, reason",
    [
        (b"", None, "empty"),
        (b"   \n", "text/html", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20, "text/html", "binary"),
        (bytes(range(256)) * 40, None, "binary"),
        (b"just some plain text, no markup at all", "text/plain", "not HTML"),
        (b"<html><body><p>short</p></body></html>", "text/html", "no article body"),
    ],
)
def test_bad_input_raises_not_an_article(data, content_type, reason):
    with pytest.raises(NotAnArticle, match=reason):
        extract(data, "https://test.example/x", content_type=content_type)


def test_listing_page_is_not_an_article():
    items = "".join(
        f"<article><h3><a href='/news/{i}'>عنوان خبر رقم {i} عن الأحداث الجارية في المنطقة</a></h3>"
        f"<p>ملخص قصير للخبر {i}</p></article>" for i in range(20)
    )
    html = f"<html lang='ar'><head><title>الرئيسية</title></head><body><nav><a href='/'>الرئيسية</a></nav>{items}</body></html>"
    with pytest.raises(NotAnArticle):
        extract(html.encode(), "https://test.example/")


def test_no_dateparser_when_structured_dates_exist():
    """The hot path: a page with JSON-LD dates never imports dateparser."""
    code = (
        "import sys; from pathlib import Path; from crawler.extraction import extract\n"
        "html = Path('tests/gold/pages/aljazeera-style-2017.html').read_bytes()\n"
        "a = extract(html, 'https://www.aljazeera.net/news/2017/10/3/x')\n"
        "assert a.date_source == 'json-ld', a.date_source\n"
        "print('dateparser' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_extractor_id_names_versions_and_settings_hash():
    assert re.fullmatch(r"arabic-news/\S+ trafilatura/\S+ settings=[0-9a-f]{8}", EXTRACTOR_ID)


def test_sample_site_articles_and_listings():
    """The bundled sample site over 127.0.0.1: article fields match its truth, listings are refused."""
    sample_site = pytest.importorskip("crawler.sample_site")
    import urllib.request

    site = sample_site.SampleSite(seed=7)
    with sample_site.serve(site) as server:
        def fetch(path):
            # The site injects faults (5xx, ...) that the crawler retries: retry a little too.
            for _ in range(3):
                try:
                    with urllib.request.urlopen(server.base_url + path, timeout=10) as response:
                        return response.read(), response.headers.get("Content-Type")
                except OSError:
                    continue
            return None, None

        checked = 0
        for article in site.articles[:: max(1, len(site.articles) // 8)]:
            html, content_type = fetch(article.path)
            if html is None:
                continue
            got = extract(html, server.base_url + article.path, content_type=content_type, fetched_at=FETCHED)
            assert got.title == article.title
            assert contains(got.body, article.paragraphs[-1][-60:]) and not contains(got.body, article.caption_text)
            assert any(contains(c.text, article.caption_text) for c in got.captions)
            assert got.published[:10] == article.published.isoformat()[:10]
            checked += 1
        assert checked >= 3
        for path in ("/", "/section/politics"):
            html, content_type = fetch(path)
            with pytest.raises(NotAnArticle, match="listing"):
                extract(html, server.base_url + path, content_type=content_type)
