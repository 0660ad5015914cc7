"""A small configurable Arabic news site on 127.0.0.1, for `crawl --url` tests of sites outside the catalog.

Its article URLs follow one `scheme` (`/news/N.html`, `/?p=N`, `/node/N`, `/ar/SECTION/slug-N`), none
of which the ad-hoc URL patterns call an article; it may have a robots.txt sitemap index (optionally
with a tag sitemap of many tag pages), an RSS feed, or neither, and always a home page and section
pages linking every article. Articles carry different article signals (JSON-LD, og:type, or only a
text block under a headline). `slow` delays chosen paths, to order what the crawler sees first.
Every request is recorded in `requests` (path with query).
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

SECTIONS = ["politics", "economy"]
SECTION_NAMES = {"politics": "سياسة", "economy": "اقتصاد"}
CITIES = ["القاهرة", "بيروت", "عمان", "تونس", "الرباط", "بغداد", "دمشق", "الدوحة", "الجزائر", "صنعاء", "الخرطوم", "مسقط"]
SENTENCES = [
    "أعلنت الحكومة اليوم عن خطة جديدة لدعم المشاريع الصغيرة في المحافظات الريفية خلال العام المقبل",
    "وقال المتحدث باسم الوزارة إن الخطة تشمل قروضا ميسرة وبرامج تدريب للشباب والنساء في القرى",
    "وأضاف أن المرحلة الأولى ستبدأ في الربع الأول وتستمر ستة أشهر قبل تقييم نتائجها بشكل مستقل",
    "ورحب عدد من الخبراء الاقتصاديين بالخطة لكنهم دعوا إلى مزيد من الشفافية في معايير الاختيار",
    "وتأتي هذه الخطوة بعد أشهر من المشاورات مع النقابات وممثلي القطاع الخاص والمجتمع المدني",
    "ويتوقع مراقبون أن تسهم الخطة في خفض معدلات البطالة التي ارتفعت خلال السنوات الماضية",
]


@dataclass
class Article:
    number: int
    path: str
    section: str
    title: str
    published: str
    signal: str  # json-ld, og, text


@dataclass
class AdHocSite:
    scheme: str = "news-html"  # news-html, wp, node, ar-slug
    n_articles: int = 10
    sitemap: bool = True
    feed: bool = True
    tag_pages: int = 0  # > 0: the sitemap index also lists a sitemap of this many tag pages
    tag_sitemap_name: str = "post_tag-sitemap.xml"
    slow: dict[str, float] = field(default_factory=dict)  # path -> seconds to wait before answering
    extra_sitemap_paths: list[str] = field(default_factory=list)  # first entries of the posts sitemap
    # "p": paragraphs in <p>; "br": a broadcaster's markup (bare text runs between <br><br> in a div
    # with two empty custom tags, the date in a classless div, no <time>, no structured data)
    markup: str = "p"
    articles: list[Article] = field(init=False)

    def __post_init__(self) -> None:
        self.articles = [self._article(i) for i in range(1, self.n_articles + 1)]
        self._by_path = {a.path: a for a in self.articles}

    def _article(self, i: int) -> Article:
        section = SECTIONS[i % len(SECTIONS)]
        path = {
            "news-html": f"/news/{i}.html",
            "wp": f"/?p={317350 + i}",  # real WordPress post ids: far above any page-number bound
            "node": f"/node/{i}",
            "ar-slug": f"/ar/{section}/talks-in-{CITIES[i % len(CITIES)].encode().hex()[:6]}-{i}",
        }[self.scheme]
        title = f"{CITIES[i % len(CITIES)]}: خطة جديدة لدعم المشاريع الصغيرة رقم {i}"
        return Article(i, path, section, title, f"2026-11-{1 + i % 28:02d}T08:00:00+03:00", ["json-ld", "og", "text"][i % 3])

    @property
    def article_paths(self) -> list[str]:
        return [a.path for a in self.articles]

    def section_path(self, section: str) -> str:
        return f"/ar/{section}/" if self.scheme == "ar-slug" else f"/section/{section}"

    # -- routing ---------------------------------------------------------------------------------
    def respond(self, target: str, base: str) -> tuple[int, str, str]:
        """(status, content type, body) for a request target (path with query)."""
        parts = urlsplit(target)
        path = parts.path
        if target in self._by_path:
            return 200, "text/html; charset=utf-8", self.article_page(self._by_path[target], base)
        if path == "/" and parts.query == "":
            return 200, "text/html; charset=utf-8", self.home(base)
        if path == "/robots.txt":
            lines = ["User-agent: *", "Disallow: /private/"] + ([f"Sitemap: {base}/sitemap.xml"] if self.sitemap else [])
            return 200, "text/plain", "\n".join(lines) + "\n"
        for section in SECTIONS:
            if path == self.section_path(section):
                return 200, "text/html; charset=utf-8", self.section_page(section)
        if self.sitemap and path == "/sitemap.xml":
            return 200, "application/xml", self.sitemap_index(base)
        if self.sitemap and path == "/sitemap-posts.xml":
            return 200, "application/xml", urlset([base + p for p in self.extra_sitemap_paths]
                                                  + [base + a.path for a in self.articles])
        if self.sitemap and self.tag_pages and path == f"/{self.tag_sitemap_name}":
            return 200, "application/xml", urlset(f"{base}/topics/{slug}" for slug in self.tag_slugs())
        if self.feed and path == "/feed.xml":
            return 200, "application/rss+xml", self.rss(base)
        if path.startswith("/topics/"):
            return 200, "text/html; charset=utf-8", self.tag_page(path)
        return 404, "text/html; charset=utf-8", "<html><body><h1>غير موجود</h1></body></html>"

    def tag_slugs(self) -> list[str]:
        return [f"topic-word-{k}" for k in range(1, self.tag_pages + 1)]

    # -- pages -----------------------------------------------------------------------------------
    def head(self, title: str, extra: str = "") -> str:
        feed = '<link rel="alternate" type="application/rss+xml" href="/feed.xml">' if self.feed else ""
        return f'<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{escape(title)}</title>{feed}{extra}</head>'

    def nav(self) -> str:
        links = "".join(f'<li><a href="{self.section_path(s)}">{SECTION_NAMES[s]}</a></li>' for s in SECTIONS)
        return f'<header><a href="/">أخبار المدينة</a><nav><ul>{links}<li><a href="/about">من نحن</a></li></ul></nav></header>'

    def cards(self, articles: list[Article]) -> str:
        return "".join(f'<article class="card"><h3><a href="{escape(a.path)}">{escape(a.title)}</a></h3></article>'
                       for a in articles)

    def home(self, base: str) -> str:
        return (self.head("أخبار المدينة - الرئيسية") + "<body>" + self.nav()
                + f'<main><h2>آخر الأخبار</h2>{self.cards(self.articles)}</main></body></html>')

    def section_page(self, section: str) -> str:
        articles = [a for a in self.articles if a.section == section]
        return (self.head(SECTION_NAMES[section]) + "<body>" + self.nav()
                + f"<main><h1>{SECTION_NAMES[section]}</h1>{self.cards(articles)}</main></body></html>")

    def tag_page(self, path: str) -> str:
        return (self.head("وسم") + "<body>" + self.nav()
                + f"<main><h1>وسم {escape(path.rsplit('/', 1)[-1])}</h1>{self.cards(self.articles[:2])}</main></body></html>")

    def article_page(self, article: Article, base: str) -> str:
        url = base + article.path
        extra = f'<link rel="canonical" href="{escape(url)}">'
        if article.signal == "json-ld":
            extra += ('<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle", '
                      f'"headline": "{article.title}", "datePublished": "{article.published}"}}</script>')
        elif article.signal == "og":
            extra += ('<meta property="og:type" content="article">'
                      f'<meta property="article:published_time" content="{article.published}">')
        city = CITIES[article.number % len(CITIES)]
        paragraphs = [f"{city} - {SENTENCES[0]} رقم {article.number}."] + [
            f"{s} في {city} بحسب التقرير رقم {article.number}." for s in SENTENCES[1:]]
        body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
        related = self.articles[article.number % len(self.articles)]
        if self.markup == "br":
            runs = "<br><br>".join(escape(p) for p in paragraphs)
            return (self.head(article.title, f'<link rel="canonical" href="{escape(url)}">') + "<body>" + self.nav()
                    + f'<main><div class="k1"><h1>{escape(article.title)}</h1><div class="k2">{article.published[:10]}</div>'
                    + f'<div class="k3"><news-tag></news-tag><share-bar></share-bar>{runs}</div></div>'
                    + f'<aside><h2>اقرأ أيضا</h2><a href="{escape(related.path)}">{escape(related.title)}</a></aside>'
                    + "</main></body></html>")
        return (self.head(article.title, extra) + "<body>" + self.nav()
                + f'<main><article><h1>{escape(article.title)}</h1><time datetime="{article.published}">'
                + f'{article.published[:10]}</time><div class="body">{body}</div></article>'
                + f'<aside><h2>اقرأ أيضا</h2><a href="{escape(related.path)}">{escape(related.title)}</a></aside>'
                + "</main></body></html>")

    def sitemap_index(self, base: str) -> str:
        names = ["sitemap-posts.xml"] + ([self.tag_sitemap_name] if self.tag_pages else [])
        entries = "".join(f"<sitemap><loc>{base}/{name}</loc></sitemap>" for name in names)
        return f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>'

    def rss(self, base: str) -> str:
        items = "".join(f"<item><title>{escape(a.title)}</title><link>{escape(base + a.path)}</link></item>"
                        for a in self.articles)
        return f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>أخبار</title>{items}</channel></rss>'


def urlset(urls) -> str:
    entries = "".join(f"<url><loc>{escape(u)}</loc></url>" for u in urls)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'


class AdHocServer:
    def __init__(self, site: AdHocSite) -> None:
        self.site = site
        self.requests: list[str] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with server._lock:
                    server.requests.append(self.path)
                time.sleep(server.site.slow.get(urlsplit(self.path).path, 0))
                status, kind, body = server.site.respond(self.path, server.base_url)
                data = body.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        return Handler

    def article_requests(self, since: int = 0) -> list[str]:
        with self._lock:
            return [p for p in self.requests[since:] if p in self.site.article_paths]


@contextmanager
def serve_adhoc(site: AdHocSite):
    server = AdHocServer(site)
    server._thread.start()
    try:
        yield server
    finally:
        server._httpd.shutdown()
        server._thread.join()
        server._httpd.server_close()
