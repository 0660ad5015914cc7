"""Decide what an extracted article is to the archive (part of the archive stage's unit, `pipelines.store`).

- same canonical URL, same text      → unchanged (only `last_seen` moves)
- same canonical URL, changed text   → a new version
- another URL, same text, same site  → an alias of the archived article
- near-duplicate text (any site)     → a new article linked into the cluster of its match
- otherwise                          → new
"""
from __future__ import annotations

from crawler.discovery.catalog import Site
from crawler.text.identity import content_hash
from crawler.items import CrawledArticle
from crawler.discovery.urls import canonicalize_url
from pipelines.session import ArchiveSession


class DedupStage:
    def __init__(self, session: ArchiveSession, site_domains: dict[str, list[str]] | None = None) -> None:
        self.session = session
        self.site_domains = site_domains or {}

    @classmethod
    def from_crawler(cls, crawler) -> "DedupStage":
        stage = cls(ArchiveSession.of(crawler))
        stage.crawler = crawler
        return stage

    def open_spider(self) -> None:
        sites: list[Site] = getattr(self.crawler.spider, "sites", [])
        self.site_domains = {site.name: site.domains for site in sites}

    def process_item(self, item: CrawledArticle) -> CrawledArticle:
        if item.decision or item.article is None:
            return item
        archive, page, article = self.session.archive, item.page, item.article
        item.canonical_url = canonicalize_url(
            page.url, declared_canonical=article.canonical_url, site_domains=self.site_domains.get(page.site)
        )
        article.canonical_url = item.canonical_url
        item.aliases = self.other_urls(item)
        if item.content_hash is None:  # extraction workers compute both keys; offline callers may not
            item.content_hash = content_hash(article.title, article.body)
        state = archive.article_state(item.canonical_url)
        if state is not None:
            item.existing_id = state.id
            item.decision = "unchanged" if state.content_hash == item.content_hash else "version"
            if item.decision == "version" and item.signature is None:
                item.signature = self.session.neardup.signature(article.body)
            return item
        same = archive.same_text(page.site, item.content_hash)
        if same is not None:
            item.decision, item.existing_id = "alias", same
            return item
        item.decision = "new"
        if item.signature is None:
            item.signature = self.session.neardup.signature(article.body)
        matches = self.session.neardup.query(item.signature)
        if matches:
            match = archive.article_state_by_id(min(matches))
            item.near_duplicate_of, item.cluster_id = match.id, match.cluster_id or match.id
        return item

    def other_urls(self, item: CrawledArticle) -> list[tuple[str, str]]:
        """Canonical forms of the URLs that led here (fetched URL, redirect hops) other than the article's own."""
        page, domains = item.page, self.site_domains.get(item.page.site)
        found: dict[str, str] = {}
        for url, kind in [(page.url, "variant"), *((u, "redirect") for u in page.redirect_urls)]:
            key = canonicalize_url(url, site_domains=domains)
            if key != item.canonical_url:
                found.setdefault(key, kind)
        return list(found.items())
