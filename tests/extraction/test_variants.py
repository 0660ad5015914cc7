"""benchmarks/variants.py: each metamorphic variant changes the markup it names and keeps the visible words."""
from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest

from benchmarks.variants import VARIANTS, make_variant, meaningless

ROOT = Path(__file__).resolve().parents[2]
PAGE = """<!DOCTYPE html><html lang="ar"><head><meta charset="windows-1256">
<meta property="og:title" content="عنوان الخبر"><meta name="author" content="الموقع">
<style>.hide{display:none} #main p{color:red}</style>
<script type="application/ld+json">{"@type": "NewsArticle", "headline": "عنوان الخبر"}</script></head>
<body><div id="main" class="post-body hide-not"><h1 itemprop="headline">عنوان الخبر</h1>
<figure><img src="a.jpg" alt="صورة"><figcaption class="caption">وزير الصحة في المستشفى</figcaption></figure>
<p>الفقرة <a href="/x">الأولى</a> من الخبر.</p><p>الفقرة الثانية.</p>
<div class="hide">مخفي</div><ul><li class="item">بند</li></ul></div></body></html>"""


def words(html: bytes | str) -> list[str]:
    tree = lxml.html.fromstring(html)
    for el in tree.xpath("//script|//style"):
        el.drop_tree()
    return tree.text_content().split()


@pytest.fixture
def page() -> bytes:
    return PAGE.encode("cp1256")


def tree_of(html: bytes):
    return lxml.html.document_fromstring(html)


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_every_variant_keeps_the_visible_words_and_is_utf8(page, name):
    html, content_type = make_variant(name, page, "text/html")
    assert "utf-8" in content_type and html.decode("utf-8")
    assert words(html) == words(PAGE)
    assert b'charset="windows-1256"' not in html and html.count(b"charset=") == 1


def test_renamed_leaves_no_class_or_id_it_had_and_follows_in_the_stylesheet(page):
    tree = tree_of(make_variant("renamed", page)[0])
    classes = {t for v in tree.xpath("//@class|//@id") for t in v.split()}
    assert classes and not classes & {"post-body", "hide-not", "caption", "main", "hide", "item"}
    assert all(re.fullmatch(r"k[0-9a-f]{7}", t) for t in classes)
    style = tree.findtext(".//style")
    assert f".{meaningless('hide')}{{display:none}}" in style and f"#{meaningless('main')} p" in style
    assert tree.xpath("//div[@id=$i]", i=meaningless("main"))  # the same token for the same name


def test_br_runs_have_no_paragraph_and_end_each_run_with_two_breaks(page):
    html = make_variant("br_runs", page)[0]
    tree = tree_of(html)
    assert not tree.xpath("//p") and "الفقرة الأولى من الخبر." in tree.text_content().replace("  ", " ")
    assert re.search(r"من الخبر\.<br><br>\s*الفقرة الثانية\.<br><br>", html.decode())
    assert tree.xpath("//a[@href='/x']")  # inline markup inside the paragraph stays


def test_wrapped_puts_bare_divs_around_blocks_but_not_inside_lines(page):
    tree = tree_of(make_variant("wrapped", page)[0])
    h1 = tree.find(".//h1")
    ancestors = [a for a in h1.iterancestors()][:3]
    assert all(a.tag == "div" and not a.attrib for a in ancestors)
    assert tree.find(".//a").getparent().tag == "p"  # a link is not cut out of its line
    assert tree.find(".//li").getparent().tag == "ul" and tree.find(".//figcaption").getparent().tag == "figure"


def test_unstructured_drops_jsonld_meta_and_microdata_but_the_charset(page):
    tree = tree_of(make_variant("unstructured", page)[0])
    assert not tree.xpath("//script[@type='application/ld+json']")
    assert [m.attrib for m in tree.xpath("//meta")] == [{"charset": "utf-8"}]
    assert not tree.xpath("//@itemprop|//@itemscope|//@itemtype")


def test_variants_of_a_real_saved_page_still_parse():
    html = (ROOT / "tests" / "gold" / "pages" / "levant-cp1256.html").read_bytes()
    for name in VARIANTS:
        out, _ = make_variant(name, html)
        assert "بيروت".encode() in out or "لبنان".encode() in out, name
