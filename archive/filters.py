"""What narrows a search besides its words: sites, sections, dates, language, captions.

Read by `archive.fts.search` (inside its scan) and by `archive.export` (`export --query`), which
both turn them into conditions on the article's row.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from crawler.errors import UsageError

DATE_OF = "COALESCE(NULLIF(a.published, ''), a.fetched_at)"  # the article's date: published, else archived


@dataclass(frozen=True)
class Filters:
    """What narrows a search besides its words (the query's site:/section: and the form's or the CLI's)."""

    sites: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    since: str | None = None  # ISO date: published (else archived) on or after
    until: str | None = None  # ISO date: published (else archived) on or before (a bare date: that whole day)
    language: str | None = None
    month: str | None = None  # YYYY-MM of the published (else archived) date
    captions: bool | None = None  # True: only articles with a caption; False: only without

    def __bool__(self) -> bool:
        return any(value not in (None, ()) for value in self.__dict__.values())

    def describe(self) -> str:
        """E.g. " on site aljazeera published since 2026-01-01", for the ranking notice."""
        parts = [f" on site {' or '.join(self.sites)}" if self.sites else "",
                 f" in section {' or '.join(self.sections)}" if self.sections else "",
                 f" published since {self.since}" if self.since else "",
                 f" published until {self.until}" if self.until else "",
                 f" published in {self.month}" if self.month else "",
                 f" in language {self.language}" if self.language else "",
                 {True: " with captions", False: " without captions", None: ""}[self.captions]]
        return "".join(parts)


MONTH = re.compile(r"\d{4}-\d{2}")


def checked_filters(filters: Filters) -> Filters:
    """`filters` with its dates checked (UsageError, one line, for a date that is not ISO)."""
    for name in ("since", "until"):
        value = getattr(filters, name)
        if value:
            try:
                datetime.fromisoformat(value)
            except ValueError:
                raise UsageError(f"{name} is not an ISO date: {value[:40]!r} (e.g. 2026-11-01)") from None
    if filters.month and not MONTH.fullmatch(filters.month):
        raise UsageError(f"month is not YYYY-MM: {filters.month[:40]!r}")
    return filters


def placeholders(values: tuple) -> str:
    return ", ".join("?" for _ in values)


def row_conditions(filters: Filters) -> tuple[list[str], list]:
    """Conditions on `articles a` for the filters that need the article's row (all but the sites)."""
    conditions, params = [], []
    if filters.sections:
        conditions.append(f"a.section IN ({placeholders(filters.sections)})")
        params += filters.sections
    if filters.since:
        conditions.append(f"{DATE_OF} >= ?")
        params.append(filters.since)
    if filters.until:
        bare_date = len(filters.until) == 10  # a bare date: everything on that day too
        conditions.append(f"{DATE_OF} < ?" if bare_date else f"{DATE_OF} <= ?")
        params.append((date.fromisoformat(filters.until) + timedelta(days=1)).isoformat() if bare_date else filters.until)
    if filters.month:
        conditions.append(f"substr({DATE_OF}, 1, 7) = ?")
        params.append(filters.month)
    if filters.language:
        conditions.append("a.language = ?")
        params.append(filters.language)
    if filters.captions is not None:
        conditions.append(("" if filters.captions else "NOT ") + "EXISTS (SELECT 1 FROM captions c WHERE c.article_id = a.id)")
    return conditions, params
