"""Scrapy settings: polite by default.

Anything an operator may want to change per run is a command-line option of
`python -m crawler crawl` (which overrides these) or a `-s NAME=VALUE` with
`scrapy crawl news`.
"""
from crawler.fetching.polite import POLITE_DOWNLOADER_MIDDLEWARES

BOT_NAME = "arabic-news-archiver"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# Identify ourselves, with a way to reach the operator (set CONTACT in your deployment).
CONTACT = "mailto:crawler-operator@example.org"
USER_AGENT = f"ArabicNewsArchiver/0.1 (+https://github.com/arabic-news-archiver; {CONTACT})"

# Politeness.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 504, 522, 524, 408]
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Discovery is breadth-first and shallow: articles come from sitemaps, feeds and listings. The
# depth bound applies to listing pages only (LISTING_DEPTH_LIMIT): Scrapy's DEPTH_LIMIT would also
# drop article links found deep in pagination, after the spider counted them as requested.
DEPTH_LIMIT = 0
LISTING_DEPTH_LIMIT = 3
DEPTH_PRIORITY = 1
# Scrapy handles each response's output with CONCURRENT_ITEMS asyncio worker tasks, created per
# response even when it yields nothing: 100 by default, i.e. ~100 tasks per page. A response yields at
# most one article item here (the extraction pool gives the parallelism across responses), so one will do.
CONCURRENT_ITEMS = 1
# Pending requests wait in disk queues of the run (crawler/run/runstate.py), not in RAM; FRONTIER_DIR
# (default: the system's temporary directory) also holds the run's per-URL bookkeeping.
SCHEDULER = "crawler.run.runstate.RunScheduler"
FRONTIER_ON_DISK = True
FRONTIER_MEMORY_REQUESTS = 10_000  # pending requests kept in RAM (~1-2 kB each) before spilling to disk
FRONTIER_DIR = None
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"

# Politeness and traps (each module of crawler/fetching/ documents its settings): robots.txt Crawl-delay as a
# floor AutoThrottle cannot go under, Retry-After honoured on 429/503 for the whole host, trap URLs dropped.
# One list, kept beside the classes; it also swaps Scrapy's RobotsTxtMiddleware for SharedRobotsTxtMiddleware.
DOWNLOADER_MIDDLEWARES = {
    **POLITE_DOWNLOADER_MIDDLEWARES,
    "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,  # no site of the catalog needs credentials
}
# Scrapy components this crawler does not use, off so they cost neither start-up nor per-request work:
# UrlLengthMiddleware is TrapGuardMiddleware's TRAP_MAX_URL_LENGTH again (looser); MetaCopyDetection warns
# about a spider bug this spider does not have; RemoteControl imports aiohttp (~0.1 s) only to stay off;
# the telnet console and the memory debugger are off by setting but still loaded.
SPIDER_MIDDLEWARES = {
    "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
}
UNUSED_EXTENSIONS = {
    "scrapy.extensions.remote_control.RemoteControl": None,
    "scrapy.extensions.telnet.TelnetConsole": None,
    "scrapy.extensions.memdebug.MemoryDebugger": None,
}
POLITE_MAX_CRAWL_DELAY = 60
POLITE_MAX_RETRY_AFTER = 120
POLITE_RETRY_AFTER_TIMES = 3
POLITE_RETRY_BACKOFF = 5
TRAP_MAX_URL_LENGTH = 1000
TRAP_MAX_PATH_DEPTH = 12
TRAP_MAX_SEGMENT_REPEATS = 2
TRAP_MAX_PAGE = 100
TRAP_MAX_CALENDAR_HOPS = 5

# The archive stage runs the WARC append (pipelines.warc), the dedup decision (pipelines.dedup) and the
# write of each item as one unit on the archive's writer thread (pipelines.session).
ITEM_PIPELINES = {
    "pipelines.extract.ExtractStage": 100,
    "pipelines.store.ArchiveStage": 300,
}

# Our own settings.
ARCHIVE_PATH = "archive.db"
ARCHIVE_BATCH_SIZE = 50  # articles per write transaction (a crash loses at most one batch, fetched again next run)
ARCHIVE_LOCK_HELD = False  # set by `python -m crawler crawl`, which holds the archive's lock file
NEAR_DUPLICATE_THRESHOLD = 0.8  # estimated Jaccard of word 5-shingles
SITE_CATALOG = ""  # empty: the bundled crawler/sites.toml
CRAWL_SITES = ""  # comma-separated catalog names (or use -a site=NAME)
REFRESH_KNOWN = False  # fetch archived article URLs again even when nothing says they changed
RECHECK_DAYS = 0  # fetch archived articles first seen in the last N days again (edits, 404/410, redirects)
MAX_ARTICLES = 0  # stop after this many article pages were fetched (0 = no bound)
# Discovery by the page (spiders/news.py, crawler/discovery/frontier.py): a sitemap file is read past its first
# SITEMAP_PROBE requested entries only once enough of them were articles (SITEMAP_MIN_ARTICLE_SHARE);
# a URL shape learned from this many archived articles of a site marks its links as articles next run.
SITEMAP_PROBE = 10
SITEMAP_MIN_ARTICLE_SHARE = 0.2
# One bound per run on sitemaps found in sitemaps (an index that links to a new index forever): nesting
# below a catalog sitemap or robots.txt, and files a site's robots.txt and indexes add; said in the summary.
SITEMAP_MAX_DEPTH = 4
SITEMAP_MAX_FILES = 2000
# The URL policy (crawler/discovery/urlpolicy.py): longest URL fetched, followed or shown as a link.
URL_MAX_LENGTH = 2083
LEARNED_SHAPE_MIN_ARTICLES = 2

EXTENSIONS = {"crawler.run.progress.ProgressDisplay": 500, "crawler.run.shutdown.PromptShutdown": 500, **UNUSED_EXTENSIONS}

# Raw responses of article pages, for provenance and offline re-extraction.
WARC_ENABLED = True
WARC_DIR = ""  # empty: warc/ beside the archive database
WARC_MAX_BYTES = 100 * 1024 * 1024
EXTRACTION_WORKERS = 0  # 0: one worker process per available core; 1: extract inline in the crawl process

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
