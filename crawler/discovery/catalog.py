"""The site catalog: every crawlable site is data in `crawler/sites.toml`, not a class.

A site entry names its domains, its discovery URLs (sitemaps, feeds, start
pages), the regular expression that tells an article URL from a listing page,
optional extraction hints, and how the entry was verified. `timezone` (an IANA name) is the zone the
site prints its times in when it prints no offset; `country` (ISO 3166 code) picks a default zone
from the catalog's `[country_timezones]` table for sites whose own zone is not known. Both reach
the extractor through the site's `ExtractionHints`.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.errors import UsageError
from crawler.extraction import ExtractionHints
from crawler.extraction.zones import named_zone

DEFAULT_CATALOG = Path(__file__).parent.with_name("sites.toml")


class CatalogError(UsageError):
    """The catalog file or one of its entries is invalid."""


@dataclass
class Site:
    name: str
    domains: list[str]
    article_pattern: str
    sitemaps: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    start_urls: list[str] = field(default_factory=list)
    listing_pattern: str | None = None  # pages worth following for links (sections, pagination)
    hints: ExtractionHints = field(default_factory=ExtractionHints)
    language: str = "ar"
    verified: str = "unverified"  # how the entry was checked: "local-tests", "saved-page", "documented", ...
    notes: str = ""
    timezone: str | None = None  # IANA zone of the times the site prints without an offset
    country: str | None = None  # ISO 3166 alpha-2: its default zone stands in when `timezone` is unset

    def __post_init__(self) -> None:
        if not self.domains:
            raise CatalogError(f"site {self.name!r}: domains must not be empty")
        for attr in ("article_pattern", "listing_pattern"):
            pattern = getattr(self, attr)
            if pattern is None:
                continue
            try:
                re.compile(pattern)
            except re.error as exc:
                raise CatalogError(f"site {self.name!r}: bad {attr}: {exc}") from exc
        if not (self.sitemaps or self.feeds or self.start_urls):
            raise CatalogError(f"site {self.name!r}: needs at least one sitemap, feed or start URL")

    def is_article_url(self, url: str) -> bool:
        return re.search(self.article_pattern, url) is not None

    def is_listing_url(self, url: str) -> bool:
        return bool(self.listing_pattern) and re.search(self.listing_pattern, url) is not None

    def owns(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return any(host == d or host.endswith("." + d) for d in self.domains)

    def with_base_url(self, base_url: str) -> "Site":
        """Return a copy whose `{base}` placeholders point at `base_url` (used by the local sample site)."""
        base = base_url.rstrip("/")
        host = urlsplit(base).hostname or ""

        def sub(values: list[str]) -> list[str]:
            return [v.replace("{base}", base) for v in values]

        return Site(
            name=self.name,
            domains=[host if d == "{host}" else d for d in self.domains],
            article_pattern=self.article_pattern,
            sitemaps=sub(self.sitemaps),
            feeds=sub(self.feeds),
            start_urls=sub(self.start_urls),
            listing_pattern=self.listing_pattern,
            hints=self.hints,
            language=self.language,
            verified=self.verified,
            notes=self.notes,
            timezone=self.timezone,
            country=self.country,
        )

    @property
    def is_local(self) -> bool:
        """Served on this machine (the sample site): its URLs need a base URL at run time."""
        return "{base}" in " ".join(self.sitemaps + self.feeds + self.start_urls)

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "domains": self.domains,
            "sitemaps": self.sitemaps,
            "feeds": self.feeds,
            "start_urls": self.start_urls,
            "verified": self.verified,
        }


def site_from_dict(name: str, data: dict[str, Any], country_zones: dict[str, str] | None = None) -> Site:
    data = dict(data)
    allowed = set(Site.__dataclass_fields__) - {"name", "hints"} | {"hints"}
    unknown = set(data) - allowed
    if unknown:
        raise CatalogError(f"site {name!r}: unknown key(s) {sorted(unknown)}")
    if "article_pattern" not in data or "domains" not in data:
        raise CatalogError(f"site {name!r}: needs 'domains' and 'article_pattern'")
    try:
        hints = ExtractionHints.from_dict(data.pop("hints", None))
    except (TypeError, ValueError) as exc:
        raise CatalogError(f"site {name!r}: {exc}") from exc
    return Site(name=name, hints=with_zones(name, hints, data.get("timezone"), data.get("country"), country_zones or {}), **data)


def with_zones(name: str, hints: ExtractionHints, zone: str | None, country: str | None,
               country_zones: dict[str, str]) -> ExtractionHints:
    """The hints with the site's zone and its country's default zone, both checked against the tz database."""
    if country is not None and country not in country_zones:
        raise CatalogError(f"site {name!r}: country {country!r} has no entry in [country_timezones]")
    country_zone = country_zones.get(country) if country else None
    for value in (zone, country_zone):
        if value is not None:
            try:
                named_zone(value)
            except ValueError as exc:
                raise CatalogError(f"site {name!r}: {exc}") from None
    return replace(hints, timezone=zone or hints.timezone, country_timezone=country_zone or hints.country_timezone)


def load_catalog(path: Path | str = DEFAULT_CATALOG) -> dict[str, Site]:
    """Read and validate the catalog; raises `CatalogError` naming the bad entry."""
    with open(path, "rb") as fh:
        try:
            raw = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise CatalogError(f"{path}: {exc}") from exc
    sites = raw.get("sites")
    if not isinstance(sites, dict) or not sites:
        raise CatalogError(f"{path}: no [sites.NAME] tables")
    country_zones = raw.get("country_timezones", {})
    if not isinstance(country_zones, dict) or not all(isinstance(v, str) for v in country_zones.values()):
        raise CatalogError(f"{path}: [country_timezones] maps country codes to IANA zone names")
    return {name: site_from_dict(name, entry, country_zones) for name, entry in sites.items()}


def get_site(name: str, path: Path | str = DEFAULT_CATALOG) -> Site:
    catalog = load_catalog(path)
    try:
        return catalog[name]
    except KeyError:
        raise CatalogError(f"unknown site {name!r}; known: {', '.join(sorted(catalog))}") from None
