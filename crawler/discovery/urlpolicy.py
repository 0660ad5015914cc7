"""The one URL policy: which URLs the crawler fetches, follows or shows as a link.

Every URL a page, a sitemap, a feed, a redirect or a Redis entry gives us is untrusted text. It
is used only when
  * its scheme is http or https (no `javascript:`, `file:`, `data:`, `ftp:`…),
  * it parses (an unbalanced IPv6 bracket, a bad port are refused, not a traceback),
  * it is at most MAX_URL_LENGTH characters (a 100 kB URL is refused before any parsing), and,
  * for fetching on a site's behalf, its host is in the site's scope: under one of the catalog
    entry's `domains`, or a host the entry's own sitemap/feed/start URLs name. So a robots.txt
    that lists a sitemap on another host, a sitemap index pointing elsewhere and a sitemap that
    redirects off-site are followed only when the catalog lists that host.

`UrlPolicy.for_site(site).refusal(url)` says why a URL is refused (None when allowed);
`check_url` raises `UrlRefused` (a UsageError, so the CLI prints one line and exits 2);
`is_link_url` is the reader's test for turning text into a link (scheme and length, any host).
`UrlPolicyMiddleware` applies the policy to every request the downloader sees, redirects included
(Scrapy's RedirectMiddleware sends each hop through the middlewares again).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, Sequence
from urllib.parse import urlsplit

from crawler.errors import UsageError

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector


logger = logging.getLogger(__name__)

SCHEMES = frozenset({"http", "https"})
MAX_URL_LENGTH = 2083  # Scrapy's URLLENGTH_LIMIT, itself the old browsers' limit; no news URL comes near it


class UrlRefused(UsageError):
    """A URL the policy does not accept; the message says why."""


def url_refusal(url: object, max_length: int = MAX_URL_LENGTH) -> str | None:
    """Why `url` is not a usable http(s) URL (scheme, length, syntax), or None when it is."""
    if not isinstance(url, str):
        return "not text"
    if len(url) > max_length:
        return f"longer than {max_length} characters ({len(url)})"
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError as exc:
        return f"does not parse ({exc})"
    if parts.scheme.lower() not in SCHEMES:
        return f"scheme {parts.scheme[:20]!r} not allowed (http and https only)" if parts.scheme else "not absolute"
    if not parts.hostname:
        return "no host"
    return None


def check_url(url: str, max_length: int = MAX_URL_LENGTH) -> str:
    """`url` itself when it is an absolute http(s) URL of sane length, else UrlRefused."""
    reason = url_refusal(url, max_length)
    if reason:
        shown = url if len(url) <= 80 else f"{url[:60]}… ({len(url)} characters)"
        raise UrlRefused(f"not an http(s) URL: {shown!r} ({reason})")
    return url


def is_link_url(url: object) -> bool:
    """Whether text from a page may become a link (http(s), parses, not absurdly long)."""
    return url_refusal(url) is None


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def under(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


class Site(Protocol):
    """What the policy reads of a catalog site (crawler.discovery.catalog.Site), named here so this leaf module,
    which crawler.errors uses, does not import the catalog back."""

    name: str
    domains: Sequence[str]
    sitemaps: Sequence[str]
    feeds: Sequence[str]
    start_urls: Sequence[str]


@dataclass(frozen=True)
class UrlPolicy:
    """What one site may fetch: http(s), bounded length, hosts under `domains` or named in `hosts`."""

    domains: tuple[str, ...]
    hosts: frozenset[str] = frozenset()
    max_length: int = MAX_URL_LENGTH

    @classmethod
    def for_site(cls, site: Site, max_length: int = MAX_URL_LENGTH) -> UrlPolicy:
        listed = {host_of(u) for u in (*site.sitemaps, *site.feeds, *site.start_urls)}
        return cls(tuple(d.lower() for d in site.domains), frozenset(h for h in listed if h), max_length)

    def refusal(self, url: str) -> str | None:
        reason = url_refusal(url, self.max_length)
        if reason:
            return reason
        host = host_of(url)
        if host in self.hosts or any(under(host, d) for d in self.domains):
            return None
        return f"host {host} is not one the catalog lists for this site"

    def allows(self, url: str) -> bool:
        return self.refusal(url) is None


class UrlPolicyMiddleware:
    """Downloader middleware: a request the URL policy refuses is dropped (IgnoreRequest), with a
    logged reason and a `site/NAME/skipped/url_policy` stat. Before the robots.txt middleware, so
    an off-site host costs no robots.txt fetch either. Requests without a site (robots.txt itself)
    get the scheme and length checks only."""

    def __init__(self, max_length: int = MAX_URL_LENGTH, stats: StatsCollector | None = None) -> None:
        self.max_length = max_length
        self.stats = stats
        self.policies: dict[str, UrlPolicy] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> UrlPolicyMiddleware:
        return cls(crawler.settings.getint("URL_MAX_LENGTH", MAX_URL_LENGTH), crawler.stats)

    def policy(self, site: Site) -> UrlPolicy:
        if site.name not in self.policies:
            self.policies[site.name] = UrlPolicy.for_site(site, self.max_length)
        return self.policies[site.name]

    def process_request(self, request: Request) -> None:
        site = request.cb_kwargs.get("site")
        if hasattr(site, "domains"):
            reason = self.policy(site).refusal(request.url)
        else:
            reason = url_refusal(request.url, self.max_length)
        if reason is None:
            return
        if self.stats is not None:
            self.stats.inc_value(f"site/{site.name}/skipped/url_policy" if hasattr(site, "name") else "skipped/url_policy")
        from scrapy.exceptions import IgnoreRequest  # here: the CLI checks URLs before it imports Scrapy

        via = request.meta.get("redirect_urls")
        logger.warning("not fetching %s: %s%s", request.url[:200], reason, f" (redirected from {via[-1]})" if via else "")
        raise IgnoreRequest(f"url policy: {reason}")
