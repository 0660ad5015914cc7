"""The one generic news spider: discovery and fetching only, driven by the site catalog.

Every run re-reads robots.txt sitemaps, news sitemaps, feeds and listing pages
(they are cheap and are where new articles appear), and requests an article
page only when the archive does not have it yet, or when its sitemap `lastmod`
/ feed date is newer than our copy, or when `refresh` asks. The archive, not
Scrapy's JOBDIR, is the memory between runs.
"""
from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any

import lxml.etree
import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.http import Response
from scrapy.linkextractors import LinkExtractor
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from crawler.catalog import DEFAULT_CATALOG, Site, load_catalog
from crawler.discovery import feeds_in_html, resolve_sites
from crawler.extraction.dates import date_from_url
from crawler.items import CrawledArticle, FetchedPage
from crawler.known import KnownArticles, parse_iso
from crawler.urls import canonicalize_url

FEED_PARSER = lxml.etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
GZIP_MAGIC = b"\x1f\x8b"
ARTICLE_STATUSES = [304, 404, 410]
REDIRECT_STATUSES = [301, 302, 303, 307, 308]


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


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(
        self,
        sites: list[Site] | None = None,
        known: KnownArticles | None = None,
        *,
        refresh: bool = False,
        max_articles: int = 0,
        since: datetime | None = None,
        listing_depth: int = 3,
        max_redirects: int = 5,
        max_sitemap_bytes: int = 10 * 1024 * 1024,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.listing_depth = listing_depth  # listing pages deeper than this are not followed
        self.max_redirects = max_redirects
        self.max_sitemap_bytes = max_sitemap_bytes  # bound on a gunzipped sitemap (gzip bombs)
        self.sites = sites or []
        self.known = known or KnownArticles()
        self.refresh = refresh
        self.max_articles = max_articles
        self.since = since
        self.scheduled: set[str] = set()  # canonical URLs requested this run
        self.lastmods: dict[str, str] = {}  # canonical URL -> newest announced date (ISO; strings keep it small)
        self.counted: set[tuple[str, str]] = set()
        # Filtered with Site.owns, not allow_domains: Scrapy's domain check compares host:port.
        self.link_extractor = LinkExtractor(unique=True)

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> "NewsSpider":
        """Settings are read here only; `-a site=NAME[,NAME]`, `-a url=URL`, `-a base_url=URL` also work."""
        settings = crawler.settings
        if "sites" not in kwargs or isinstance(kwargs["sites"], str):
            names = kwargs.pop("site", None) or kwargs.pop("sites", None) or settings.get("CRAWL_SITES") or ""
            catalog = load_catalog(settings.get("SITE_CATALOG") or DEFAULT_CATALOG)
            kwargs["sites"] = resolve_sites(
                [n for n in names.split(",") if n], base_url=kwargs.pop("base_url", None),
                url=kwargs.pop("url", None), catalog=catalog,
            )
        if "known" not in kwargs:
            kwargs["known"] = load_known(
                settings.get("ARCHIVE_PATH"), [s.name for s in kwargs["sites"]], settings.getint("RECHECK_DAYS")
            )
        kwargs.setdefault("refresh", settings.getbool("REFRESH_KNOWN"))
        kwargs.setdefault("max_articles", settings.getint("MAX_ARTICLES"))
        kwargs.setdefault("listing_depth", settings.getint("LISTING_DEPTH_LIMIT", 3))
        kwargs.setdefault("max_redirects", settings.getint("REDIRECT_MAX_TIMES", 5))
        kwargs.setdefault("max_sitemap_bytes", settings.getint("DOWNLOAD_MAXSIZE"))
        spider = cls(*args, **kwargs)
        spider._set_crawler(crawler)
        return spider

    # -- discovery ----------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        for site in self.sites:
            for url, canonical in self.known.recheck.get(site.name, []):
                yield self.recheck_request(site, url, canonical)
        for site in self.sites:
            for url in site.sitemaps:
                yield scrapy.Request(url, self.parse_sitemap, cb_kwargs={"site": site},
                                     errback=self.discovery_failed, priority=10)
            for url in site.feeds:
                yield scrapy.Request(url, self.parse_feed, cb_kwargs={"site": site},
                                     errback=self.discovery_failed, priority=10)
            for url in site.start_urls:
                # Not dont_filter: a listing linking back to the homepage must not fetch it again.
                yield scrapy.Request(url, self.parse_listing, cb_kwargs={"site": site, "start_page": True},
                                     errback=self.discovery_failed, priority=5)

    def parse_sitemap(self, response: Response, site: Site) -> Iterator[scrapy.Request]:
        self.count(site, "discovery/sitemaps")
        if response.url.endswith("/robots.txt"):
            for url in sitemap_urls_from_robots(response.body, base_url=response.url):
                yield response.follow(url, self.parse_sitemap, cb_kwargs={"site": site}, errback=self.discovery_failed)
            return
        try:
            sitemap = Sitemap(self.sitemap_body(response))
        except (lxml.etree.XMLSyntaxError, StopIteration, OSError, EOFError, ValueError) as exc:
            # Broken XML, a corrupt gzip, or one that inflates past the size bound (a gzip bomb).
            self.logger.warning("skipping unreadable sitemap %s: %s", response.url, exc or type(exc).__name__)
            self.count(site, "discovery/bad_sitemaps")
            return
        for entry in sitemap:
            loc = entry.get("loc")
            if not loc:
                continue
            if sitemap.type == "sitemapindex":
                if site.owns(loc):
                    yield scrapy.Request(loc, self.parse_sitemap, cb_kwargs={"site": site}, errback=self.discovery_failed)
            else:
                yield from self.article_request(site, loc, entry.get("lastmod"))

    def sitemap_body(self, response: Response) -> bytes:
        body = response.body
        if body[:2] == GZIP_MAGIC:
            body = gunzip(body, max_size=self.max_sitemap_bytes)
        return body

    def parse_feed(self, response: Response, site: Site) -> Iterator[scrapy.Request]:
        self.count(site, "discovery/feeds")
        for link, date in feed_entries(response.body):
            url = response.urljoin(link)
            if not site.owns(url):
                continue
            # Feeds list articles by definition, so their links are followed even when they
            # redirect (tracking hops) or do not match the article pattern; extraction decides.
            yield from self.article_request(site, url, date, trusted=True)

    def parse_listing(self, response: Response, site: Site, start_page: bool = False) -> Iterator[scrapy.Request]:
        self.count(site, "discovery/listings")
        if not hasattr(response, "text"):
            return
        if start_page:  # a site's own page announces its feeds: catalog entries may lack some, ad-hoc sites all
            for feed in feeds_in_html(response.body, response.url):
                if feed not in site.feeds and site.owns(feed):
                    yield scrapy.Request(feed, self.parse_feed, cb_kwargs={"site": site},
                                         errback=self.discovery_failed, priority=10)
        follow_listings = response.meta.get("depth", 0) < self.listing_depth
        for link in self.link_extractor.extract_links(response):
            if not site.owns(link.url):
                continue
            if site.is_article_url(link.url):
                yield from self.article_request(site, link.url, None)
            elif follow_listings and site.is_listing_url(link.url):
                yield response.follow(link.url, self.parse_listing, cb_kwargs={"site": site},
                                      errback=self.discovery_failed, priority=5)

    # -- fetching -----------------------------------------------------
    def article_request(
        self, site: Site, url: str, lastmod: str | None, *, trusted: bool = False, via: list[str] | None = None
    ) -> Iterator[scrapy.Request]:
        """One request per canonical article URL per run, and none for archived, unchanged articles.

        Article redirects are followed here rather than by Scrapy's middleware, so that a redirect
        to an archived article (a short link, a moved URL) costs one hop, not a fetch of the article.
        """
        if not (trusted or site.is_article_url(url)):
            return
        canonical = canonicalize_url(url, site_domains=site.domains)
        when = parse_when(lastmod)
        self.note_lastmod(canonical, lastmod, when)
        if canonical in self.scheduled:
            return
        if self.since and announced_before(self.since, url, when):
            self.count_once(site, canonical, "skipped/older_than_since")
            return
        known = self.known.get(site.name, canonical)
        # Not marked as scheduled: a later sitemap entry with a newer lastmod may still call for a fetch.
        if known and not self.refresh and not known.changed_since(when):
            self.count_once(site, canonical, "skipped/already_archived")
            return
        if self.max_articles and self.crawler.stats.get_value("requested/articles", 0) >= self.max_articles:
            self.count_once(site, canonical, "skipped/max_articles")
            return
        self.scheduled.add(canonical)
        self.count(site, "requested/articles", global_too=True)
        headers = known.conditional_headers() if known else {}
        yield scrapy.Request(
            canonicalize_url(url),  # same host, minus tracking and AMP variants: the page readers get
            self.parse_article,
            headers=headers,
            cb_kwargs={"site": site, "known_id": known.id if known else None, "via": via or []},
            meta={"handle_httpstatus_list": ARTICLE_STATUSES + REDIRECT_STATUSES, "dont_redirect": True,
                  "canonical": canonical},
            errback=self.article_failed,
        )

    def note_lastmod(self, canonical: str, lastmod: str | None, when: datetime | None) -> None:
        """Keep the newest sitemap/feed date seen for a URL: it is stored with the article, whichever
        source scheduled the request first."""
        if when is not None:
            previous = self.lastmods.get(canonical)
            if previous is None or when > parse_when(previous):
                self.lastmods[canonical] = when.isoformat()  # ISO whatever the source's format

    def recheck_request(self, site: Site, url: str, canonical: str) -> scrapy.Request:
        """Fetch an archived article again (conditionally) to catch edits, removals and redirects."""
        self.scheduled.add(canonical)
        known = self.known.get(site.name, canonical)
        self.count(site, "requested/rechecks")
        return scrapy.Request(
            url,
            self.parse_article,
            headers=known.conditional_headers() if known else {},
            cb_kwargs={"site": site, "known_id": known.id if known else None, "via": []},
            meta={"handle_httpstatus_list": ARTICLE_STATUSES + REDIRECT_STATUSES, "dont_redirect": True,
                  "canonical": canonical},
            errback=self.article_failed,
            dont_filter=True,
        )

    def parse_article(self, response: Response, site: Site, known_id: int | None, via: list[str]) -> Iterator[Any]:
        lastmod = self.lastmods.get(response.meta.get("canonical"))
        self.count(site, f"fetched/status_{response.status}")
        if response.status in REDIRECT_STATUSES:
            if known_id is not None:  # an archived article now points elsewhere: record it, then follow
                yield CrawledArticle(page=self.fetched_page(response, site, lastmod, known_id, via))
            yield from self.follow_redirect(response, site, lastmod, via)
            return
        if response.status in (404, 410) and known_id is None:
            self.logger.info("skipping %s: HTTP %s", response.url, response.status)
            return
        yield CrawledArticle(page=self.fetched_page(response, site, lastmod, known_id, via))

    def follow_redirect(self, response: Response, site: Site, lastmod: str | None, via: list[str]) -> Iterator[Any]:
        location = header(response.headers, b"Location")
        hops = [*via, response.url]
        if not location or len(hops) > self.max_redirects:
            self.logger.warning("not following redirect from %s (%s)", response.url, location or "no Location")
            self.count(site, "failures/redirects")
            return
        target = response.urljoin(location)
        if not site.owns(target):
            self.count(site, "skipped/offsite_redirect")
            return
        yield from self.article_request(site, target, lastmod, trusted=True, via=hops)

    def fetched_page(
        self, response: Response, site: Site, lastmod: str | None, known_id: int | None, via: list[str]
    ) -> FetchedPage:
        headers = response.headers
        return FetchedPage(
            url=response.url,
            site=site.name,
            status=response.status,
            body=response.body,
            content_type=header(headers, b"Content-Type"),
            fetched_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            lastmod=lastmod,
            etag=header(headers, b"ETag"),
            last_modified=header(headers, b"Last-Modified"),
            redirect_urls=[*via, *response.meta.get("redirect_urls", [])],
            known_id=known_id,
            request_headers=decode_headers(response.request.headers) if response.request else {},
            response_headers=decode_headers(headers),
        )

    # -- bookkeeping --------------------------------------------------
    def count_once(self, site: Site, canonical: str, key: str) -> None:
        """Count a skip once per URL, however many sources (feed, sitemap, listings) list it."""
        if (canonical, key) not in self.counted:
            self.counted.add((canonical, key))
            self.count(site, key)

    def count(self, site: Site, key: str, *, global_too: bool = False) -> None:
        self.crawler.stats.inc_value(f"site/{site.name}/{key}")
        if global_too:
            self.crawler.stats.inc_value(key)

    def discovery_failed(self, failure) -> None:
        self.request_failed(failure, "discovery")

    def article_failed(self, failure) -> None:
        self.request_failed(failure, "articles")

    def request_failed(self, failure, kind: str) -> None:
        """Count a failed request; decisions (robots.txt, trap guard) and missing listings are skips."""
        site, url = failure.request.cb_kwargs.get("site"), failure.request.url
        if failure.check(IgnoreRequest):
            self.logger.debug("not fetched: %s (%s)", url, failure.getErrorMessage())
            outcome = "skipped/ignored"
        elif kind == "discovery" and failure.check(HttpError) and failure.value.response.status in (404, 410):
            # A page linked like a listing that does not exist (e.g. /about on an ad-hoc site).
            self.logger.info("no such listing page: %s", url)
            outcome = "skipped/missing_listing"
        else:
            self.logger.warning("%s request failed: %s (%s)", kind, url, failure.getErrorMessage())
            outcome = f"failures/{kind}"
        if site:
            self.count(site, outcome)

def announced_before(since: datetime, url: str, when: datetime | None) -> bool:
    """Older than `since` by its sitemap/feed date, else (listing links carry none) by the day in its URL."""
    if when is not None:
        return when < since
    found = date_from_url(url)
    # A URL gives a day, not a time: skip only when the whole day is before `since`.
    return found is not None and found.precision == "day" and found.value.date() < since.date()


def load_known(archive_path: str | None, site_names: list[str], recheck_days: int = 0) -> KnownArticles:
    if not archive_path:
        return KnownArticles()
    from archive.store import Archive

    since = None
    if recheck_days > 0:
        since = (datetime.now(timezone.utc) - timedelta(days=recheck_days)).isoformat(timespec="seconds")
    archive = Archive(archive_path)
    try:
        return archive.known_articles(site_names, since)
    finally:
        archive.close()


def header(headers: Any, name: bytes) -> str | None:
    value = headers.get(name)
    return value.decode("latin-1") if value else None


def decode_headers(headers: Any) -> dict[str, str]:
    return {k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in headers.items()}
