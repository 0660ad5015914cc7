"""Stage 2: keep the raw page (pipelines.warc), decide (pipelines.dedup) and write each item, and record the crawl run."""
from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Iterable

from scrapy import signals
from scrapy.exceptions import DropItem

from archive.store import FetchInfo, utc_now
from crawler.discovery.frontier import page_classified
from crawler.run.health import assess, fill_rates
from crawler.items import CrawledArticle
from crawler.run.oserrors import STORAGE_FAILED_REASON, StorageGuard
from crawler.discovery.shapes import url_shape
from crawler.discovery.urls import canonicalize_url
from pipelines.dedup import DedupStage
from pipelines.session import ArchiveSession
from pipelines.warc import WarcStage

logger = logging.getLogger(__name__)

# How a close reason from Scrapy is recorded in crawl_runs.status.
RUN_STATUS = {"finished": "finished", "shutdown": "interrupted", "cancelled": "interrupted",
              STORAGE_FAILED_REASON: "aborted"}


class ArchiveStage:
    """The last Scrapy stage: the WARC append, the dedup decision and the write of an item, as one unit
    on the archive's writer thread (dedup reads what the items before it wrote); what the reactor
    must do (the spider's page_classified signal, DropItem) follows once the unit is done."""

    def __init__(
        self, session: ArchiveSession, spider_name: str = "news", *, warc: WarcStage | None = None,
        dedup: DedupStage | None = None,
    ) -> None:
        self.session = session
        self.spider_name = spider_name
        self.warc = warc
        self.dedup = dedup
        self.started = time.monotonic()
        self.shapes: Counter = Counter()  # (site, URL shape) -> articles this run, recorded at the end
        self.site_domains: dict[str, list[str]] = {}
        self.crawler = None
        self.write_cpu = 0.0  # CPU seconds of the write units (the writer thread's work), for the crawl's stats

    @classmethod
    def from_crawler(cls, crawler) -> "ArchiveStage":
        stage = cls(ArchiveSession.of(crawler), crawler.spidercls.name, warc=WarcStage.from_crawler(crawler),
                    dedup=DedupStage.from_crawler(crawler))
        stage.crawler = crawler
        crawler.signals.connect(stage.spider_closed, signal=signals.spider_closed)
        return stage

    def open_spider(self) -> None:
        self.session.begin_run(self.spider_name)
        self.started = time.monotonic()
        sites = getattr(self.crawler.spider, "sites", []) if self.crawler else []
        self.site_domains = {site.name: site.domains for site in sites}
        for stage in (self.warc, self.dedup):
            if stage is not None:
                stage.open_spider()
        if self.crawler is not None:
            self.session.start_writer()

    def close_spider(self) -> None:
        self.session.stop_writer()  # every item is done: the archive comes back to this thread

    async def process_item(self, item: CrawledArticle) -> CrawledArticle:
        try:
            is_article = await asyncio.wrap_future(self.session.submit(self.write, item))
        except Exception as exc:
            if self.crawler is None or not StorageGuard.of(self.crawler).stopped_by(exc):
                raise
            raise DropItem(f"not archived ({exc})", log_level="DEBUG") from None  # said once, by the guard
        if is_article is not None:
            self.classified(item, is_article=is_article)
        if is_article is False:
            raise DropItem(f"not an article: {item.page.url}: {item.skip_reason}")
        return item

    def write(self, item: CrawledArticle) -> bool | None:
        """Keep, decide and store one item (on the writer thread during a crawl). Returns what the page
        turned out to be for the spider (True: an article, False: not one, None: no verdict)."""
        started = time.thread_time()
        try:
            return self.write_unit(item)
        finally:
            self.write_cpu += time.thread_time() - started

    def write_unit(self, item: CrawledArticle) -> bool | None:
        if self.warc is not None:
            self.warc.process_item(item)
        if self.dedup is not None:
            self.dedup.process_item(item)
        page, archive = item.page, self.session.archive
        if item.decision == "not_article":
            self.session.tally(page.site, "not_article")
            self.remember_not_article(item)
            archive.commit_if_due()
            return False
        fetch = FetchInfo(
            site=page.site,
            run_id=self.session.run_id,
            fetched_at=page.fetched_at,
            lastmod=page.lastmod,
            etag=page.etag,
            last_modified=page.last_modified,
            warc_file=item.warc_ref.file if item.warc_ref else None,
            warc_offset=item.warc_ref.offset if item.warc_ref else None,
        )
        outcome = self.apply(item, fetch)
        self.session.tally(page.site, outcome)
        archive.commit_if_due()
        if item.article is not None or page.status == 304:
            self.shapes[(page.site, url_shape(item.canonical_url or page.url))] += 1
            return True
        return None

    def remember_not_article(self, item: CrawledArticle) -> None:
        """Remember the page (and the URLs that redirected to it) so later runs do not fetch it as an article."""
        page, domains = item.page, self.site_domains.get(item.page.site)
        if page.known_id is not None or not 200 <= page.status < 300:
            return  # an archived article that stopped parsing is a health problem, not a non-article
        for url in {canonicalize_url(u, site_domains=domains) for u in [page.url, *page.redirect_urls]}:
            self.session.archive.remember_not_article(page.site, url, item.skip_reason, self.session.run_id,
                                                      page.fetched_at)

    def classified(self, item: CrawledArticle, *, is_article: bool) -> None:
        """Tell the spider what the page turned out to be (it settles the probe of the sitemap that announced it)."""
        if self.crawler is not None:
            self.crawler.signals.send_catch_log(page_classified, page=item.page, is_article=is_article)

    def record_late_redirects(self, redirects: dict[str, str]) -> None:
        """Redirecting URLs whose target was fetched through another path become its aliases, so later runs skip them."""
        archive = self.session.archive
        for source, target in redirects.items():
            state = archive.article_state(target)
            if state is not None:
                archive.add_alias(source, state.id, "redirect", utc_now())

    def record_shapes(self) -> None:
        by_site: dict[str, dict[str, int]] = {}
        for (site, shape), n in self.shapes.items():
            by_site.setdefault(site, {})[shape] = n
        for site, shapes in by_site.items():
            self.session.archive.record_url_shapes(site, shapes, utc_now())

    def apply(self, item: CrawledArticle, fetch: FetchInfo) -> str:
        """Write one item; returns the outcome counted in the run summary."""
        archive, page = self.session.archive, item.page
        if item.decision == "new":
            article_id = archive.insert_article(
                item.article, item.canonical_url, item.content_hash, fetch,
                near_duplicate_of=item.near_duplicate_of, cluster_id=item.cluster_id, signature=item.signature,
                text=item.search_text,
            )
            if article_id is None:  # another writer stored it first: idempotent
                return "unchanged"
            self.session.neardup.add(article_id, item.signature)
            self.record_aliases(item, article_id)
            self.count_fill(item)
            return "near_duplicate" if item.near_duplicate_of else "new"
        if item.decision == "version":
            archive.add_version(item.existing_id, item.article, item.content_hash, fetch, item.signature,
                                item.search_text)
            self.record_aliases(item, item.existing_id)
            if item.signature is not None:
                self.session.neardup.add(item.existing_id, item.signature)
            self.count_fill(item)
            return "updated"
        if item.decision == "alias":
            archive.add_alias(item.canonical_url, item.existing_id, "same-text", page.fetched_at)
            self.record_aliases(item, item.existing_id)
            return "duplicate"
        if item.decision == "redirected":
            target = page.response_headers.get("Location", "?")
            archive.add_event(item.existing_id, page.url, "redirected", f"HTTP {page.status} -> {target}",
                              fetch.run_id, page.fetched_at)
            return "redirected"
        if item.decision == "gone":
            archive.add_event(item.existing_id, page.url, "gone", f"HTTP {page.status}", fetch.run_id, page.fetched_at)
            return "gone"
        archive.mark_seen(item.existing_id, page.fetched_at, fetch)
        if item.article is not None:
            self.record_aliases(item, item.existing_id)
        return "unchanged"

    def record_aliases(self, item: CrawledArticle, article_id: int) -> None:
        """URLs that led to this article other than its canonical one (redirects, variants), so later runs skip them."""
        for url, kind in item.aliases:
            self.session.archive.add_alias(url, article_id, kind, item.page.fetched_at)

    def count_fill(self, item: CrawledArticle) -> None:
        """Field fill counters for site health: which fields this article came with."""
        article, site = item.article, item.page.site
        filled = {
            "body": bool(article.body),
            "title": bool(article.title),
            "date": bool(article.published),
            "authors": bool(article.authors),
            "captions": bool(article.captions),
            "sources": bool(article.sources),
        }
        self.session.fill[(site, "articles")] += 1
        for name, present in filled.items():
            self.session.fill[(site, name)] += int(present)

    def record_site(self, site: str, stats: dict) -> None:
        """Per-site counts, fill-rates and health flags of this run, compared with the site's recent runs."""
        session = self.session
        prefix = f"site/{site}/"
        site_stats = {k[len(prefix):]: v for k, v in stats.items() if k.startswith(prefix)}
        outcomes = {outcome: n for (name, outcome), n in session.counts.items() if name == site}
        extracted = sum(n for outcome, n in outcomes.items() if outcome != "not_article")
        counts = {
            "pages": sum(v for k, v in site_stats.items() if k.startswith("fetched/") or k.startswith("discovery/")),
            "article_pages": site_stats.get("fetched/status_200", 0),
            "discovered": site_stats.get("requested/articles", 0) + sum(
                v for k, v in site_stats.items() if k.startswith("skipped/")),
            "known": site_stats.get("skipped/already_archived", 0),
            # article requests that went out: robots.txt and the trap rules drop some after they were made
            "requested_articles": max(0, site_stats.get("requested/articles", 0) - site_stats.get("skipped/ignored", 0)),
            **unreachable_counts(site_stats),
            "extracted": extracted,
            "failures": sum(v for k, v in site_stats.items() if k.startswith("failures/")),
            **outcomes,
        }
        filled = {name: n for (name_site, name), n in session.fill.items() if name_site == site}
        rates = fill_rates(filled)
        flags = assess(counts, rates, session.archive.site_history(site, before_run=session.run_id))
        for flag in flags:  # a site that fetched nothing is said once at the run's end (RunResult.problems)
            logger.log(logging.INFO if counts["pages"] == 0 else logging.WARNING, "site %s health: %s", site, flag)
        articles = outcomes.get("new", 0) + outcomes.get("near_duplicate", 0) + outcomes.get("updated", 0)
        session.archive.record_site_run(session.run_id, site, counts["pages"], articles, counts, rates, flags)

    def spider_closed(self, spider, reason: str) -> None:
        guard = StorageGuard.of(self.crawler)
        try:
            self.close_run(spider, STORAGE_FAILED_REASON if guard.message else reason)
        except Exception as exc:  # the disk is still full: the next run marks this one aborted
            if not guard.stopped_by(exc):
                raise

    def close_run(self, spider, reason: str) -> None:
        self.session.stop_writer()  # normally done in close_spider already
        self.crawler.stats.set_value("cpu_ms/writer_thread", round(self.write_cpu * 1e3, 1))
        runstate = getattr(spider, "runstate", None)
        # On disk: (URL, date) pairs of the scheduled URLs, read a page at a time.
        announced = runstate.scheduled_announcements() if runstate is not None else ()
        sites = {s.name for s in getattr(spider, "sites", [])}
        late_redirects = getattr(getattr(spider, "frontier", None), "late_redirects", {})
        self.record_run_end(self.crawler.stats.get_stats(), sites, announced, reason,
                            round(time.monotonic() - self.started, 2), late_redirects)
        if runstate is not None:
            runstate.close()
        self.session.close()

    def record_run_end(self, stats: dict, sites: set[str], announced: Iterable[tuple[str, str]], reason: str,
                       seconds: float, late_redirects: dict[str, str] | None = None) -> None:
        """Record the run's end from Scrapy-style stats (one crawler's, or a cluster's summed):
        counts in `crawl_runs`, per-site rows in `site_runs`, newer announced dates (URL, ISO date)
        of the fetched articles."""
        session = self.session
        totals = session.totals()
        failures = sum(v for k, v in stats.items() if k.startswith("site/") and "/failures/" in k)
        counts = {
            "new": totals["new"] + totals["near_duplicate"],
            "near_duplicates": totals["near_duplicate"],
            "updated": totals["updated"],
            "unchanged": totals["unchanged"],
            "duplicates": totals["duplicate"],
            "gone": totals["gone"],
            "redirected": totals["redirected"],
            "not_article": totals["not_article"],
            "failures": failures,
            "requests": stats.get("downloader/request_count", 0),
            "skipped_known": sum(v for k, v in stats.items() if k.endswith("/skipped/already_archived")),
            "sitemaps_not_read": sum(v for k, v in stats.items() if k.endswith("/skipped/sitemap_bound")),
            "skipped": skipped_reasons(stats),
            "seconds": seconds,
            "close_reason": reason,
        }
        status = RUN_STATUS.get(reason, "finished" if reason.startswith("closespider") else reason)
        session.archive.raise_lastmods(announced)
        self.record_shapes()
        self.record_late_redirects(late_redirects or {})
        for site in sites:
            self.record_site(site, stats)
        session.archive.finish_run(session.run_id, counts, status)
        logger.info("run %s %s: %s", session.run_id, status, counts)


def skipped_reasons(stats: dict) -> dict[str, int]:
    """Article URLs the run met and did not request, by reason, over all sites (already archived
    ones are counted apart, as `skipped_known`; sitemaps left unread by the sitemap bound are not article
    URLs and have a count of their own, `sitemaps_not_read`)."""
    reasons: Counter = Counter()
    for key, value in stats.items():
        if key.startswith("site/") and "/skipped/" in key and not key.endswith(("/already_archived", "/sitemap_bound")):
            reasons[key.rsplit("/skipped/", 1)[1]] += value
    return dict(reasons)


def unreachable_counts(site_stats: dict) -> dict:
    """Requests that found the host unreachable (crawler.fetching.reachability) and the most common cause."""
    causes = {k.split("/", 1)[1]: v for k, v in site_stats.items() if k.startswith("unreachable/")}
    if not causes:
        return {}
    return {"unreachable": sum(causes.values()), "unreachable_reason": max(causes, key=causes.get)}
