"""HTML renderers for the sample site. Each returns a `str`; the site encodes it (robots.txt, sitemaps
and the feed are in `crawler.sample_site.feeds`).

Pages are modelled on real Arabic news pages (Al Jazeera for articles, an old
table layout for the legacy archive): the article sits among menus, related
links, share buttons, a newsletter box and comments, as a real extractor meets it.
"""
from __future__ import annotations

import json
import random
from datetime import datetime
from html import escape
from crawler.sample_site.content import SampleArticle, load_content, section_label, section_names
from crawler.sample_site.view import SiteView

EASTERN = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def e(text: str) -> str:
    return escape(text, quote=True)


def arabic_date(when: datetime, style: int) -> str:
    """The visible publication date, in one of the forms Arabic sites print."""
    content = load_content()
    month, weekday = content["months"][when.month - 1], content["weekdays"][when.weekday()]
    forms = [
        f"نشر في {when.day} {month} {when.year}",
        f"{weekday} {when.day}/{when.month}/{when.year} م",
        f"{when.day}/{when.month}/{when.year} {when:%H:%M} (توقيت مكة المكرمة)",
        f"نشر في {when.day} {month} {when.year}".translate(EASTERN),
    ]
    return forms[style % len(forms)]


def json_ld(site: SiteView, article: SampleArticle, base: str) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.lead,
        "datePublished": article.published.isoformat(),
        "dateModified": article.updated.isoformat(),
        "author": [{"@type": "Person", "name": name} for name in article.authors]
        or {"@type": "Organization", "name": site.title},
        "publisher": {"@type": "Organization", "name": site.title,
                      "logo": {"@type": "ImageObject", "url": f"{base}/static/logo.png"}},
        "image": [base + article.image_url],
        "articleSection": article.section_label,
        "keywords": ", ".join(article.tags),
        "mainEntityOfPage": base + article.path,
        "inLanguage": "ar",
    }
    text = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>'


def head(title: str, canonical: str, extra: str = "") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="ar" dir="rtl">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(title)}</title>\n<link rel=\"canonical\" href=\"{e(canonical)}\">\n{extra}"
        '<link rel="stylesheet" href="/static/site.css">\n'
        '<link rel="alternate" type="application/rss+xml" href="/rss.xml">\n'
        "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}"
        "gtag('js',new Date());gtag('config','G-SAMPLE');</script>\n</head>\n"
    )


def site_header(site: SiteView) -> str:
    links = "".join(f'<li><a href="/section/{name}">{e(section_label(name))}</a></li>' for name in site.section_paths_names)
    return (
        f'<header class="site-header"><a class="logo" href="/">{e(site.title)}</a>\n'
        f'<nav class="main-menu"><ul><li><a href="/">الرئيسية</a></li>{links}</ul></nav>\n'
        '<form class="search" action="/search" method="get"><input name="q" placeholder="بحث"></form>\n'
        "</header>\n"
    )


def site_footer(site: SiteView) -> str:
    newest = site.newest_date
    return (
        '<footer class="site-footer">\n<ul class="footer-links">'
        '<li><a href="/about">من نحن</a></li><li><a href="/contact">اتصل بنا</a></li>'
        '<li><a href="/privacy">سياسة الخصوصية</a></li>'
        f'<li><a href="/calendar/{newest.year}/{newest.month:02d}">أرشيف الأخبار</a></li></ul>\n'
        '<div class="social"><a href="https://www.facebook.com/">فيسبوك</a> <a href="https://twitter.com/">تويتر</a>'
        ' <a href="https://www.youtube.com/">يوتيوب</a></div>\n'
        f'<p class="copyright">جميع الحقوق محفوظة © {newest.year} {e(site.title)}</p>\n</footer>\n'
    )


def byline_html(article: SampleArticle, css: str) -> str:
    return f'<span class="{css}">{e(article.byline)}</span> ' if article.byline else ""


def figure_v1(article: SampleArticle, base: str) -> str:
    return (
        f'<figure class="article-figure"><img src="{base}{article.image_url}" alt="{e(article.caption_alt)}"'
        f' width="770" height="433">\n<figcaption>{e(article.caption_text)} {e(article.caption_mark)}</figcaption></figure>\n'
    )


def tags_html(article: SampleArticle) -> str:
    links = " ".join(f'<a href="/tag/{slug}" rel="tag">{e(name)}</a>' for name, slug in zip(article.tags, article.tag_slugs))
    return f'<div class="article-tags"><span>الكلمات المفتاحية:</span> {links}</div>\n'


def share_html(url: str) -> str:
    return (
        '<div class="share-buttons"><span>شارك</span> '
        f'<a href="https://www.facebook.com/sharer/sharer.php?u={e(url)}">فيسبوك</a> '
        f'<a href="https://twitter.com/intent/tweet?url={e(url)}">تويتر</a> '
        f'<a href="https://wa.me/?text={e(url)}">واتساب</a> <a href="#comments">تعليق</a></div>\n'
    )


def related_html(site: SiteView, article: SampleArticle) -> str:
    items = "".join(f'<li><a href="{a.path}">{e(a.title)}</a></li>' for a in site.related(article))
    return f'<aside class="related"><h2>اقرأ أيضا</h2><ul>{items}</ul></aside>\n'


NEWSLETTER = (
    '<div class="newsletter"><h3>النشرة البريدية</h3><p>اشترك في النشرة البريدية لتصلك أهم الأخبار يوميا</p>'
    '<form action="/newsletter" method="post"><input type="email" name="email" placeholder="البريد الإلكتروني">'
    "<button>اشترك</button></form></div>\n"
)


def comments_html(article: SampleArticle) -> str:
    pools = load_content()["pools"]
    rng = random.Random(article.id)
    count = rng.randint(0, 3)
    items = "".join(
        f'<li><b class="comment-author">{e(rng.choice(pools["comment_names"]))}</b><p>{e(rng.choice(pools["comments"]))}</p></li>'
        for _ in range(count)
    )
    return f'<section class="comments" id="comments"><h3>التعليقات ({count})</h3><ol>{items}</ol></section>\n'


def article_head(site: SiteView, article: SampleArticle, base: str, with_time_meta: bool) -> str:
    extra = [
        f'<meta name="description" content="{e(article.lead)}">',
        f'<meta property="og:site_name" content="{e(site.title)}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:title" content="{e(article.title)}">',
        f'<meta property="og:url" content="{base}{article.path}">',
        f'<meta property="og:image" content="{base}{article.image_url}">',
        f'<meta property="article:section" content="{e(article.section_label)}">',
    ]
    if with_time_meta:
        extra.append(f'<meta property="article:published_time" content="{article.published.isoformat()}">')
        extra.append(f'<meta property="article:modified_time" content="{article.updated.isoformat()}">')
    extra += [f'<meta property="article:tag" content="{e(tag)}">' for tag in article.tags]
    if article.path == site.amp_canonical_path:
        extra.append(f'<link rel="amphtml" href="{base}{site.amp_path}">')
    extra.append(json_ld(site, article, base))
    return head(f"{article.title} | {site.title}", base + article.path, "\n".join(extra) + "\n")


def article_v1(site: SiteView, article: SampleArticle, base: str) -> str:
    paragraphs = "".join(f"<p>{e(p)}</p>\n" for p in article.paragraphs)
    source = f'<p class="article-source">{e(article.source_line)}</p>\n'
    updated = ""
    if article.updated != article.published:
        updated = f' <span class="article-updated">آخر تحديث: {e(arabic_date(article.updated, 1))}</span>'
    return (
        article_head(site, article, base, with_time_meta=True)
        + '<body class="article-page">\n' + site_header(site)
        + '<main id="main-content" class="container">\n'
        + f'<div class="breadcrumbs"><a href="/">الرئيسية</a> / <a href="/section/{article.section}">{e(article.section_label)}</a></div>\n'
        + '<article class="article">\n<header class="article-header">\n'
        + f'<h1 class="article-title">{e(article.title)}</h1>\n<p class="article-lead">{e(article.lead)}</p>\n'
        + f'<div class="article-meta">{byline_html(article, "article-author")}'
        + f'<time datetime="{article.published.isoformat()}">{e(arabic_date(article.published, article.date_style))}</time>{updated}</div>\n'
        + "</header>\n" + figure_v1(article, base)
        + '<div class="article-body" id="article-body">\n' + paragraphs
        + (source if article.source_inside_body else "") + "</div>\n"
        + ("" if article.source_inside_body else source.replace("<p ", "<div ").replace("</p>", "</div>"))
        + tags_html(article) + share_html(base + article.path) + "</article>\n"
        + related_html(site, article) + NEWSLETTER + comments_html(article) + "</main>\n"
        + site_footer(site) + "</body>\n</html>\n"
    )


def article_v2(site: SiteView, article: SampleArticle, base: str) -> str:
    """The redesign: body in <div class="para"> blocks, the image below the text with no caption printed (its
    alt only), date moved below the text. A reader sees no caption any more, so the captions fill-rate falls:
    what the health check of a run must flag."""
    content = load_content()
    when = article.published
    visible_date = (f"{content['weekdays'][when.weekday()]} {when.day} {content['months'][when.month - 1]}"
                    f" {when.year} - {when:%H:%M}")
    paragraphs = "".join(f'<div class="para">{e(p)}</div>\n' for p in article.paragraphs)
    return (
        article_head(site, article, base, with_time_meta=False)
        + '<body class="layout-2">\n' + site_header(site)
        + '<div class="page"><div class="story-wrapper">\n<section class="story">\n'
        + f'<div class="story__headline"><h1>{e(article.title)}</h1></div>\n'
        + f'<div class="story__summary">{e(article.lead)}</div>\n'
        + share_html(base + article.path)
        + f'<div class="story__content"><div class="text-block">\n{paragraphs}</div></div>\n'
        + f'<div class="story__media"><img src="{base}{article.image_url}" alt="{e(article.caption_alt)}"></div>\n'
        + f'<div class="story__info">{byline_html(article, "writer")}<span class="pub-date">{e(visible_date)}</span></div>\n'
        + f'<div class="story__source">{e(article.source_line)}</div>\n'
        + tags_html(article) + "</section>\n" + related_html(site, article) + "</div></div>\n"
        + NEWSLETTER + comments_html(article) + site_footer(site) + "</body>\n</html>\n"
    )


def article_legacy(site: SiteView, article: SampleArticle, base: str) -> str:
    """The old archive: table layout, windows-1256, no JSON-LD; the date is only visible text."""
    charset = f'<meta charset="{article.encoding}">\n' if article.charset_declared else ""
    paragraphs = "".join(f"<p>{e(p)}</p>\n" for p in article.paragraphs)
    author = f'<font class="author">{e(article.byline)}</font><br>\n' if article.byline else ""
    sections = " | ".join(f'<a href="/section/{name}">{e(section_label(name))}</a>' for name in site.section_paths_names)
    return (
        f'<html dir="rtl">\n<head>\n{charset}<title>{e(article.title)} - {e(site.title)}</title>\n'
        f'<link rel="canonical" href="{base}{article.path}">\n</head>\n<body bgcolor="#ffffff">\n'
        f'<table width="760" align="center" border="0"><tr><td class="header"><a href="/">{e(site.title)}</a> | {sections}</td></tr>\n'
        '<tr><td class="content">\n'
        f'<font class="title" size="5"><b>{e(article.title)}</b></font><br>\n'
        f'<font class="date">{e(arabic_date(article.published, 1))}</font><br>\n{author}'
        f'<img src="{base}{article.image_url}" alt="{e(article.caption_alt)}"><br>\n'
        f'<font class="caption">{e(article.caption_text)} {e(article.caption_mark)}</font>\n'
        f"<p><b>{e(article.lead)}</b></p>\n{paragraphs}<p>{e(article.source_line)}</p>\n"
        '</td></tr>\n<tr><td class="footer">جميع الحقوق محفوظة</td></tr></table>\n</body>\n</html>\n'
    )


def article_amp(site: SiteView, article: SampleArticle, base: str) -> str:
    paragraphs = "".join(f"<p>{e(p)}</p>\n" for p in article.paragraphs)
    return (
        '<!doctype html>\n<html ⚡ lang="ar" dir="rtl">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{e(article.title)} | {e(site.title)}</title>\n"
        f'<link rel="canonical" href="{base}{article.path}">\n'
        '<meta name="viewport" content="width=device-width,minimum-scale=1,initial-scale=1">\n'
        '<script async src="https://cdn.ampproject.org/v0.js"></script>\n'
        + json_ld(site, article, base) + "\n<style amp-custom>body{direction:rtl}</style>\n</head>\n<body>\n"
        f'<header><a href="/">{e(site.title)}</a></header>\n<article>\n<h1>{e(article.title)}</h1>\n'
        f'<p class="lead">{e(article.lead)}</p>\n'
        f'<amp-img src="{base}{article.image_url}" alt="{e(article.caption_alt)}" width="770" height="433" layout="responsive"></amp-img>\n'
        f'<p class="caption">{e(article.caption_text)} {e(article.caption_mark)}</p>\n'
        f"{paragraphs}<p>{e(article.source_line)}</p>\n</article>\n</body>\n</html>\n"
    )


def card(article: SampleArticle, href: str | None = None) -> str:
    return (
        f'<article class="card"><h3><a href="{e(href or article.path)}">{e(article.title)}</a></h3>'
        f'<p>{e(article.lead)}</p><time datetime="{article.published.isoformat()}">'
        f"{e(arabic_date(article.published, 0))}</time></article>\n"
    )


def page(site: SiteView, title: str, canonical: str, main: str, extra_head: str = "") -> str:
    return (
        head(title, canonical, extra_head) + '<body class="listing-page">\n' + site_header(site)
        + f'<main id="main-content" class="container">\n{main}</main>\n' + site_footer(site) + "</body>\n</html>\n"
    )


def home(site: SiteView, base: str) -> str:
    cards = "".join(card(a) for a in site.newest(12))
    tracked, amp, target = site.article(site.tracking_target), site.article(site.amp_canonical_path), site.article(site.redirect_target)
    most_read = (
        f'<li><a href="{e(site.tracking_path)}">{e(tracked.title)}</a></li>'
        f'<li><a href="{site.amp_path}">{e(amp.title)}</a></li>'
        f'<li><a href="{site.redirect_path}">{e(target.title)}</a></li>'
    )
    private = "".join(f'<li><a href="{p}">محتوى خاص بالمشتركين</a></li>' for p in site.private_paths)
    sections = "".join(
        f'<li><a href="/section/{name}">{e(section_label(name))}</a></li>' for name in site.section_paths_names
    )
    main = (
        f'<section class="latest"><h2>آخر الأخبار</h2>\n{cards}</section>\n'
        f'<aside class="most-read"><h2>الأكثر قراءة</h2><ol>{most_read}</ol></aside>\n'
        f'<aside class="members"><h2>للمشتركين</h2><ul>{private}</ul></aside>\n'
        f'<nav class="sections"><h2>الأقسام</h2><ul>{sections}</ul>'
        f'<a class="more" href="{site.repeated_trap_path}">المزيد من الرياضة</a></nav>\n'
    )
    return page(site, f"{site.title} - آخر الأخبار", base + "/", main)


def listing(site: SiteView, base: str, section: str, number: int, articles: list[SampleArticle], last: int) -> str:
    path = f"/section/{section}"
    canonical = base + path + (f"?page={number}" if number > 1 else "")
    links, nav = [], []
    if number > 1:
        prev = path + (f"?page={number - 1}" if number > 2 else "")
        links.append(f'<link rel="prev" href="{base}{prev}">')
        nav.append(f'<a rel="prev" href="{prev}">السابق</a>')
    if number < last:
        links.append(f'<link rel="next" href="{base}{path}?page={number + 1}">')
        nav.append(f'<a rel="next" href="{path}?page={number + 1}">التالي</a>')
    main = (
        f"<h1>{e(section_label(section))}</h1>\n" + "".join(card(a) for a in articles)
        + f'<div class="pagination">{" ".join(nav)} <span>صفحة {number} من {last}</span></div>\n'
    )
    title = f"{section_label(section)} | {site.title}"
    return page(site, title, canonical, main, "\n".join(links) + ("\n" if links else ""))


def calendar(site: SiteView, base: str, year: int, month: int, articles: list[SampleArticle]) -> str:
    """A month archive that always links the next month: an endless crawler trap."""
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    month_name = load_content()["months"][month - 1]
    main = (
        f"<h1>أرشيف {month_name} {year}</h1>\n" + "".join(card(a) for a in articles)
        + f'<div class="pagination"><a href="/calendar/{next_year}/{next_month:02d}">الشهر التالي</a></div>\n'
    )
    return page(site, f"أرشيف {month_name} {year} | {site.title}", f"{base}/calendar/{year}/{month:02d}", main)


def repeated_trap(site: SiteView, base: str, path: str) -> str:
    """/section/sport/sport/...: each level links one level deeper, as broken relative links do."""
    main = f'<h1>{e(section_label("sport"))}</h1>\n<p>لا توجد أخبار</p><a href="{path}/sport">المزيد من الرياضة</a>\n'
    return page(site, f"{section_label('sport')} | {site.title}", base + path, main)


def tag_page(site: SiteView, base: str, slug: str, name: str, articles: list[SampleArticle]) -> str:
    main = f"<h1>{e(name)}</h1>\n" + "".join(card(a) for a in articles)
    return page(site, f"{name} | {site.title}", f"{base}/tag/{slug}", main)


def private_page(site: SiteView, base: str, path: str) -> str:
    main = "<h1>محتوى خاص بالمشتركين</h1>\n<p>هذه الصفحة متاحة للمشتركين فقط.</p>\n"
    return page(site, f"للمشتركين | {site.title}", base + path, main)


def not_found(site: SiteView, base: str, path: str) -> str:
    main = '<h1>الصفحة غير موجودة</h1>\n<p>عذرا، لم نعثر على الصفحة المطلوبة.</p><a href="/">العودة إلى الرئيسية</a>\n'
    return page(site, f"404 | {site.title}", base + path, main)


def padding(site: SiteView, seed: str, needed_bytes: int) -> str:
    """Realistic page weight: a mega menu, a most-read list and an inline state script, sized to `needed_bytes`."""
    rng = random.Random(seed)
    picks = site.sample_articles(rng, 10)
    menu = "".join(
        f'<li><a href="/section/{name}">{e(section_label(name))}</a><ul>'
        + "".join(f'<li><a href="/tag/{slug}">{e(tag)}</a></li>' for tag, slug in site.tags_of_section(name))
        + "</ul></li>"
        for name in section_names()
    )
    most_read = "".join(f'<li><a href="{a.path}">{e(a.title)}</a></li>' for a in picks)
    html = (
        f'<nav class="mega-menu" aria-hidden="true"><ul>{menu}</ul></nav>\n'
        f'<aside class="most-read-wide"><h2>الأكثر قراءة</h2><ol>{most_read}</ol></aside>\n'
    )
    state, size = [], len(html.encode())
    while size < needed_bytes:
        article = site.sample_articles(rng, 1)[0]
        entry = {"id": article.id, "url": article.path, "title": article.title, "summary": article.lead,
                 "section": article.section, "image": article.image_url, "tracking": f"{rng.getrandbits(64):016x}"}
        state.append(entry)
        size += len(json.dumps(entry, ensure_ascii=False).encode()) + 2
    script = json.dumps({"recommendations": state}, ensure_ascii=False).replace("</", "<\\/")
    return html + f"<script>window.__INITIAL_STATE__={script};</script>\n"
