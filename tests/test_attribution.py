"""Source lines, datelines, trailing agency credits, canonical agencies and bylines."""
import pytest

from crawler.extraction.attribution import canonical_agency, parse_byline, parse_dateline, parse_source_line, parse_trailing_attribution


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
