"""`SampleSite`: the generated articles, the site's faults, and the routing of one request to a response.

Routing is a pure function of the request, the site's state and how often the
path was requested before on this server (for the fail-once paths), so tests can
call `SampleSite.respond` without a server, and two sites built with the same
seed answer with the same bytes.
"""
from __future__ import annotations

import hashlib
import random
import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import parse_qs, urlsplit

from crawler.sample_site import feeds, pages
from crawler.sample_site.content import (
    LEGACY_SECTION, SITE_TZ, SampleArticle, article_path, generate_articles, load_content, make_article,
    section_names, site_title,
)

LEGACY_COUNT = 3
PAGE_SIZE = 8
FEED_SIZE = 20
MIN_ARTICLES = LEGACY_COUNT + 7
TRACKING_QUERY = "utm_source=facebook&utm_medium=social"
SITEMAPS = ["sitemap-news.xml", "sitemap-articles.xml"]
# A 1x1 transparent GIF stands in for every picture.
PIXEL = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")
UPDATE_NOTE = "تحديث: أضيفت إلى هذا التقرير معلومات جديدة وردت بعد نشره للمرة الأولى."
CALENDAR = re.compile(r"^/calendar/(\d{4})/(\d{2})$")
REPEATED = re.compile(r"^/section/sport(/sport)+$")


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes = b""


@dataclass
class Request:
    method: str
    target: str  # path with query, as sent
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.target).query)

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == lowered), None)


class SampleSite:
    """A deterministic Arabic news site with every fault a polite archiving crawler must survive."""

    def __init__(self, seed: int = 7, n_articles: int = 36, name: str = "sample", page_weight_kb: int | None = None,
                 crawl_delay: float | None = None, syndicate_from: "SampleSite | None" = None) -> None:
        if n_articles < MIN_ARTICLES:
            raise ValueError(f"n_articles must be at least {MIN_ARTICLES}")
        self.seed, self.name, self.title = seed, name, site_title(name)
        self.page_weight_kb, self.crawl_delay = page_weight_kb, crawl_delay
        self.layout = "v1"
        self.withdrawn: dict[str, int] = {}  # path -> 404/410, set by remove_article
        self.moved: dict[str, str] = {}  # path -> path it redirects to, set by redirect_article
        self.live: list[SampleArticle] = []  # published while serving, by publish(), oldest first
        # Live mode publishes from another thread than the server's handlers: one change or answer at a time.
        self.lock = threading.RLock()
        rng = random.Random(f"{name}:{seed}")
        self.articles: list[SampleArticle] = generate_articles(rng, n_articles - LEGACY_COUNT, LEGACY_COUNT)
        self._assign_faults(rng)
        self.syndicated: tuple[str, str] | None = None
        if syndicate_from is not None:
            self._add_syndicated_copy(rng, syndicate_from)
        self._index()
        self.expected = self._expected()

    # -- set-up -------------------------------------------------------------------------------------------------

    def _assign_faults(self, rng: random.Random) -> None:
        regular = [a for a in self.articles if a.section != LEGACY_SECTION]
        tracked, amp, redirected, flaky, busy = rng.sample(regular[1:], 5)
        busy.path = "/busy" + busy.path[busy.path.index("/", 1):]  # keeps its section for listings
        self.tracking_target = tracked.path
        self.tracking_path = f"{tracked.path}?{TRACKING_QUERY}"
        self.amp_canonical_path, self.amp_path = amp.path, "/amp" + amp.path
        # Shaped like an article URL so a spider that follows only article links still meets the redirect.
        self.redirect_path = article_path("go", redirected.published, "top-story")
        self.redirect_target = redirected.path
        self.flaky_path, self.retry_after_path = flaky.path, busy.path
        legacy = [a for a in self.articles if a.section == LEGACY_SECTION]
        for article in legacy:
            article.encoding = "windows-1256"
        legacy[-1].charset_declared = False
        self.no_charset_path = legacy[-1].path
        newest = regular[0].published
        self.private_paths = [article_path("private", newest, f"subscribers-briefing-{i}") for i in (1, 2)]
        self.not_found_path = article_path("politics", newest - timedelta(days=2), f"withdrawn-report-{len(self.articles) + 50}")
        self.repeated_trap_path = "/section/sport/sport/sport"

    def _add_syndicated_copy(self, rng: random.Random, other: "SampleSite") -> None:
        """Carry one of `other`'s articles with a new headline and lightly edited text."""
        candidates = [a for a in other.articles if a.section != LEGACY_SECTION and a.path not in other._fault_paths()]
        original = rng.choice(candidates)
        syndication = load_content()["syndication"]
        copy_id = len(self.articles) + 1
        published = original.published + timedelta(hours=3)
        paragraphs = list(original.paragraphs)
        dateline = f"{original.slots['city']} - {other.title}: "
        paragraphs[0] = dateline + paragraphs[0].removeprefix(original.dateline or "")
        paragraphs.append(syndication["closing"])
        copy = SampleArticle(**{**original.__dict__, "slots": dict(original.slots), "tags": list(original.tags),
                                 "tag_slugs": list(original.tag_slugs), "authors": list(original.authors)})
        copy.id, copy.published, copy.updated = copy_id, published, published
        copy.path = article_path(original.section, published, f"{original.slug_base}-{copy_id}")
        copy.title = rng.choice(syndication["headlines"]).format(title=original.title)
        copy.paragraphs, copy.dateline = paragraphs, dateline
        copy.source_line = f"المصدر : {other.title}"
        copy.image_url = f"/images/{published.year}/{published.month}/{copy_id}.jpg"
        copy.version = 1
        self.articles.append(copy)
        self.syndicated = (copy.path, original.path)

    def _index(self) -> None:
        self._by_path = {a.path: a for a in self.articles}
        self._by_id = {a.id: a for a in self.articles}
        self._by_section: dict[str, list[SampleArticle]] = defaultdict(list)
        self._by_month: dict[tuple[int, int], list[SampleArticle]] = defaultdict(list)
        self._by_tag: dict[str, list[SampleArticle]] = defaultdict(list)
        self._tag_names: dict[str, str] = {}
        for article in sorted(self.articles, key=lambda a: a.published, reverse=True):
            self._by_section[article.section].append(article)
            self._by_month[(article.published.year, article.published.month)].append(article)
            for name, slug in zip(article.tags, article.tag_slugs):
                self._by_tag[slug].append(article)
                self._tag_names[slug] = name
        self._newest_first = sorted(self.articles, key=lambda a: a.published, reverse=True)
        self.section_paths_names = [*section_names(), LEGACY_SECTION]
        self.newest_date = self._newest_first[0].published

    def _fault_paths(self) -> set[str]:
        return {self.tracking_target, self.amp_canonical_path, self.redirect_target, self.flaky_path, self.retry_after_path}

    def _expected(self) -> dict:
        archivable = sorted(a.path for a in self.articles)
        legacy = [a for a in self.articles if a.section == LEGACY_SECTION]
        known = re.split(r"(?<=\.) ", self._by_path[self.no_charset_path].paragraphs[1])[0]
        expected = {
            "archivable_paths": archivable,
            "article_count": len(archivable),
            "duplicate_paths": [self.tracking_path, self.amp_path],
            "tracking_path": self.tracking_path,
            "tracking_target": self.tracking_target,
            "amp_path": self.amp_path,
            "amp_canonical": self.amp_canonical_path,
            "redirect_path": self.redirect_path,
            "redirect_target": self.redirect_target,
            "not_found_path": self.not_found_path,
            "flaky_path": self.flaky_path,
            "retry_after_path": self.retry_after_path,
            "disallowed_paths": list(self.private_paths),
            "legacy_paths": [a.path for a in legacy],
            "no_charset_path": self.no_charset_path,
            "known_legacy_sentence": known,
            "trap_paths": [f"/calendar/{self.newest_date.year}/{self.newest_date.month:02d}", self.repeated_trap_path],
            "section_paths": [f"/section/{name}" for name in self.section_paths_names],
            "sitemap_paths": ["/sitemap.xml", *(f"/{name}" for name in SITEMAPS)],
            "feed_path": "/rss.xml",
        }
        if self.syndicated:
            expected["syndicated"] = self.syndicated
        return expected

    # -- queries used by the pages ------------------------------------------------------------------------------

    def article(self, path: str) -> SampleArticle:
        return self._by_path[path]

    def newest(self, count: int) -> list[SampleArticle]:
        return [a for a in self._newest_first if a.section != LEGACY_SECTION][:count]

    def related(self, article: SampleArticle) -> list[SampleArticle]:
        same = self._by_section[article.section]
        start = same.index(article)
        return [same[(start + step) % len(same)] for step in range(1, min(5, len(same)))]

    def sample_articles(self, rng: random.Random, count: int) -> list[SampleArticle]:
        return [self.articles[rng.randrange(len(self.articles))] for _ in range(count)]

    def tags_of_section(self, section: str) -> list[tuple[str, str]]:
        return [tuple(pair) for pair in load_content()["sections"][section]["tags"]]

    # -- changes between runs -----------------------------------------------------------------------------------

    def update_article(self, article_id: int, paragraphs: list[str] | None = None, title: str | None = None) -> SampleArticle:
        """Edit an article (default: append an update note); moves `updated`, sitemap lastmod, Last-Modified and ETag."""
        article = self._by_id[article_id]
        if paragraphs is None and title is None:
            paragraphs = [*article.paragraphs, UPDATE_NOTE]
        if paragraphs is not None:
            article.paragraphs = list(paragraphs)
        if title is not None:
            article.title = title
        article.updated = max(article.updated, article.published) + timedelta(days=1)
        article.version += 1
        return article

    def publish(self, when: datetime | None = None) -> SampleArticle:
        """Publish a new article now (live mode): it heads the news sitemap, the feed, the homepage and its section.

        Its text comes from its own seeded generator, so the n-th live article has the same text on every run;
        its date is the wall clock (to the second), as a newsroom's would be."""
        with self.lock:
            article_id = max(a.id for a in self.articles) + 1
            names = section_names()
            section = names[len(self.live) % len(names)]
            published = (when or datetime.now(timezone.utc)).astimezone(SITE_TZ).replace(microsecond=0)
            article = make_article(random.Random(f"{self.name}:{self.seed}:live:{article_id}"), article_id, section,
                                   published)
            article.updated = published  # news, not yet edited
            self.articles.append(article)
            self.live.append(article)
            self._index()
            self.expected = self._expected()
            return article

    def remove_article(self, article_id: int, status: int = 410) -> SampleArticle:
        """Withdraw an article: its URL now answers `status` (404 or 410); listings and sitemaps still link it."""
        article = self._by_id[article_id]
        self.withdrawn[article.path] = status
        return article

    def redirect_article(self, article_id: int, to_article_id: int) -> tuple[str, str]:
        """Make an article's URL answer 301 to another article (a merged or moved story)."""
        source, target = self._by_id[article_id].path, self._by_id[to_article_id].path
        self.moved[source] = target
        return source, target

    # -- routing ------------------------------------------------------------------------------------------------

    def respond(self, request: Request, base_url: str, previous_hits: int = 0) -> Response:
        """Answer one request; `previous_hits` is how often this path was requested before on this server."""
        with self.lock:
            return self._respond(request, base_url, previous_hits)

    def _respond(self, request: Request, base_url: str, previous_hits: int) -> Response:
        base, path = base_url.rstrip("/"), request.path
        if path == self.flaky_path and previous_hits == 0:
            return self._html(500, "<h1>500 Internal Server Error</h1>")
        if path == self.retry_after_path and previous_hits == 0:
            return self._html(429, "<h1>429 Too Many Requests</h1>", {"Retry-After": "2"})
        if path == self.redirect_path:
            return Response(301, {"Location": base + self.redirect_target, "Content-Length": "0"})
        if path in self.withdrawn:
            return self._text(self.withdrawn[path], pages.not_found(self, base, path))
        if path in self.moved:
            return Response(301, {"Location": base + self.moved[path], "Content-Length": "0"})
        if path in self._by_path:
            return self._article_response(request, self._by_path[path], base)
        if path == self.amp_path:
            return self._text(200, pages.article_amp(self, self._by_path[self.amp_canonical_path], base))
        handler = self._fixed_routes().get(path)
        if handler:
            response = handler(base)
            return self._conditional(request, response) if path in self._announcing_paths() else response
        return self._dynamic(request, base)

    def _fixed_routes(self) -> dict:
        return {
            "/": lambda base: self._page(pages.home(self, base), "/"),
            "/robots.txt": lambda base: self._text(200, feeds.robots(base, self.crawl_delay), "text/plain"),
            "/sitemap.xml": lambda base: self._xml(feeds.sitemap_index(base, SITEMAPS)),
            "/sitemap-news.xml": lambda base: self._xml(feeds.news_sitemap(self, base, self.newest(FEED_SIZE))),
            "/sitemap-articles.xml": lambda base: self._xml(feeds.urlset(base, self._sitemap_entries())),
            "/rss.xml": lambda base: self._text(200, feeds.rss(self, base, self.newest(FEED_SIZE)), "application/rss+xml"),
        }

    @staticmethod
    def _announcing_paths() -> set[str]:
        """The documents that announce articles answer conditional requests, as a newsroom's CDN does."""
        return {"/sitemap.xml", *(f"/{name}" for name in SITEMAPS), "/rss.xml"}

    def _conditional(self, request: Request, response: Response) -> Response:
        """Validators (ETag, Last-Modified: the newest change on the site) and 304 when the client's copy is current."""
        etag = '"' + hashlib.sha1(response.body).hexdigest()[:20] + '"'
        changed = max(max(a.updated, a.published) for a in self.articles)
        response.headers.update({"ETag": etag, "Last-Modified": format_datetime(changed.astimezone(timezone.utc), usegmt=True)})
        if self._not_modified(request, etag, changed):
            return Response(304, {k: v for k, v in response.headers.items() if k != "Content-Length"})
        return response

    def _dynamic(self, request: Request, base: str) -> Response:
        path = request.path
        parts = path.strip("/").split("/")
        if len(parts) == 2 and parts[0] == "section" and parts[1] in self.section_paths_names:
            return self._listing(request, base, parts[1])
        if match := CALENDAR.match(path):
            year, month = int(match[1]), int(match[2])
            if 1 <= month <= 12:
                return self._page(pages.calendar(self, base, year, month, self._by_month.get((year, month), [])), path)
        if REPEATED.match(path):
            return self._page(pages.repeated_trap(self, base, path), path)
        if len(parts) == 2 and parts[0] == "tag" and parts[1] in self._by_tag:
            return self._page(pages.tag_page(self, base, parts[1], self._tag_names[parts[1]], self._by_tag[parts[1]]), path)
        if path.startswith("/private/"):
            return self._page(pages.private_page(self, base, path), path)
        if path.startswith("/images/"):
            return Response(200, {"Content-Type": "image/gif", "Content-Length": str(len(PIXEL))}, PIXEL)
        return self._text(404, pages.not_found(self, base, path))

    def _listing(self, request: Request, base: str, section: str) -> Response:
        articles = self._by_section[section]
        last = max(1, -(-len(articles) // PAGE_SIZE))
        try:
            number = int(request.query.get("page", ["1"])[0])
        except ValueError:
            number = 0
        if not 1 <= number <= last:
            return self._text(404, pages.not_found(self, base, request.path))
        chunk = articles[(number - 1) * PAGE_SIZE: number * PAGE_SIZE]
        return self._page(pages.listing(self, base, section, number, chunk, last), request.target)

    def _sitemap_entries(self) -> list[tuple[str, datetime]]:
        """Every article with its lastmod, plus the withdrawn (404) story, newest first."""
        entries = [(a.path, a.updated) for a in self._newest_first]
        entries.append((self.not_found_path, self.newest_date - timedelta(days=2)))
        return sorted(entries, key=lambda entry: entry[1], reverse=True)

    def _article_response(self, request: Request, article: SampleArticle, base: str) -> Response:
        if article.section == LEGACY_SECTION:
            body = pages.article_legacy(self, article, base).encode(article.encoding, errors="xmlcharrefreplace")
            content_type = f"text/html; charset={article.encoding}" if article.charset_declared else "text/html"
        else:
            render = pages.article_v2 if self.layout == "v2" else pages.article_v1
            body = self._padded(render(self, article, base), article.path).encode("utf-8")
            content_type = "text/html; charset=utf-8"
        etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
        headers = {"Content-Type": content_type, "ETag": etag, "Last-Modified": format_datetime(article.updated.astimezone(timezone.utc), usegmt=True),
                   "Cache-Control": "max-age=60"}
        if self._not_modified(request, etag, article.updated):
            return Response(304, headers)
        headers["Content-Length"] = str(len(body))
        return Response(200, headers, body)

    @staticmethod
    def _not_modified(request: Request, etag: str, updated: datetime) -> bool:
        if_none_match = request.header("If-None-Match")
        if if_none_match is not None:
            tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
            return "*" in tags or etag in tags
        if_modified_since = request.header("If-Modified-Since")
        if if_modified_since:
            try:
                since = parsedate_to_datetime(if_modified_since)
            except (TypeError, ValueError):
                return False
            return since.tzinfo is not None and updated.replace(microsecond=0) <= since
        return False

    # -- response helpers ---------------------------------------------------------------------------------------

    def _padded(self, html: str, key: str) -> str:
        if not self.page_weight_kb:
            return html
        needed = self.page_weight_kb * 1024 - len(html.encode("utf-8"))
        if needed <= 0:
            return html
        cut = html.rindex("</body>")
        return html[:cut] + pages.padding(self, f"{self.name}:{self.seed}:{key}", needed) + html[cut:]

    def _page(self, html: str, key: str) -> Response:
        return self._text(200, self._padded(html, key))

    def _html(self, status: int, html: str, extra: dict[str, str] | None = None) -> Response:
        response = self._text(status, f"<!DOCTYPE html><html><body>{html}</body></html>\n")
        response.headers.update(extra or {})
        return response

    def _xml(self, text: str) -> Response:
        return self._text(200, text, "application/xml")

    @staticmethod
    def _text(status: int, text: str, content_type: str = "text/html") -> Response:
        body = text.encode("utf-8")
        return Response(status, {"Content-Type": f"{content_type}; charset=utf-8", "Content-Length": str(len(body))}, body)
