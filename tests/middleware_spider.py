"""Test-only crawl for tests/fetching/test_middlewares.py: `python tests/middleware_spider.py URL[,URL…] OUTFILE`.

Starts from every URL at once, follows every link with the polite middlewares and AutoThrottle on,
and writes one JSON line per response ({"url", "status"}) and a last line
{"stats": {...}} to OUTFILE. Runs in its own process: a reactor runs once.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import scrapy  # noqa: E402
from scrapy.crawler import CrawlerProcess  # noqa: E402

from crawler.fetching.polite import POLITE_DOWNLOADER_MIDDLEWARES  # noqa: E402

SETTINGS = {
    "ROBOTSTXT_OBEY": True,
    "USER_AGENT": "ArabicNewsArchiver/0.1 (+test)",
    "DOWNLOADER_MIDDLEWARES": POLITE_DOWNLOADER_MIDDLEWARES,
    "RETRY_HTTP_CODES": [500, 502, 504, 522, 524, 408],
    "HTTPERROR_ALLOWED_CODES": [429],
    # AutoThrottle with a tiny minimum and fast local responses would go far
    # under the 1 s Crawl-delay; jitter and per-host concurrency would too.
    "AUTOTHROTTLE_ENABLED": True,
    "AUTOTHROTTLE_START_DELAY": 0.05,
    "DOWNLOAD_DELAY": 0.0,
    "DOWNLOAD_DELAY_JITTER": 0.5,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 4,
    "TRAP_MAX_CALENDAR_HOPS": 2,
    "TRAP_MAX_PAGE": 10,
    "CLOSESPIDER_TIMEOUT": 60,
    "TELNETCONSOLE_ENABLED": False,
    "LOG_LEVEL": "INFO",
}


class LinkSpider(scrapy.Spider):
    name = "middleware_test"

    def __init__(self, start_url: str, out_path: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.start_url = start_url
        self.out = open(out_path, "w", encoding="utf-8")

    async def start(self):
        for url in self.start_url.split(","):  # several at once: they all wait for robots.txt together
            yield scrapy.Request(url)

    def parse(self, response):
        self.out.write(json.dumps({"url": response.url, "status": response.status}) + "\n")
        for href in response.css("a::attr(href)").getall():
            yield response.follow(href)

    def closed(self, reason: str) -> None:
        stats = {k: v for k, v in self.crawler.stats.get_stats().items() if isinstance(v, (int, float, str))}
        self.out.write(json.dumps({"stats": stats}) + "\n")
        self.out.close()


if __name__ == "__main__":
    process = CrawlerProcess(SETTINGS)
    process.crawl(LinkSpider, start_url=sys.argv[1], out_path=sys.argv[2])
    process.start()
