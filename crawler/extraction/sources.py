"""The page's sources: source lines found anywhere on the page, and merging sources from every place they were found.

Parsing one line (`المصدر : الجزيرة + وكالات`, a dateline, a trailing credit) is `crawler.extraction.attribution`.
"""
from __future__ import annotations

from lxml import etree

from crawler.extraction.article import Source
from crawler.extraction.attribution import (
    normalized,
    parse_source_line,
    rules,
    starts_with_phrase,
)
from crawler.extraction.page import text_of

BODY_TEXT_NODES = etree.XPath("//body//text()[not(ancestor::script) and not(ancestor::style)]")


def find_source_lines(tree) -> tuple[list[Source], list]:
    """`المصدر : الجزيرة + وكالات` anywhere on the page (often outside the body container)."""
    prefixes = rules()["source_prefixes"]
    for node in BODY_TEXT_NODES(tree):
        stripped = node.strip()
        if not stripped or len(stripped) > 120 or not starts_with_phrase(normalized(stripped), prefixes):
            continue
        el = node.getparent()
        while el is not None and el.getparent() is not None and len(text_of(el.getparent())) <= 120:
            el = el.getparent()
        if el is None:
            continue
        sources = parse_source_line(text_of(el))
        if sources:
            return sources, [el]
    return [], []


def merge_sources(*groups: list[Source]) -> list[Source]:
    merged: list[Source] = []
    for group in groups:
        for source in group:
            if all(normalized(source.name) != normalized(s.name) for s in merged):
                merged.append(source)
    return merged
