"""Time zones told truthfully: a date printed without an offset is in the publisher's zone, and the
archive says how that zone was known.

The zone of a naive date comes, in order, from the site's catalog `timezone` (IANA name, `catalog`),
the offset of another date the same page prints with one (`page`), the catalog's default zone for
the site's country (`country`); with none of them the naive local time is kept and said `unknown`,
never written as +00:00. A date that carries its own offset keeps it (`page`), a relative one
counted from the fetch time is an exact instant (`fetch`).
"""
from __future__ import annotations

from datetime import tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from crawler.extraction.article import ExtractionHints
from crawler.extraction.dates import FoundDate

UNKNOWN = "unknown"


@lru_cache(maxsize=64)
def named_zone(name: str) -> ZoneInfo:
    """The IANA zone `name`; ValueError for a name the system's tz database does not know."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def zone_for(hints: ExtractionHints, page_zone: tzinfo | None) -> tuple[tzinfo | None, str]:
    """The zone a naive date of this page is in, and how it was known."""
    if hints.timezone:
        return named_zone(hints.timezone), "catalog"
    if page_zone is not None:
        return page_zone, "page"
    if hints.country_timezone:
        return named_zone(hints.country_timezone), "country"
    return None, UNKNOWN


def resolve_zone(
    published: FoundDate | None, updated: FoundDate | None, hints: ExtractionHints, page_zone: tzinfo | None
) -> tuple[FoundDate | None, FoundDate | None, str | None]:
    """(published, updated, how published's zone was known); naive dates get the zone `zone_for` finds."""
    if published is None:
        return None, updated, None
    if not (published.naive or (updated and updated.naive)):
        return published, updated, published.zone_source
    zone, source = zone_for(hints, page_zone)
    if zone is not None:
        published = published.in_zone(zone, source)
        updated = updated.in_zone(zone, source) if updated else None
    return published, updated, published.zone_source or UNKNOWN
