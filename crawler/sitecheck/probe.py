"""The probe spider: reads each site's robots.txt and discovery URLs, then fetches a few articles.

It runs with the project's settings and middlewares (robots.txt obeyed, User-Agent, delays,
Retry-After, trap guard) and records what it saw in `SiteProbe`s; it judges nothing. Redirects
are followed by Scrapy (their hops are recorded), every status is handed to the callbacks, and
articles are requested only once discovery is done, when the spider would otherwise close.
"""
from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

import lxml.etree
import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import Response
from scrapy.linkextractors import LinkExtractor
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap

from crawler.discovery.announcements import FEED_PARSER, feed_entries, parse_when
from crawler.discovery.catalog import Site
from crawler.discovery.sites import sitemaps_in_robots
from crawler.fetching.reachability import unreachable_reason
from crawler.sitecheck.facts import ArticleProbe, Listed, RobotsFile, SiteProbe, UrlProbe
from crawler.sitecheck.verdict import UNREACHABLE_PREFIX
from crawler.discovery.urls import canonicalize_url
from spiders.sitemaps import GZIP_MAGIC

# Every error status reaches the callbacks; 3xx stay with RedirectMiddleware, which records the hops.
ALL_ERRORS = list(range(400, 600))
FEED_ROOTS = {"rss": "rss", "feed": "atom", "RDF": "rss"}


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class SiteCheckSpider(scrapy.Spider):
    name = "sitecheck"

    def __init__(self, sites: list[Site], *, articles: int = 3, child_sitemaps: int = 3,
                 max_sitemap_bytes: int = 10 * 1024 * 1024, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sites = sites
        self.articles = articles
        self.child_sitemaps = child_sitemaps  # children of a sitemap index read per index
        self.max_sitemap_bytes = max_sitemap_bytes
        self.probes = {site.name: SiteProbe(site.name, articles_wanted=articles) for site in sites}
        self.articles_requested = False
        self.link_extractor = LinkExtractor(unique=True)

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> "SiteCheckSpider":
        kwargs.setdefault("max_sitemap_bytes", crawler.settings.getint("DOWNLOAD_MAXSIZE"))
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.idle, signal=signals.spider_idle)
        return spider

    # -- discovery ----------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        for site in self.sites:
            for request in self.discovery_requests(site):
                yield request

    def discovery_requests(self, site: Site) -> Iterator[scrapy.Request]:
        probe = self.probes[site.name]
        for origin in dict.fromkeys(map(origin_of, site.sitemaps + site.feeds + site.start_urls)):
            robots = probe.robots.setdefault(origin, RobotsFile(f"{origin}/robots.txt"))
            yield scrapy.Request(robots.url, self.parse_robots_file, errback=self.robots_failed, dont_filter=True,
                                 cb_kwargs={"robots": robots}, priority=20,
                                 meta={"dont_obey_robotstxt": True, "handle_httpstatus_list": ALL_ERRORS})
        for url in site.sitemaps:
            yield self.probe_request(site, UrlProbe(url, "robots" if url.endswith("/robots.txt") else "sitemap"))
        for url in site.feeds:
            yield self.probe_request(site, UrlProbe(url, "feed"))
        for url in site.start_urls:
            yield self.probe_request(site, UrlProbe(url, "page"))

    def probe_request(self, site: Site, url_probe: UrlProbe) -> scrapy.Request:
        self.probes[site.name].urls.append(url_probe)
        meta: dict[str, Any] = {"handle_httpstatus_list": ALL_ERRORS}
        if url_probe.kind == "robots":
            meta["dont_obey_robotstxt"] = True  # robots.txt itself is always readable
        return scrapy.Request(url_probe.url, self.parse_discovery, errback=self.probe_failed, dont_filter=True,
                              cb_kwargs={"site": site, "url_probe": url_probe}, meta=meta, priority=10)

    def parse_robots_file(self, response: Response, robots: RobotsFile) -> None:
        robots.status = response.status
        if response.status == 200:
            robots.text = response.body.decode("utf-8", "replace")

    def robots_failed(self, failure) -> None:
        failure.request.cb_kwargs["robots"].error = describe_failure(failure)

    def parse_discovery(self, response: Response, site: Site, url_probe: UrlProbe) -> Iterator[scrapy.Request]:
        record_response(url_probe, response)
        if response.status >= 400:
            return
        parse = {"robots": self.read_robots, "sitemap": self.read_sitemap, "feed": self.read_feed, "page": self.read_page}
        yield from parse[url_probe.kind](response, site, url_probe) or ()

    def probe_failed(self, failure) -> None:
        failure.request.cb_kwargs["url_probe"].error = describe_failure(failure)

    def read_robots(self, response: Response, site: Site, url_probe: UrlProbe) -> Iterator[scrapy.Request]:
        sitemaps = sitemaps_in_robots(response.body, response.url)
        url_probe.parseable, url_probe.format, url_probe.entries = True, "robots.txt", len(sitemaps)
        for url in sitemaps:
            if site.owns(url):
                yield self.probe_request(site, UrlProbe(url, "sitemap", found_in=response.url))

    def read_sitemap(self, response: Response, site: Site, url_probe: UrlProbe) -> Iterator[scrapy.Request]:
        try:
            body = response.body
            body = gunzip(body, max_size=self.max_sitemap_bytes) if body[:2] == GZIP_MAGIC else body
            sitemap = Sitemap(body)
            entries = [e for e in sitemap if e.get("loc")]
        except (lxml.etree.XMLSyntaxError, StopIteration, OSError, EOFError, ValueError, AttributeError):
            url_probe.parseable = False
            return
        url_probe.parseable = sitemap.type in ("sitemapindex", "urlset")
        url_probe.format = {"sitemapindex": "sitemap index", "urlset": "urlset"}.get(sitemap.type, sitemap.type)
        url_probe.entries = len(entries)
        published = news_dates(body)
        dates = [published.get(e["loc"]) or e.get("lastmod") or None for e in entries]
        url_probe.newest = newest_date(dates)
        if sitemap.type == "sitemapindex":
            # Newest children first: they are where current articles are listed.
            children = [e["loc"] for e in sorted(entries, key=lambda e: e.get("lastmod") or "", reverse=True)
                        if site.owns(e["loc"])]
            url_probe.not_followed = max(0, len(children) - self.child_sitemaps)
            for loc in children[: self.child_sitemaps]:
                yield self.probe_request(site, UrlProbe(loc, "sitemap", found_in=response.url))
        elif url_probe.parseable:
            listed = self.probes[site.name].listed
            listed += [Listed(e["loc"], date, response.url, "sitemap") for e, date in zip(entries, dates)]

    def read_feed(self, response: Response, site: Site, url_probe: UrlProbe) -> None:
        root_name = feed_root(response.body)
        url_probe.parseable, url_probe.format = root_name is not None, FEED_ROOTS.get(root_name or "")
        if root_name is None:
            return
        entries = [(response.urljoin(link), date) for link, date in feed_entries(response.body)]
        url_probe.entries = len(entries)
        url_probe.newest = newest_date([date for _, date in entries])
        self.probes[site.name].listed += [Listed(url, date, response.url, "feed") for url, date in entries]

    def read_page(self, response: Response, site: Site, url_probe: UrlProbe) -> None:
        if not hasattr(response, "text"):
            url_probe.parseable = False
            return
        url_probe.parseable, url_probe.format = True, "html"
        links = [link.url for link in self.link_extractor.extract_links(response)]
        articles = [url for url in links if site.owns(url) and site.is_article_url(url)]
        url_probe.entries = len(articles)
        self.probes[site.name].page_links += articles

    # -- articles -----------------------------------------------------
    def idle(self) -> None:
        """Discovery is done: request the sample articles of every site once, and keep running for them."""
        if self.articles_requested:
            return
        self.articles_requested = True
        for site in self.sites:
            for url in sample_urls(site, self.probes[site.name], self.articles):
                self.crawler.engine.crawl(self.article_request(site, url))
        raise DontCloseSpider

    def article_request(self, site: Site, url: str) -> scrapy.Request:
        article = ArticleProbe(url)
        self.probes[site.name].articles.append(article)
        return scrapy.Request(url, self.parse_article, errback=self.article_failed, dont_filter=True,
                              cb_kwargs={"site": site, "article": article}, meta={"handle_httpstatus_list": ALL_ERRORS})

    def parse_article(self, response: Response, site: Site, article: ArticleProbe) -> None:
        from crawler.extraction import NotAnArticle, extract

        article.status, article.final_url = response.status, response.url
        if response.status >= 400:
            return
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1") or None
        try:
            found = extract(response.body, response.url, fetched_at=datetime.now(timezone.utc),
                            content_type=content_type, hints=site.hints)
        except NotAnArticle as exc:
            article.error = f"not an article: {exc}"
            return
        article.title, article.published, article.language = found.title, found.published, found.language
        article.fields = {
            "title": bool(found.title), "date": bool(found.published), "body": bool(found.body.strip()),
            "caption": bool(found.captions), "source": bool(found.sources), "author": bool(found.authors),
        }

    def article_failed(self, failure) -> None:
        failure.request.cb_kwargs["article"].error = describe_failure(failure)


def sample_urls(site: Site, probe: SiteProbe, count: int) -> list[str]:
    """The articles to fetch: feed items first (what the site promotes now), then sitemap entries the
    pattern accepts, newest first, then article links of the start pages; one per canonical URL."""
    by_date = lambda entry: parse_when(entry.date) or datetime.min.replace(tzinfo=timezone.utc)  # noqa: E731
    feed = sorted((e for e in probe.listed if e.kind == "feed"), key=by_date, reverse=True)
    sitemap = sorted((e for e in probe.listed if e.kind == "sitemap" and site.is_article_url(e.url)),
                     key=by_date, reverse=True)
    urls = [e.url for e in feed + sitemap] + probe.page_links
    chosen: dict[str, str] = {}
    for url in urls:
        if site.owns(url):
            chosen.setdefault(canonicalize_url(url, site_domains=site.domains), url)
        if len(chosen) == count:
            break
    return list(chosen.values())


def record_response(url_probe: UrlProbe, response: Response) -> None:
    url_probe.status, url_probe.final_url = response.status, response.url
    url_probe.redirects = list(response.meta.get("redirect_reasons", []))
    content_type = response.headers.get(b"Content-Type")
    url_probe.content_type = content_type.decode("latin-1") if content_type else None


def describe_failure(failure) -> str:
    if failure.check(IgnoreRequest):
        message = failure.getErrorMessage()
        return "disallowed by robots.txt" if "robots.txt" in message else f"not fetched: {message}"
    reason = unreachable_reason(failure.value)
    if reason:  # DNS, refused, timed out: about this machine's reach, not about the entry
        return f"{UNREACHABLE_PREFIX} ({reason}): {failure.getErrorMessage()}"
    return f"failed: {failure.type.__name__}: {failure.getErrorMessage()}"


def feed_root(body: bytes) -> str | None:
    """The local name of a feed's root element (rss, feed, RDF), or None when the body is no feed."""
    try:
        root = lxml.etree.fromstring(body, FEED_PARSER)
    except lxml.etree.XMLSyntaxError:
        return None
    if root is None:
        return None
    name = lxml.etree.QName(root).localname
    return name if name in FEED_ROOTS else None


def news_dates(body: bytes) -> dict[str, str]:
    """loc -> news:publication_date of a Google News sitemap (Scrapy's Sitemap drops nested tags)."""
    if b"publication_date" not in body:
        return {}
    root = lxml.etree.fromstring(body, FEED_PARSER)
    dates = {}
    for url in root.xpath("//*[local-name()='url']") if root is not None else []:
        loc = url.xpath("string(*[local-name()='loc'])").strip()
        date = url.xpath("string(.//*[local-name()='publication_date'])").strip()
        if loc and date:
            dates[loc] = date
    return dates


def newest_date(values: list[str | None]) -> str | None:
    dates = [d for d in map(parse_when, values) if d is not None]
    return max(dates).isoformat() if dates else None
