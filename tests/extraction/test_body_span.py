"""The body is one stretch of the page (crawler/extraction/body_span.py, issue #25): a masthead line standing
far above the article is no part of it, whatever the classes; the article's own text is never cut."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from benchmarks.variants import make_variant
from crawler.extraction import extract
from crawler.extraction.body_span import article_stretch, page_text

TESTS = Path(__file__).resolve().parent.parent
FETCHED = datetime(2025, 1, 1, tzinfo=timezone.utc)


def test_a_masthead_line_far_above_the_article_is_dropped_from_lines():
    lines = ["الإشراف العام : فلان | رئيس التحرير : علان", "فقرة أولى من الخبر " * 10, "فقرة ثانية من الخبر " * 10]
    page = "".join(lines[0].split()) + "قائمة" * 200 + "".join(" ".join(lines[1:]).split())
    assert article_stretch(page, lines) == lines[1:]


def test_a_long_block_inside_the_article_keeps_both_halves():
    lines = ["فقرة أولى من الخبر " * 10, "فقرة ثانية من الخبر " * 10, "فقرة أخيرة من الخبر الطويل " * 6]
    squash = ["".join(line.split()) for line in lines]
    page = squash[0] + squash[1] + "معرض صور" * 300 + squash[2]  # a gallery between two paragraphs
    assert article_stretch(page, lines) == lines  # the last stretch holds article-length lines


def test_a_line_repeated_above_the_article_by_a_teaser_stays():
    first = "فقرة أولى من الخبر " * 3
    lines = [first, "فقرة ثانية من الخبر " * 10, "فقرة ثالثة من الخبر " * 10]
    squash = ["".join(line.split()) for line in lines]
    page = squash[0] + "قائمة" * 200 + "".join(squash)  # the ticker at the top shows the first sentence too
    assert article_stretch(page, lines) == lines


@pytest.mark.parametrize("variant", [None, "renamed", "wrapped", "unstructured"])
def test_elbaladtv_keeps_no_masthead_line_whatever_the_markup(variant):
    gold = json.loads((TESTS / "gold" / "elbaladtv-2020.json").read_text(encoding="utf-8"))
    html, content_type = (TESTS / gold["file"]).read_bytes(), gold.get("content_type")
    if variant:
        html, content_type = make_variant(variant, html, content_type)
    body = extract(html, gold["url"], content_type=content_type, fetched_at=FETCHED).body
    assert "رئيس التحرير" not in body and "الإشراف العام" not in body
    assert body.startswith("انتشر خبر خلال الساعات الأخيرة")


def test_page_text_leaves_scripts_out():
    import lxml.html
    tree = lxml.html.document_fromstring("<html><body><p>نص ظاهر</p><script>var x = 1;</script><style>p{}</style></body></html>")
    assert page_text(tree) == "نصظاهر"
