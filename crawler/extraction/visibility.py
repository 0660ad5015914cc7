"""Blocks a reader never sees: dropped before captions, bylines and source lines are read.

Hidden by the markup itself (`hidden`, `aria-hidden="true"`, an inline `display:none` or
`visibility:hidden`, `<template>`, `<noscript>`) or by a simple rule of the page's own `<style>`
(`.x{display:none}`, `#y{display:none}`): whatever class names the site uses, what its own stylesheet
hides stays hidden. Trafilatura discards the same blocks from the body, so the article text keeps
what it had. One XPath over the tree, run once per page.
"""
from __future__ import annotations

import re

from lxml import etree

from crawler.extraction.page import drop

HIDDEN_STYLE = "contains(translate(translate(@style, ' ', ''), 'DISPLAYNOEVBTH', 'displaynoevbth'), '{}')"
HIDDEN_BLOCKS = etree.XPath(
    "//template | //body//noscript | //*[@hidden] | //*[@aria-hidden='true']"
    f" | //*[@style and ({HIDDEN_STYLE.format('display:none')} or {HIDDEN_STYLE.format('visibility:hidden')})]"
)
STYLES = etree.XPath("//style/text()", smart_strings=False)
# `sel, .other { … display: none … }`: the selectors of one rule and its declarations.
CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
CSS_HIDES = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
SIMPLE_SELECTOR = re.compile(r"^([.#])(-?[_a-zA-Z][\w-]*)$")


def stylesheet_hidden(tree) -> tuple[set[str], set[str]]:
    """(classes, ids) that a rule of the page's own stylesheet hides on its own (no media query, no descendant)."""
    classes: set[str] = set()
    ids: set[str] = set()
    for css in STYLES(tree):
        css = re.sub(r"@media[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}", " ", css)  # shown or hidden per screen: not known
        for selectors, declarations in CSS_RULE.findall(css):
            if not CSS_HIDES.search(declarations):
                continue
            for selector in selectors.split(","):
                match = SIMPLE_SELECTOR.match(selector.strip())
                if match:
                    (classes if match.group(1) == "." else ids).add(match.group(2))
    return classes, ids


def hidden_blocks(tree) -> list:
    """The outermost hidden elements of the page."""
    found = list(HIDDEN_BLOCKS(tree))
    classes, ids = stylesheet_hidden(tree)
    if classes or ids:
        found += [el for el in tree.iter(etree.Element)
                  if el.get("id") in ids or (classes and not classes.isdisjoint((el.get("class") or "").split()))]
    marked = set(found)
    return [el for el in found if el.tag not in ("html", "body") and not any(a in marked for a in el.iterancestors())]


def drop_hidden_blocks(tree) -> int:
    """Remove what the reader never sees (keeping tail text, which is visible); the count removed."""
    blocks = hidden_blocks(tree)
    for el in blocks:
        drop(el)
    return len(blocks)
