"""What a sitemap or feed entry says: its link and date, read without Scrapy.

`feed_entries` reads RSS/Atom (hostile or broken XML yields what it can), `parse_when` reads the
ISO 8601 or RFC 822 dates both use, `announced_before` applies `crawl --since`.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import lxml.etree

from crawler.extraction.dates import date_from_url
from archive.known import parse_iso

FEED_PARSER = lxml.etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)


def parse_when(value: str | None) -> datetime | None:
    """Parse an ISO 8601 or RFC 822 date from a sitemap or feed; naive means UTC; None when unreadable."""
    parsed = parse_iso(value)
    if parsed is not None or not value:
        return parsed
    try:
        parsed = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def feed_entries(body: bytes) -> Iterator[tuple[str, str | None]]:
    """(link, date) of every RSS item or Atom entry; hostile or broken XML yields what it can."""
    try:
        root = lxml.etree.fromstring(body, FEED_PARSER)
    except lxml.etree.XMLSyntaxError:
        return
    if root is None:
        return
    for entry in root.xpath("//*[local-name()='item' or local-name()='entry']"):
        link = entry.xpath("string(*[local-name()='link'][not(@rel) or @rel='alternate'][1]/@href)") or entry.xpath(
            "string(*[local-name()='link'][1])"
        )
        date = entry.xpath(
            "string(*[local-name()='updated' or local-name()='pubDate' or local-name()='published'][1])"
        )
        if link.strip():
            yield link.strip(), (date.strip() or None)


NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


def news_sitemap_entries(body: bytes) -> list[tuple[str, str | None]] | None:
    """(loc, date) of every entry of a Google News sitemap (its publication date, else lastmod);
    None when `body` is not a news sitemap (Scrapy's Sitemap reader drops the nested news date)."""
    try:
        root = lxml.etree.fromstring(body, FEED_PARSER)
    except lxml.etree.XMLSyntaxError:
        return None
    if root is None or NEWS_NS not in root.nsmap.values():
        return None
    entries = []
    for url in root.xpath("//*[local-name()='url']"):
        loc = url.xpath("string(*[local-name()='loc'])").strip()
        date = url.xpath("string(.//*[local-name()='publication_date'])").strip() or url.xpath(
            "string(*[local-name()='lastmod'])").strip()
        if loc:
            entries.append((loc, date or None))
    return entries


def announced_before(since: datetime, url: str, when: datetime | None) -> bool:
    """Older than `since` by its sitemap/feed date, else (listing links carry none) by the day in its URL."""
    if when is not None:
        return when < since
    found = date_from_url(url)
    # A URL gives a day, not a time: skip only when the whole day is before `since`.
    return found is not None and found.precision == "day" and found.value.date() < since.date()
