"""The article body: trafilatura (or the site's body XPath) on a tree cleared of boilerplate, then paragraph hygiene."""
from __future__ import annotations

import re

import trafilatura
from lxml import etree

from crawler.arabic import clean_text
from crawler.extraction.article import Source
from crawler.extraction.attribution import (
    normalized,
    normalized_rules,
    parse_byline,
    parse_source_line,
    parse_trailing_attribution,
    rules,
    starts_with_phrase,
)
from crawler.extraction.captions import split_credit
from crawler.extraction.dates import parse_text_date
from crawler.extraction.page import ARABIC_LETTER, drop, text_of

TRAFILATURA_OPTIONS = dict(
    include_comments=False,
    include_tables=True,
    include_images=False,
    include_links=False,
    include_formatting=False,
    with_metadata=False,
    deduplicate=False,
    favor_precision=False,
)
MIN_ARTICLE_PARAGRAPH = 80
SHORT_META_LINE = 80
MIN_COUNTED_PARAGRAPH = 40
MIN_FREE_TEXT = 120  # article text outside teaser cards below which a page is a listing
BOILERPLATE_HEADINGS = etree.XPath("//h2|//h3|//h4|//h5|//h6|//span|//strong|//b|//div[not(*)]|//p[not(*)]")
PARAGRAPHS = etree.XPath(".//p")
ANCHORS = etree.XPath(".//a")
TEXT_BLOCKS = etree.XPath(".//p|.//h2|.//h3|.//h4|.//li|.//blockquote")
IN_TEXT_BLOCK = etree.XPath("ancestor::p|ancestor::li|ancestor::blockquote")
HEADLINE_LINKS = etree.XPath("//h2[.//a]|//h3[.//a]|//h4[.//a]")
CONTENT_PARAGRAPHS = etree.XPath("//p[not(ancestor::footer or ancestor::header or ancestor::nav or ancestor::aside)]")
SIBLING_HEADLINE_LINKS = etree.XPath("../h2[.//a]|../h3[.//a]|../h4[.//a]")


def remove_boilerplate_blocks(tree) -> None:
    """Headings like `اقرأ أيضا` take their related-links block with them."""
    starts = rules()["boilerplate_starts"]
    for el in BOILERPLATE_HEADINGS(tree):
        text = text_of(el)
        if not text or len(text) > 40 or not starts_with_phrase(normalized(text), starts):
            continue
        block = el
        for ancestor in el.iterancestors():
            if ancestor.tag in ("body", "html", "article", "main") or holds_article_text(ancestor, block):
                break
            if link_density(ancestor) > 0.5:
                block = ancestor
        drop(block)


def holds_article_text(el, inner) -> bool:
    """Whether `el` has a real paragraph outside `inner`: climbing further would take the article along."""
    return any(
        len(text_of(p)) >= MIN_ARTICLE_PARAGRAPH and inner not in p.iterancestors() and p is not inner
        for p in PARAGRAPHS(el)
    )


def link_density(el) -> float:
    total = len(text_of(el))
    if not total:
        return 0.0
    return sum(len(text_of(a)) for a in ANCHORS(el)) / total


def body_from_xpath(tree, xpath: str) -> list[str]:
    paragraphs = []
    for container in tree.xpath(xpath):
        blocks = TEXT_BLOCKS(container)
        blocks = [b for b in blocks if not IN_TEXT_BLOCK(b)]
        paragraphs.extend(text_of(b) for b in blocks or [container])
    return [p for p in paragraphs if p]


def body_from_trafilatura(tree, url: str) -> list[str]:
    try:
        doc = trafilatura.bare_extraction(tree, url=url, **TRAFILATURA_OPTIONS)
    except Exception:  # trafilatura/lxml raise many error types on odd pages: treat as no body
        return []
    text = getattr(doc, "text", None) if doc is not None else None
    return [line for line in (clean_text(l) for l in (text or "").split("\n")) if line]


def is_boilerplate(paragraph: str, norm: str) -> bool:
    """`norm` is `normalize(paragraph)`."""
    r = rules()
    if paragraph.count(" | ") >= 3 and len(paragraph) <= r["boilerplate_max_chars"]:
        return True  # a navigation bar flattened to text
    if len(paragraph) <= SHORT_META_LINE and re.search(r"\d", norm) and parse_text_date(paragraph):
        return True  # a timestamp line: it is stored as a date, not as text
    if len(paragraph) <= r["boilerplate_start_max_chars"] and starts_with_phrase(norm, r["boilerplate_starts"]):
        return True
    return len(paragraph) <= r["boilerplate_max_chars"] and any(m in norm for m in normalized_rules()["boilerplate_contains"])


def clean_paragraphs(paragraphs: list[str], drop_texts: set[str], arabic_page: bool) -> tuple[list[str], list[Source], list[str]]:
    """Remove boilerplate, captions, alt text, source lines and bylines; return (paragraphs, sources, authors)."""
    kept: list[str] = []
    sources: list[Source] = []
    authors: list[str] = []
    for paragraph in paragraphs:
        norm = normalized(paragraph)
        uncredited = split_credit(paragraph)[0]
        uncredited_norm = norm if uncredited == paragraph else normalized(uncredited)
        if norm in drop_texts or uncredited_norm in drop_texts or is_boilerplate(paragraph, norm):
            continue
        if arabic_page and not ARABIC_LETTER.search(paragraph) and re.search(r"AFP|Getty|REUTERS|Reuters|Photo|/", paragraph):
            continue  # English agency photo text leaking from alt attributes
        line_sources = parse_source_line(paragraph)
        if line_sources:
            sources.extend(line_sources)
            continue
        if len(paragraph) <= 60 and starts_with_phrase(norm, rules()["byline_prefixes"]):
            authors.extend(parse_byline(paragraph))
            continue
        kept.append(paragraph)
    if kept:
        last, trailing = parse_trailing_attribution(kept[-1])
        if trailing:
            sources.extend(trailing)
            kept[-1:] = [last] if last else []
    return kept, sources, authors


def looks_like_listing(tree, has_article_markup: bool) -> bool:
    """Homepages and section pages: headline-link teaser cards and no real text outside them."""
    if has_article_markup or not HEADLINE_LINKS(tree):
        return False
    free_text = 0
    for paragraph in CONTENT_PARAGRAPHS(tree):
        length = len(text_of(paragraph))
        if length >= MIN_COUNTED_PARAGRAPH and not SIBLING_HEADLINE_LINKS(paragraph):
            free_text += length
    return free_text < MIN_FREE_TEXT
