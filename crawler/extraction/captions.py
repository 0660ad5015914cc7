"""Image captions and their photo credits.

Bare trafilatura drops <figcaption>; here every article image caption is collected from
<figure>/<figcaption>, common caption class names (`wp-caption-text`, `img-caption`, ...)
and the site's `caption_xpath` hint, with the credit split off: `(غيتي)`, `- أ ف ب`,
`/ AFP PHOTO / NAME`, `تصوير: فلان`.
"""
from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urljoin

from lxml import etree

from crawler.arabic import clean_text
from crawler.extraction.article import Caption
from crawler.extraction.attribution import (
    DASH_CLASS,
    is_agency,
    normalized,
    normalized_rules,
    rules,
)

CAPTION_CLASS = re.compile(r"(?:^|[\s_-])(?:wp-caption-text|caption|figcaption|image-caption|img-caption|photo-caption)(?:$|[\s_-])", re.I)
# Containers whose captions belong to other articles (teasers) or to page chrome.
FOREIGN_CONTAINER = re.compile(r"(?:^|[\s_-])(?:related|sidebar|widget|footer|nav|menu|comments?|teaser|recommend\w*|most-read|popular|ticker)(?:$|[\s_-])", re.I)
# XPath expressions compiled once per process (el.xpath(str) compiles on every call).
IMAGES = etree.XPath(".//img")
FIGCAPTIONS = etree.XPath("//figcaption")
WITH_CLASS = etree.XPath("//*[@class]")
INNER_FIGCAPTIONS = etree.XPath(".//figcaption")
IN_FIGCAPTION = etree.XPath("ancestor::figcaption")
INNER_WITH_CLASS = etree.XPath(".//*[@class]")
VISIBLE_TEXT = etree.XPath(".//text()[not(ancestor::script) and not(ancestor::style)]", smart_strings=False)
MAX_CAPTION_CHARS = 600
TRAILING_PAREN = re.compile(r"\s*\((?P<credit>[^()]{2,60})\)\s*\.?\s*$")
TRAILING_DASH = re.compile(r"\s+[%s]+\s*(?P<credit>[^%s]{2,40})$" % (DASH_CLASS, DASH_CLASS))
AGENCY_SLASH = re.compile(r"\s*/\s*(?P<credit>[A-Z][A-Za-z .]*(?:PHOTO|Photo|photo|IMAGES|Images)?\s*(?:/\s*[^/]{2,60})?)\s*$")
PHOTO_CREDIT_SHOULD = re.compile(r"\s*\((?:Photo credit should read|Photo by|Credit:)\s*(?P<credit>[^()]+)\)\s*$", re.I)
ARABIC = re.compile("[\u0600-\u06ff]")


def split_credit(text: str) -> tuple[str, str | None]:
    """`حركة نزوح ... (غيتي)` → ("حركة نزوح ...", "غيتي")."""
    text = clean_text(text)
    for pattern in (PHOTO_CREDIT_SHOULD, AGENCY_SLASH):
        match = pattern.search(text)
        if match and match.start() > 0:
            return text[: match.start()].rstrip(" .,-"), match.group("credit").strip()
    match = TRAILING_PAREN.search(text)
    if match and match.start() > 0:
        credit = match.group("credit").strip()
        if normalized(credit) not in normalized_rules()["caption_not_credit"] and len(credit.split()) <= 5:
            return text[: match.start()].rstrip(), credit
    match = TRAILING_DASH.search(text)
    if match and (is_agency(match.group("credit")) or credit_prefixed(match.group("credit"))):
        return text[: match.start()].rstrip(), match.group("credit").strip()
    prefix = credit_prefix_pattern().search(text)
    if prefix and prefix.start() > 0:
        return text[: prefix.start()].rstrip(), prefix.group(1).split(":", 1)[-1].split("：", 1)[-1].strip()
    return text, None


@lru_cache(maxsize=1)
def credit_prefix_pattern() -> re.Pattern:
    """`| تصوير: فلان` at the end of a caption (compiled once per process)."""
    return re.compile(r"\s*[|.،]?\s*((?:%s)\s*[:：].{2,60})$" % "|".join(map(re.escape, rules()["credit_prefixes"])))


def credit_prefixed(text: str) -> bool:
    norm = normalized(text)
    return any(norm.startswith(p) for p in normalized_rules()["credit_prefixes"])


def class_and_id(el) -> str:
    return f"{el.get('class', '')} {el.get('id', '')}"


def in_foreign_container(el) -> bool:
    return any(FOREIGN_CONTAINER.search(class_and_id(a)) for a in el.iterancestors() if a.tag not in ("html", "body"))


def image_url(img, base_url: str) -> str | None:
    for attr in ("data-src", "data-lazy-src", "data-original", "src"):
        value = (img.get(attr) or "").strip()
        if value and not value.startswith("data:") and "empty" not in value.rsplit("/", 1)[-1]:
            return urljoin(base_url, value)
    srcset = (img.get("srcset") or img.get("data-srcset") or "").strip()
    return urljoin(base_url, srcset.split(",")[0].split()[0]) if srcset else None


def nearest_image(caption_el):
    """The image a caption describes: inside its figure/parent, or just before it."""
    for scope in (caption_el.getparent(), *list(caption_el.iterancestors())[1:3]):
        if scope is None:
            break
        images = IMAGES(scope)
        if images:
            return images[0]
    return None


def caption_elements(tree, caption_xpath: str | None):
    found = []
    if caption_xpath:
        found.extend(tree.xpath(caption_xpath))
    found.extend(FIGCAPTIONS(tree))
    for el in WITH_CLASS(tree):
        if el.tag in ("figcaption", "img", "figure", "body", "html") or not CAPTION_CLASS.search(el.get("class", "")):
            continue
        if INNER_FIGCAPTIONS(el) or IN_FIGCAPTION(el):
            continue
        # A wrapper such as `wp-caption` holds the image and a caption child: take the child.
        if IMAGES(el) and any(CAPTION_CLASS.search(c.get("class", "")) for c in INNER_WITH_CLASS(el)):
            continue
        found.append(el)
    unique = []
    for el in found:
        if isinstance(el, etree._Element) and el not in unique:
            unique.append(el)
    return unique


def extract_captions(tree, base_url: str, *, caption_xpath: str | None = None) -> tuple[list[Caption], list]:
    """Captions of the article's images, and the caption elements (to keep them out of the body)."""
    captions: list[Caption] = []
    elements = []
    seen: set[str] = set()
    for el in caption_elements(tree, caption_xpath):
        if in_foreign_container(el) and not caption_xpath:
            continue
        img = nearest_image(el)
        texts = [t for t in VISIBLE_TEXT(el)]
        raw = clean_text(" ".join(texts))
        elements.append(el)
        if not raw or len(raw) > MAX_CAPTION_CHARS:
            continue
        text, credit = split_credit(raw)
        alt = clean_text(img.get("alt") or "") if img is not None else ""
        if credit is None and alt:
            credit = split_credit(alt)[1]
        key = normalized(text)
        if key in seen:
            continue
        seen.add(key)
        captions.append(
            Caption(
                text=text,
                credit=credit,
                image_url=image_url(img, base_url) if img is not None else None,
                alt=alt if alt and normalized(alt) != key else None,
            )
        )
    return captions, elements
