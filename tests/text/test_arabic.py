"""crawler/text/arabic.py: hygiene of stored text and the normalised keys."""
from crawler.text.arabic import clean_text, normalize, strip_invisible, to_western_digits, tokens


def test_strip_invisible_removes_bidi_and_zero_width():
    assert strip_invisible("\u200fالجزيرة\u200e\u202b نت\u202c\ufeff\u061c") == "الجزيرة نت"


def test_to_western_digits_eastern_and_persian():
    assert to_western_digits("٢٠٢٤ و ۱۴۰۳") == "2024 و 1403"


def test_clean_text_keeps_paragraphs_and_tashkeel():
    text = "  مُحَمَّد\u00a0 قال\r\n  شيئا\u200f \n\n\n\nفقرة   ثانية  "
    assert clean_text(text) == "مُحَمَّد قال شيئا\n\nفقرة ثانية"


def test_clean_text_empty():
    assert clean_text(" \n\n \u200b ") == ""


def test_normalize_folds_spelling_variants():
    assert normalize("إسرائيل") == normalize("اسرائيل")
    assert normalize("الجـــزيرة") == "الجزيره"
    assert normalize("مُحَمَّد") == "محمد"
    assert normalize("مستشفى") == "مستشفي"
    assert normalize("٢٠٢٤") == "2024"
    assert normalize("ﻻ") == "لا"  # presentation form, via NFKC
    assert normalize("  CNN  Arabic ") == "cnn arabic"


def test_tokens():
    assert tokens("قالَ الرئيسُ: ٣ قرارات!") == ["قال", "الرئيس", "3", "قرارات"]


def test_count_arabic_letters_counts_what_the_letter_class_finds():
    import re

    from crawler.text.arabic import ARABIC_LETTER, count_arabic_letters, letter_counter

    text = "أعلنت الوزارة ٢٠٢٤ مُحَمَّد Reuters پچ ـ 12 كي"
    assert count_arabic_letters(text) == len(ARABIC_LETTER.findall(text)) > 10
    assert letter_counter("ab")("abcab") == len(re.findall("[ab]", "abcab")) == 4
