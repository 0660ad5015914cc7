"""`TextLengths`: the lengths of `text_of` for nested blocks, each text node read once, equal to reading them one by one."""
from __future__ import annotations

import pytest

from crawler.extraction.decoding import decode_html, parse_tree
from crawler.extraction.page import TextLengths, text_of
from tests.conftest import REAL_PAGES

# Whitespace runs of every kind clean_text treats apart: one newline or two (a paragraph break), \r\n,
# no-break spaces, invisible controls between spaces, a script's text (not read), empty and blank elements.
TRICKY = (
    "<html><body><div>\r\n a\u200b<b>\n</b>\u200b\n<i>x\n\n y</i>\xa0\n<script>var z = 1;</script>\n"
    "<span>\u200b</span>q<p>\n\n</p>r \n \n s\u00ad<em> </em>t<style>.x{}</style></div>"
    "<p>u<br>v\r\r\nw</p><ul><li>\n\n</li><li> one </li>\n\n<li>two\n</li></ul><div></div></body></html>"
)


def pages() -> list[str]:
    return [TRICKY] + [decode_html(path.read_bytes(), None) for path in sorted(REAL_PAGES.glob("*.html"))]


@pytest.mark.parametrize("order", ["outer first", "inner first"])
def test_lengths_are_those_of_text_of(order):
    checked = 0
    for text in pages():
        tree = parse_tree(text)
        elements = list(tree.iter())
        lengths = TextLengths()
        for el in elements if order == "outer first" else reversed(elements):
            assert lengths.length(el) == len(text_of(el)), (el.tag, text_of(el)[:80])
            checked += 1
    assert checked > 5000  # the real pages were read


def test_a_paragraph_break_counts_two_characters_and_a_script_none():
    tree = parse_tree("<html><body><div id='d'>a\n\n<b>b</b> <script>xxxxxxxx</script>c</div></body></html>")
    div = tree.get_element_by_id("d")
    assert text_of(div) == "a\n\nb c"
    assert TextLengths().length(div) == 6
