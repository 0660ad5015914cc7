"""Per-run bookkeeping of what each URL was requested as, and how far each sitemap is trusted.

Scrapy's dupefilter knows a URL, not what it was fetched for: a page first followed as a listing
(parsed for links) and later announced by a sitemap as an article would be dropped as already
seen, and never extracted. `Frontier` keeps the kind per canonical URL so that a more trusted
announcement upgrades the earlier request (joined while in flight, fetched again once if its
response was already parsed as a plain listing). Article requests carry `dont_filter`: the
frontier, not the dupefilter, makes them one per canonical URL per run.

`SitemapTrust` probes each sitemap file: only its first entries are requested until a few of
them turned out to be articles; a file whose entries keep turning out not to be articles (a tag
or author sitemap under a neutral name) is not read further this run.
"""
from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any

# Sent by the archive stage for every extracted page: page=FetchedPage, is_article=bool.
page_classified = object()


class Claim(Enum):
    REQUEST = "request"  # not requested yet: request it as an article
    JOIN = "join"  # a listing request for it is in flight: its response will be extracted
    REFETCH = "refetch"  # already parsed as a plain listing: request it again, as an article
    SEEN = "seen"  # already requested (or taken) as an article this run


class Frontier:
    """What each canonical URL was requested as this run: an article, a listing, or both."""

    def __init__(self) -> None:
        self.articles: set[str] = set()  # requested as articles, or extracted from a listing response
        self.listings: dict[str, bool] = {}  # requested as listings -> response parsed yet
        self.upgraded: set[str] = set()  # listings in flight since announced as articles
        self.late_redirects: dict[str, str] = {}  # redirecting URL -> article it led to, already claimed

    def has_article(self, canonical: str) -> bool:
        return canonical in self.articles

    def claim_article(self, canonical: str) -> Claim:
        if canonical in self.articles:
            return Claim.SEEN
        self.articles.add(canonical)
        parsed = self.listings.get(canonical)
        if parsed is None:
            return Claim.REQUEST
        if not parsed:
            self.upgraded.add(canonical)
            return Claim.JOIN
        return Claim.REFETCH

    def note_late_redirect(self, source: str, target: str) -> None:
        """A redirect led to an article claimed by another path: its alias is recorded at the end of the run."""
        if source != target:
            self.late_redirects[source] = target

    def claim_listing(self, canonical: str) -> bool:
        """True when `canonical` should be requested as a listing (never requested as anything yet)."""
        if canonical in self.articles or canonical in self.listings:
            return False
        self.listings[canonical] = False
        return True

    def listing_arrived(self, canonical: str) -> bool:
        """Note a listing response; True when an announcement asked for it as an article meanwhile."""
        self.listings[canonical] = True
        if canonical in self.upgraded:
            self.upgraded.discard(canonical)
            return True
        return False


@dataclass
class SitemapRecord:
    requested: int = 0
    articles: int = 0
    not_articles: int = 0
    verdict: str = "probing"  # probing, trusted, distrusted
    held: int = 0  # entries waiting in the HeldEntries store


HeldEntry = tuple[Any, str, "str | None"]  # (site, url, lastmod)


class MemoryHeldEntries:
    """Entries waiting for their sitemap's probe, in memory (tests; the spider keeps them on disk)."""

    def __init__(self) -> None:
        self.entries: dict[str, list[HeldEntry]] = {}

    def add(self, sitemap: str, entry: HeldEntry) -> None:
        self.entries.setdefault(sitemap, []).append(entry)

    def take(self, sitemap: str) -> list[HeldEntry]:
        return self.entries.pop(sitemap, [])


class SitemapTrust:
    """Probe a sitemap's first `probe` requested entries before reading it all.

    Trusted once `ceil(probe * min_article_share)` of them are articles; distrusted once so many are
    not articles that the share can no longer be reached. Held entries of a trusted sitemap are
    released; those of a distrusted one are dropped. A sitemap still probing when the crawl goes
    idle (its probes failed, or were 404s) is trusted: nothing announced is lost by waiting.
    """

    def __init__(self, probe: int = 10, min_article_share: float = 0.2, held: Any = None) -> None:
        self.probe = max(1, probe)
        self.needed = max(1, math.ceil(self.probe * min_article_share))
        self.sitemaps: dict[str, SitemapRecord] = {}
        # Where held entries wait: a slow probe can hold a whole sitemap index (millions of URLs).
        self.held = held if held is not None else MemoryHeldEntries()

    def record(self, sitemap: str) -> SitemapRecord:
        return self.sitemaps.setdefault(sitemap, SitemapRecord())

    def admit(self, sitemap: str) -> str:
        """`request` (and counted as requested), `hold` (wait for the probe) or `drop` (distrusted)."""
        record = self.record(sitemap)
        if record.verdict == "distrusted":
            return "drop"
        if record.verdict == "probing" and record.requested >= self.probe:
            return "hold"
        record.requested += 1
        return "request"

    def hold(self, sitemap: str, site: Any, url: str, lastmod: str | None) -> None:
        self.record(sitemap).held += 1
        self.held.add(sitemap, (site, url, lastmod))

    def take_held(self, sitemap: str) -> list[HeldEntry]:
        self.record(sitemap).held = 0
        return self.held.take(sitemap)

    def settle(self, sitemap: str, is_article: bool) -> tuple[str, list[tuple[Any, str, str | None]]]:
        """Count one outcome; returns the verdict and the held entries it releases (trusted) or drops."""
        record = self.record(sitemap)
        if is_article:
            record.articles += 1
        else:
            record.not_articles += 1
        if record.verdict == "probing":
            if record.articles >= self.needed:
                record.verdict = "trusted"
            elif record.not_articles > self.probe - self.needed:
                record.verdict = "distrusted"
            else:
                return record.verdict, []
            return record.verdict, self.take_held(sitemap)
        return record.verdict, []

    def release_waiting(self) -> Iterator[tuple[Any, str, str | None]]:
        """At idle: sitemaps still probing are trusted, and their held entries released."""
        for sitemap, record in self.sitemaps.items():
            if record.verdict == "probing" and record.held:
                record.verdict = "trusted"
                yield from self.take_held(sitemap)
