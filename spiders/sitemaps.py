"""Sitemaps for the news spider: reading them (robots.txt, indexes, gzip), the bounds on how many and how
deep, and their probe: a sitemap's entries wait until its first pages say whether it lists articles.

A mixin of `spiders.news.NewsSpider`, which gives it `count`, `count_once`, `in_scope`, `article_request`
and the run's bounds; its callbacks keep their names (the cluster's frontier names them).
"""
from __future__ import annotations

from collections.abc import Iterator

import lxml.etree
import scrapy
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from crawler.discovery.catalog import Site
from crawler.discovery.sites import is_taxonomy_sitemap
from crawler.discovery.urlpolicy import url_refusal
from crawler.discovery.urls import canonicalize_url
from crawler.items import FetchedPage

GZIP_MAGIC = b"\x1f\x8b"
SITEMAP_DEPTH_META = "sitemap_depth"  # 0: a catalog sitemap (or robots.txt); +1 per robots.txt / index hop


class SitemapDiscovery:
    """The sitemap half of discovery: what a sitemap announces, within the run's bounds and its probe."""

    def parse_sitemap(self, response: Response, site: Site) -> Iterator[scrapy.Request]:
        self.count(site, "discovery/sitemaps")
        if response.url.endswith("/robots.txt"):
            for url in sitemap_urls_from_robots(response.body, base_url=response.url):
                if self.in_scope(site, url, "sitemap") and self.article_list(site, url):
                    yield from self.sitemap_request(site, response.urljoin(url), response)
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
                if self.in_scope(site, loc, "sitemap") and self.article_list(site, loc):
                    yield from self.sitemap_request(site, loc, response)
            elif site.owns(loc) and url_refusal(loc) is None:
                # Announced as a page of the site: a candidate whatever its shape; extraction decides.
                yield from self.article_request(site, loc, entry.get("lastmod"), trusted=True, sitemap=response.url)

    def sitemap_request(self, site: Site, url: str, parent: Response) -> Iterator[scrapy.Request]:
        """A sitemap listed by a robots.txt or an index, within the run's bound on sitemap nesting and
        files per site (an index that links to a new index forever ends there, said in the summary)."""
        depth = (parent.request.meta if parent.request else {}).get(SITEMAP_DEPTH_META, 0) + 1
        if depth > self.max_sitemap_depth:
            self.sitemap_bound(site, url, f"nested {depth} deep (SITEMAP_MAX_DEPTH={self.max_sitemap_depth})")
            return
        if not self.take_sitemap_budget(site):
            self.sitemap_bound(site, url, f"past {self.max_sitemap_files} sitemaps this run (SITEMAP_MAX_FILES)")
            return
        yield scrapy.Request(url, self.parse_sitemap, cb_kwargs={"site": site}, errback=self.discovery_failed,
                             meta={SITEMAP_DEPTH_META: depth})

    def take_sitemap_budget(self, site: Site) -> bool:
        """One more sitemap file for `site` this run, if the bound allows it (the cluster shares the count)."""
        self.sitemaps_taken[site.name] = self.sitemaps_taken.get(site.name, 0) + 1
        return self.sitemaps_taken[site.name] <= self.max_sitemap_files

    def sitemap_bound(self, site: Site, url: str, why: str) -> None:
        if not self.crawler.stats.get_value(f"site/{site.name}/skipped/sitemap_bound"):
            self.logger.warning("site %s: not reading sitemap %s and the like: %s", site.name, url[:200], why)
        self.count(site, "skipped/sitemap_bound")

    def article_list(self, site: Site, sitemap_url: str) -> bool:
        """Sitemaps of tags, categories, authors and static pages are not followed as article lists."""
        if is_taxonomy_sitemap(sitemap_url):
            self.logger.info("not reading taxonomy sitemap %s", sitemap_url)
            self.count(site, "sitemaps/taxonomy_not_read")
            return False
        return True

    def sitemap_body(self, response: Response) -> bytes:
        body = response.body
        if body[:2] == GZIP_MAGIC:
            body = gunzip(body, max_size=self.max_sitemap_bytes)
        return body

    def admitted(self, site: Site, sitemap: str, canonical: str, url: str, lastmod: str | None) -> bool:
        """Whether a sitemap entry is requested now: held while the sitemap is probed, dropped once distrusted."""
        decision = self.sitemap_trust.admit(sitemap)
        if decision == "hold":
            self.sitemap_trust.hold(sitemap, site, url, lastmod)
        elif decision == "drop":
            self.count_once(site, canonical, "skipped/distrusted_sitemap")
        return decision == "request"

    def page_was_classified(self, page: FetchedPage, is_article: bool) -> None:
        """The archive stage's verdict on a page: settles the probe of the sitemap that announced it."""
        self.settle(page.sitemap, is_article)

    def settle(self, sitemap: str | None, is_article: bool) -> None:
        if not sitemap:
            return
        verdict, entries = self.sitemap_trust.settle(sitemap, is_article)
        if verdict == "distrusted" and entries:
            self.logger.warning("sitemap %s keeps listing pages that are not articles: %d entries not read",
                                sitemap, len(entries))
        for site, url, lastmod in entries:
            if verdict == "trusted":
                self.schedule(self.article_request(site, url, lastmod, trusted=True, sitemap=sitemap))
            else:
                self.count_once(site, canonicalize_url(url, site_domains=site.domains), "skipped/distrusted_sitemap")

    def release_held_entries(self) -> None:
        """At idle, entries of sitemaps whose probe never settled (failed or missing pages) are requested."""
        released = 0
        for site, url, lastmod in self.sitemap_trust.release_waiting():
            released += self.schedule(self.article_request(site, url, lastmod, trusted=True))
        if released:
            raise DontCloseSpider

    def schedule(self, requests: Iterator[scrapy.Request]) -> int:
        count = 0
        for request in requests:
            self.crawler.engine.crawl(request)
            count += 1
        return count
