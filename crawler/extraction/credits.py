"""Photo credits: split off a caption's end (`… (رويترز)`), or read alone from a copyright element.

Credit forms: `(غيتي)`, `- أ ف ب`, `/ AFP PHOTO / NAME`, `(Photo credit should read …)`,
`تصوير: فلان`, and alone `© REUTERS / NAME`, `Getty Images`, `(أ ف ب)`. Credit prefixes and the
parenthesised words that are not credits live in `data/extraction.toml`; agency names in `agencies.toml`.
"""
from __future__ import annotations

import re
from functools import lru_cache

from crawler.arabic import clean_text
from crawler.extraction.attribution import DASH_CLASS, is_agency, normalized, normalized_rules, rules

TRAILING_PAREN = re.compile(r"\s*\((?P<credit>[^()]{2,60})\)\s*\.?\s*$")
TRAILING_DASH = re.compile(r"\s+[%s]+\s*(?P<credit>[^%s]{2,40})$" % (DASH_CLASS, DASH_CLASS))
AGENCY_SLASH = re.compile(r"\s*/\s*(?P<credit>[A-Z][A-Za-z .]*(?:PHOTO|Photo|photo|IMAGES|Images)?\s*(?:/\s*[^/]{2,60})?)\s*$")
PHOTO_CREDIT_SHOULD = re.compile(r"\s*\((?:Photo credit should read|Photo by|Credit:)\s*(?P<credit>[^()]+)\)\s*$", re.I)
COPYRIGHT_SIGN = re.compile(r"^\s*(?:©|\(c\)|copyright)\s*", re.I)
MAX_CREDIT_WORDS = 8
MAX_CREDIT_CHARS = 80


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
        return text[: prefix.start()].rstrip(), strip_credit_prefix(prefix.group(1))
    return text, None


@lru_cache(maxsize=1)
def credit_prefix_pattern() -> re.Pattern:
    """`| تصوير: فلان` at the end of a caption (compiled once per process)."""
    return re.compile(r"\s*[|.،]?\s*((?:%s)\s*[:：].{2,60})$" % "|".join(map(re.escape, rules()["credit_prefixes"])))


def credit_prefixed(text: str) -> bool:
    norm = normalized(text)
    return any(norm.startswith(p) for p in normalized_rules()["credit_prefixes"])


def strip_credit_prefix(text: str) -> str:
    """`تصوير: فلان` → `فلان`."""
    return text.split(":", 1)[-1].split("：", 1)[-1].strip()


def credit_alone(text: str) -> str | None:
    """The credit a copyright element holds (`© REUTERS / NAME` → `REUTERS / NAME`), or None for a
    longer text, which is a caption and not a credit."""
    text = clean_text(text)
    if not text or len(text) > MAX_CREDIT_CHARS or len(text.split()) > MAX_CREDIT_WORDS:
        return None
    text = COPYRIGHT_SIGN.sub("", text).strip()
    if credit_prefixed(text) and (":" in text or "：" in text):
        text = strip_credit_prefix(text)
    text = text.strip(" ()[]-–—|")
    return text or None
