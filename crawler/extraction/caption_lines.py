"""Captions known by where they stand and how they read, whatever the classes (issue #25).

A caption is visible text tied to one image. Class names say so on the markup we studied; renamed,
the same page still shows the line right under (or over) the picture. Two markup-independent signals
tie such a line to its image, each enough alone, and neither is a class name:

- the line repeats the image's own alt or title (`<p><img alt="X"></p><p>X</p>`): the attribute alone
  is no caption, but it tells the printed line from the article's next paragraph;
- the line is short, no heading nor link list, and ends with a photo credit (`… - وام`, `… (رويترز)`,
  `… تصوير: فلان`): the shape of a caption, which a paragraph of the article does not have.

A credit alone by the image is known the same way: an agency's name, `©`/`تصوير:`-marked words, the
site's own name, or the name after a credit label (`مصدر الصورة، Getty Images`, in one line or two).

The line must stand next to the image's own block: the image, climbed out through wrappers that hold
no text of their own (so `<div><img></div><div>line</div>` and the same wrapped in bare divs).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from lxml import etree

from crawler.extraction.attribution import is_agency, normalized, normalized_rules, parse_source_line
from crawler.extraction.credits import COPYRIGHT_SIGN, MAX_CREDIT_CHARS, MAX_CREDIT_WORDS, bare_credit, credit_prefixed, split_credit
from crawler.extraction.structured import is_caption_value
from crawler.text.arabic import clean_text

WRAPPER_LEVELS = 8  # textless wrappers around an image climbed to find the line printed by it
SKIPPED = ("br", "script", "style", "noscript")
MAX_LINE_CHARS = 150  # longer is a paragraph (the lead), not a caption
MIN_LINE_WORDS = 3
NOT_A_LINE = re.compile(r"https?:|www\.|\d{5,}")  # addresses and story numbers: page chrome
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
HAS_IMAGE_OR_HEADING = etree.XPath(".//img|.//amp-img|.//h1|.//h2|.//h3|.//h4|.//h5|.//h6")


def lines_by(img, core, per_side: int = 1) -> Iterator:
    """The nearest elements after, then before, the image's own block, at each level out of textless wrappers."""
    node = img
    for _ in range(WRAPPER_LEVELS):
        for preceding in (False, True):
            siblings = [s for s in node.itersiblings(preceding=preceding) if isinstance(s.tag, str) and s.tag not in SKIPPED]
            for sibling in siblings[:per_side]:
                if sibling in core or HAS_IMAGE_OR_HEADING(sibling) or sibling.tag in HEADINGS:
                    break
                yield sibling
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html") or parent in core or clean_text(parent.text_content()):
            return  # the image's block holds text of its own: that text is the nearer candidate
        node = parent


def shown_alt(img, core):
    """The line by the image that repeats its alt or title."""
    said = {normalized(clean_text(img.get(a) or "")) for a in ("alt", "title")} - {""}
    if not said:
        return None
    return next((line for line in lines_by(img, core) if normalized(clean_text(line.text_content())) in said), None)


def credited_line(img, core, title: str | None, is_summary: Callable[[str], bool], own_names: frozenset[str]):
    """The short line by the image that ends with a photo credit."""
    for line in lines_by(img, core):
        text = clean_text(line.text_content())
        if not text or len(text) > MAX_LINE_CHARS or len(text.split()) < MIN_LINE_WORDS or NOT_A_LINE.search(text):
            continue
        linked = sum(len(clean_text(a.text_content())) for a in line.iter("a") if a.get("href"))
        if linked * 2 > len(text) or not is_caption_value(text, title) or is_summary(text):
            continue
        caption, credit = split_credit(text, own_names)
        if credit and len(caption.split()) >= MIN_LINE_WORDS - 1:
            return line
    return None


def credit_line(img, core, own_names: frozenset[str]) -> tuple[object, str] | tuple[None, None]:
    """The element by the image that holds its credit alone, and the credit; (None, None) when none is."""
    for line in lines_by(img, core, per_side=2):
        text = clean_text(line.text_content())
        if not text or len(text) > MAX_CREDIT_CHARS or len(text.split()) > MAX_CREDIT_WORDS:
            continue
        rest = after_label(text)
        if rest is None and parse_source_line(text):
            continue  # `المصدر : وكالة الأناضول` near the image is the article's source line, not a photo credit
        if rest == "":  # `مصدر الصورة` alone: the credit is the line right after the label
            line, rest = next_line(line)
            if not rest or len(rest) > MAX_CREDIT_CHARS or len(rest.split()) > MAX_CREDIT_WORDS:
                continue
        if rest:
            return line, bare_credit(rest) or rest
        if COPYRIGHT_SIGN.match(text) or credit_prefixed(text) and ":" in text or names_a_credit(text, own_names):
            credit = bare_credit(text)
            if credit:
                return line, credit
    return None, None


def next_line(el) -> tuple[object, str]:
    after = next((s for s in el.itersiblings() if isinstance(s.tag, str) and s.tag not in SKIPPED), None)
    return (after, clean_text(after.text_content())) if after is not None and not HAS_IMAGE_OR_HEADING(after) else (None, "")


def after_label(text: str) -> str | None:
    """`مصدر الصورة، Getty Images` → `Getty Images`; `مصدر الصورة` → ``; None when no credit label opens the text."""
    norm = normalized(text)
    for label in normalized_rules()["credit_labels"]:
        if norm.startswith(label):
            words = len(label.split())
            return " ".join(text.split()[words:]).strip(" ،,:：-–—")
    return None


def names_a_credit(text: str, own_names: frozenset[str]) -> bool:
    """An agency, the site's own name or a credit word (`أرشيفية`): a credit by itself."""
    norm = normalized(text).strip(" ()-–—|©")
    return is_agency(text) or norm in own_names or norm in normalized_rules()["credit_words"]


def credit_child(el, text: str, own_names: frozenset[str]) -> tuple[str, str] | None:
    """A caption element (visible `text`) whose last inner element names a credit by itself
    (`<span>…</span> <span>أرشيفية</span>`): (the text before it, the credit); None otherwise."""
    inner = [c for c in el.iterdescendants() if isinstance(c.tag, str) and clean_text(c.text_content())]
    if len(inner) < 2:
        return None
    last = clean_text(inner[-1].text_content())
    if not text.endswith(last) or not names_a_credit(last, own_names):
        return None
    caption = text[: -len(last)].strip(" -–—|/،,:")
    return (caption, bare_credit(last) or last) if len(caption.split()) >= MIN_LINE_WORDS - 1 else None
