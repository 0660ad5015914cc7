"""Finding the publication and update dates on a page: structured data, then URL, htmldate and visible text.

Parsing a date string is `crawler.extraction.dates`; this module decides which of a page's dates to trust.
"""
from __future__ import annotations

from lxml import etree

from crawler.extraction.attribution import normalized, normalized_rules
from crawler.extraction.dates import (
    FoundDate,
    date_from_url,
    date_words,
    is_date_line,
    parse_structured_date,
    parse_text_date,
    trusted_htmldate,
)
from crawler.extraction.metadata import class_pattern
from crawler.extraction.page import first_meta, jsonld_values, text_of

TIME_DATETIMES = etree.XPath("//time[@datetime][not(ancestor::*[contains(@class,'related')])]/@datetime", smart_strings=False)
ALL_TIME_DATETIMES = etree.XPath("//time/@datetime", smart_strings=False)
PUBLISHED_METAS = ("article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate", "publish-date", "date", "dc.date.issued", "dc.date", "sailthru.date", "parsely-pub-date")
UPDATED_METAS = ("article:modified_time", "og:updated_time", "datemodified", "dc.date.modified")
DATE_CANDIDATES = etree.XPath("//*[@class or @id or self::time]")
# The blocks around the headline where an article's header prints its date, whatever their tag or class.
AFTER_HEADLINE = etree.XPath("following::*[position() <= 80]")
BEFORE_HEADLINE = etree.XPath("preceding::*[position() <= 40]")
SKIPPED_TAGS = ("script", "style", "body", "html", "head", "title", "noscript", "template")


def structured_dates(tree, metas, jsonld, now) -> tuple[FoundDate | None, FoundDate | None, str | None]:
    """(published, updated, source) from JSON-LD, meta tags and <time datetime>: no dateparser."""
    for source, published_values, updated_values in (
        ("json-ld", jsonld_values(jsonld, "datePublished"), jsonld_values(jsonld, "dateModified")),
        ("meta", [first_meta(metas, k) for k in PUBLISHED_METAS], [first_meta(metas, k) for k in UPDATED_METAS]),
        ("time-tag", TIME_DATETIMES(tree)[:1], []),
    ):
        published = next((d for d in (parse_structured_date(v, now=now) for v in published_values if isinstance(v, str)) if d), None)
        if published:
            updated = next((d for d in (parse_structured_date(v, now=now) for v in updated_values if isinstance(v, str)) if d), None)
            return published, updated, source
    return None, None, None


def page_zone(tree, metas, jsonld):
    """The offset the page's own machine-readable dates carry (JSON-LD, meta, <time datetime>), or None:
    the zone its dates printed without one are in, when the catalog does not name the site's."""
    values = [*jsonld_values(jsonld, "datePublished"), *jsonld_values(jsonld, "dateModified"),
              *(first_meta(metas, k) for k in PUBLISHED_METAS + UPDATED_METAS), *ALL_TIME_DATETIMES(tree)[:5]]
    for value in values:
        found = parse_structured_date(value) if isinstance(value, str) else None
        if found and not found.naive:
            return found.value.tzinfo
    return None


def header_date_blocks(h1, now=None) -> tuple[list, list]:
    """Short blocks near the headline whose whole text is a date (`dates.is_date_line`), any tag, any
    class: (after the headline, nearest first; before it, nearest first)."""
    if h1 is None:
        return [], []

    def dated(elements):
        return [el for el in elements if isinstance(el.tag, str) and el.tag not in SKIPPED_TAGS
                and short_text(el) and is_date_line(text_of(el), now=now)]

    return dated(AFTER_HEADLINE(h1)), dated(reversed(BEFORE_HEADLINE(h1)))


def short_text(el, limit: int = 150) -> bool:
    """Whether `el` holds 4 to `limit` characters of text: stops reading past the limit (the article's
    container follows the headline too, and reading all of it for each candidate would cost a pass)."""
    total = 0
    for chunk in el.itertext():
        total += len(chunk.strip())
        if total > limit:
            return False
    return total >= 4


def merged(*lists) -> list:
    """The lists' elements in order, each once."""
    seen, out = set(), []
    for el in (el for items in lists for el in items):
        if el not in seen:
            seen.add(el)
            out.append(el)
    return out


def date_elements(tree, h1) -> tuple[list, list]:
    """Short elements that look like timestamps by their markup (habits of `data/dates.toml`): (after
    the headline, before it). A bonus beside `header_date_blocks`, which reads what the page shows.

    Without a headline every one counts as after it."""
    date_class = class_pattern("dates")
    found = []
    for el in DATE_CANDIDATES(tree):
        if el.tag in ("script", "style", "body", "html") or not (el.tag == "time" or date_class.search(class_and_id(el))):
            continue
        text = text_of(el)
        if 4 <= len(text) <= 150:
            found.append(el)
    if h1 is None:
        return found, []
    order = {el: i for i, el in enumerate(tree.iter())}
    h1_pos = order.get(h1, 0)
    return [el for el in found if order.get(el, 0) > h1_pos], [el for el in found if order.get(el, 0) <= h1_pos]


def class_and_id(el) -> str:
    return f"{el.get('class', '')} {el.get('id', '')}"


def text_dates(elements, now) -> tuple[FoundDate | None, FoundDate | None]:
    """Visible Arabic timestamps: (published, updated) — `آخر تحديث` marks the latter."""
    markers = [*normalized_rules()["update_markers"], *date_words()["updated_prefixes"]]
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
    """The page had no structured date: URL day, then the visible date by the headline, then htmldate
    (validated), then any visible date. The visible publication date wins over htmldate's guess: htmldate
    cannot read Arabic or Solar Hijri month names and falls back on copyright years and teaser dates."""
    classed_after, classed_before = date_elements(tree, h1)
    shown_after, shown_before = header_date_blocks(h1, now)
    after_h1, before_h1 = merged(shown_after, classed_after), merged(shown_before, classed_before)
    hinted = list(tree.xpath(hints.date_xpath)) if hints.date_xpath else []
    published, updated = text_dates(hinted + after_h1, now)
    from_url = date_from_url(url, now=now)
    if from_url and from_url.has_day:
        return from_url, updated, "url"
    if published:
        return published, updated, "text"
    # htmldate reads the tree as it is, then prunes its own deep copy (it copies any tree it is handed).
    guessed = trusted_htmldate(tree, raw_text, now=now)
    if guessed:
        return guessed, updated, "htmldate"
    # Before the headline stands the site's "today" date as often as the article's own.
    published, updated = text_dates(hinted + after_h1 + before_h1, now)
    if published or updated:
        return published or updated, updated if published else None, "text"
    if from_url:
        return from_url, None, "url"
    return None, None, None
