"""The article's fields other than body, captions and dates: title, lead, authors, section, tags, language."""
from __future__ import annotations

import re
from itertools import chain
from urllib.parse import urlsplit

from lxml import etree

from crawler.arabic import clean_text
from crawler.extraction.article import ExtractionHints
from crawler.extraction.attribution import normalized, parse_byline, rules
from crawler.extraction.page import ARABIC_LETTER, first_meta, jsonld_values, text_of

TITLES = etree.XPath("//head/title")
H1S = etree.XPath("//h1")
WITH_CLASS = etree.XPath("//*[@class]")
AUTHOR_CANDIDATES = etree.XPath("//*[@class or @itemprop or @rel]")
IN_SIDE_BLOCK = etree.XPath("ancestor::*[contains(@class,'related') or contains(@class,'widget') or contains(@class,'sidebar')]")
AUTHOR_CLASS = re.compile(r"(?:^|[\s_-])(?:author|byline|writer|reporter|editor-name|meta_author|post-author)(?:$|[\s_-]|name)", re.I)
SUMMARY_CLASS = re.compile(r"(?:^|[\s_-])(?:summary|lead|excerpt|standfirst|article-desc|intro|subtitle|sub-title)(?:$|[\s_-])", re.I)
LATIN_LETTER = re.compile("[A-Za-z]")


def strip_site_name(title: str, names: list[str], hints: ExtractionHints) -> str:
    """Drop ` | الجزيرة نت`, ` - CNNArabic.com` and the like."""
    for suffix in hints.title_suffixes:
        if title.endswith(suffix.strip()) and len(title) > len(suffix.strip()):
            title = title[: -len(suffix.strip())].rstrip(" |-–—")
    for sep in rules()["title_separators"]:
        if sep not in title:
            continue
        head, tail = title.rsplit(sep, 1)
        first, rest = title.split(sep, 1)
        if site_like(tail, names) or (sep.strip() in ("|", "||") and len(tail.split()) <= 6):
            return strip_site_name(head.strip(), names, hints)
        if site_like(first, names):
            return strip_site_name(rest.strip(), names, hints)
    return title


def site_like(segment: str, names: list[str]) -> bool:
    seg = normalized(segment).replace(" ", "")
    if not seg:
        return False
    if re.search(r"\.(com|net|org|info|tv|news)\b", seg):
        return True
    squashed = [n.replace(" ", "") for n in names if n]
    return any(n and (seg in n or n in seg) for n in squashed) and len(segment.split()) <= 6


def pick_title(tree, metas, jsonld, names: list[str], hints) -> tuple[str | None, object]:
    """Title without site name, and the <h1> it came from (a landmark for dates and bylines)."""
    raw = [
        *metas.get("og:title", []),
        *metas.get("twitter:title", []),
        *[h for h in jsonld_values(jsonld, "headline") if isinstance(h, str)],
        *[text_of(t) for t in TITLES(tree)],
    ]
    raw = [clean_text(t) for t in raw if t and clean_text(t)]
    raw_norm = [normalized(t) for t in raw]
    h1s = [h for h in H1S(tree) if 2 <= len(text_of(h).split()) <= 60]
    for h1 in h1s:
        key = normalized(text_of(h1))
        if any(key and key in t for t in raw_norm):
            return text_of(h1), h1
    cleaned = [strip_site_name(t, names, hints) for t in raw]
    if cleaned:
        return cleaned[0], (h1s[0] if h1s else None)
    if h1s:
        return text_of(h1s[0]), h1s[0]
    return None, None


def pick_lead(tree, metas, jsonld, title: str | None, names: list[str]) -> str | None:
    candidates = [
        *metas.get("description", []),
        *metas.get("og:description", []),
        *metas.get("twitter:description", []),
        *[d for d in jsonld_values(jsonld, "description") if isinstance(d, str)],
    ]
    summaries = [el for el in WITH_CLASS(tree) if SUMMARY_CLASS.search(el.get("class", ""))][:3]
    for text in chain(candidates, (text_of(el) for el in summaries)):  # text_of only when reached
        text = clean_text(text)
        if len(text.split()) < 6 or site_like(text, names) or (title and normalized(text) == normalized(title)):
            continue
        return text
    return None


def pick_authors(tree, metas, jsonld, hints, url) -> list[str]:
    host = (urlsplit(url).hostname or "").lower().replace(".", "")

    def usable(names: list[str]) -> list[str]:
        kept = []
        for name in names:
            squashed = normalized(name).replace(" ", "")
            if squashed and squashed not in host and name not in kept:
                kept.append(name)
        return kept

    if hints.author_xpath:
        found = [n for el in tree.xpath(hints.author_xpath) for n in parse_byline(el if isinstance(el, str) else text_of(el))]
        if usable(found):
            return usable(found)
    ld_names = []
    for author in jsonld_values(jsonld, "author"):
        if isinstance(author, dict) and author.get("@type") == "Organization":
            continue  # the publisher standing in for an author
        name = author.get("name") if isinstance(author, dict) else author
        if isinstance(name, str):
            ld_names.extend(parse_byline(name))
    if usable(ld_names):
        return usable(ld_names)
    for el in AUTHOR_CANDIDATES(tree):
        marker = f"{el.get('class', '')} {el.get('itemprop', '')} {el.get('rel', '')}"
        if AUTHOR_CLASS.search(marker) or "author" in (el.get("itemprop") or "") or el.get("rel") == "author":
            if IN_SIDE_BLOCK(el):
                continue
            text = text_of(el)
            if 0 < len(text) <= 80:
                names = usable(parse_byline(text))
                if names:
                    return names
    return usable([n for value in metas.get("author", []) for n in parse_byline(value)])


def section_and_tags(tree, metas, jsonld) -> tuple[str | None, list[str]]:
    section = first_meta(metas, "article:section")
    if not section:
        sections = [s for s in jsonld_values(jsonld, "articleSection") if isinstance(s, str)]
        section = sections[0] if sections else None
    tags: list[str] = []
    raw_tags = metas.get("article:tag", []) or metas.get("news_keywords", []) or metas.get("keywords", [])
    raw_tags += [k for k in jsonld_values(jsonld, "keywords") if isinstance(k, str)]
    for value in raw_tags:
        for tag in re.split(r"\s*[,،]\s*", value):
            tag = clean_text(tag)
            if tag and tag not in tags:
                tags.append(tag)
    return (clean_text(section) if section else None), tags


def language_of(tree, metas, body: str) -> str | None:
    lang = (tree.get("lang") or tree.get("xml:lang") or first_meta(metas, "og:locale", "content-language") or "").strip()
    if lang:
        return lang.replace("_", "-").split("-")[0].lower()
    arabic, latin = len(ARABIC_LETTER.findall(body)), len(LATIN_LETTER.findall(body))
    if arabic or latin:
        return "ar" if arabic >= latin else None
    return None
