"""The article body: trafilatura (or the site's body XPath) on a tree cleared of boilerplate, then paragraph hygiene."""
from __future__ import annotations

import re

import trafilatura
from lxml import etree

from crawler.arabic import ARABIC_LETTER, clean_text
from crawler.extraction.article import Source
from crawler.extraction.attribution import (
    normalized,
    normalized_rules,
    parse_source_line,
    parse_trailing_attribution,
    rules,
    starts_with_phrase,
)
from crawler.extraction.credits import split_credit
from crawler.extraction.dates import parse_text_date
from crawler.extraction.metadata import class_pattern
from crawler.extraction.page import drop, text_of

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
MAX_RELATED_LINKS = 6
MIN_FREE_TEXT = 120  # article text outside teaser cards below which a page is a listing
BOILERPLATE_HEADINGS = etree.XPath("//h2|//h3|//h4|//h5|//h6|//span|//strong|//b|//div[not(*)]|//p[not(*)]")
PARAGRAPHS = etree.XPath(".//p")
ANCHORS = etree.XPath(".//a")
TEXT_BLOCKS = etree.XPath(".//p|.//h2|.//h3|.//h4|.//li|.//blockquote")
IN_TEXT_BLOCK = etree.XPath("ancestor::p|ancestor::li|ancestor::blockquote")
HEADLINE_LINKS = etree.XPath("//h2[.//a]|//h3[.//a]|//h4[.//a]")
CONTENT_PARAGRAPHS = etree.XPath("//p[not(ancestor::footer or ancestor::header or ancestor::nav or ancestor::aside)]")
SIBLING_HEADLINE_LINKS = etree.XPath("../h2[.//a]|../h3[.//a]|../h4[.//a]")
WITH_CLASS_OR_ID = etree.XPath("//body//*[@class or @id]")
IMAGES = etree.XPath("//body//img")
HEADLINES = etree.XPath(".//h1")


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
            if link_density(ancestor) > 0.5 or text_of(ancestor) == text:  # links, or a wrapper of the heading alone
                block = ancestor
        for sibling in list(block.itersiblings())[:MAX_RELATED_LINKS]:
            # `<p><strong>اقرأ أيضا</strong></p><p><a>…</a></p>`: the links follow the heading as paragraphs.
            if not isinstance(sibling.tag, str) or (sibling.tail or "").strip() or link_density(sibling) < 1:
                break
            drop(sibling)
        drop(block)
    drop_marked_blocks(tree)


def drop_marked_blocks(tree) -> None:
    """Taglines, "about us" and comment blocks marked as such by their class or id (habits of
    `data/body.toml`): short ones, or longer ones holding neither the headline nor most of the page's text
    (a class like `has-comments` on the article's own wrapper must not take the article away)."""
    marked = class_pattern("body")
    limit = rules()["boilerplate_max_chars"]
    page_chars = None
    for el in WITH_CLASS_OR_ID(tree):
        if not marked.search(f"{el.get('class', '')} {el.get('id', '')}"):
            continue
        chars = len(text_of(el))
        if chars > limit:
            page_chars = page_chars or len(text_of(tree.find("body")))
            if HEADLINES(el) or chars * 2 > page_chars:
                continue
        drop(el)


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
    drop_bare_image_wrappers(tree)
    try:
        doc = trafilatura.bare_extraction(tree, url=url, **TRAFILATURA_OPTIONS)
    except Exception:  # trafilatura/lxml raise many error types on odd pages: treat as no body
        return []
    text = getattr(doc, "text", None) if doc is not None else None
    return [line for line in (clean_text(l) for l in (text or "").split("\n")) if line]


def drop_bare_image_wrappers(tree) -> None:
    """`<div class="image-news"><img></div> text…`: trafilatura drops a text-less image wrapper together with
    the text that follows it (its tail), often the article's first sentence. Drop the wrapper, keep the text."""
    for img in IMAGES(tree):
        wrapper, parent = None, img.getparent()
        while parent is not None and parent.tag not in ("body", "html", "a") and not has_text(parent):
            wrapper, parent = parent, parent.getparent()
        if wrapper is not None and (wrapper.tail or "").strip():
            drop(wrapper)


def has_text(el) -> bool:
    """Whether `el` holds any text: stops at the first piece (text_of would read a whole article)."""
    return any(chunk.strip() for chunk in el.itertext())


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


def clean_paragraphs(
    paragraphs: list[str], drop_texts: set[str], arabic_page: bool, site_names: list[str] = ()
) -> tuple[list[str], list[Source], list[str]]:
    """Remove boilerplate, captions, alt text, source lines and bylines; return (paragraphs, sources, byline texts)."""
    kept: list[str] = []
    sources: list[Source] = []
    bylines: list[str] = []
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
            bylines.append(paragraph)
            continue
        kept.append(paragraph)
    while kept and is_tagline(kept[-1], site_names):
        kept.pop()
    if kept:
        last, trailing = parse_trailing_attribution(kept[-1])
        if trailing:
            sources.extend(trailing)
            kept[-1:] = [last] if last else []
    while kept and is_tagline(kept[-1], site_names):
        kept.pop()
    return kept, sources, bylines


def is_tagline(paragraph: str, site_names: list[str]) -> bool:
    """`البيان صحيفة يومية تصدر عن مؤسسة دبي للإعلام`: the site describing itself, at the end of the text."""
    if len(paragraph) > rules()["boilerplate_max_chars"]:
        return False
    norm = normalized(paragraph)
    if not any(p in norm for p in normalized_rules()["tagline_phrases"]):
        return False
    squashed = norm.replace(" ", "")
    return any(len(name) >= 3 and name.replace(" ", "") in squashed for name in site_names)


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
