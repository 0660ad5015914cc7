"""`python -m crawler watch`: the news spider, kept open, polling each site's news sitemaps and feeds.

The first round is an ordinary crawl (robots.txt, every sitemap, feed and start page), so whatever
was published while no watch ran is archived too. Then the spider never closes on its own: every
second it polls the sites that are due (`crawler.live.schedule`) with conditional requests, and
what a poll announces goes through the same requests, pipeline and archive as a `crawl`. Recent
articles are fetched again, conditionally, on a slower schedule (edits, removals, redirects).
SIGTERM closes it like a crawl: the pages in flight finish, then the run is recorded.
"""
from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any

import lxml.etree
import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from scrapy.utils.sitemap import Sitemap

from crawler.discovery.announcements import feed_entries, news_sitemap_entries, parse_when
from crawler.discovery.catalog import Site
from archive.known import KnownArticle
from crawler.live.schedule import WatchRules, WatchSchedule
from crawler.fetching.responses import header
from spiders.news import ARTICLE_STATUSES, REDIRECT_STATUSES, NewsSpider

TICK_SECONDS = 1.0  # how often the spider looks for a site that is due; polls themselves are seconds apart
POLL_PRIORITY = 20  # a poll goes before the back-fill of a first round: it is where news appears
RECENT_ARTICLES = (
    "SELECT id, url, canonical_url, fetched_at, lastmod, etag, last_modified FROM articles "
    "WHERE site = ? AND status = 'live' AND first_seen >= ?"
)


class WatchSpider(NewsSpider):
    name = "watch"

    def __init__(self, *args: Any, every: float = 60.0, rules: WatchRules | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rules = rules or WatchRules.load()
        self.schedule = WatchSchedule(every, self.rules)
        self.by_name = {site.name: site for site in self.sites}
        self.ticker = None
        self.last_recheck = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> "WatchSpider":
        settings = crawler.settings
        rules = WatchRules.load()
        rules = replace(
            rules,
            recheck_seconds=settings.getfloat("WATCH_RECHECK_SECONDS", rules.recheck_seconds),
            recheck_hours=settings.getfloat("WATCH_RECHECK_HOURS", rules.recheck_hours),
        )
        kwargs.setdefault("every", settings.getfloat("WATCH_EVERY", 60.0))
        kwargs.setdefault("rules", rules)
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.stay_open, signal=signals.spider_idle)
        crawler.signals.connect(spider.stop_polling, signal=signals.spider_closed)
        return spider

    # -- the first round, then the ticker ------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        from twisted.internet.task import LoopingCall

        now = time.monotonic()
        for site in self.sites:
            self.schedule.add_site(site.name, now)
        self.ticker = LoopingCall(self.tick)
        self.ticker.start(TICK_SECONDS, now=False)
        async for request in super().start():
            yield request

    def stay_open(self) -> None:
        raise DontCloseSpider  # a watch ends by a signal only

    def stop_polling(self, spider: scrapy.Spider, reason: str) -> None:
        if self.ticker is not None and self.ticker.running:
            self.ticker.stop()

    def open_for_requests(self) -> bool:
        """False once a stop (SIGTERM) began: the engine is letting in-flight pages finish."""
        engine = self.crawler.engine
        slot = getattr(engine, "_slot", None)
        return bool(engine.running and slot is not None and slot.closing is None)

    def tick(self) -> None:
        if not self.open_for_requests():
            return
        now = time.monotonic()
        for name in self.schedule.due(now):
            self.poll(self.by_name[name], now)
        if now - self.last_recheck >= self.rules.recheck_seconds:
            self.last_recheck = now
            self.recheck_recent()

    # -- polls ---------------------------------------------------------------------------------------------
    def poll(self, site: Site, now: float) -> None:
        polls = self.schedule.sites[site.name]
        urls = polls.urls(self.rules.fallback_sitemaps)
        floor = self.slot_delay(urls[0]) if urls else 0.0
        self.schedule.polled(site.name, now, datetime.now(timezone.utc), floor)
        if not urls:
            return  # its first round has not found what announces its articles yet
        self.crawler.stats.inc_value("watch/polls")
        self.count(site, "watch/polls")
        for url in urls:
            callback = self.parse_feed if url in polls.feeds else self.parse_sitemap
            self.crawler.engine.crawl(scrapy.Request(
                url, callback, headers=self.schedule.conditional_headers(url), cb_kwargs={"site": site},
                meta={"handle_httpstatus_list": [304], "watch_poll": True}, errback=self.discovery_failed,
                dont_filter=True, priority=POLL_PRIORITY,  # polled again and again by design
            ))

    def slot_delay(self, url: str) -> float:
        """The current gap of the site's download slot (robots.txt Crawl-delay, DOWNLOAD_DELAY, AutoThrottle)."""
        downloader = self.crawler.engine.downloader
        slot = downloader.slots.get(downloader.get_slot_key(scrapy.Request(url)))
        return float(slot.delay) if slot is not None else 0.0

    def parse_sitemap(self, response: Response, site: Site) -> Iterator[scrapy.Request]:
        if self.not_modified(response, site):
            return
        if response.url.endswith("/robots.txt"):
            yield from super().parse_sitemap(response, site)
            return
        try:
            body = self.sitemap_body(response)
        except (OSError, EOFError, ValueError):
            body = b""  # the parent reports an unreadable sitemap
        entries = news_sitemap_entries(body) if body else None
        if entries is None:
            if body and self.is_urlset(body):
                self.schedule.found(site.name, self.polled_url(response), "sitemap")
            yield from super().parse_sitemap(response, site)
            return
        # Scrapy's Sitemap reader drops the news:publication_date nested in each entry: read here, as announced.
        self.count(site, "discovery/sitemaps")
        self.schedule.found(site.name, self.polled_url(response), "news_sitemap")
        self.note_dates(site, [date for _, date in entries])
        for loc, date in entries:
            if site.owns(loc):
                yield from self.article_request(site, loc, date, trusted=True, sitemap=response.url)

    def parse_feed(self, response: Response, site: Site) -> Iterator[scrapy.Request]:
        if self.not_modified(response, site):
            return
        self.schedule.found(site.name, self.polled_url(response), "feed")
        self.note_dates(site, [date for _, date in feed_entries(response.body)])
        yield from super().parse_feed(response, site)

    def not_modified(self, response: Response, site: Site) -> bool:
        """A 304 to a poll: nothing new there. Otherwise keep the answer's validators for the next poll."""
        if response.status == 304:
            self.count(site, "discovery/not_modified")
            return True
        self.schedule.remember_validators(self.polled_url(response), header(response.headers, b"ETag"),
                                          header(response.headers, b"Last-Modified"))
        return False

    @staticmethod
    def polled_url(response: Response) -> str:
        """The URL asked for (a poll asks for it again), not where a redirect ended."""
        return (response.meta.get("redirect_urls") or [response.url])[0]

    @staticmethod
    def is_urlset(body: bytes) -> bool:
        try:
            return Sitemap(body).type == "urlset"
        except (lxml.etree.XMLSyntaxError, StopIteration, ValueError):
            return False

    def note_dates(self, site: Site, values: list[str | None]) -> None:
        dates = [when for when in map(parse_when, values) if when is not None]
        if dates:
            self.schedule.announced(site.name, dates, time.monotonic(), datetime.now(timezone.utc))

    # -- re-checks -----------------------------------------------------------------------------------------
    def recheck_recent(self) -> None:
        """Fetch again, conditionally, the articles first seen in the re-check window (edits, 404/410, moves)."""
        conn = getattr(self.known, "conn", None)  # the run's read-only view of the archive
        if conn is None:
            return
        since = (datetime.now(timezone.utc) - timedelta(hours=self.rules.recheck_hours)).isoformat(timespec="seconds")
        for site in self.sites:
            for article_id, url, canonical, *state in conn.execute(RECENT_ARTICLES, (site.name, since)).fetchall():
                known = KnownArticle(article_id, *state)
                self.count(site, "requested/rechecks")
                self.crawler.engine.crawl(scrapy.Request(
                    url, self.parse_article, headers=known.conditional_headers(),
                    cb_kwargs={"site": site, "known_id": article_id, "via": []},
                    meta={"handle_httpstatus_list": ARTICLE_STATUSES + REDIRECT_STATUSES, "dont_redirect": True,
                          "canonical": canonical},
                    errback=self.article_failed, dont_filter=True,
                ))
