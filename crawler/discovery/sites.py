"""Which sites a run crawls: catalog entries by name (`resolve_sites`), or an ad-hoc site for any URL.

`site_for_url` builds an ad-hoc `Site` whose URL patterns recognise the shapes most news
sites use; `feeds_in_html` and `sitemaps_in_robots` find more discovery URLs on a site's
own pages, for ad-hoc sites and for checking catalog entries. The catalog itself (`crawler.discovery.catalog`)
is plain data and imports nothing from here. `is_taxonomy_sitemap` and `is_static_file` tell which
announced URLs are never article lists or articles.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
from courlan.urlutils import get_tldinfo
from lxml.etree import ParserError
from protego import Protego
from w3lib.encoding import html_to_unicode

from crawler.discovery.catalog import DEFAULT_CATALOG, CatalogError, Site, load_catalog
from crawler.errors import UsageError
from crawler.discovery.urlpolicy import check_url

XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
DISCOVERY_RULES = Path(__file__).parent.with_name("data") / "discovery.toml"


@dataclass(frozen=True)
class AdHocRules:
    """The `[adhoc]` table of the bundled catalog: URL shapes and feed clues for unknown sites."""

    host_aliases: tuple[str, ...]
    non_article_segments: str  # regex alternation
    static_extensions: str  # regex alternation
    article_shapes: str  # regex alternation
    listing_max_segments: int
    feed_types: frozenset[str]
    feed_href: re.Pattern[str]
    comment_feed: re.Pattern[str]
    feed_host_prefixes: tuple[str, ...]


@cache
def adhoc_rules(path: Path = DEFAULT_CATALOG) -> AdHocRules:
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)["adhoc"]
    feeds = raw["feeds"]
    return AdHocRules(
        host_aliases=tuple(raw["host_aliases"]),
        non_article_segments="|".join(raw["non_article_segments"]),
        static_extensions="|".join(raw["static_extensions"]),
        article_shapes="|".join(raw["article_shapes"]),
        listing_max_segments=int(raw["listing_max_segments"]),
        feed_types=frozenset(t.lower() for t in feeds["types"]),
        feed_href=re.compile(feeds["href"], re.IGNORECASE),
        comment_feed=re.compile(feeds["comment"], re.IGNORECASE),
        feed_host_prefixes=tuple(feeds["host_prefixes"]),
    )


@cache
def taxonomy_sitemap_pattern(path: Path = DISCOVERY_RULES) -> re.Pattern[str]:
    with open(path, "rb") as fh:
        patterns = tomllib.load(fh)["taxonomy_sitemaps"]["patterns"]
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def is_taxonomy_sitemap(url: str) -> bool:
    """A sitemap of tags, categories, authors or static pages (Yoast, Rank Math, WordPress core...), by its name."""
    parts = urlsplit(url)
    return taxonomy_sitemap_pattern().search(parts.path + (f"?{parts.query}" if parts.query else "")) is not None


@cache
def _static_file_pattern() -> re.Pattern[str]:
    return re.compile(rf"\.(?:{adhoc_rules().static_extensions})$", re.IGNORECASE)


def is_static_file(url: str) -> bool:
    """An image, document, script or feed file: never an article page, whoever announces it."""
    return _static_file_pattern().search(urlsplit(url).path) is not None


def site_for_url(url: str) -> Site:
    """An ad-hoc site for a URL that no catalog entry covers."""
    parts = urlsplit(check_url(url))  # the URL policy: http(s), parses, bounded length
    host = _strip_alias(parts.hostname.lower())
    origin = _origin_pattern(host)
    return Site(
        name=host,
        domains=[registered_domain(url)],
        article_pattern=_article_pattern(origin),
        listing_pattern=_listing_pattern(origin),
        sitemaps=[f"{parts.scheme}://{parts.netloc}/robots.txt"],
        feeds=[],
        start_urls=[url],
        verified="ad-hoc",
        notes="Built by crawler.discovery.sites.site_for_url from generic news URL shapes.",
    )


def find_site(url: str, catalog: dict[str, Site]) -> Site:
    """The catalog entry owning `url`, else an ad-hoc site for it."""
    for site in catalog.values():
        if site.owns(url):
            return site
    return site_for_url(url)


def registered_domain(url: str) -> str:
    """`www.bbc.co.uk` -> `bbc.co.uk`; hosts without a public suffix (127.0.0.1, localhost) stay as they are."""
    _, full_domain = get_tldinfo(url)
    return full_domain or (urlsplit(url).hostname or "").lower()


def feeds_in_html(html: str | bytes, base_url: str) -> list[str]:
    """Absolute feed URLs a page announces: rel=alternate RSS/Atom links first, then feed-looking anchors."""
    root = _parse_html(html)
    if root is None:
        return []
    base = urljoin(base_url, (root.xpath("string(//base/@href)") or "").strip())
    found = [urljoin(base, href) for href in _alternate_feed_links(root)]
    found += [url for url in (urljoin(base, h) for h in _feed_anchor_hrefs(root)) if _is_site_feed_host(url, base_url)]
    return _unique([u for u in found if urlsplit(u).scheme in ("http", "https")])


def sitemaps_in_robots(robots_txt: str | bytes, base_url: str) -> list[str]:
    """Absolute URLs of the `Sitemap:` lines of a robots.txt (relative ones resolved against `base_url`)."""
    if isinstance(robots_txt, bytes):
        robots_txt = robots_txt.decode("utf-8", "replace")
    urls = (urljoin(base_url, s.strip()) for s in Protego.parse(robots_txt).sitemaps)
    return _unique([u for u in urls if urlsplit(u).scheme in ("http", "https")])


# -- helpers ----------------------------------------------------------


def _strip_alias(host: str) -> str:
    first, _, rest = host.partition(".")
    return rest if first in adhoc_rules().host_aliases and "." in rest else host


def _origin_pattern(host: str) -> str:
    aliases = "|".join(map(re.escape, adhoc_rules().host_aliases))
    # The lookahead ends the host, so `example.com.evil.org` is not `example.com`.
    return rf"^https?://(?:(?:{aliases})\.)?{re.escape(host)}(?::\d+)?(?=[/?#]|$)"


def _not_static(rules: AdHocRules) -> str:
    return rf"(?![^?#]*\.(?i:{rules.static_extensions})(?:[?#]|$))"


def _article_pattern(origin: str) -> str:
    rules = adhoc_rules()
    not_taxonomy = rf"(?!/(?:[^?#]*/)?(?i:{rules.non_article_segments})(?:/|[?#]|$))"
    return rf"{origin}{not_taxonomy}{_not_static(rules)}/?[^?#]*?(?:{rules.article_shapes})"


def _listing_pattern(origin: str) -> str:
    # Home, sections and subsections, with an optional ?page=N.
    rules = adhoc_rules()
    return rf"{origin}{_not_static(rules)}(?:/[^/?#]+){{0,{rules.listing_max_segments}}}/?(?:\?page=\d+)?$"


def _parse_html(html: str | bytes) -> lxml.html.HtmlElement | None:
    if isinstance(html, bytes):
        _, html = html_to_unicode(None, html)
    # lxml refuses a str that still carries an XML encoding declaration (XHTML pages).
    html = XML_DECLARATION.sub("", html, count=1)
    if not html.strip():
        return None
    try:
        return lxml.html.fromstring(html)
    except (ParserError, ValueError):
        return None


def _alternate_feed_links(root: lxml.html.HtmlElement) -> list[str]:
    hrefs = []
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        href = (link.get("href") or "").strip()
        if "alternate" in rel and kind in adhoc_rules().feed_types and href and not _is_comment_feed(href, link.get("title")):
            hrefs.append(href)
    return hrefs


def _feed_anchor_hrefs(root: lxml.html.HtmlElement) -> list[str]:
    hrefs = []
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        parts = urlsplit(href)
        feed_href = adhoc_rules().feed_href
        looks_like_feed = feed_href.search(parts.path) or feed_href.search(parts.query)
        if href and looks_like_feed and not _is_comment_feed(href, anchor.text_content()):
            hrefs.append(href)
    return hrefs


def _is_comment_feed(href: str, title: str | None) -> bool:
    comment = adhoc_rules().comment_feed
    return bool(comment.search(href) or comment.search(title or ""))


def _is_site_feed_host(url: str, base_url: str) -> bool:
    """Anchors count only on the page's own site or a dedicated feed host (feeds.bbci.co.uk, rss.dw.com)."""
    host = (urlsplit(url).hostname or "").lower()
    return registered_domain(url) == registered_domain(base_url) or host.startswith(adhoc_rules().feed_host_prefixes)


def _unique(urls: list[str]) -> list[str]:
    return list(dict.fromkeys(urls))


def resolve_sites(
    names: list[str], *, base_url: str | None = None, url: str | None = None, catalog: dict[str, Site] | None = None
) -> list[Site]:
    """Catalog entries by name, or an ad-hoc site for `url`; `base_url` fills in `{base}` for local sites."""
    catalog = catalog if catalog is not None else load_catalog()
    if url:
        return [find_site(url, catalog)]
    if not names:
        raise CatalogError("name at least one site (see `python -m crawler sites`), or give a URL")
    unknown = [n for n in names if n not in catalog]
    if unknown:
        raise CatalogError(f"unknown site(s) {', '.join(unknown)}; known: {', '.join(sorted(catalog))}")
    sites = []
    for name in names:
        site = catalog[name]
        if site.is_local:
            if not base_url:
                raise CatalogError(f"site {name!r} is served locally: give its base URL, or run `python -m crawler demo`")
            site = site.with_base_url(base_url)
        sites.append(site)
    return sites


def is_child_page(parent_url: str, url: str) -> bool:
    """`/ar/politics/talks-12` below `/ar/politics/`: the same path plus one segment, no query."""
    parent, child = urlsplit(parent_url), urlsplit(url)
    base = parent.path.rstrip("/") + "/"
    rest = child.path[len(base):].strip("/")
    return (not child.query and child.netloc == parent.netloc and child.path.startswith(base)
            and bool(rest) and "/" not in rest)
