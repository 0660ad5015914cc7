"""The machine-readable files of the sample site: robots.txt, the sitemap index, sitemaps, the news
sitemap and the RSS feed. Each returns a `str`; the site encodes it."""
from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime
from html import escape

from crawler.sample_site.content import SampleArticle
from crawler.sample_site.view import SiteView


def robots(base: str, crawl_delay: float | None) -> str:
    delay = f"Crawl-delay: {crawl_delay:g}\n" if crawl_delay is not None else ""
    return f"User-agent: *\nDisallow: /private/\n{delay}\nSitemap: {base}/sitemap.xml\n"


def xml_escape(text: str) -> str:
    return escape(text, quote=False)


def sitemap_index(base: str, names: list[str]) -> str:
    entries = "".join(f"<sitemap><loc>{base}/{name}</loc></sitemap>\n" for name in names)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</sitemapindex>\n'
    )


def urlset(base: str, entries: list[tuple[str, datetime]]) -> str:
    urls = "".join(f"<url><loc>{base}{path}</loc><lastmod>{when.isoformat()}</lastmod></url>\n" for path, when in entries)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n'
    )


def news_sitemap(site: SiteView, base: str, articles: list[SampleArticle]) -> str:
    urls = "".join(
        f"<url><loc>{base}{a.path}</loc><news:news><news:publication><news:name>{xml_escape(site.title)}</news:name>"
        f"<news:language>ar</news:language></news:publication>"
        f"<news:publication_date>{a.published.isoformat()}</news:publication_date>"
        f"<news:title>{xml_escape(a.title)}</news:title></news:news></url>\n"
        for a in articles
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        f' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n{urls}</urlset>\n'
    )


def rss(site: SiteView, base: str, articles: list[SampleArticle]) -> str:
    items = "".join(
        f"<item><title>{xml_escape(a.title)}</title><link>{base}{a.path}</link>"
        f'<guid isPermaLink="true">{base}{a.path}</guid><pubDate>{format_datetime(a.published)}</pubDate>'
        f"<description>{xml_escape(a.lead)}</description><category>{xml_escape(a.section_label)}</category>"
        + (f"<dc:creator>{xml_escape(a.author)}</dc:creator>" if a.author else "") + "</item>\n"
        for a in articles
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>\n'
        f"<title>{xml_escape(site.title)}</title><link>{base}/</link><description>آخر الأخبار من {xml_escape(site.title)}</description>"
        f'<language>ar</language><atom:link href="{base}/rss.xml" rel="self" type="application/rss+xml"/>\n'
        f"{items}</channel>\n</rss>\n"
    )
