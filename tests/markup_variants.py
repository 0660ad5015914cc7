"""The same page in other markup: the metamorphic variants of issue #25 (used by tests and benchmarks).

Each variant keeps the words a reader sees and changes only how they are built:
  renamed       every class and id replaced by a meaningless token
  br_runs       every <p> unwrapped into a text run ended by <br><br>
  wrapped       every element of the body wrapped in extra bare <div>s
  unstructured  JSON-LD, <meta> and microdata attributes removed
The page is decoded as the extractor decodes it and written back as UTF-8 with a charset declaration.
"""
from __future__ import annotations

import itertools

import lxml.html
from lxml import etree

from crawler.extraction.decoding import decode_html

UNWRAPPED = ("script", "style", "br", "img", "head", "title", "meta", "link")
MICRODATA = ("itemprop", "itemscope", "itemtype")


def _tree(page: bytes, content_type: str | None = None):
    text = decode_html(page, content_type)
    parser = lxml.html.HTMLParser(huge_tree=True)
    return lxml.html.document_fromstring(text, parser=parser)


def _bytes(tree) -> bytes:
    head = tree.find("head")
    if head is None:
        head = etree.Element("head")
        tree.insert(0, head)
    for meta in head.xpath("meta[@charset or @http-equiv]"):
        meta.drop_tree()
    charset = etree.Element("meta", charset="utf-8")
    head.insert(0, charset)
    return lxml.html.tostring(tree, encoding="utf-8", doctype="<!DOCTYPE html>")


def renamed(page: bytes, content_type: str | None = None) -> bytes:
    tree = _tree(page, content_type)
    tokens = itertools.count()
    for el in tree.iter(etree.Element):
        for attr in ("class", "id"):
            if el.get(attr):
                el.set(attr, f"x{next(tokens):x}")
    return _bytes(tree)


def br_runs(page: bytes, content_type: str | None = None) -> bytes:
    tree = _tree(page, content_type)
    for p in list(tree.iter("p")):
        parent = p.getparent()
        if parent is None:
            continue
        position = parent.index(p)
        first, second = etree.Element("br"), etree.Element("br")
        second.tail, p.tail = p.tail, None
        parent.insert(position + 1, first)
        parent.insert(position + 2, second)
        p.drop_tag()
    return _bytes(tree)


def wrapped(page: bytes, content_type: str | None = None, layers: int = 2) -> bytes:
    tree = _tree(page, content_type)
    body = tree.find("body")
    for el in list(body.iterdescendants(etree.Element)):
        if el.tag in UNWRAPPED:
            continue
        for _ in range(layers):
            parent = el.getparent()
            wrapper = etree.Element("div")
            wrapper.tail, el.tail = el.tail, None
            parent.replace(el, wrapper)
            wrapper.append(el)
    return _bytes(tree)


def unstructured(page: bytes, content_type: str | None = None) -> bytes:
    tree = _tree(page, content_type)
    for el in tree.xpath("//script[@type='application/ld+json']|//meta"):
        el.drop_tree()
    for el in tree.xpath("//*[@itemprop or @itemscope or @itemtype]"):
        for attr in MICRODATA:
            el.attrib.pop(attr, None)
    return _bytes(tree)


VARIANTS = {"renamed": renamed, "br_runs": br_runs, "wrapped": wrapped, "unstructured": unstructured}
