"""The crawler a user would write instead of ours: the yardstick of benchmarks/crawl_vs_naive.py.

    python benchmarks/naive_crawler.py BASE_URL DB [--concurrency 16]

Scrapy's own `SitemapSpider` from the site's robots.txt, `trafilatura.bare_extraction` inline in the
callback, and rows inserted into SQLite with sqlite-utils in batches of 50. No WARC, no dedup, no search
index, no captions or sources: it does much less per page than our crawl, on one core.
Prints `naive: N articles` at the end.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

# Run as a script, this folder comes first on sys.path, and benchmarks/incremental.py would shadow
# the `incremental` package Twisted imports.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import sqlite_utils  # noqa: E402
import trafilatura  # noqa: E402
from scrapy.crawler import CrawlerProcess  # noqa: E402
from scrapy.spiders import SitemapSpider  # noqa: E402

BATCH = 50


class NaiveSpider(SitemapSpider):
    name = "naive"
    sitemap_rules = [("", "parse_article")]  # every sitemap entry of the sample site is an article

    def __init__(self, base_url: str, db_path: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.sitemap_urls = [f"{base_url}/robots.txt"]
        self.db = sqlite_utils.Database(db_path)
        self.rows: list[dict] = []
        self.stored = 0

    def parse_article(self, response):
        doc = trafilatura.bare_extraction(response.body, url=response.url, with_metadata=True)
        if not doc:
            return
        data = doc if isinstance(doc, dict) else doc.as_dict()
        self.rows.append({"url": response.url, "title": data.get("title"), "date": data.get("date"),
                          "author": data.get("author"), "text": data.get("text")})
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.db["articles"].insert_all(self.rows, pk="url", replace=True)
            self.stored += len(self.rows)
            self.rows = []

    def closed(self, reason: str) -> None:
        self.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url")
    parser.add_argument("db")
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    process = CrawlerProcess({
        "LOG_LEVEL": "WARNING", "ROBOTSTXT_OBEY": True, "CONCURRENT_REQUESTS_PER_DOMAIN": args.concurrency,
        "CONCURRENT_REQUESTS": args.concurrency, "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
    })
    crawler = process.create_crawler(NaiveSpider)
    process.crawl(crawler, base_url=args.base_url.rstrip("/"), db_path=args.db)
    process.start()
    print(f"naive: {crawler.spider.stored} articles")
    sys.exit(0)


if __name__ == "__main__":
    main()
