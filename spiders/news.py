"""The one generic news spider: discovery and fetching only, driven by the site catalog.

Every run re-reads robots.txt sitemaps, news sitemaps, feeds and listing pages
(they are cheap and are where new articles appear), and requests an article
page only when the archive does not have it yet, or when its sitemap `lastmod`
/ feed date is newer than our copy, or when `refresh` asks. The archive, not
Scrapy's JOBDIR, is the memory between runs.

A URL announced by a sitemap or feed is an article candidate whatever its shape;
a listing page carrying article signals is extracted from the same response.
Extraction decides, and `crawler.discovery.frontier` keeps what each URL was requested as.
"""
from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any

import scrapy
from scrapy import signals
from scrapy.http import Response
from scrapy.linkextractors import LinkExtractor

from crawler.discovery.announcements import announced_before, feed_entries, parse_when
from crawler.discovery.catalog import DEFAULT_CATALOG, Site, load_catalog
from crawler.discovery.sites import feeds_in_html, is_child_page, is_static_file, resolve_sites
from crawler.discovery.frontier import Claim, Frontier, SitemapTrust, page_classified
from crawler.items import CrawledArticle
from archive.known import KnownArticles
from archive.recall import load_known
from crawler.fetching.traps import ONE_ARTICLE_META
from crawler.discovery.pagesignals import article_signals
from crawler.fetching.failures import failure_outcome
from crawler.fetching.responses import fetched_page, header
from crawler.run.runstate import RunBookkeeping
from crawler.discovery.shapes import url_shape
from crawler.discovery.urlpolicy import MAX_URL_LENGTH, UrlPolicy, url_refusal
from crawler.discovery.urls import canonicalize_url
from spiders.sitemaps import SitemapDiscovery

ARTICLE_STATUSES = [304, 404, 410]
REDIRECT_STATUSES = [301, 302, 303, 307, 308]


class NewsSpider(SitemapDiscovery, scrapy.Spider):
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
        sitemap_probe: int = 10,
        sitemap_min_article_share: float = 0.2,
        max_sitemap_depth: int = 4,
        max_sitemap_files: int = 2000,
        max_url_length: int = MAX_URL_LENGTH,
        frontier_dir: str | None = None,
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
        self.frontier = Frontier()  # what each canonical URL was requested as this run
        # The per-article-URL state on disk (crawler/run/runstate.py): a back-fill announces millions of URLs.
        self.runstate = RunBookkeeping(frontier_dir)
        self.sitemap_trust = SitemapTrust(sitemap_probe, sitemap_min_article_share, held=self.runstate.held)
        self.frontier.articles = self.runstate.scheduled
        self.lastmods = self.runstate.lastmods  # canonical URL -> newest announced date (ISO)
        self.counted = self.runstate.counted  # (canonical URL, skip) already counted
        # Filtered with Site.owns, not allow_domains: Scrapy's domain check compares host:port.
        self.link_extractor = LinkExtractor(unique=True)
        self.policies: dict[str, UrlPolicy] = {}  # per site: crawler.discovery.urlpolicy, for discovery and redirects
        self.max_sitemap_depth = max_sitemap_depth  # sitemaps below sitemaps (robots.txt -> index -> ...)
        self.max_sitemap_files = max_sitemap_files  # sitemap files a robots.txt or an index adds, per site and run
        self.sitemaps_taken: dict[str, int] = {}
        self.max_url_length = max_url_length

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
                settings.get("ARCHIVE_PATH"), [s.name for s in kwargs["sites"]], settings.getint("RECHECK_DAYS"),
                settings.getint("LEARNED_SHAPE_MIN_ARTICLES", 2),
            )
        kwargs.setdefault("refresh", settings.getbool("REFRESH_KNOWN"))
        kwargs.setdefault("max_articles", settings.getint("MAX_ARTICLES"))
        kwargs.setdefault("listing_depth", settings.getint("LISTING_DEPTH_LIMIT", 3))
        kwargs.setdefault("max_redirects", settings.getint("REDIRECT_MAX_TIMES", 5))
        kwargs.setdefault("max_sitemap_bytes", settings.getint("DOWNLOAD_MAXSIZE"))
        kwargs.setdefault("sitemap_probe", settings.getint("SITEMAP_PROBE", 10))
        kwargs.setdefault("sitemap_min_article_share", settings.getfloat("SITEMAP_MIN_ARTICLE_SHARE", 0.2))
        kwargs.setdefault("max_sitemap_depth", settings.getint("SITEMAP_MAX_DEPTH", 4))
        kwargs.setdefault("max_sitemap_files", settings.getint("SITEMAP_MAX_FILES", 2000))
        kwargs.setdefault("max_url_length", settings.getint("URL_MAX_LENGTH", MAX_URL_LENGTH))
        kwargs.setdefault("frontier_dir", settings.get("FRONTIER_DIR") or None)
        spider = cls(*args, **kwargs)
        spider._set_crawler(crawler)
        crawler.signals.connect(spider.page_was_classified, signal=page_classified)
        crawler.signals.connect(spider.release_held_entries, signal=signals.spider_idle)
        return spider

    def closed(self, reason: str) -> None:
        self.known.close()  # its read-only view of the archive

    @property
    def scheduled(self) -> set[str]:
        """Canonical URLs requested (or extracted) as articles this run."""
        return self.frontier.articles

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
                # Claimed as a listing: a listing linking back to the homepage must not fetch it again.
                canonical = canonicalize_url(url, site_domains=site.domains)
                if self.frontier.claim_listing(canonical):
                    yield scrapy.Request(url, self.parse_listing, cb_kwargs={"site": site, "start_page": True},
                                         errback=self.discovery_failed, priority=5, meta={"canonical": canonical})

    def policy(self, site: Site) -> UrlPolicy:
        if site.name not in self.policies:
            self.policies[site.name] = UrlPolicy.for_site(site, self.max_url_length)
        return self.policies[site.name]

    def in_scope(self, site: Site, url: str, what: str) -> bool:
        """Whether the URL policy lets this site follow `url` (a sitemap a robots.txt or index lists,
        a redirect): off-site only when the catalog lists the host."""
        reason = self.policy(site).refusal(url)
        if reason is None:
            return True
        self.logger.info("not following %s %s: %s", what, url[:200], reason)
        self.count(site, f"skipped/offsite_{what}")
        return False

    def parse_feed(self, response: Response, site: Site) -> Iterator[scrapy.Request]:
        self.count(site, "discovery/feeds")
        for link, date in feed_entries(response.body):
            url = response.urljoin(link)
            if not site.owns(url) or url_refusal(url) is not None:
                continue
            # Feeds list articles by definition, so their links are followed even when they
            # redirect (tracking hops) or do not match the article pattern; extraction decides.
            yield from self.article_request(site, url, date, trusted=True)

    def parse_listing(self, response: Response, site: Site, start_page: bool = False) -> Iterator[Any]:
        self.count(site, "discovery/listings")
        canonical = response.meta.get("canonical") or canonicalize_url(response.url, site_domains=site.domains)
        announced = self.frontier.listing_arrived(canonical)  # a sitemap/feed asked for it as an article meanwhile
        if not hasattr(response, "text"):
            return
        if announced or self.carries_article(response, site, canonical):
            yield from self.listing_as_article(response, site, canonical, announced)
        if start_page:  # a site's own page announces its feeds: catalog entries may lack some, ad-hoc sites all
            for feed in feeds_in_html(response.body, response.url):
                if feed not in site.feeds and site.owns(feed):
                    yield scrapy.Request(feed, self.parse_feed, cb_kwargs={"site": site},
                                         errback=self.discovery_failed, priority=10)
        follow_listings = response.meta.get("depth", 0) < self.listing_depth
        for link in self.link_extractor.extract_links(response):
            if not site.owns(link.url):
                continue
            canonical = canonicalize_url(link.url, site_domains=site.domains)
            if self.looks_like_article(site, link.url, canonical):
                yield from self.article_request(site, link.url, None, trusted=True)
            elif (follow_listings and self.worth_a_look(site, response.url, link.url)
                  and self.frontier.claim_listing(canonical)):
                yield response.follow(link.url, self.parse_listing, cb_kwargs={"site": site},
                                      errback=self.discovery_failed, priority=5, meta={"canonical": canonical})

    def looks_like_article(self, site: Site, url: str, canonical: str) -> bool:
        """An article link: the site's pattern, a shape learned from its archived articles, or archived
        already; a page remembered as not an article is followed as a listing instead."""
        if self.known.is_not_article(site.name, canonical):
            return False
        return (site.is_article_url(url) or self.known.has_shape(site.name, url_shape(canonical))
                or self.known.get(site.name, canonical) is not None)

    def worth_a_look(self, site: Site, page_url: str, url: str) -> bool:
        """Listing-shaped links and, on an ad-hoc site, pages one level below the listing linking them (a
        section's own stories, whatever their shape): fetched as listings, extracted if they carry an article."""
        return site.is_listing_url(url) or (site.verified == "ad-hoc" and is_child_page(page_url, url))

    def carries_article(self, response: Response, site: Site, canonical: str) -> bool:
        if self.known.is_not_article(site.name, canonical) or self.known.get(site.name, canonical):
            return False
        found = article_signals(response.selector)
        if found:
            self.logger.debug("listing %s carries article signals: %s", response.url, ", ".join(found))
        return bool(found)

    def listing_as_article(self, response: Response, site: Site, canonical: str, announced: bool) -> Iterator[Any]:
        """Extract a listing response as an article too: no second fetch; its links are still followed."""
        if not announced:
            if self.frontier.has_article(canonical):
                return  # requested as an article already: that response is extracted
            if self.past_max_articles(canonical):
                self.count_once(site, canonical, "skipped/max_articles")
                return
            self.frontier.claim_article(canonical)
            self.count(site, "requested/articles", global_too=True)
        self.count(site, "extracted_from_listings")  # not under discovery/: that response counts once
        known = self.known.get(site.name, canonical)
        page = fetched_page(response, site.name, self.lastmods.get(canonical), known.id if known else None, [])
        yield CrawledArticle(page=page)

    # -- fetching -----------------------------------------------------
    def article_request(
        self, site: Site, url: str, lastmod: str | None, *, trusted: bool = False, via: list[str] | None = None,
        sitemap: str | None = None,
    ) -> Iterator[scrapy.Request]:
        """One request per canonical article URL per run, and none for archived, unchanged articles, nor
        for pages found not to be articles; `sitemap` entries wait for that sitemap's probe.

        Article redirects are followed here rather than by Scrapy's middleware, so that a redirect
        to an archived article (a short link, a moved URL) costs one hop, not a fetch of the article.
        """
        if not (trusted or site.is_article_url(url)) or is_static_file(url):
            return
        canonical = canonicalize_url(url, site_domains=site.domains)
        when = parse_when(lastmod)
        self.note_lastmod(canonical, lastmod, when)
        if self.frontier.has_article(canonical):
            for hop in via or []:  # a short link to an article found another way: still its alias
                self.frontier.note_late_redirect(canonicalize_url(hop, site_domains=site.domains), canonical)
            return
        if self.since and announced_before(self.since, url, when):
            self.count_once(site, canonical, "skipped/older_than_since")
            return
        known = self.known.get(site.name, canonical)
        # Not marked as scheduled: a later sitemap entry with a newer lastmod may still call for a fetch.
        if known and not self.refresh and not known.changed_since(when):
            self.count_once(site, canonical, "skipped/already_archived")
            self.settle(sitemap, True)  # what the archive knows settles a sitemap's probe without a fetch
            return
        if not known and not self.refresh and self.known.is_not_article(site.name, canonical):
            self.count_once(site, canonical, "skipped/known_not_article")
            self.settle(sitemap, False)
            return
        if self.past_max_articles(canonical):
            self.count_once(site, canonical, "skipped/max_articles")
            return
        if sitemap and not self.admitted(site, sitemap, canonical, url, lastmod):
            return
        claim = self.frontier.claim_article(canonical)
        self.count(site, "requested/articles", global_too=True)
        if claim is Claim.JOIN:  # its listing request is in flight: that response will be extracted
            return
        headers = known.conditional_headers() if known else {}
        yield scrapy.Request(
            canonicalize_url(url),  # same host, minus tracking and AMP variants: the page readers get
            self.parse_article,
            headers=headers,
            cb_kwargs={"site": site, "known_id": known.id if known else None, "via": via or []},
            meta={"handle_httpstatus_list": ARTICLE_STATUSES + REDIRECT_STATUSES, "dont_redirect": True,
                  "canonical": canonical, "sitemap": sitemap, ONE_ARTICLE_META: True},
            errback=self.article_failed,
            dont_filter=True,  # the frontier makes it one request per canonical URL, whatever came before
        )

    def past_max_articles(self, canonical: str) -> bool:
        """Whether the run has requested its `max_articles` already (the cluster counts them in Redis)."""
        return bool(self.max_articles) and self.crawler.stats.get_value("requested/articles", 0) >= self.max_articles

    def note_lastmod(self, canonical: str, lastmod: str | None, when: datetime | None) -> None:
        """Keep the newest sitemap/feed date seen for a URL: it is stored with the article, whichever
        source scheduled the request first."""
        if when is not None:
            previous = self.lastmods.get(canonical)
            if previous is None or when > parse_when(previous):
                self.lastmods[canonical] = when.isoformat()  # ISO whatever the source's format

    def recheck_request(self, site: Site, url: str, canonical: str) -> scrapy.Request:
        """Fetch an archived article again (conditionally) to catch edits, removals and redirects."""
        self.frontier.claim_article(canonical)
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
                yield CrawledArticle(page=fetched_page(response, site.name, lastmod, known_id, via))
            yield from self.follow_redirect(response, site, lastmod, via)
            return
        if response.status in (404, 410) and known_id is None:
            self.logger.info("skipping %s: HTTP %s", response.url, response.status)
            return
        yield CrawledArticle(page=fetched_page(response, site.name, lastmod, known_id, via))

    def follow_redirect(self, response: Response, site: Site, lastmod: str | None, via: list[str]) -> Iterator[Any]:
        location = header(response.headers, b"Location")
        hops = [*via, response.url]
        if not location or len(hops) > self.max_redirects:
            self.logger.warning("not following redirect from %s (%s)", response.url, location or "no Location")
            self.count(site, "failures/redirects")
            return
        target = response.urljoin(location)
        if not site.owns(target) or url_refusal(target) is not None:  # an article stays on the site's domains
            self.logger.info("not following redirect from %s to %s", response.url, target[:200])
            self.count(site, "skipped/offsite_redirect")
            return
        yield from self.article_request(site, target, lastmod, trusted=True, via=hops)

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
        site = failure.request.cb_kwargs.get("site")
        outcome, unreachable = failure_outcome(failure, kind, self.logger)
        if site and unreachable:
            self.count(site, f"unreachable/{unreachable}")
        if site:
            self.count(site, outcome)
