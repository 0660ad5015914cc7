"""Finding the publication and update dates on a page: structured data, then URL, htmldate and visible text.

Parsing a date string is `crawler.extraction.dates`; this module decides which of a page's dates to trust.
"""
from __future__ import annotations

import re
from copy import deepcopy

from lxml import etree

from crawler.extraction.attribution import normalized, normalized_rules
from crawler.extraction.dates import (
    FoundDate,
    date_from_url,
    parse_structured_date,
    parse_text_date,
    trusted_htmldate,
)
from crawler.extraction.page import first_meta, jsonld_values, text_of

TIME_DATETIMES = etree.XPath("//time[@datetime][not(ancestor::*[contains(@class,'related')])]/@datetime", smart_strings=False)
DATE_CANDIDATES = etree.XPath("//*[@class or @id or self::time]")
DATE_CLASS = re.compile(r"date|time|publish|posted|tmstmp|timestamp|byline|meta", re.I)


def structured_dates(tree, metas, jsonld, now) -> tuple[FoundDate | None, FoundDate | None, str | None]:
    """(published, updated, source) from JSON-LD, meta tags and <time datetime>: no dateparser."""
    for source, published_values, updated_values in (
        ("json-ld", jsonld_values(jsonld, "datePublished"), jsonld_values(jsonld, "dateModified")),
        (
            "meta",
            [first_meta(metas, k) for k in ("article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate", "publish-date", "date", "dc.date.issued", "dc.date", "sailthru.date", "parsely-pub-date")],
            [first_meta(metas, k) for k in ("article:modified_time", "og:updated_time", "datemodified", "dc.date.modified")],
        ),
        ("time-tag", TIME_DATETIMES(tree)[:1], []),
    ):
        published = next((d for d in (parse_structured_date(v, now=now) for v in published_values if isinstance(v, str)) if d), None)
        if published:
            updated = next((d for d in (parse_structured_date(v, now=now) for v in updated_values if isinstance(v, str)) if d), None)
            return published, updated, source
    return None, None, None


def date_elements(tree, h1):
    """Short elements that look like timestamps, those after the headline first."""
    found = []
    for el in DATE_CANDIDATES(tree):
        if el.tag in ("script", "style", "body", "html") or not (el.tag == "time" or DATE_CLASS.search(class_and_id(el))):
            continue
        text = text_of(el)
        if 4 <= len(text) <= 150:
            found.append(el)
    if h1 is None:
        return found
    order = {el: i for i, el in enumerate(tree.iter())}
    h1_pos = order.get(h1, 0)
    return [el for el in found if order.get(el, 0) > h1_pos] + [el for el in found if order.get(el, 0) <= h1_pos]


def class_and_id(el) -> str:
    return f"{el.get('class', '')} {el.get('id', '')}"


def text_dates(tree, h1, now, hints) -> tuple[FoundDate | None, FoundDate | None]:
    """Visible Arabic timestamps: (published, updated) — `آخر تحديث` marks the latter."""
    markers = normalized_rules()["update_markers"]
    elements = list(tree.xpath(hints.date_xpath)) if hints.date_xpath else []
    elements += date_elements(tree, h1)
    published = updated = None
    for el in elements:
        text = el if isinstance(el, str) else text_of(el)
        found = parse_text_date(text, now=now)
        if not found:
            continue
        norm = normalized(text)
        if any(m in norm for m in markers):
            updated = updated or found
            continue
        published = published or found
        if published and updated:
            break
    return published, updated


def fallback_dates(tree, h1, url, raw_text, now, hints) -> tuple[FoundDate | None, FoundDate | None, str | None]:
    """URL, then htmldate (validated), then visible Arabic text: the page had no structured date."""
    text_published, text_updated = text_dates(tree, h1, now, hints)
    from_url = date_from_url(url, now=now)
    if from_url and from_url.precision == "day":
        return from_url, text_updated, "url"
    guessed = trusted_htmldate(deepcopy(tree), raw_text, now=now)
    if guessed:
        return guessed, text_updated, "htmldate"
    if text_published:
        return text_published, text_updated, "text"
    if text_updated:
        return text_updated, None, "text"
    if from_url:
        return from_url, None, "url"
    return None, None, None
