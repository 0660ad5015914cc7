"""Content hash and shingles: spelling variants of one text hash alike, different texts do not."""
from __future__ import annotations

import re

import pytest

from crawler.text.identity import content_hash, shingles

TITLE = "تقدم للنظام بدير الزور وغارات بحماة وإدلب"
BODY = (
    "أعلن النظام السوري أن قواته كثفت عملياتها ضد تنظيم الدولة الإسلامية بمدينة الميادين بريف دير الزور، "
    "وسط عشرات الغارات الجوية، كما استهدفت الغارات ريفي إدلب وحماة، بينما قتل 7 عناصر من هيئة تحرير الشام "
    "في تفجير بإدلب يوم 15 أكتوبر 2017، وسيطرت القوات على قرية الطيبة.\n\n"
    "وقال مراسل الجزيرة إن ريف إدلب الجنوبي شهد غارات جوية روسية وسورية خلال الليلة الماضية."
)

# One variant per normalisation the hash must be blind to.
VARIANTS = {
    "tashkeel": BODY.replace("أعلن النظام", "أعلَنَ النِّظامُ").replace("الغارات", "الغارَاتِ"),
    "tatweel": BODY.replace("الجزيرة", "الجـــزيرة").replace("الجوية", "الجـوية"),
    "bidi and zero-width marks": "\u200f" + BODY.replace("الميادين", "\u200eالميادين\u200c") + "\u2069",
    "alef forms": BODY.replace("إدلب", "ادلب").replace("أعلن", "اعلن").replace("الإسلامية", "الاسلامية"),
    "alef maqsura": BODY.replace("على", "علي"),
    "taa marbuta": BODY.replace("الجوية", "الجويه").replace("الدولة", "الدوله"),
    "eastern digits": BODY.replace("7", "٧").replace("15", "١٥").replace("2017", "٢٠١٧"),
    "persian digits": BODY.replace("2017", "۲۰۱۷"),
    "whitespace and line breaks": re.sub(" ", "  ", BODY).replace("\n\n", "\r\n \r\n"),
    "punctuation": BODY.replace("،", ",").replace(".", " ."),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_spelling_variants_hash_alike(variant: str) -> None:
    assert VARIANTS[variant] != BODY
    assert content_hash(TITLE, VARIANTS[variant]) == content_hash(TITLE, BODY)


def test_hash_is_hex_sha256_and_deterministic() -> None:
    digest = content_hash(TITLE, BODY)
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert digest == content_hash(TITLE, BODY)


def test_a_changed_word_or_number_changes_the_hash() -> None:
    assert content_hash(TITLE, BODY.replace("روسية", "تركية")) != content_hash(TITLE, BODY)
    assert content_hash(TITLE, BODY.replace("2017", "2018")) != content_hash(TITLE, BODY)
    assert content_hash(TITLE, BODY + " وأضاف المراسل.") != content_hash(TITLE, BODY)


def test_re_headlined_copy_hashes_equal() -> None:
    assert content_hash("قوات النظام تتقدم في الميادين", BODY) == content_hash(TITLE, BODY)
    assert content_hash(None, BODY) == content_hash(TITLE, BODY)


def test_title_is_used_only_when_the_body_has_no_words() -> None:
    assert content_hash(TITLE, "") != content_hash("عنوان آخر تماما", "")
    assert content_hash(TITLE, " \n ") == content_hash(TITLE, "")
    assert content_hash(TITLE, "") != content_hash(None, "")


def test_shingles_are_normalised_word_windows() -> None:
    assert shingles("أعلَنَ النِّظامُ السوري أن قواته", size=3) == {
        "اعلن النظام السوري",
        "النظام السوري ان",
        "السوري ان قواته",
    }


def test_short_and_empty_texts() -> None:
    assert shingles("دير الزور", size=5) == {"دير الزور"}
    assert shingles(" ، ") == set()
    with pytest.raises(ValueError):
        shingles(BODY, size=0)


def test_shingles_ignore_spelling_variants() -> None:
    for variant in VARIANTS.values():
        assert shingles(variant) == shingles(BODY)
