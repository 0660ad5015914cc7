"""The page's sources: source lines found anywhere on the page, and merging sources from every place they were found.

Parsing one line (`المصدر : الجزيرة + وكالات`, a dateline, a trailing credit) is `crawler.extraction.attribution`.
"""
from __future__ import annotations

from lxml import etree

from crawler.extraction.article import Source
from crawler.extraction.attribution import (
    normalized,
    parse_dateline,
    parse_opening_credit,
    parse_outlet_dateline,
    parse_source_line,
    rules,
    starts_with_phrase,
)
from crawler.extraction.page import text_of

MAX_SOURCE_LINE = 120
OPENING_PARAGRAPHS = 3
MIN_OPENING_PARAGRAPH = 80  # shorter lines before it are kickers, labels, timestamps

# parent::, not ancestor::: script and style hold no elements in an lxml.html tree (see page.VISIBLE_TEXT).
BODY_TEXT_NODES = etree.XPath("//body//text()[not(parent::script or parent::style)]")


def find_source_lines(tree) -> tuple[list[Source], list]:
    """`المصدر : الجزيرة + وكالات` anywhere on the page (often outside the body container), also spread
    over elements (`<span>المصدر</span> <a>وكالة سبأ</a>`): the smallest element around it that parses."""
    prefixes = rules()["source_prefixes"]
    for node in BODY_TEXT_NODES(tree):
        stripped = node.strip()
        if not stripped or len(stripped) > MAX_SOURCE_LINE:
            continue
        norm = normalized(stripped)
        prefix = starts_with_phrase(norm, prefixes)
        if not prefix:
            continue
        label = norm.rstrip(" :：") == prefix  # the prefix alone, its colon left to CSS
        el = node.getparent()
        while el is not None and len(text := text_of(el)) <= MAX_SOURCE_LINE:
            sources = parse_source_line(with_colon(text, prefix) if label else text)
            if sources:
                return sources, [el]
            el = el.getparent()
    return [], []


def with_colon(text: str, prefix: str) -> str:
    """`المصدر وكالة سبأ` → `المصدر: وكالة سبأ` (a label's colon is often drawn by the stylesheet)."""
    words = text.split()
    count = len(prefix.split())
    return text if ":" in text else " ".join(words[:count]) + ": " + " ".join(words[count:])


def opening_sources(paragraphs: list[str], lead: str | None, site_names: list[str] = ()) -> list[Source]:
    """Datelines and reporting formulas at the head of the text (and of the lead): the first paragraph,
    and the first real one when kickers or labels stand before it."""
    first_real = next((p for p in paragraphs if len(p) >= MIN_OPENING_PARAGRAPH), None)
    heads = list(dict.fromkeys(p for p in (paragraphs[:1] + [first_real]) if p))
    found = [s for p in heads for s in parse_dateline(p) or parse_outlet_dateline(p, site_names)]
    for text in [lead, *paragraphs[:OPENING_PARAGRAPHS]]:
        found += parse_opening_credit(text) if text else []
    return merge_sources(found)


def merge_sources(*groups: list[Source]) -> list[Source]:
    """Sources in the order of the groups, each outlet once (`الجزيرة` and `الجزيرة نت` are one)."""
    merged: list[Source] = []
    for group in groups:
        for source in group:
            if all(not same_source(source, s) for s in merged):
                merged.append(source)
    return merged


def same_source(a: Source, b: Source) -> bool:
    return normalized(a.name) == normalized(b.name) or (a.canonical is not None and a.canonical == b.canonical)
