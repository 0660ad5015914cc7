"""Photo credits: split off a caption's end (`… (رويترز)`), or read alone from a copyright element.

Credit forms: `(غيتي)`, `- أ ف ب`, `/ AFP PHOTO / NAME`, `(Photo credit should read …)`,
`تصوير: فلان`, and alone `© REUTERS / NAME`, `Getty Images`, `(أ ف ب)`. Credit prefixes and the
parenthesised words that are not credits live in `data/extraction.toml`; agency names in `agencies.toml`.
"""
from __future__ import annotations

import re
from functools import lru_cache

from crawler.text.arabic import ARABIC_SCRIPT, clean_text
from crawler.extraction.attribution import (
    DASH_CLASS,
    is_agency,
    normalized,
    normalized_rules,
    rules,
)

TRAILING_PAREN = re.compile(r"\s*\((?P<credit>[^()]{2,60})\)\s*\.?\s*$")
TRAILING_DASH = re.compile(r"\s+[%s]+\s*(?P<credit>[^%s]{2,40})$" % (DASH_CLASS, DASH_CLASS))
AGENCY_SLASH = re.compile(r"\s*/\s*(?P<credit>[A-Z][A-Za-z .]*(?:PHOTO|Photo|photo|IMAGES|Images)?\s*(?:/\s*[^/]{2,60})?)\s*$")
PHOTO_CREDIT_SHOULD = re.compile(r"\s*\((?:Photo credit should read|Photo by|Credit:)\s*(?P<credit>[^()]+)\)\s*$", re.I)
# `… في صحار / شرطة عمان السلطانية`: a short name without digits after the last slash.
TRAILING_SLASH = re.compile(r"\s+/\s*(?P<credit>[^/\d]{2,40}?)\s*$")
MIN_TEXT_WORDS_BEFORE_SLASH = 3
MAX_SLASH_CREDIT_WORDS = 4
PREFIX_SEPARATOR = re.compile(r"[:：]")
COPYRIGHT_SIGN = re.compile(r"^\s*(?:©|\(c\)|copyright)\s*", re.I)
MAX_CREDIT_WORDS = 8
MAX_PLAIN_CREDIT_WORDS = 4  # an unmarked Arabic credit is a name: `عبدالله الحربي`, `وكالة الأنباء العراقية`
MAX_LATIN_CREDIT_WORDS = 6  # `REUTERS / Mohamed Abd El Ghany`
MIN_CAPTION_WORDS = 2
MAX_CREDIT_CHARS = 80


def split_credit(text: str, own_names: frozenset[str] = frozenset()) -> tuple[str, str | None]:
    """`حركة نزوح ... (غيتي)` → ("حركة نزوح ...", "غيتي"); a trailing `- NAME` is a credit when NAME is
    an agency or the site's own name (`own_names`, normalised); `صورة: أرشيف` alone is a credit alone."""
    text = clean_text(text)
    if credit_prefixed(text) and PREFIX_SEPARATOR.search(text) and len(text) <= MAX_CREDIT_CHARS and bare_credit(text):
        return "", bare_credit(text)  # `صورة: أرشيف` and nothing else
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
    if match and is_named_credit(match.group("credit"), own_names):
        return text[: match.start()].rstrip(), match.group("credit").strip()
    match = TRAILING_SLASH.search(text)
    if match and len(text[: match.start()].split()) >= MIN_TEXT_WORDS_BEFORE_SLASH and len(match.group("credit").split()) <= MAX_SLASH_CREDIT_WORDS:
        return text[: match.start()].rstrip(), match.group("credit").strip()
    prefix = credit_prefix_pattern().search(text)
    if prefix and prefix.start() > 0:
        return text[: prefix.start()].rstrip(), strip_credit_prefix(prefix.group(1))
    return text, None


@lru_cache(maxsize=1)
def credit_prefix_pattern() -> re.Pattern:
    """`| تصوير: فلان` at the end of a caption (compiled once per process)."""
    return re.compile(r"\s*[|.،]?\s*((?:%s)\s*[:：].{2,60})$" % "|".join(map(re.escape, rules()["credit_prefixes"])))


def is_named_credit(name: str, own_names: frozenset[str]) -> bool:
    return is_agency(name) or credit_prefixed(name) or normalized(name).strip() in own_names


def credit_prefixed(text: str) -> bool:
    norm = normalized(text)
    return any(norm.startswith(p) for p in normalized_rules()["credit_prefixes"])


def strip_credit_prefix(text: str) -> str:
    """`تصوير: فلان` → `فلان`."""
    return text.split(":", 1)[-1].split("：", 1)[-1].strip()


def credit_alone(text: str) -> str | None:
    """The credit a copyright element holds (`© REUTERS / NAME` → `REUTERS / NAME`), or None when the
    element holds more than a credit (a caption with its credit, a rights notice)."""
    text = clean_text(text)
    if not text or len(text) > MAX_CREDIT_CHARS or len(text.split()) > MAX_CREDIT_WORDS:
        return None
    body, credit = split_credit(COPYRIGHT_SIGN.sub("", text))
    if credit and len(body.split()) >= MIN_CAPTION_WORDS:
        return None  # `caption (credit)`: a caption, whatever its element's class says
    return bare_credit(text)


def bare_credit(text: str) -> str | None:
    """`© X`, `تصوير: X`, `(X)`, an agency, a short Latin name or a few words → X; else None."""
    marked = bool(COPYRIGHT_SIGN.match(text)) or credit_prefixed(text) or text.startswith("(")
    stripped = COPYRIGHT_SIGN.sub("", text).strip()
    if credit_prefixed(stripped) and PREFIX_SEPARATOR.search(stripped):
        stripped = strip_credit_prefix(stripped)
    stripped = stripped.strip(" ()[]-–—|")
    words = len(stripped.split())
    latin = not ARABIC_SCRIPT.search(stripped) and words <= MAX_LATIN_CREDIT_WORDS
    if stripped and (marked or latin or is_agency(stripped) or words <= MAX_PLAIN_CREDIT_WORDS):
        return stripped
    return None
