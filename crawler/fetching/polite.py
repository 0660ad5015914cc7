"""The polite downloader middlewares, as one list to merge into DOWNLOADER_MIDDLEWARES.

Each class takes plain values in its constructor; `from_crawler` is the only place that reads
settings, and each module documents its own: `crawler.fetching.traps` (TRAP_*),
`crawler.fetching.crawldelay` (POLITE_MAX_CRAWL_DELAY), `crawler.fetching.retryafter`
(POLITE_*RETRY*; take 429 and 503 out of RETRY_HTTP_CODES, so Scrapy's RetryMiddleware leaves those
two codes to RetryAfterMiddleware), `crawler.fetching.robotstxt`.
"""

# Priorities: TrapGuard before RobotsTxtMiddleware (100) so a trap URL costs no
# robots.txt fetch; CrawlDelay after it, when the host's parser is known;
# RetryAfter beside RetryMiddleware (550).
POLITE_DOWNLOADER_MIDDLEWARES: dict[str, int | None] = {
    # The URL policy (scheme, length, the site's hosts) first: a refused URL costs nothing, redirects included.
    "crawler.discovery.urlpolicy.UrlPolicyMiddleware": 50,
    "crawler.fetching.traps.TrapGuardMiddleware": 60,
    # Scrapy's own lets through requests that waited for robots.txt beside the first (see the class).
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.fetching.robotstxt.SharedRobotsTxtMiddleware": 100,
    "crawler.fetching.crawldelay.CrawlDelayMiddleware": 110,
    "crawler.fetching.retryafter.RetryAfterMiddleware": 560,
}
