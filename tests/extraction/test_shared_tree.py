"""One parsed tree per page: the libraries it is handed to (htmldate, trafilatura) leave it as it was, so
no step copies it first, and the tree is the plain lxml.html element class trafilatura accepts."""
from __future__ import annotations

import lxml.html
from lxml import etree

from crawler.extraction.body import trafilatura_lines
from crawler.extraction.dates import trusted_htmldate
from crawler.extraction.decoding import decode_html, parse_tree
from tests.conftest import REAL_PAGES


def real_trees():
    for path in sorted(REAL_PAGES.glob("*.html")):
        text = decode_html(path.read_bytes(), None)
        yield text, parse_tree(text)


def test_htmldate_leaves_the_tree_unchanged():
    for text, tree in real_trees():
        before = etree.tostring(tree)
        trusted_htmldate(tree, text)
        assert etree.tostring(tree) == before


def test_trafilatura_leaves_the_tree_unchanged_and_finds_the_body():
    for _, tree in real_trees():
        before = etree.tostring(tree)
        lines = trafilatura_lines(tree, "https://example.com/news/1")
        assert etree.tostring(tree) == before
        assert sum(len(line) for line in lines) > 200


def test_every_element_is_an_html_element():
    _, tree = next(real_trees())
    assert all(isinstance(el, lxml.html.HtmlElement) for el in tree.iter(etree.Element))
    assert tree.find(".//body").text_content()  # lxml.html's methods are there
