"""What extraction returns: an article and its parts, and the exception for pages that hold none.

Plain dataclasses with no Scrapy in them: pipelines, the archive and re-extraction carry them as they are.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Caption:
    """One article image with its caption, as a reader sees it."""

    text: str
    credit: str | None = None
    image_url: str | None = None
    alt: str | None = None


@dataclass
class Source:
    """An attribution such as `الجزيرة` or `رويترز`, with a canonical agency name."""

    name: str
    canonical: str | None = None


@dataclass
class ExtractionHints:
    """Per-site extraction rules from the site catalog, used only where the generic extractor needs them.

    Every selector is an XPath expression evaluated on the parsed page.
    """

    body_xpath: str | None = None
    remove_xpaths: list[str] = field(default_factory=list)
    caption_xpath: str | None = None
    author_xpath: str | None = None
    date_xpath: str | None = None
    title_suffixes: list[str] = field(default_factory=list)
    # The zone a time printed without an offset is in (IANA names): the site's own `timezone` from the
    # catalog, and its country's default zone (used only when the page prints no offset of its own).
    timezone: str | None = None
    country_timezone: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> "ExtractionHints":
        data = dict(data or {})
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"unknown extraction hint(s): {sorted(unknown)}")
        return cls(**data)


@dataclass
class Article:
    """A structured news article: what extraction returns and the archive stores."""

    url: str
    canonical_url: str | None = None
    title: str | None = None
    lead: str | None = None
    body: str = ""
    captions: list[Caption] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    published: str | None = None  # ISO 8601 with timezone
    updated: str | None = None
    date_source: str | None = None  # json-ld, meta, time-tag, url, text, htmldate
    date_precision: str | None = None  # month, day, hour, minute, second (dates.PRECISIONS)
    # How the zone of `published` was known: `page` (the page printed its offset), `catalog` (the site's
    # `timezone`), `country` (the catalog's zone for the site's country), `fetch` (relative to the fetch
    # time, an exact instant), `unknown` (the naive local time is stored, with no offset).
    date_zone_source: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    language: str | None = None
    # Where the body came from: `extractor` (ours), `site-xpath` (the catalog's body XPath), `trafilatura` or
    # `trafilatura-recall` (bare trafilatura on the page as served, kept because ours held clearly less).
    body_source: str | None = None
    extractor: str | None = None  # "name version settings-hash", for provenance

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Article":
        data = dict(data)
        data["captions"] = [Caption(**c) for c in data.get("captions") or []]
        data["sources"] = [Source(**s) for s in data.get("sources") or []]
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in known})


class NotAnArticle(ValueError):
    """Raised by `extract` when a page holds no article (empty, binary, a listing page...).

    The message is the reason, logged by the pipeline when it skips the page.
    """
