"""Source lines, datelines, trailing agency credits, canonical agencies and bylines."""
import pytest

import lxml.html

from crawler.extraction.attribution import (
    canonical_agency,
    parse_byline,
    parse_dateline,
    parse_opening_credit,
    parse_outlet_dateline,
    parse_source_line,
    parse_trailing_attribution,
)
from crawler.extraction.sources import find_source_lines, merge_sources


def names(sources):
    return [s.name for s in sources]


@pytest.mark.parametrize(
    "spelling, canonical",
    [("رويترز", "Reuters"), ("الفرنسية", "AFP"), ("أ ف ب", "AFP"), ("فرانس برس", "AFP"), ("أسوشيتد برس", "AP"),
     ("الأناضول", "Anadolu"), ("وكالة الأناضول", "Anadolu"), ("سانا", "SANA"), ("غيتي", "Getty"), ("وكالات", "agencies"),
     ("الجزيرة", "Al Jazeera"), ("CNN", "CNN"), ("الاناضول", "Anadolu")],
)
def test_canonical_agencies(spelling, canonical):
    assert canonical_agency(spelling) == canonical


def test_unknown_agency_has_no_canonical():
    assert canonical_agency("صحيفة محلية صغيرة") is None


@pytest.mark.parametrize(
    "line, expected",
    [
        ("المصدر : الجزيرة + وكالات", ["الجزيرة", "وكالات"]),
        ("المصدر: رويترز", ["رويترز"]),
        ("المصدر : الجزيرة ووكالات", ["الجزيرة", "وكالات"]),
        ("المصادر: أ ف ب، رويترز", ["أ ف ب", "رويترز"]),
        ("المصدر : وكالة الأناضول", ["وكالة الأناضول"]),
    ],
)
def test_source_lines(line, expected):
    assert names(parse_source_line(line)) == expected


def test_source_line_canonicals():
    assert [s.canonical for s in parse_source_line("المصدر : الجزيرة + وكالات")] == ["Al Jazeera", "agencies"]


def test_sentence_starting_with_source_word_is_not_a_source_line():
    assert parse_source_line("المصدر الرئيسي للقلق هو التضخم: قال الوزير") is None


@pytest.mark.parametrize(
    "paragraph, expected",
    [
        ("دمشق، سوريا (CNN) -- أكدت جهات سورية معارضة", ["CNN"]),
        ("القاهرة - رويترز - قال مسؤول", ["رويترز"]),
        ("بيروت (رويترز) - قال مسؤول", ["رويترز"]),
        ("واشنطن- أ ف ب: أعلن البيت الأبيض", ["أ ف ب"]),
        ("القاهرة - أكد الوزير أن الحكومة", []),
        ("أعلن الوزير اليوم أن الحكومة", []),
    ],
)
def test_datelines(paragraph, expected):
    assert names(parse_dateline(paragraph)) == expected


def test_trailing_attributions():
    assert parse_trailing_attribution("(رويترز)") == ("", parse_trailing_attribution("رويترز")[1])
    text, sources = parse_trailing_attribution("وقال الوزير إن الوضع مستقر. (رويترز)")
    assert text == "وقال الوزير إن الوضع مستقر." and names(sources) == ["رويترز"]
    assert names(parse_trailing_attribution("الفرنسية + رويترز")[1]) == ["الفرنسية", "رويترز"]
    assert parse_trailing_attribution("وقال إنه سيعود (يمين) غدا")[1] == []


@pytest.mark.parametrize(
    "byline, expected",
    [
        ("بقلم: أحمد علي ومحمد حسن", ["أحمد علي", "محمد حسن"]),
        ("كتب وليد محمد", ["وليد محمد"]),  # a name starting with و is not split
        ("إعداد: سارة أحمد، محمد علي", ["سارة أحمد", "محمد علي"]),
        ("متابعة - هبة موسى", ["هبة موسى"]),
        ("تقرير: John Smith, Jane Doe", ["John Smith", "Jane Doe"]),
        ("كتب", []),
    ],
)
def test_bylines(byline, expected):
    assert parse_byline(byline) == expected


@pytest.mark.parametrize(
    "paragraph, expected",
    [
        ("به گزارش خبرگزاری آریا ، حسن قالیباف اصل با اعلام اینکه سازمان بورس", ["خبرگزاری آریا"]),
        ("به گزارش خبرنگار گروه استان‌های باشگاه خبرنگاران جوان از یزد، سرهنگ حسین منصوری", ["باشگاه خبرنگاران جوان"]),
        ("روزنامه جوان نوشت:اصلاح‌طلبان رادیکالی که تا دیروز", ["روزنامه جوان"]),  # an outlet agencies.toml does not know
        ("خبرگزاری آریا - رییس سازمان بورس و اوراق بهادار اعلام کرد", ["خبرگزاری آریا"]),
        ("قناة السويس - أعلنت الهيئة عن زيادة العائدات", []),  # `قناة` leads a place here: only known outlets before a dash
        ("به گزارش رسانه‌ها، قیمت طلا افزایش یافت", []),  # no outlet named
    ],
)
def test_opening_reporting_formulas(paragraph, expected):
    assert names(parse_opening_credit(paragraph)) == expected


@pytest.mark.parametrize(
    "paragraph, site, expected",
    [
        ("دبي - البيان أعلنت هيئة الطرق والمواصلات في دبي أن المترو", [], ["البيان"]),
        ("أبوظبي: «الخليج» عاد أكثر من مليون طالب وطالبة إلى المدارس", [], ["الخليج"]),
        ("سبق- الرياض: أعلنت الهيئة العامة للترفيه افتتاح منطقة جديدة", [], ["سبق"]),
        ("تونس- الصباح نيوز توقع الديوان الوطني للزيت أن تبلغ صابة الزيتون", ["الصباح نيوز"], ["الصباح نيوز"]),  # the site's own name
        ("تونس- الصباح نيوز توقع الديوان الوطني للزيت", [], []),  # unknown outlet, not the site's name
        ("الخليج العربي يشهد موجة حر غير مسبوقة هذا الأسبوع", [], []),  # no place and separator before it
    ],
)
def test_outlet_datelines_without_a_closing_dash(paragraph, site, expected):
    assert names(parse_outlet_dateline(paragraph, site)) == expected


def test_source_line_split_on_a_spaced_dash():
    assert names(parse_source_line("المصدر: سكاي نيوز عربية - وكالات")) == ["سكاي نيوز عربية", "وكالات"]


def test_source_label_without_colon_and_names_in_links():
    # tagDiv Newspaper's source box: the label and the outlet in separate list items, the colon drawn by CSS.
    html = (
        "<html><body><div class='td-post-content'><p>نص الخبر</p></div><div class='td-post-source-tags'>"
        "<ul class='td-source'><li><span>المصدر</span></li><li><a href='https://saba.ye/'>وكالة سبأ</a></li></ul>"
        "<ul class='td-tags'><li><span>الوسوم</span></li><li><a href='/tag/yemen'>اليمن</a></li></ul></div></body></html>"
    )
    sources, elements = find_source_lines(lxml.html.fromstring(html))
    assert names(sources) == ["وكالة سبأ"] and elements[0].get("class") == "td-source"


def test_merge_sources_keeps_one_entry_per_outlet():
    merged = merge_sources(parse_source_line("المصدر: الجزيرة"), parse_source_line("المصدر: الجزيرة نت + رويترز"))
    assert names(merged) == ["الجزيرة", "رويترز"]


@pytest.mark.parametrize(
    "opening, sources",
    [
        ("أبوظبي - أعلنت وزارة الطاقة اليوم خطة جديدة", []),  # a dateline city alone: where, not who
        ("أبوظبي (دبي) - أعلنت وزارة الطاقة اليوم خطة جديدة", []),  # a city in the parentheses too
        ("القاهرة (الجيزة): أعلنت وزارة الطاقة اليوم خطة جديدة", []),
        ("القاهرة - (أ ف ب) - أعلنت وزارة الطاقة اليوم خطة جديدة", ["AFP"]),  # an agency in a dateline is one
        ("دبي (الرياض، وام) - أعلنت وزارة الطاقة اليوم خطة جديدة", ["WAM"]),  # the city beside it is not
    ],
)
def test_a_dateline_city_is_no_source_an_agency_in_it_is(opening, sources):
    from datetime import datetime, timezone

    from crawler.extraction import extract
    from crawler.extraction.attribution import parse_dateline

    assert [s.canonical for s in parse_dateline(opening)] == sources
    paragraphs = "".join(f"<p>{t}</p>" for t in [opening + " لتطوير الشبكة الوطنية في السنوات المقبلة."] + [
        "وقال المسؤولون إن المشروع يشمل محطات جديدة لتوليد الكهرباء من الطاقة الشمسية في عدة مناطق."] * 4)
    html = f"<html lang='ar'><head><title>خطة الطاقة</title></head><body><article><h1>خطة الطاقة الجديدة</h1>{paragraphs}</article></body></html>"
    article = extract(html.encode(), "https://news.example/2024/05/01/energy.html", fetched_at=datetime(2024, 6, 1, tzinfo=timezone.utc))
    assert [s.canonical for s in article.sources] == sources
