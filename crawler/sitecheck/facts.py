"""What a check saw on one site, as plain data: filled in by the probe spider, judged by `verdict`."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class UrlProbe:
    """One discovery URL: a catalog sitemap, feed or start page, or a sitemap found through one."""

    url: str
    kind: str  # robots, sitemap, feed, page
    found_in: str = "catalog"  # "catalog", or the robots.txt / sitemap index that listed it
    status: int | None = None  # of the final response, after redirects
    final_url: str | None = None
    redirects: list[int] = field(default_factory=list)  # status of every redirect hop
    content_type: str | None = None
    error: str | None = None  # no response: unreachable, timed out, disallowed by robots.txt
    parseable: bool | None = None
    format: str | None = None  # robots.txt, sitemap index, urlset, rss, atom, html
    entries: int = 0  # sitemaps listed, URLs, feed items, or article links on a page
    newest: str | None = None  # ISO date of the newest entry that carries one
    not_followed: int = 0  # child sitemaps left unread (the check reads a few)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class RobotsFile:
    url: str
    status: int | None = None
    error: str | None = None
    text: str = ""  # kept for the judgement, not reported


@dataclass
class Listed:
    """An article URL a sitemap or feed lists, with the date it gives."""

    url: str
    date: str | None
    source: str  # the sitemap or feed URL
    kind: str  # sitemap or feed


@dataclass
class ArticleProbe:
    url: str
    status: int | None = None
    final_url: str | None = None
    error: str | None = None  # no response, or why extraction refused the page
    title: str | None = None
    published: str | None = None
    language: str | None = None
    fields: dict[str, bool] = field(default_factory=dict)  # title, date, body, caption, source, author

    @property
    def extracted(self) -> bool:
        return bool(self.fields)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "extracted": self.extracted}


@dataclass
class SiteProbe:
    site: str
    robots: dict[str, RobotsFile] = field(default_factory=dict)  # origin -> its robots.txt
    urls: list[UrlProbe] = field(default_factory=list)
    listed: list[Listed] = field(default_factory=list)
    page_links: list[str] = field(default_factory=list)  # article-pattern links on start pages
    articles: list[ArticleProbe] = field(default_factory=list)
    articles_wanted: int = 0
