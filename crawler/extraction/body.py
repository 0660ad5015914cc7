"""The article body: trafilatura (or the site's body XPath) on a tree cleared of boilerplate, then paragraph hygiene.

Markup first becomes paragraphs whatever the page built them from: text runs between `<br><br>` (and
inline or unknown custom tags among them) are regrouped into `<p>` (`runs_to_paragraphs`), so every
later step, which reasons about paragraphs, reads a `<br>`-built article as it reads a `<p>`-built one.
`floor_body` is bare trafilatura on the page as served (its recall mode when that finds nothing): the
extractor keeps it when our body is clearly shorter, and says so in `Article.body_source`.
"""
from __future__ import annotations

import re
from collections import Counter

import trafilatura
from lxml import etree

from crawler.text.arabic import ARABIC_LETTER, clean_text
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
# Parents of a `<br><br>` pair: where a page may write its paragraphs as text runs (a <p> is a paragraph already).
BR_PARENTS = etree.XPath("//body//*[br[2]][not(self::p)]")
DOUBLE_BREAK = etree.XPath("br[following-sibling::node()[1][self::br]]|br[following-sibling::*[1][self::br]]")
# Tags that end a text run; any other tag (inline, or a custom one like <news-tag>) stays inside the run.
BLOCK_TAGS = frozenset(
    "address article aside blockquote center details dialog dd div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr iframe li main nav ol p pre section table tbody td tfoot th thead tr ul video audio "
    "script style noscript template".split()
)
MIN_RUN_TEXT = 80  # direct text an element must hold before its runs are read as paragraphs (not a nav bar)
FLOOR_SHARE = 0.9  # our body keeps less than this share of trafilatura's words: trafilatura's is the body


def runs_to_paragraphs(tree) -> int:
    """Regroup `text<br><br>text` runs into `<p>` elements; returns how many elements were regrouped.

    A single `<br>` stays inside its paragraph (a line break); two or more end it; a block child ends
    it too and stays where it is. Only elements whose own text (not their children's) is long are
    touched, so a menu written as `<a>…</a><br><a>…</a><br>` keeps its shape."""
    regrouped = 0
    for el in BR_PARENTS(tree):
        own = len((el.text or "").strip()) + sum(len((c.tail or "").strip()) for c in el)
        if own >= MIN_RUN_TEXT and any(not (br.tail or "").strip() for br in DOUBLE_BREAK(el)):
            _regroup_runs(el)
            regrouped += 1
    return regrouped


def _regroup_runs(el) -> None:
    children, text = list(el), el.text
    el.text = None
    for child in children:
        el.remove(child)  # lxml moves the tail with the element: it is read back from `child.tail` below
    paragraph, breaks = None, 0

    def flush_breaks() -> None:
        nonlocal paragraph, breaks
        if breaks >= 2:
            paragraph = None
        elif breaks == 1 and paragraph is not None:
            etree.SubElement(paragraph, "br")
        breaks = 0

    def add_text(chunk: str | None) -> None:
        nonlocal paragraph
        if not chunk or not chunk.strip():
            return
        flush_breaks()
        if paragraph is None:
            paragraph = etree.SubElement(el, "p")
        if len(paragraph):
            paragraph[-1].tail = (paragraph[-1].tail or "") + chunk
        else:
            paragraph.text = (paragraph.text or "") + chunk

    add_text(text)
    for child in children:
        tail, child.tail = child.tail, None
        if child.tag == "br":
            breaks += 1
        elif not isinstance(child.tag, str):
            el.append(child)  # a comment or processing instruction: kept, outside any paragraph
        elif child.tag in BLOCK_TAGS:
            breaks, paragraph = 0, None
            el.append(child)
        else:
            flush_breaks()
            if paragraph is None:
                paragraph = etree.SubElement(el, "p")
            paragraph.append(child)
        add_text(tail)


def remove_boilerplate_blocks(tree) -> int:
    """Headings like `اقرأ أيضا` take their related-links block with them; returns the characters of
    text the largest dropped block held (a large one may have held the article: see `floor_body`)."""
    starts = rules()["boilerplate_starts"]
    largest = 0
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
        if block is not el:
            largest = max(largest, len(text_of(block)))
        drop(block)
    return max(largest, drop_marked_blocks(tree))


def drop_marked_blocks(tree) -> int:
    """Taglines, "about us" and comment blocks marked as such by their class or id (habits of
    `data/body.toml`): short ones, or longer ones holding neither the headline nor most of the page's text
    (a class like `has-comments` on the article's own wrapper must not take the article away)."""
    marked = class_pattern("body")
    limit = rules()["boilerplate_max_chars"]
    page_chars, largest = None, 0
    for el in WITH_CLASS_OR_ID(tree):
        if not marked.search(f"{el.get('class', '')} {el.get('id', '')}"):
            continue
        chars = len(text_of(el))
        if chars > limit:
            page_chars = page_chars or len(text_of(tree.find("body")))
            if HEADLINES(el) or chars * 2 > page_chars:
                continue
        largest = max(largest, chars)
        drop(el)
    return largest


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
    return trafilatura_lines(tree, url)


def trafilatura_lines(tree, url: str, **options) -> list[str]:
    """trafilatura's body text as cleaned lines (`options` override TRAFILATURA_OPTIONS)."""
    try:
        doc = trafilatura.bare_extraction(tree, url=url, **{**TRAFILATURA_OPTIONS, **options})
    except Exception:  # trafilatura/lxml raise many error types on odd pages: treat as no body
        return []
    text = getattr(doc, "text", None) if doc is not None else None
    return [line for line in (clean_text(l) for l in (text or "").split("\n")) if line]


def floor_body(tree, url: str) -> tuple[list[str], str]:
    """Bare trafilatura on the page as served (`tree` untouched by our cleaning), then its recall mode
    when the default finds no body: (lines, body_source)."""
    lines = trafilatura_lines(tree, url)
    if sum(len(line) for line in lines) >= MIN_ARTICLE_PARAGRAPH:
        return lines, "trafilatura"
    return trafilatura_lines(tree, url, favor_recall=True), "trafilatura-recall"


def word_count(paragraphs: list[str]) -> int:
    return sum(len(p.split()) for p in paragraphs)


def clearly_shorter(ours: list[str], floor: list[str]) -> bool:
    """Our body keeps less than FLOOR_SHARE of the floor's words: counted as words of the floor that our
    body holds too (so a body as long as the floor's but made of other lines, a masthead, still loses),
    and only when the floor is the longer one (its extra words are text we do not have)."""
    if word_count(ours) >= word_count(floor):
        return False
    return covered_words(ours, floor) < FLOOR_SHARE * word_count(floor)


def covered_words(ours: list[str], floor: list[str]) -> int:
    """How many of the floor's words (with repeats) our body holds."""
    have = Counter(normalized(w) for p in ours for w in p.split())
    covered = 0
    for word in (normalized(w) for p in floor for w in p.split()):
        if have[word] > 0:
            have[word] -= 1
            covered += 1
    return covered


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


def looks_like_listing(tree, has_article_markup: bool, body: list[str] = ()) -> bool:
    """Homepages and section pages: headline-link teaser cards and no real text outside them.

    The text outside the cards is counted twice, in the page's `<p>`s and in the extracted `body`
    paragraphs (whatever markup they came from), and it takes both to call the page a listing: a body
    written as `<br>` runs is not teaser text because it has no `<p>`."""
    if has_article_markup or not HEADLINE_LINKS(tree):
        return False
    free_text = 0
    for paragraph in CONTENT_PARAGRAPHS(tree):
        length = len(text_of(paragraph))
        if length >= MIN_COUNTED_PARAGRAPH and not SIBLING_HEADLINE_LINKS(paragraph):
            free_text += length
    if free_text >= MIN_FREE_TEXT:
        return False
    cards = " ".join(normalized(text_of(h.getparent())) for h in HEADLINE_LINKS(tree) if h.getparent() is not None)
    outside = sum(len(p) for p in body if len(p) >= MIN_COUNTED_PARAGRAPH and normalized(p) not in cards)
    return outside < MIN_FREE_TEXT
