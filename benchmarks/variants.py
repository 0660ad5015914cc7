"""Metamorphic variants of a saved page: the same visible words in other markup (issue #25).

Each transform takes page bytes and returns UTF-8 page bytes that a reader would see as the same
article, but built differently, so a rule that only works on the markup it was written against shows:

  renamed        every class and id renamed to a meaningless token (in <style> too, so the page looks the same)
  br_runs        every <p> unwrapped into a text run ended by <br><br>
  wrapped        every block element wrapped in a few extra bare <div>s
  unstructured   JSON-LD, <meta> (but the charset) and microdata attributes removed

`VARIANTS` maps each name to its transform; `make_variant(name, html, content_type)` returns
(bytes, content type) ready for `crawler.extraction.extract`. The page is decoded and parsed with the
extractor's own decoder (a cp1256 or lying-charset page stays readable) and written back as UTF-8.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

import lxml.html
from lxml import etree

from crawler.extraction.decoding import decode_html, parse_tree

UTF8_TYPE = "text/html; charset=utf-8"
WRAP_DEPTH = 3
# Phrasing elements sit inside a line of text: a <div> around one would break the line, which the
# published page does not do. Elements a parent needs as direct children (list items, table parts,
# a figure's figcaption, a picture's sources) stay where they are too.
INLINE = frozenset("a abbr b bdi bdo br cite code data dfn em font i img kbd mark q s samp small span strong sub sup "
                   "time u var wbr label input button select textarea svg picture source audio video track canvas "
                   "iframe embed object map area noscript script style template".split())
NEEDS_ITS_PARENT = frozenset("li dt dd tr td th thead tbody tfoot caption colgroup col option optgroup figcaption "
                             "summary legend param head title meta link base html body".split())
MICRODATA = ("itemprop", "itemscope", "itemtype", "itemid", "itemref")
CHARSET_META = etree.XPath("//meta[@charset or translate(@http-equiv, 'CONTENT-TYPE', 'content-type')='content-type']")


def meaningless(token: str) -> str:
    """A stable token that says nothing about what it names (same input, same token, on every page)."""
    return "k" + hashlib.sha1(token.encode("utf-8")).hexdigest()[:7]


def rename_classes(tree) -> None:
    names: dict[str, str] = {}
    for el in tree.iter(etree.Element):
        for attribute in ("class", "id"):
            value = el.get(attribute)
            if value is None:
                continue
            tokens = value.split()
            for token in tokens:
                names.setdefault(token, meaningless(token))
            el.set(attribute, " ".join(names[t] for t in tokens))
    if not names:
        return
    # Selectors in the page's own stylesheets follow, so what is hidden or shown stays so.
    selector = re.compile(r"([.#])(-?[_a-zA-Z][\w-]*)")
    for style in tree.iter("style"):
        if style.text:
            style.text = selector.sub(lambda m: m.group(1) + names.get(m.group(2), m.group(2)), style.text)


def paragraphs_to_br_runs(tree) -> None:
    for p in list(tree.iter("p")):
        p.append(etree.Element("br"))
        p.append(etree.Element("br"))
        p.drop_tag()


def wrap_in_divs(tree, depth: int = WRAP_DEPTH) -> None:
    body = tree.find("body")
    if body is None:
        return
    for el in list(body.iter(etree.Element)):
        if el is body or el.tag in INLINE or el.tag in NEEDS_ITS_PARENT or not isinstance(el.tag, str):
            continue
        if el.getparent() is None or any(a.tag in INLINE for a in el.iterancestors()):
            continue
        outer = inner = etree.Element("div")
        for _ in range(depth - 1):
            inner = etree.SubElement(inner, "div")
        el.addprevious(outer)
        tail, el.tail = el.tail, None
        inner.append(el)
        outer.tail = tail


def remove_structured_data(tree) -> None:
    keep = set(CHARSET_META(tree))
    for el in list(tree.iter("meta", "script")):
        if el.tag == "meta" and el not in keep:
            el.drop_tree()
        elif el.tag == "script" and "ld+json" in (el.get("type") or "").lower():
            el.drop_tree()
    for el in tree.iter(etree.Element):
        for attribute in MICRODATA:
            el.attrib.pop(attribute, None)


VARIANTS: dict[str, Callable] = {
    "renamed": rename_classes,
    "br_runs": paragraphs_to_br_runs,
    "wrapped": wrap_in_divs,
    "unstructured": remove_structured_data,
}
LABELS = {"published": "as published", "renamed": "classes renamed", "br_runs": "<p> as <br> runs",
          "wrapped": "deep wrappers", "unstructured": "no structured data"}


def as_utf8(tree) -> bytes:
    """Serialise with one `<meta charset=utf-8>` in place of whatever the page declared."""
    for el in CHARSET_META(tree):
        el.drop_tree()
    head = tree.find("head")
    if head is None:
        head = etree.Element("head")
        tree.insert(0, head)
    head.insert(0, etree.Element("meta", charset="utf-8"))
    return lxml.html.tostring(tree, encoding="utf-8", doctype="<!DOCTYPE html>")


def make_variant(name: str, html: bytes, content_type: str | None = None) -> tuple[bytes, str]:
    """(page bytes, content type) of variant `name` of the page `html`."""
    transform = VARIANTS[name]
    tree = parse_tree(decode_html(html, content_type))
    transform(tree)
    return as_utf8(tree), UTF8_TYPE
