"""One renderer per markup family: an article laid out the way that CMS renders its article pages.

Used by compose.py only. Each renderer follows the family's real markup habits (class names, where the
byline, date, caption, credit and source line go, what the related / most-read blocks look like).
"""
from __future__ import annotations

from compose import all_images, e, head_common, lead_images, ld, paragraphs, shown


def first_src(a):
    imgs = all_images(a)
    return imgs[0]["src"] if imgs else ""


def _related_cards(a, item, wrap):
    return wrap.format("\n".join(item.format(i=n + 1, t=e(t)) for n, t in enumerate(a.get("related", []))))


def _most_read(a, item, wrap):
    return wrap.format("\n".join(item.format(i=n + 1, t=e(t)) for n, t in enumerate(a.get("most_read", []))))


def _comments(a, item, wrap):
    return wrap.format("\n".join(item.format(n=e(n), t=e(t)) for n, t in a.get("comments", [])))


def _tags(a, item):
    return "".join(item.format(t=e(t)) for t in a.get("tags", []))


def _person(name):
    return {"@type": "Person", "name": name}


# ---------------------------------------------------------------- WordPress core (Gutenberg / classic editor)
def wordpress(a):
    site = a["site"]
    variant = a.get("variant", "gutenberg")

    def img(i):
        if variant == "classic":
            return (f'<div id="attachment_{i["id"]}" style="width: 810px" class="wp-caption aligncenter">'
                    f'<img aria-describedby="caption-attachment-{i["id"]}" decoding="async" class="size-full wp-image-{i["id"]}" '
                    f'src="{e(i["src"])}" alt="{e(i.get("alt", ""))}" width="800" height="533" />'
                    f'<p id="caption-attachment-{i["id"]}" class="wp-caption-text">{e(shown(i))}</p></div>')
        if i.get("gallery"):
            items = "".join(
                f'<figure class="wp-block-image size-large"><img decoding="async" src="{e(g["src"])}" alt="{e(g.get("alt", ""))}" '
                f'class="wp-image-{g["id"]}"/><figcaption class="wp-element-caption">{e(shown(g))}</figcaption></figure>'
                for g in i["gallery"])
            return f'<figure class="wp-block-gallery has-nested-images columns-2 is-cropped wp-block-gallery-1 is-layout-flex">{items}</figure>'
        cap = f'<figcaption class="wp-element-caption">{e(shown(i))}</figcaption>' if shown(i) else ""
        return (f'<figure class="wp-block-image size-large"><img fetchpriority="high" decoding="async" width="1024" height="683" '
                f'src="{e(i["src"])}" alt="{e(i.get("alt", ""))}" class="wp-image-{i["id"]}"/>{cap}</figure>')

    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "Article", "@id": a["url"] + "#article", "isPartOf": {"@id": a["url"]},
         "author": {"name": a["authors"][0], "@id": f"https://{a['host']}/#/schema/person/1"} if a.get("authors") else None,
         "headline": a["title"], "datePublished": a["date"], "dateModified": a.get("modified", a["date"]),
         "publisher": {"@id": f"https://{a['host']}/#organization"}, "articleSection": [a["section"]], "inLanguage": "ar"},
        {"@type": "WebPage", "@id": a["url"], "url": a["url"], "name": f"{a['title']} - {site}",
         "primaryImageOfPage": {"@id": a["url"] + "#primaryimage"}, "datePublished": a["date"], "inLanguage": "ar"},
        {"@type": "ImageObject", "inLanguage": "ar", "@id": a["url"] + "#primaryimage",
         "url": first_src(a), "width": 1024, "height": 683},
        {"@type": "Organization", "@id": f"https://{a['host']}/#organization", "name": site, "url": f"https://{a['host']}/"},
    ] + ([{"@type": "Person", "@id": f"https://{a['host']}/#/schema/person/1", "name": a["authors"][0]}] if a.get("authors") else [])}
    extra = (f'<meta property="article:published_time" content="{a["date"]}">\n'
             f'<meta property="article:modified_time" content="{a.get("modified", a["date"])}">\n'
             f'<meta name="author" content="{e(a["authors"][0]) if a.get("authors") else e(site)}">\n'
             f'<meta name="generator" content="WordPress 6.4.2">\n' + ld(graph))
    leads = "".join(img(i) for i in lead_images(a))
    author = (f'<span class="byline"><span class="screen-reader-text">الكاتب </span><span class="author vcard">'
              f'<a class="url fn n" href="https://{a["host"]}/author/{a["author_slug"]}/">{e(a["authors"][0])}</a></span></span>') if a.get("authors") else ""
    return f"""<!DOCTYPE html>
<html dir="rtl" lang="ar">
<head>
{head_common(a, site, extra)}
<link rel='stylesheet' id='wp-block-library-rtl-css' href='https://{a['host']}/wp-includes/css/dist/block-library/style-rtl.min.css?ver=6.4.2' media='all' />
</head>
<body class="rtl post-template-default single single-post postid-{a['id']} single-format-standard wp-embed-responsive">
<div id="page" class="site">
<a class="skip-link screen-reader-text" href="#content">انتقل إلى المحتوى</a>
<header id="masthead" class="site-header">
<div class="site-branding"><p class="site-title"><a href="https://{a['host']}/" rel="home">{e(site)}</a></p>
<p class="site-description">{e(a['tagline'])}</p></div>
<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">
<li class="menu-item"><a href="/">الرئيسية</a></li><li class="menu-item"><a href="/category/news/">أخبار</a></li>
<li class="menu-item"><a href="/category/reports/">تقارير</a></li><li class="menu-item"><a href="/contact/">اتصل بنا</a></li></ul></nav>
</header>
<div id="content" class="site-content"><main id="primary" class="site-main">
<article id="post-{a['id']}" class="post-{a['id']} post type-post status-publish format-standard has-post-thumbnail hentry category-{a['section_slug']}">
<header class="entry-header">
<h1 class="entry-title">{e(a['title'])}</h1>
<div class="entry-meta"><span class="posted-on">نشر في <a href="{e(a['url'])}" rel="bookmark"><time class="entry-date published" datetime="{a['date']}">{e(a['date_text'])}</time><time class="updated" datetime="{a.get('modified', a['date'])}">{e(a['date_text'])}</time></a></span> {author}</div>
</header>
<div class="post-thumbnail">{leads}</div>
<div class="entry-content">
{paragraphs(a, inline=img)}
{f'<p><strong>{e(a["source_line"])}</strong></p>' if a.get('source_line') else ''}
<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social"><h3 class="sd-title">شارك هذا:</h3>
<ul><li class="share-facebook"><a class="share-facebook sd-button" href="?share=facebook"><span>فيسبوك</span></a></li>
<li class="share-twitter"><a class="share-twitter sd-button" href="?share=twitter"><span>X</span></a></li></ul></div></div>
<div id='jp-relatedposts' class='jp-relatedposts'><h3 class="jp-relatedposts-headline"><em>ذات صلة</em></h3>
{''.join(f'<div class="jp-relatedposts-post jp-relatedposts-post{n}"><a class="jp-relatedposts-post-a" href="/{n}/"><img class="jp-relatedposts-post-img" src="https://{a["host"]}/wp-content/uploads/rel{n}.jpg" alt="{e(t)}"></a><h4 class="jp-relatedposts-post-title"><a class="jp-relatedposts-post-a" href="/{n}/">{e(t)}</a></h4></div>' for n, t in enumerate(a.get('related', [])))}
</div>
</div>
<footer class="entry-footer"><span class="cat-links">نشرت في <a href="/category/{a['section_slug']}/" rel="category tag">{e(a['section'])}</a></span><span class="tags-links">الوسوم {_tags(a, '<a href="/tag/x/" rel="tag">{t}</a>، ')}</span></footer>
</article>
<nav class="navigation post-navigation" aria-label="مقالات"><h2 class="screen-reader-text">تصفّح المقالات</h2><div class="nav-links"><div class="nav-previous"><a href="/prev/" rel="prev">{e(a['most_read'][0])}</a></div></div></nav>
<div id="comments" class="comments-area"><h2 class="comments-title">{len(a.get('comments', []))} تعليقات على &ldquo;{e(a['title'])}&rdquo;</h2>
{_comments(a, '<li class="comment"><article class="comment-body"><footer class="comment-meta"><div class="comment-author vcard"><b class="fn">{n}</b> <span class="says">قال:</span></div></footer><div class="comment-content"><p>{t}</p></div></article></li>', '<ol class="comment-list">{}</ol>')}
<div id="respond" class="comment-respond"><h3 id="reply-title" class="comment-reply-title">اترك تعليقاً</h3><p class="comment-notes">لن يتم نشر عنوان بريدك الإلكتروني.</p></div></div>
</main>
<aside id="secondary" class="widget-area"><section class="widget widget_recent_entries"><h2 class="widget-title">الأكثر قراءة</h2><ul>
{_most_read(a, '<li><a href="/mr{i}/">{t}</a></li>', '{}')}</ul></section></aside>
</div>
<footer id="colophon" class="site-footer"><div class="site-info">{e(a['tagline'])} &copy; 2023 {e(site)}</div></footer>
</div>
</body>
</html>
"""


# ---------------------------------------------------------------- TieLabs Jannah
def wp_jannah(a):
    site = a["site"]

    def img(i):
        cap = f'<figcaption id="caption-attachment-{i["id"]}" class="wp-caption-text">{e(shown(i))}</figcaption>' if shown(i) else ""
        return (f'<figure id="attachment_{i["id"]}" aria-describedby="caption-attachment-{i["id"]}" style="width: 780px" class="wp-caption aligncenter">'
                f'<img loading="lazy" class="size-full wp-image-{i["id"]}" src="{e(i["src"])}" alt="{e(i.get("alt", ""))}" width="780" height="470" />{cap}</figure>')

    lead = lead_images(a)[0] if lead_images(a) else None
    featured = ""
    if lead:
        featured = (f'<div class="featured-area"><div class="featured-area-inner"><figure class="single-featured-image">'
                    f'<img width="780" height="470" src="{e(lead["src"])}" class="attachment-jannah-image-post size-jannah-image-post wp-post-image" alt="{e(lead.get("alt", ""))}" decoding="async" />'
                    + (f'<figcaption class="single-caption-text"><span class="tie-icon-camera" aria-hidden="true"></span> {e(shown(lead))}</figcaption>' if shown(lead) else "")
                    + '</figure></div></div>')
    data = {"@context": "http://schema.org", "@type": "NewsArticle", "dateCreated": a["date"], "datePublished": a["date"],
            "dateModified": a.get("modified", a["date"]), "headline": a["title"], "name": a["title"],
            "keywords": ",".join(a.get("tags", [])), "url": a["url"], "description": a["paras"][0][:150],
            "copyrightYear": a["date"][:4], "articleSection": a["section"], "articleBody": " ".join(a["paras"]),
            "publisher": {"@id": "#Publisher", "@type": "Organization", "name": site, "logo": {"@type": "ImageObject", "url": f"https://{a['host']}/wp-content/uploads/logo.png"}},
            "sourceOrganization": {"@id": "#Publisher"}, "copyrightHolder": {"@id": "#Publisher"},
            "mainEntityOfPage": {"@type": "WebPage", "@id": a["url"]},
            "author": {"@type": "Person", "name": a["authors"][0], "url": f"https://{a['host']}/author/{a['author_slug']}/"} if a.get("authors") else {"@type": "Person", "name": site},
            "image": {"@type": "ImageObject", "url": lead["src"] if lead else "", "width": 1200, "height": 700}}
    extra = f'<meta property="article:published_time" content="{a["date"]}">\n<meta property="article:section" content="{e(a["section"])}">\n' + ld(data)
    authors = "".join(
        f'<span class="meta-item meta-author-wrapper meta-author-{n}"><span class="meta-author-avatar"><a href="/author/{a["author_slug"]}/"><img alt=\'صورة {e(name)}\' src=\'https://secure.gravatar.com/avatar/{n}?s=140\' class=\'avatar avatar-140 photo\' height=\'140\' width=\'140\' /></a></span>'
        f'<span class="meta-author"><a href="/author/{a["author_slug"]}/" class="author-name tie-icon" title="{e(name)}">{e(name)}</a></span></span>'
        for n, name in enumerate(a.get("authors", [])))
    return f"""<!DOCTYPE html>
<html dir="rtl" lang="ar" class="" data-skin="light">
<head>
{head_common(a, site, extra, ' - ')}
</head>
<body id="tie-body" class="rtl post-template-default single single-post postid-{a['id']} single-format-standard wrapper-has-shadow block-head-1 magazine1 is-thumb-overlay-disabled is-desktop is-header-layout-3 has-header-ad sidebar-left has-sidebar post-layout-1 narrow-title-narrow-media">
<div class="background-overlay"><div id="tie-container" class="site tie-container"><div id="tie-wrapper">
<header id="theme-header" class="theme-header header-layout-3 main-nav-dark main-nav-default-dark main-nav-below has-stream-item top-nav-active top-nav-light top-nav-default-light top-nav-above has-shadow">
<nav id="top-nav" class="has-date-breaking-components top-nav header-nav has-breaking-news" aria-label="الشريط العلوي"><div class="container"><div class="topbar-wrapper"><div class="topbar-today-date tie-icon">{e(a['today'])}</div>
<div class="tie-alignleft"><div class="breaking controls-is-active"><span class="breaking-title"><span class="tie-icon-bolt breaking-icon" aria-hidden="true"></span><span class="breaking-title-text">عاجل</span></span>
<ul id="breaking-news-in-header" class="breaking-news" data-type="reveal"><li class="news-item"><a href="/b1/">{e(a['most_read'][-1])}</a></li></ul></div></div></div></div></nav>
<div class="container header-container"><div class="tie-row logo-row"><div class="logo-wrapper"><div class="tie-col-md-4 logo-container clearfix"><div id="logo" class="image-logo"><a title="{e(site)}" href="https://{a['host']}/"><picture class="tie-logo-default tie-logo-picture"><img class="tie-logo-img-default tie-logo-img" src="https://{a['host']}/wp-content/uploads/logo.png" alt="{e(site)}" width="300" height="90" /></picture></a></div></div></div>
<div class="container stream-item stream-item-top-wrapper"><div class="stream-item-top"><a href="https://ads.example/" title=""><img src="https://{a['host']}/wp-content/uploads/ad-728.jpg" alt="" width="728" height="90" /></a></div></div></div></div>
<div class="main-nav-wrapper"><nav id="main-nav" class="main-nav header-nav" aria-label="القائمة الرئيسية"><div class="container"><div class="main-menu-wrapper"><div id="menu-components-wrap"><div class="main-menu main-menu-wrap tie-alignleft"><div id="main-nav-menu" class="main-menu header-menu"><ul id="menu-main" class="menu">
<li class="menu-item tie-current-menu"><a href="/">الرئيسية</a></li><li class="menu-item"><a href="/category/local/">محليات</a></li><li class="menu-item"><a href="/category/economy/">اقتصاد</a></li><li class="menu-item"><a href="/category/sport/">رياضة</a></li></ul></div></div></div></div></div></nav></div>
</header>
<div id="content" class="site-content container"><div id="main-content-row" class="tie-row main-content-row">
<div class="main-content tie-col-md-8 tie-col-xs-12" role="main">
<article id="the-post" class="container-wrapper post-content tie-standard">
<header class="entry-header-outer">
<nav id="breadcrumb"><a href="https://{a['host']}/"><span class="tie-icon-home" aria-hidden="true"></span> الرئيسية</a><em class="delimiter">/</em><a href="/category/{a['section_slug']}/">{e(a['section'])}</a><em class="delimiter">/</em><span class="current">{e(a['title'])}</span></nav>
<div class="entry-header">
<span class="post-cat-wrap"><a class="post-cat tie-cat-3" href="/category/{a['section_slug']}/">{e(a['section'])}</a></span>
<h1 class="post-title entry-title">{e(a['title'])}</h1>
<div class="single-post-meta post-meta clearfix"><span class="author-meta single-author with-avatars">{authors}</span><span class="date meta-item tie-icon">{e(a['date_text'])}</span><div class="tie-alignright"><span class="meta-views meta-item "><span class="tie-icon-fire" aria-hidden="true"></span> 1٬204 </span><span class="meta-reading-time meta-item"><span class="tie-icon-bookmark" aria-hidden="true"></span> دقيقتين</span></div></div>
</div>
</header>
<div id="share-buttons-top" class="share-buttons share-buttons-top"><div class="share-links  icons-only"><a href="https://www.facebook.com/sharer.php?u={e(a['url'])}" rel="external noopener nofollow" title="فيسبوك" target="_blank" class="facebook-share-btn " data-raw="https://www.facebook.com/sharer.php?u={{post_link}}"><span class="share-btn-icon tie-icon-facebook"></span> <span class="screen-reader-text">فيسبوك</span></a><a href="https://twitter.com/intent/tweet" title="‫X" class="twitter-share-btn "><span class="screen-reader-text">‫X</span></a><a href="https://api.whatsapp.com/send" title="واتساب" class="whatsapp-share-btn "><span class="screen-reader-text">واتساب</span></a></div></div>
{featured}
<div class="entry-content entry clearfix">
{paragraphs(a, inline=img)}
{f'<p>{e(a["source_line"])}</p>' if a.get('source_line') else ''}
<div class="stream-item stream-item-below-post-content"><a href="https://ads.example/"><img src="https://{a['host']}/wp-content/uploads/ad-300.jpg" alt="" width="300" height="250" /></a></div>
<div class="post-bottom-meta post-bottom-tags post-tags-modern"><div class="post-bottom-meta-title"><span class="tie-icon-tags" aria-hidden="true"></span> الوسوم</div><span class="tagcloud">{_tags(a, '<a href="/tag/x/" rel="tag">{t}</a>')}</span></div>
</div>
<div id="post-extra-info"><div class="theiaStickySidebar"><div class="single-post-meta post-meta clearfix"><span class="date meta-item tie-icon">{e(a['date_text'])}</span></div></div></div>
<div class="clearfix"></div>
<div id="share-buttons-bottom" class="share-buttons share-buttons-bottom"><div class="share-links "><a href="#" class="facebook-share-btn large-share-button"><span class="share-btn-icon tie-icon-facebook"></span> <span class="social-text">فيسبوك</span></a><a href="#" class="twitter-share-btn large-share-button"><span class="social-text">‫X</span></a></div></div>
</article>
<div class="post-components">
<div id="related-posts" class="container-wrapper has-extra-post"><div class="mag-box-title the-global-title"><h3>مقالات ذات صلة</h3></div><div class="related-posts-list">
{_related_cards(a, '<div class="related-item tie-standard"><a aria-label="{t}" href="/r{i}/" class="post-thumb"><img width="390" height="220" src="https://' + a['host'] + '/wp-content/uploads/r{i}-390x220.jpg" class="attachment-jannah-image-large size-jannah-image-large tie-small-image wp-post-image" alt="{t}" decoding="async" /></a><h3 class="post-title"><a href="/r{i}/">{t}</a></h3><div class="post-meta clearfix"><span class="date meta-item tie-icon">منذ يومين</span></div></div>', '{}')}
</div></div>
<div id="comments" class="comments-area"><div id="add-comment-block" class="container-wrapper"><div id="respond" class="comment-respond"><h3 id="reply-title" class="comment-reply-title the-global-title">اترك تعليقاً</h3><form action="/wp-comments-post.php" method="post" id="commentform" class="comment-form"><p class="comment-notes"><span id="email-notes">لن يتم نشر عنوان بريدك الإلكتروني.</span></p></form></div></div></div>
</div>
</div>
<aside class="sidebar tie-col-md-4 tie-col-xs-12 normal-side is-sticky" aria-label="القائمة الجانبية الرئيسية"><div class="theiaStickySidebar"><div id="posts-list-widget-2" class="container-wrapper widget posts-list"><div class="widget-title the-global-title"><div class="the-subtitle">الأكثر مشاهدة</div></div><div class="widget-posts-list-wrapper"><div class="widget-posts-list-container"><ul class="posts-list-items widget-posts-wrapper">
{_most_read(a, '<li class="widget-single-post-item widget-post-list tie-standard"><div class="post-widget-thumbnail"><a aria-label="{t}" href="/m{i}/" class="post-thumb"><img width="220" height="150" src="https://' + a['host'] + '/wp-content/uploads/m{i}-220x150.jpg" class="attachment-jannah-image-small size-jannah-image-small tie-small-image wp-post-image" alt="{t}" /></a></div><div class="post-widget-body "><a class="post-title the-subtitle" href="/m{i}/">{t}</a><div class="post-meta"><span class="date meta-item tie-icon">منذ 3 أيام</span></div></div></li>', '{}')}
</ul></div></div></div></div></aside>
</div></div>
<footer id="footer" class="site-footer dark-skin dark-widgetized-area"><div id="site-info" class="site-info site-info-layout-2"><div class="container"><div class="tie-row"><div class="tie-col-md-12"><div class="copyright-text copyright-text-first">&copy; حقوق النشر 2023، جميع الحقوق محفوظة &nbsp;|&nbsp; {e(a['tagline'])}</div><div class="footer-menu"><ul id="menu-footer" class="menu"><li class="menu-item"><a href="/about/">من نحن</a></li><li class="menu-item"><a href="/contact/">اتصل بنا</a></li><li class="menu-item"><a href="/privacy/">سياسة الخصوصية</a></li></ul></div></div></div></div></div></footer>
<a id="go-to-top" class="go-to-top-button" href="#go-to-tie-body"><span class="tie-icon-angle-up"></span><span class="screen-reader-text">زر الذهاب إلى الأعلى</span></a>
</div></div></div>
</body>
</html>
"""


# ---------------------------------------------------------------- tagDiv Newspaper
def wp_newspaper(a):
    site = a["site"]

    def img(i):
        return (f'<figure id="attachment_{i["id"]}" aria-describedby="caption-attachment-{i["id"]}" style="width: 696px" class="wp-caption aligncenter">'
                f'<img decoding="async" class="size-full wp-image-{i["id"]}" src="{e(i["src"])}" alt="{e(i.get("alt", ""))}" width="696" height="392" />'
                f'<figcaption id="caption-attachment-{i["id"]}" class="wp-caption-text">{e(shown(i))}</figcaption></figure>')

    lead = lead_images(a)[0] if lead_images(a) else None
    featured = ""
    if lead:
        featured = (f'<div class="td-post-featured-image"><figure><a href="{e(lead["src"])}" data-caption="{e(shown(lead))}">'
                    f'<img width="696" height="392" class="entry-thumb td-modal-image" src="{e(lead["src"])}" alt="{e(lead.get("alt", ""))}" title="{e(lead.get("title", a["title"]))}"/></a>'
                    f'<figcaption class="wp-caption-text">{e(shown(lead))}</figcaption></figure></div>')
    data = {"@context": "https://schema.org", "@type": "Article", "mainEntityOfPage": {"@type": "WebPage", "@id": a["url"]},
            "headline": a["title"], "image": {"@type": "ImageObject", "url": lead["src"] if lead else "", "height": 392, "width": 696},
            "datePublished": a["date"], "dateModified": a.get("modified", a["date"]),
            "author": {"@type": "Person", "name": a["authors"][0]} if a.get("authors") else {"@type": "Person", "name": site},
            "publisher": {"@type": "Organization", "name": site, "logo": {"@type": "ImageObject", "url": f"https://{a['host']}/wp-content/uploads/logo.png"}},
            "description": a["paras"][0][:150]}
    extra = f'<meta property="article:published_time" content="{a["date"]}">\n<meta name="author" content="{e(a["authors"][0]) if a.get("authors") else e(site)}">\n' + ld(data)
    source = ""
    if a.get("td_source"):
        source = (f'<ul class="td-category"><li class="entry-category"><a href="/category/{a["section_slug"]}/">{e(a["section"])}</a></li></ul>'
                  f'<div class="td-post-source-tags"><ul class="td-source"><li><span>المصدر</span></li><li><a rel="nofollow" href="https://source.example/">{e(a["td_source"])}</a></li></ul>'
                  f'<ul class="td-tags td-post-small-box clearfix"><li><span>الوسوم</span></li>{_tags(a, "<li><a href=/tag/x/>{t}</a></li>")}</ul></div>')
    author = (f'<div class="td-post-author-name"><div class="td-author-by">بواسطة</div> <a href="/author/{a["author_slug"]}/">{e(a["authors"][0])}</a><div class="td-author-line"> - </div> </div>') if a.get("authors") else ""
    return f"""<!doctype html >
<html dir="rtl" lang="ar">
<head>
{head_common(a, site, extra)}
</head>
<body class="rtl post-template-default single single-post postid-{a['id']} single-format-standard td-standard-pack global-block-template-1 single_template_2 td-full-layout" itemscope="itemscope" itemtype="https://schema.org/WebPage">
<div id="td-outer-wrap" class="td-theme-wrap">
<div class="td-header-wrap td-header-style-1 "><div class="td-header-top-menu-full td-container-wrap "><div class="td-container td-header-row td-header-top-menu"><div class="top-bar-style-1"><div class="td-header-sp-top-menu"><div class="td_data_time"><div>{e(a['today'])}</div></div></div></div></div></div>
<div class="td-banner-wrap-full td-logo-wrap-full td-container-wrap "><div class="td-container td-header-row td-header-header"><div class="td-header-sp-logo"><a class="td-main-logo" href="https://{a['host']}/"><img class="td-retina-data" src="https://{a['host']}/wp-content/uploads/logo.png" alt="{e(site)}" title="{e(site)}"/><span class="td-visual-hidden">{e(site)}</span></a></div>
<div class="td-header-sp-recs"><div class="td-header-rec-wrap"><div class="td-a-rec td-a-rec-id-header  tdi_1 td_block_template_1"><a href="https://ads.example/"><img src="https://{a['host']}/wp-content/uploads/728x90.jpg" alt=""></a></div></div></div></div></div>
<div class="td-header-menu-wrap-full td-container-wrap "><div class="td-header-menu-wrap td-header-gradient "><div class="td-container td-header-row td-header-main-menu"><div id="td-header-menu" role="navigation"><div class="menu-main-container"><ul id="menu-main-1" class="sf-menu"><li class="menu-item td-menu-item td-normal-menu"><a href="/">الرئيسية</a></li><li class="menu-item td-menu-item td-normal-menu"><a href="/category/politics/">سياسة</a></li><li class="menu-item td-menu-item td-normal-menu"><a href="/category/economy/">اقتصاد</a></li><li class="menu-item td-menu-item td-normal-menu"><a href="/category/opinion/">آراء</a></li></ul></div></div></div></div></div>
</div>
<div class="td-main-content-wrap td-container-wrap"><div class="td-container td-post-template-2"><article id="post-{a['id']}" class="post-{a['id']} post type-post status-publish format-standard has-post-thumbnail" itemscope itemtype="https://schema.org/Article">
<div class="td-pb-row"><div class="td-pb-span12"><div class="td-post-header"><div class="td-crumb-container"><div class="entry-crumbs"><span><a title="" class="entry-crumb" href="https://{a['host']}/">الرئيسية</a></span> <i class="td-icon-right td-bread-sep"></i> <span><a title="عرض كل المقالات في {e(a['section'])}" class="entry-crumb" href="/category/{a['section_slug']}/">{e(a['section'])}</a></span></div></div>
<ul class="td-category"><li class="entry-category"><a href="/category/{a['section_slug']}/">{e(a['section'])}</a></li></ul>
<header class="td-post-title"><h1 class="entry-title">{e(a['title'])}</h1>
<div class="td-module-meta-info">{author}<span class="td-post-date"><time class="entry-date updated td-module-date" datetime="{a['date']}" >{e(a['date_text'])}</time></span><div class="td-post-views"><i class="td-icon-views"></i><span class="td-nr-views-{a['id']}">2187</span></div><div class="td-post-comments"><a href="#respond"><i class="td-icon-comments"></i>0</a></div></div>
</header></div></div></div>
<div class="td-pb-row"><div class="td-pb-span8 td-main-content" role="main"><div class="td-ss-main-content">
<div class="td-post-sharing-visible"><div class="td-social-sharing-button td-social-sharing-button-js td-social-network td-social-facebook"><div class="td-social-but-text">فيسبوك</div></div><div class="td-social-sharing-button td-social-network td-social-twitter"><div class="td-social-but-text">تويتر</div></div><div class="td-social-sharing-button td-social-network td-social-whatsapp"><div class="td-social-but-text">واتساب</div></div></div>
{featured}
<div class="td-post-content tagdiv-type">
{paragraphs(a, inline=img)}
{f'<p>{e(a["source_line"])}</p>' if a.get('source_line') else ''}
</div>
<footer>{source}
<div class="td-block-row td-post-next-prev"><div class="td-block-span6 td-post-prev-post"><div class="td-post-next-prev-content"><span>المقال السابق</span><a href="/prev/">{e(a['related'][-1])}</a></div></div></div>
<div class="td-author-name vcard author"><span class="fn"><a href="/author/{a.get('author_slug', '')}/">{e(a['authors'][0]) if a.get('authors') else ''}</a></span></div>
</footer>
<div class="td_block_wrap td_block_related_posts tdi_3 td_with_ajax_pagination td-pb-border-top td_block_template_1"><h4 class="td-related-title td-block-title"><a id="tdi_4" class="td-related-left td-cur-simple-item" data-td_filter_value="" data-td_block_id="tdi_3" href="#">مقالات ذات صلة</a><a class="td-related-right" href="#">المزيد من الكاتب</a></h4><div id=tdi_3 class="td_block_inner">
{_related_cards(a, '<div class="td-related-span4"><div class="td_module_related_posts td-animation-stack td_mod_related_posts"><div class="td-module-image"><div class="td-module-thumb"><a href="/r{i}/" rel="bookmark" class="td-image-wrap " title="{t}"><img class="entry-thumb" src="https://' + a['host'] + '/wp-content/uploads/r{i}-218x150.jpg" alt="" title="{t}" width="218" height="150" /></a></div></div><div class="item-details"><h3 class="entry-title td-module-title"><a href="/r{i}/" rel="bookmark" title="{t}">{t}</a></h3></div></div></div>', '<div class="td-related-row">{}</div>')}
</div></div>
<div class="comments" id="comments"><div id="respond" class="comment-respond"><h3 id="reply-title" class="comment-reply-title">ترك الرد</h3><form action="/wp-comments-post.php" method="post" id="commentform" class="comment-form"><div class="clearfix"></div><div class="comment-form-input-wrap td-form-comment"><textarea placeholder="التعليق:" id="comment" name="comment" cols="45" rows="8"></textarea><div class="td-warning-comment">رجاء ادخل تعليقك!</div></div></form></div></div>
</div></div>
<div class="td-pb-span4 td-main-sidebar" role="complementary"><div class="td-ss-main-sidebar"><div class="td_block_wrap td_block_7 tdi_5 td-pb-border-top td_block_template_1 td-column-1 td_block_padding"><div class="td-block-title-wrap"><h4 class="block-title td-block-title"><span class="td-pulldown-size">الأكثر قراءة</span></h4></div><div id=tdi_5 class="td_block_inner">
{_most_read(a, '<div class="td-block-span12"><div class="td_module_6 td_module_wrap td-animation-stack"><div class="td-module-thumb"><a href="/m{i}/" rel="bookmark" class="td-image-wrap " title="{t}"><img class="entry-thumb" src="https://' + a['host'] + '/wp-content/uploads/m{i}-100x70.jpg" alt="" title="{t}" width="100" height="70" /></a></div><div class="item-details"><h3 class="entry-title td-module-title"><a href="/m{i}/" rel="bookmark" title="{t}">{t}</a></h3></div></div></div>', '{}')}
</div></div></div></div>
</div>
</article></div></div>
<div class="td-footer-page td-footer-container td-container-wrap "><div class="td-sub-footer-container td-container-wrap "><div class="td-container"><div class="td-pb-row"><div class="td-pb-span td-sub-footer-menu"><div class="menu-footer-container"><ul id="menu-footer" class="td-subfooter-menu"><li class="menu-item"><a href="/about/">من نحن</a></li><li class="menu-item"><a href="/advertise/">أعلن معنا</a></li></ul></div></div><div class="td-pb-span td-sub-footer-copy">&copy; {e(a['tagline'])}</div></div></div></div></div>
</div>
</body>
</html>
"""


# ---------------------------------------------------------------- Drupal 9/10 node
def drupal(a):
    site = a["site"]

    def media(i):
        # CKEditor 5 <drupal-media data-caption> renders a figure around the media entity.
        return (f'<figure role="group" class="caption caption-drupal-media align-center"><div>'
                f'<article class="media media--type-image media--view-mode-default"><div class="field field--name-field-media-image field--type-image field--label-visually_hidden">'
                f'<div class="field__label visually-hidden">صورة</div><div class="field__item"><img loading="lazy" src="{e(i["src"])}" width="900" height="600" alt="{e(i.get("alt", ""))}" typeof="foaf:Image" />'
                f'</div></div></article></div><figcaption>{e(shown(i))}</figcaption></figure>')

    lead = lead_images(a)[0] if lead_images(a) else None
    lead_html = ""
    if lead:
        lead_html = (f'<div class="field field--name-field-image field--type-image field--label-hidden field__item"><img loading="lazy" src="{e(lead["src"])}" width="1200" height="675" alt="{e(lead.get("alt", ""))}" typeof="foaf:Image" /></div>'
                     f'<div class="clearfix text-formatted field field--name-field-image-caption field--type-text field--label-hidden field__item">{e(shown(lead))}</div>')
    data = {"@context": "https://schema.org", "@graph": [{"@type": "NewsArticle", "headline": a["title"], "name": a["title"],
            "about": a.get("tags", []), "image": {"@type": "ImageObject", "representativeOfPage": "True", "url": lead["src"] if lead else ""},
            "datePublished": a["date"], "dateModified": a.get("modified", a["date"]),
            "author": [_person(n) for n in a.get("authors", [])] or {"@type": "Organization", "name": site},
            "publisher": {"@type": "Organization", "name": site, "url": f"https://{a['host']}/"}}]}
    extra = (f'<meta name="Generator" content="Drupal 10 (https://www.drupal.org)">\n<meta name="MobileOptimized" content="width">\n'
             f'<meta property="article:published_time" content="{a["date"]}">\n' + ld(data))
    names = " و ".join(f'<a href="/author/{n}" hreflang="ar">{e(x)}</a>' for n, x in enumerate(a.get("authors", [])))
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl" prefix="content: http://purl.org/rss/1.0/modules/content/  dc: http://purl.org/dc/terms/  foaf: http://xmlns.com/foaf/0.1/  og: http://ogp.me/ns#">
<head>
{head_common(a, site, extra, ' | ')}
<link rel="shortlink" href="https://{a['host']}/node/{a['id']}">
</head>
<body class="path-node page-node-type-article">
<a href="#main-content" class="visually-hidden focusable skip-link">تجاوز إلى المحتوى الرئيسي</a>
<div class="dialog-off-canvas-main-canvas" data-off-canvas-main-canvas>
<div class="layout-container">
<header role="banner"><div class="region region-header"><div id="block-sitebranding" class="block block-system block-system-branding-block"><a href="/" rel="home" class="site-logo"><img src="/themes/custom/news/logo.svg" alt="الرئيسية" /></a><div class="site-name"><a href="/" rel="home">{e(site)}</a></div><div class="site-slogan">{e(a['tagline'])}</div></div></div>
<div class="region region-primary-menu"><nav role="navigation" aria-labelledby="block-mainnavigation-menu" id="block-mainnavigation" class="block block-menu navigation menu--main"><h2 class="visually-hidden" id="block-mainnavigation-menu">التصفح الرئيسي</h2><ul class="menu"><li class="menu-item"><a href="/" data-drupal-link-system-path="&lt;front&gt;">الرئيسية</a></li><li class="menu-item"><a href="/taxonomy/term/3">أخبار عربية</a></li><li class="menu-item"><a href="/taxonomy/term/4">أخبار دولية</a></li><li class="menu-item"><a href="/taxonomy/term/9">ثقافة وفنون</a></li></ul></nav></div></header>
<div class="region region-breadcrumb"><div id="block-breadcrumbs" class="block block-system block-system-breadcrumb-block"><nav class="breadcrumb" role="navigation" aria-labelledby="system-breadcrumb"><h2 id="system-breadcrumb" class="visually-hidden">مسار التنقل</h2><ol><li><a href="/">الرئيسية</a></li><li><a href="/taxonomy/term/{a['id'] % 7}">{e(a['section'])}</a></li></ol></nav></div></div>
<main role="main"><a id="main-content" tabindex="-1"></a><div class="layout-content">
<div class="region region-content"><div id="block-pagetitle" class="block block-core block-page-title-block"><h1 class="page-title"><span class="field field--name-title field--type-string field--label-hidden">{e(a['title'])}</span></h1></div>
<div id="block-mainpagecontent" class="block block-system block-system-main-block">
<article role="article" about="/node/{a['id']}" class="node node--type-article node--promoted node--view-mode-full">
<div class="node__meta"><span class="field field--name-uid field--type-entity-reference field--label-hidden"><span lang="" about="/user/12" typeof="schema:Person" property="schema:name" datatype="">{names}</span></span>
<span class="field field--name-created field--type-created field--label-hidden"><time datetime="{a['date']}" title="{e(a['date_text'])}" class="datetime">{e(a['date_text'])}</time></span></div>
<div class="node__content">
{lead_html}
<div class="clearfix text-formatted field field--name-body field--type-text-with-summary field--label-hidden field__item">
{paragraphs(a, inline=media)}
{f'<p>{e(a["source_line"])}</p>' if a.get('source_line') else ''}
</div>
<div class="field field--name-field-tags field--type-entity-reference field--label-above"><div class="field__label">الوسوم</div><div class="field__items">{_tags(a, '<div class="field__item"><a href="/taxonomy/term/20" hreflang="ar">{t}</a></div>')}</div></div>
<div class="addtoany_share_save_container addtoany_content"><span class="a2a_kit a2a_kit_size_32 addtoany_list"><a class="a2a_button_facebook"></a><a class="a2a_button_twitter"></a><a class="a2a_dd addtoany_share" href="https://www.addtoany.com/share">مشاركة</a></span></div>
<section class="field field--name-comment field--type-comment field--label-above comment-wrapper"><h2 class="title comment-form__title">أضف تعليقاً</h2>
{_comments(a, '<article role="article" class="comment js-comment by-anonymous"><footer class="comment__meta"><p class="comment__author"><span>{n}</span></p></footer><div class="content"><div class="clearfix text-formatted field field--name-comment-body field--type-text-long field--label-hidden field__item"><p>{t}</p></div></div></article>', '{}')}
</section>
</div>
</article>
</div></div></div>
<aside class="layout-sidebar-first" role="complementary"><div class="region region-sidebar-first"><div class="views-element-container block block-views block-views-blockrelated-content-block-1" id="block-views-block-related-content-block-1"><h2>أخبار ذات صلة</h2><div><div class="view view-related-content view-id-related_content view-display-id-block_1"><div class="view-content">
{_related_cards(a, '<div class="views-row"><div class="views-field views-field-field-image"><div class="field-content"><a href="/node/{i}00"><img loading="lazy" src="/sites/default/files/styles/thumbnail/public/r{i}.jpg" width="100" height="67" alt="{t}" typeof="foaf:Image" /></a></div></div><div class="views-field views-field-title"><span class="field-content"><a href="/node/{i}00" hreflang="ar">{t}</a></span></div></div>', '{}')}
</div></div></div></div>
<div class="views-element-container block block-views block-views-blockmost-read-block-1"><h2>الأكثر قراءة</h2><div class="item-list"><ol>
{_most_read(a, '<li><a href="/node/{i}11">{t}</a></li>', '{}')}
</ol></div></div></div></aside>
</main>
<footer role="contentinfo"><div class="region region-footer"><div id="block-copyright" class="block block-block-content"><div class="clearfix text-formatted field field--name-body field--type-text-with-summary field--label-hidden field__item"><p>{e(a['tagline'])} &copy; 2023</p></div></div></div></footer>
</div></div>
</body>
</html>
"""


# ---------------------------------------------------------------- Youm7-style Egyptian CMS
def eg_youm7(a):
    site = a["site"]

    def img(i):
        # in-body images: an <img> whose alt and title carry the caption, then a centred caption paragraph
        if i.get("alt_only"):
            return f'<p style="text-align: center;"><img alt="{e(i["text"])}" src="{e(i["src"])}" style="width: 600px; height: 400px;" title="{e(i["text"])}" /></p>'
        return (f'<p style="text-align: center;"><img alt="{e(i["text"])}" src="{e(i["src"])}" style="width: 600px; height: 400px;" title="{e(i["text"])}" /></p>'
                f'<p style="text-align: center;">{e(shown(i))}</p>')

    lead = lead_images(a)[0] if lead_images(a) else None
    lead_html = ""
    if lead:
        lead_html = (f'<div class="img-cont"><img class="img-responsive" src="{e(lead["src"])}" alt="{e(lead.get("alt", lead["text"]))}" title="{e(lead.get("alt", lead["text"]))}" />'
                     f'<span class="img-caption">{e(shown(lead))}</span></div>')
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "mainEntityOfPage": {"@type": "WebPage", "@id": a["url"]},
            "headline": a["title"], "description": a.get("lead", ""), "image": {"@type": "ImageObject", "url": lead["src"] if lead else "", "width": 980, "height": 551},
            "datePublished": a["date"], "dateModified": a.get("modified", a["date"]),
            "author": {"@type": "Person", "name": a["authors"][0]} if a.get("authors") else {"@type": "Organization", "name": site},
            "publisher": {"@type": "Organization", "name": site, "logo": {"@type": "ImageObject", "url": f"https://img.{a['host']}/images/logo.png", "width": 200, "height": 60}}}
    extra = f'<meta name="keywords" content="{e(",".join(a.get("tags", [])))}">\n<meta itemprop="datePublished" content="{a["date"]}">\n' + ld(data)
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
{head_common(a, site, extra, ' - ')}
</head>
<body>
<div class="header"><div class="container"><div class="logo"><a href="/"><img src="https://img.{a['host']}/images/logo.png" alt="{e(site)}" /></a></div>
<div class="topDate">{e(a['today'])}</div></div>
<div class="mainMenu"><ul><li><a href="/">الرئيسية</a></li><li><a href="/Section/أخبار-عاجلة/65/1">عاجل</a></li><li><a href="/Section/سياسة/319/1">سياسة</a></li><li><a href="/Section/حوادث/203/1">حوادث</a></li><li><a href="/Section/رياضة/298/1">رياضة</a></li><li><a href="/Section/فن-وثقافة/48/1">فن</a></li></ul></div></div>
<div class="container"><div class="row"><div class="col-md-8">
<div class="breadcumb"><a href="/">الرئيسية</a> <span>&gt;</span> <a href="/Section/{e(a['section'])}/{a['id'] % 300}/1">{e(a['section'])}</a></div>
<article>
<div class="articleHeader"><h1>{e(a['title'])}</h1>
<span class="newsStoryDate">{e(a['date_text'])}</span>
<div class="writeBy"><span class="writeBy">{e(a['byline'])}</span></div></div>
{lead_html}
<div class="shareTop"><span class="shareTitle">شارك</span><a class="fb" href="https://www.facebook.com/sharer/sharer.php?u={e(a['url'])}"></a><a class="tw" href="https://twitter.com/share?url={e(a['url'])}"></a><a class="wts" href="whatsapp://send?text={e(a['url'])}"></a></div>
<div id="articleBody" class="articleCont" itemprop="articleBody">
{paragraphs(a, inline=img)}
</div>
<div class="tags"><span>الكلمات المتعلقة :</span>{_tags(a, '<a href="/Tags/{t}">{t}</a>')}</div>
<div class="mostReadInArticle"><h2>الأكثر قراءة</h2>
{_most_read(a, '<div class="newsItem"><a href="/story/m{i}"><img src="https://img.' + a['host'] + '/ArticleImgs/m{i}.jpg" alt="{t}"><h3>{t}</h3></a></div>', '{}')}</div>
<div class="relatedNews"><h2>موضوعات متعلقة</h2><ul>
{_related_cards(a, '<li><a href="/story/r{i}"><img src="https://img.' + a['host'] + '/ArticleImgs/r{i}.jpg" alt="{t}" title="{t}" /><h3>{t}</h3></a></li>', '{}')}</ul></div>
<div class="comments"><div class="facebookComments"><h4>اضف تعليق</h4><p>تم أضافة تعليقك سوف يظهر بعد المراجعة</p></div></div>
</article></div>
<div class="col-md-4"><div class="adv"><a href="https://ads.example/"><img src="https://img.{a['host']}/ads/300x250.gif" alt=""></a></div></div>
</div></div>
<footer><div class="footer"><div class="footerLinks"><a href="/about">من نحن</a><a href="/contact">اتصل بنا</a><a href="/terms">شروط الاستخدام</a></div><p>{e(a['tagline'])}</p></div></footer>
</body>
</html>
"""


# ---------------------------------------------------------------- Masrawy / Al-Masry Al-Youm style Egyptian CMS
def eg_masrawy(a):
    site = a["site"]

    def img(i):
        return (f'<div class="ArticleImage"><img src="{e(i["src"])}" alt="{e(i.get("alt", a["title"]))}" />'
                f'<div class="ArticleImageCaption">{e(shown(i))}</div></div>')

    data = {"@context": "http://schema.org", "@type": "NewsArticle", "headline": a["title"], "url": a["url"], "datePublished": a["date"],
            "dateModified": a.get("modified", a["date"]), "image": {"@type": "ImageObject", "url": first_src(a)},
            "author": {"@type": "Organization", "name": site}, "publisher": {"@type": "Organization", "name": site},
            "articleSection": a["section"], "inLanguage": "ar"}
    extra = f'<meta name="news_keywords" content="{e(",".join(a.get("tags", [])))}">\n' + ld(data)
    lead = "".join(img(i) for i in lead_images(a))
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
{head_common(a, site, extra, ' | ')}
</head>
<body>
<header class="mainHeader"><div class="container"><a class="logo" href="/"><img src="https://{a['host']}/images/logo.svg" alt="{e(site)}"></a>
<ul class="mainNav"><li><a href="/news">أخبار</a></li><li><a href="/sports">رياضة</a></li><li><a href="/economy">اقتصاد</a></li><li><a href="/arts">فنون</a></li><li><a href="/videos">فيديو</a></li></ul></div></header>
<div class="container"><div class="breadcrumb"><a href="/">الرئيسية</a> / <a href="/news/{a['section_slug']}">{e(a['section'])}</a></div>
<div class="row"><div class="col-lg-8"><div class="articleDetails">
<h1 class="ArticleTitle">{e(a['title'])}</h1>
<div class="time"><span class="date">{e(a['date_text'])}</span></div>
<div class="socialShare"><a class="facebook" href="#">فيسبوك</a><a class="twitter" href="#">تويتر</a><a class="whatsapp" href="#">واتس آب</a></div>
{lead}
<div class="details">
{paragraphs(a, inline=img)}
</div>
<div class="tags"><h3>الكلمات المفتاحية</h3>{_tags(a, '<a href="/tags/{t}">{t}</a>')}</div>
<div class="moreFromSection"><h3>المزيد من {e(a['section'])}</h3>
{_related_cards(a, '<div class="item"><a href="/news/details/r{i}"><div class="image"><img src="https://{h}/Gallery/r{i}.jpg" alt="{t}"></div><div class="title">{t}</div></a></div>'.replace('{h}', a['host']), '{}')}</div>
<div class="newsletter"><p>اشترك في نشرة {e(site)} البريدية ليصلك أهم الأخبار</p></div>
</div></div>
<div class="col-lg-4"><div class="mostRead"><h3>الأكثر قراءة</h3><ol>{_most_read(a, '<li><a href="/news/details/m{i}">{t}</a></li>', '{}')}</ol></div>
<div class="ad"><a href="https://ads.example/"><img src="https://{a['host']}/ads/300x600.jpg" alt="إعلان"></a></div></div>
</div></div>
<footer class="mainFooter"><div class="container"><p class="copyRight">{e(a['tagline'])}</p><ul><li><a href="/about">من نحن</a></li><li><a href="/privacy">سياسة الخصوصية</a></li></ul></div></footer>
</body>
</html>
"""


# ---------------------------------------------------------------- Akhbar El Yom CMS (as in the real saved page)
def eg_akhbarelyom(a):
    site = a["site"]
    lead = lead_images(a)[0]
    author = (f'<div class="post-meta-author"> <i class="fa fa-user"></i> <a href="/Editors/EditorNews/{a["id"] % 900}/1/{e(a["authors"][0])}" title="{e(a["authors"][0])}"> <h5>{e(a["authors"][0])}</h5> </a> </div>') if a.get("authors") else ""
    extra = (f'<meta property="article:published_time" content="{a["date"]}">\n<meta name="keywords" content="{e(",".join(a.get("tags", [])))}">\n'
             + ld({"@context": "https://schema.org", "@type": "NewsArticle", "headline": a["title"], "datePublished": a["date"], "dateModified": a.get("modified", a["date"]),
                   "image": [lead["src"]], "author": {"@type": "Person", "name": a["authors"][0]} if a.get("authors") else {"@type": "Organization", "name": site},
                   "publisher": {"@type": "Organization", "name": "بوابة أخبار اليوم", "logo": {"@type": "ImageObject", "url": "https://akhbarelyom.com/images/logo.png"}}}))
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
{head_common(a, site, extra, ' - ')}
</head>
<body>
<header><div class="top-header"><div class="container"><span class="date-today">{e(a['today'])}</span></div></div>
<nav class="navbar"><ul class="nav navbar-nav"><li><a href="/">الرئيسية</a></li><li><a href="/news/newssection/1/1/أخبار-مصر">أخبار مصر</a></li><li><a href="/news/newssection/36/1/أخبار-الفن">أخبار الفن</a></li><li><a href="/news/newssection/2/1/رياضة">رياضة</a></li></ul></nav></header>
<div class="container"><div class="row"><div class="col-md-8"> <article> <nav class="breadcrumb"> <ul> <li> <a href="https://akhbarelyom.com" title="الرئيسية اخبار اليوم"> <h6>الرئيسية</h6> </a> </li> <li class="active"> <a href="/news/newssection/{a['id'] % 50}/1/{e(a['section'])}" title="{e(a['section'])}"> <h6>{e(a['section'])}</h6> </a> </li> </ul> </nav>
<div class="post post-full clearfix"> <div class="entry-title"> <h2> </h2> <h1 class="entry-title"> {e(a['title'])} </h1> <div class="post-meta-date" style="font-size:13px;"> <i class="fa fa-calendar"></i>{e(a['date_text'])}</div> </div>
<div class="entry-media"> <a href="{e(a['url'])}" title="{e(a['title'])} "> <img src="{e(lead['src'])}" alt="{e(lead.get('alt', lead['text']))}" class="img-responsive"> </a> <figcaption class="img-caption">{e(shown(lead))}</figcaption> </div>
<div class="entry-main"> <div style="border-bottom: 1px solid #ddd;margin-bottom: 10px;"> <div class="post-meta-elements"> {author} </div> </div>
<div align="center"> <div class="desktop-add_12"> <div id="div-gpt-ad-1585669714325-0" style="width: auto; height: auto;"></div> </div> </div>
<div class="entry-content HtmlDecode">
{paragraphs(a)}
</div>
<div class="post-tags"> <span class="post-tags_title">الكلمات الدالة :</span> {_tags(a, '<a class="post-tags_link" href="/Tags/NewsTagList/1/1/{t}"> <h6> {t} </h6> </a> ')}</div> </div> </div>
<div class="post-tags share-icons"> <span class="post-tags_title">مشاركه الخبر :</span> <ul class="sidebar-social-icons"> <li> <a href="https://facebook.com/sharer.php?u={e(a['url'])}" target="_blank" class="facebook"><i class="fa fa-facebook"></i></a> </li> </ul> </div>
<div class="module"><div class="module-title"><h3>إقرأ أيضاً</h3></div>
{_related_cards(a, '<div class="col-md-4"><div class="post"><a href="/news/newdetails/r{i}/1/x" title="{t}"><img src="https://Images.akhbarelyom.com/images/images/small/r{i}.jpg" alt="{t}" class="img-responsive"></a><h4><a href="/news/newdetails/r{i}/1/x">{t}</a></h4></div></div>', '<div class="row">{}</div>')}</div>
</article></div>
<div class="col-md-4"><div class="widget"><h3 class="widget-title">الأكثر قراءة</h3><ul>{_most_read(a, '<li><a href="/news/newdetails/m{i}/1/x">{t}</a></li>', '{}')}</ul></div></div>
</div></div>
<footer><div class="footer-bottom"><div class="container"><p>رئيس مجلس الإدارة: خالد ميري</p><p>{e(a['tagline'])}</p></div></div></footer>
</body>
</html>
"""


# ---------------------------------------------------------------- Gulf newspaper CMSs (Al Bayan / Al Khaleej / Emarat Al Youm)
def gulf_albayan(a):
    site = a["site"]

    def img(i):
        credit = f'<span class="photo-credit">{e(i.get("credit_shown") or i["credit"])}</span>' if i.get("credit") and i.get("form") == "apart" else ""
        return (f'<figure class="image-wrapper"><div class="image"><img src="{e(i["src"])}" alt="{e(i.get("alt", a["title"]))}" loading="lazy"></div>'
                f'<figcaption class="photo-caption"><span class="caption-text">{e(shown(i))}</span>{credit}</figcaption></figure>')

    data = {"@context": "https://schema.org", "@type": "NewsArticle", "mainEntityOfPage": {"@type": "WebPage", "@id": a["url"]},
            "headline": a["title"], "datePublished": a["date"], "dateModified": a.get("modified", a["date"]),
            "image": {"@type": "ImageObject", "url": first_src(a), "width": 1200, "height": 675},
            "author": [_person(n) for n in a.get("authors", [])] or [{"@type": "Organization", "name": site}],
            "publisher": {"@type": "Organization", "name": site, "logo": {"@type": "ImageObject", "url": f"https://www.{a['host']}/logo.png"}},
            "articleSection": a["section"]}
    extra = f'<meta property="article:published_time" content="{a["date"]}">\n<meta property="article:section" content="{e(a["section"])}">\n' + ld(data)
    byline = ""
    if a.get("authors"):
        byline = "".join(f'<div class="author-info"><a href="/author/{n}"><span class="author-name">{e(x)}</span></a></div>' for n, x in enumerate(a["authors"]))
    lead = "".join(img(i) for i in lead_images(a))
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
{head_common(a, site, extra, ' - ')}
</head>
<body class="article-page">
<header class="site-header"><div class="top-bar"><span class="today">{e(a['today'])}</span><span class="weather">دبي 34°</span></div>
<a class="brand" href="/"><img src="https://www.{a['host']}/logo.png" alt="{e(site)}"></a>
<nav class="main-menu"><ul><li><a href="/uae">الإمارات</a></li><li><a href="/world">عربي ودولي</a></li><li><a href="/economy">اقتصاد</a></li><li><a href="/sports">رياضة</a></li><li><a href="/opinion">آراء</a></li></ul></nav></header>
<main class="container">
<div class="breadcrumbs"><a href="/">الرئيسية</a> <span>›</span> <a href="/{a['section_slug']}">{e(a['section'])}</a></div>
<article class="story">
<header class="story-header"><h1 class="story-title">{e(a['title'])}</h1>
{f'<p class="story-summary">{e(a["lead"])}</p>' if a.get('lead') else ''}
<div class="story-meta">{byline}<div class="publish-date"><span class="label">تاريخ النشر:</span> <time datetime="{a['date']}">{e(a['date_text'])}</time></div></div></header>
{lead}
<div class="share-bar"><span>شارك</span><a href="#" class="facebook">فيسبوك</a><a href="#" class="x">إكس</a><a href="#" class="whatsapp">واتساب</a><a href="#" class="copy">نسخ الرابط</a></div>
<div class="article-content story-body">
{paragraphs(a, inline=img)}
</div>
<div class="story-tags">{_tags(a, '<a href="/tags/{t}">{t}</a>')}</div>
</article>
<section class="related-stories"><h2>أخبار ذات صلة</h2><div class="cards">
{_related_cards(a, '<div class="card"><a href="/r{i}"><div class="card-image"><img src="https://www.' + a['host'] + '/r{i}.jpg" alt="{t}"></div><h3 class="card-title">{t}</h3></a></div>', '{}')}</div></section>
<aside class="most-read"><h2>الأكثر قراءة</h2><ol>{_most_read(a, '<li><a href="/m{i}">{t}</a></li>', '{}')}</ol></aside>
<div class="ad-slot" id="ad-mpu"><span class="ad-label">إعلان</span></div>
</main>
<footer class="site-footer"><p>{e(a['tagline'])}</p><ul class="footer-links"><li><a href="/about">من نحن</a></li><li><a href="/contact">اتصل بنا</a></li></ul></footer>
</body>
</html>
"""


# ---------------------------------------------------------------- Saudi newspaper CMSs (Okaz / Sabq / Al Riyadh)
def sa_okaz(a):
    site = a["site"]

    def img(i):
        return (f'<div class="article-image"><img src="{e(i["src"])}" alt="{e(i.get("alt", ""))}" data-caption="{e(shown(i))}" />'
                f'<div class="img-desc">{e(shown(i))}</div></div>')

    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": a["title"], "datePublished": a["date"], "dateModified": a.get("modified", a["date"]),
            "image": [first_src(a)], "author": [_person(n) for n in a.get("authors", [])],
            "publisher": {"@type": "NewsMediaOrganization", "name": site, "logo": {"@type": "ImageObject", "url": f"https://www.{a['host']}/logo.png"}},
            "mainEntityOfPage": a["url"]}
    extra = f'<meta name="author" content="{e(", ".join(a.get("authors", [])) or site)}">\n<meta property="article:published_time" content="{a["date"]}">\n' + ld(data)
    boxes = "".join(
        f'<div class="author-box"><a href="/authors/{n}"><img class="author-img" src="https://www.{a["host"]}/authors/{n}.jpg" alt="{e(x)}"></a><div class="author-details"><a class="author-name" href="/authors/{n}">{e(x)}</a>'
        + (f'<span class="author-city">({e(a["author_city"])})</span>' if a.get("author_city") else "") + '</div></div>'
        for n, x in enumerate(a.get("authors", [])))
    lead = "".join(img(i) for i in lead_images(a))
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
{head_common(a, site, extra, ' | ')}
</head>
<body>
<div class="header"><div class="header-top"><span class="hijri-today">{e(a['today'])}</span></div>
<div class="logo"><a href="/"><img src="https://www.{a['host']}/logo.png" alt="{e(site)}"></a></div>
<ul class="nav-menu"><li><a href="/local">محليات</a></li><li><a href="/politics">سياسة</a></li><li><a href="/economy">اقتصاد</a></li><li><a href="/sports">رياضة</a></li><li><a href="/culture">ثقافة وفن</a></li><li><a href="/writers">كتاب</a></li></ul></div>
<div class="main-container"><div class="article-section">
<div class="section-label"><a href="/{a['section_slug']}">{e(a['section'])}</a></div>
<h1 class="article-title">{e(a['title'])}</h1>
<div class="article-info">{boxes}<div class="article-date"><i class="icon-clock"></i> {e(a['date_text'])}</div></div>
{lead}
<div class="article-share"><a class="share-tw" href="#">تويتر</a><a class="share-wa" href="#">واتساب</a><a class="share-tg" href="#">تيليجرام</a></div>
<div class="article-body bodyText">
{paragraphs(a, inline=img)}
</div>
<div class="article-keywords">{_tags(a, '<a href="/tags/{t}" class="keyword">{t}</a>')}</div>
<div class="more-news"><h3>اقرأ أيضاً</h3>
{_related_cards(a, '<div class="news-card"><a href="/news/r{i}"><img src="https://www.' + a['host'] + '/uploads/r{i}.jpg" alt="{t}"><p class="news-card-title">{t}</p></a></div>', '{}')}</div>
<div class="comments-section"><h3>التعليقات</h3>{_comments(a, '<div class="comment"><span class="comment-user">{n}</span><p class="comment-text">{t}</p></div>', '{}')}</div>
</div>
<div class="sidebar"><div class="widget most-viewed"><h3>الأكثر مشاهدة</h3><ul>{_most_read(a, '<li><a href="/news/m{i}">{t}</a></li>', '{}')}</ul></div></div>
</div>
<div class="footer"><p class="footer-text">{e(a['tagline'])}</p><p class="copyright">جميع الحقوق محفوظة &copy; 2023</p></div>
</body>
</html>
"""


# ---------------------------------------------------------------- Levantine CMSs (Annahar / Al Ghad / Enab Baladi)
def levant_annahar(a):
    site = a["site"]

    def img(i):
        return (f'<div class="articleImage"><picture><img src="{e(i["src"])}" alt="{e(i.get("alt", ""))}" title="{e(shown(i))}"></picture>'
                f'<div class="articleImageCaption"><span class="caption">{e(i["text"])}</span>'
                + (f' <span class="credit">{e(i["credit"])}</span>' if i.get("credit") else "") + '</div></div>')

    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": a["title"], "datePublished": a["date"],
            "dateModified": a.get("modified", a["date"]), "author": [_person(n) for n in a.get("authors", [])] or {"@type": "Organization", "name": site},
            "image": {"@type": "ImageObject", "url": first_src(a)},
            "publisher": {"@type": "Organization", "name": site}}
    extra = ld(data)
    lead = "".join(img(i) for i in lead_images(a))
    authors = "".join(f'<a class="authorName" href="/author/{n}">{e(x)}</a>' for n, x in enumerate(a.get("authors", [])))
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
{head_common(a, site, extra, ' | ')}
</head>
<body>
<header id="header"><div class="topHeader"><span class="dateToday">{e(a['today'])}</span></div>
<div class="logoHolder"><a href="/"><img src="https://{a['host']}/logo.svg" alt="{e(site)}"></a></div>
<nav class="mainNav"><ul><li><a href="/lebanon">لبنان</a></li><li><a href="/arab-world">العالم العربي</a></li><li><a href="/economy">اقتصاد</a></li><li><a href="/culture">ثقافة</a></li><li><a href="/sport">رياضة</a></li></ul></nav></header>
<section class="articlePage"><div class="container">
<div class="categoryLabel"><a href="/{a['section_slug']}">{e(a['section'])}</a></div>
<h1 class="articleMainTitle">{e(a['title'])}</h1>
<div class="articleInfo"><div class="authorsBox">{(f'<span class="by">{e(a["byline_prefix"])}</span> ' if a.get("byline_prefix") else '') + authors}</div><div class="dateBox"><span class="date">{e(a['date_text'])}</span></div></div>
{lead}
<div class="socialShare"><ul><li><a class="facebook" href="#">Facebook</a></li><li><a class="twitter" href="#">Twitter</a></li><li><a class="whatsapp" href="#">WhatsApp</a></li></ul></div>
<div class="articleMainText">
{paragraphs(a, inline=img)}
{f'<p class="source">{e(a["source_line"])}</p>' if a.get('source_line') else ''}
</div>
<div class="articleTags"><span>الكلمات الدالة</span>{_tags(a, '<a href="/tags/{t}">{t}</a>')}</div>
<div class="relatedArticles"><div class="sectionTitle">مقالات ذات صلة</div>
{_related_cards(a, '<div class="relatedItem"><a href="/article/r{i}"><img src="https://' + a['host'] + '/r{i}.jpg" alt="{t}" title="{t}"></a><div class="relatedTitle"><a href="/article/r{i}">{t}</a></div></div>', '{}')}</div>
<div class="mostRead"><div class="sectionTitle">الأكثر قراءة</div><ul>{_most_read(a, '<li><span class="num">{i}</span><a href="/article/m{i}">{t}</a></li>', '{}')}</ul></div>
</div></section>
<footer id="footer"><div class="container"><p>{e(a['tagline'])}</p><p>&copy; 2023 جميع الحقوق محفوظة</p></div></footer>
</body>
</html>
"""


# ---------------------------------------------------------------- Maghrebi CMSs (Hespress / Echorouk / Al Chourouk)
def maghreb_hespress(a):
    site = a["site"]

    def img(i):
        return (f'<figure class="wp-caption aligncenter post-thumbnail"><img src="{e(i["src"])}" alt="{e(i.get("alt", a["title"]))}" class="attachment-full size-full wp-post-image" />'
                f'<figcaption class="wp-caption-text">{e(shown(i))}</figcaption></figure>')

    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": a["title"], "datePublished": a["date"], "dateModified": a.get("modified", a["date"]),
            "image": [first_src(a)], "author": [_person(n) for n in a.get("authors", [])] or [{"@type": "Organization", "name": site}],
            "publisher": {"@type": "Organization", "name": site}}
    extra = f'<meta property="article:published_time" content="{a["date"]}">\n' + ld(data) if a.get("machine_date", True) else ld({k: v for k, v in data.items() if not k.startswith("date")})
    authors = "".join(f'<span class="author"><a href="/author/{n}" title="{e(x)}">{e(x)}</a></span>' for n, x in enumerate(a.get("authors", [])))
    lead = "".join(img(i) for i in lead_images(a))
    return f"""<!DOCTYPE html>
<html dir="rtl" lang="ar">
<head>
{head_common(a, site, extra, ' - ')}
</head>
<body class="single single-post">
<header class="header-main"><nav class="navbar navbar-expand-lg"><a class="navbar-brand" href="/"><img src="https://{a['host']}/logo.png" alt="{e(site)}"></a>
<ul class="navbar-nav"><li class="nav-item"><a class="nav-link" href="/politique">سياسة</a></li><li class="nav-item"><a class="nav-link" href="/economie">اقتصاد</a></li><li class="nav-item"><a class="nav-link" href="/societe">مجتمع</a></li><li class="nav-item"><a class="nav-link" href="/regions">جهات</a></li><li class="nav-item"><a class="nav-link" href="/sport">رياضة</a></li></ul></nav></header>
<main class="main-content"><div class="container"><div class="row"><div class="col-12 col-lg-8">
<div class="article-header"><ol class="breadcrumb"><li class="breadcrumb-item"><a href="/">الرئيسية</a></li><li class="breadcrumb-item"><a href="/{a['section_slug']}">{e(a['section'])}</a></li></ol>
<h1 class="post-title">{e(a['title'])}</h1>
<div class="article-meta">{authors}<span class="date-post">{e(a['date_text'])}</span></div></div>
{lead}
<div class="share-post"><a class="share-fb" href="#">فيسبوك</a><a class="share-tw" href="#">تويتر</a><a class="share-wa" href="#">واتساب</a></div>
<div class="article-content">
{paragraphs(a, inline=img)}
{f'<p>{e(a["source_line"])}</p>' if a.get('source_line') else ''}
</div>
<div class="box-tags"><span>الوسوم:</span>{_tags(a, '<a class="tag_post_tag" href="/tag/{t}">{t}</a>')}</div>
<div class="related-posts"><h3 class="section-title">مقالات ذات صلة</h3><div class="row">
{_related_cards(a, '<div class="col-md-4"><div class="card"><a href="/r{i}.html" class="stretched-link"><img src="https://' + a['host'] + '/r{i}.jpg" class="card-img-top" alt="{t}"></a><div class="card-body"><h3 class="card-title">{t}</h3></div></div></div>', '{}')}</div></div>
<div id="comments" class="comments-area"><h3 class="comments-title">تعليقات الزوار</h3><ol class="comment-list">{_comments(a, '<li class="comment"><div class="comment-body"><div class="comment-author vcard"><cite class="fn">{n}</cite></div><div class="comment-text"><p>{t}</p></div></div></li>', '{}')}</ol>
<p class="comment-notes">لن يتم نشر عنوان بريدك الإلكتروني.</p></div>
</div>
<div class="col-12 col-lg-4"><div class="widget popular-posts"><h3>الأكثر قراءة</h3><ul>{_most_read(a, '<li><a href="/m{i}.html">{t}</a></li>', '{}')}</ul></div></div>
</div></div></main>
<footer class="footer"><div class="container"><p class="footer-copy">{e(a['tagline'])}</p></div></footer>
</body>
</html>
"""


# ---------------------------------------------------------------- BBC News Arabic style
def intl_bbc(a):
    site = a["site"]

    def fig(i):
        credit = f'<p class="bbc-credit" role="text"><span class="bbc-credit-label">صدر الصورة، </span>{e(i["credit"])}</p>' if i.get("credit") else ""
        cap = f'<figcaption class="bbc-caption"><span class="visually-hidden">التعليق على الصورة، </span>{e(i["text"])}</figcaption>' if i.get("text") else ""
        return (f'<figure class="bbc-figure"><div class="bbc-image-wrapper"><img alt="{e(i.get("alt", ""))}" src="{e(i["src"])}" width="976" height="549" loading="lazy" class="bbc-img">'
                f'{credit}</div>{cap}</figure>')

    def para(text):
        return f'<div dir="rtl" class="bbc-text-block"><p dir="rtl" class="bbc-paragraph">{text}</p></div>'

    byline = ""
    if a.get("authors"):
        byline = (f'<div data-testid="byline" class="bbc-byline"><span class="visually-hidden">معلومات عن الكاتب</span><ul class="bbc-byline-list">'
                  f'<li class="bbc-byline-item"><span class="visually-hidden">Author, </span><span class="bbc-byline-name">{e(a["authors"][0])}</span></li>'
                  f'<li class="bbc-byline-item"><span class="visually-hidden">Role, </span><span class="bbc-byline-role">{e(a["author_role"])}</span></li></ul></div>')
    data = {"@context": "http://schema.org", "@type": "ReportageNewsArticle", "url": a["url"], "publisher": {"@type": "NewsMediaOrganization", "name": site, "logo": {"@type": "ImageObject", "width": 1024, "height": 576, "url": "https://news.files.bbci.co.uk/ws/img/logos/og/arabic.png"}},
            "image": {"@type": "ImageObject", "width": 1024, "height": 576, "url": first_src(a)},
            "thumbnailUrl": first_src(a), "mainEntityOfPage": {"@type": "WebPage", "@id": a["url"], "name": a["title"]},
            "headline": a["title"], "description": a.get("lead", ""), "datePublished": a["date"], "dateModified": a.get("modified", a["date"]),
            "inLanguage": {"@type": "Language", "name": "Arabic", "alternateName": "ar"},
            "author": {"@type": "NewsMediaOrganization", "name": site, "noBylinesPolicy": "https://www.bbc.com/arabic/institutional-49283124#authorexpertise"}}
    extra = f'<meta name="article:published_time" content="{a["date"]}">\n' + ld(data)
    body = []
    for n, p in enumerate(a["paras"]):
        body.append(f'<h2 class="bbc-subheading">{e(p[3:])}</h2>' if p.startswith("## ") else para(e(p)))
        body += [fig(i) for i in a["images"] if i.get("where") == n]
    body = "\n".join(body)
    lead = "".join(fig(i) for i in lead_images(a))
    return f"""<!DOCTYPE html>
<html lang="ar" class="no-js" dir="rtl">
<head>
{head_common(a, site, extra, ' - ')}
</head>
<body>
<div id="root"><header role="banner" lang="ar"><div dir="rtl" class="bbc-brand"><a href="/arabic" class="bbc-logo"><svg focusable="false" aria-hidden="true"></svg><span class="visually-hidden">BBC News, عربي</span></a></div>
<nav role="navigation" class="bbc-nav"><ul role="list" class="bbc-nav-list"><li><a href="/arabic">الرئيسية</a></li><li><a href="/arabic/topics/middle-east">الشرق الأوسط</a></li><li><a href="/arabic/topics/world">العالم</a></li><li><a href="/arabic/topics/science">علوم وتكنولوجيا</a></li><li><a href="/arabic/topics/sport">رياضة</a></li></ul></nav></header>
<div class="bbc-main-wrapper"><main role="main" class="bbc-main"><div class="bbc-article">
<h1 id="content" tabindex="-1" class="bbc-headline">{e(a['title'])}</h1>
{byline}
<div class="bbc-timestamp"><time datetime="{a['date'][:10]}" class="bbc-time">{e(a['date_text'])}</time></div>
{lead}
{body}
<aside role="complementary" aria-labelledby="related-content-heading" class="bbc-related"><strong id="related-content-heading">موضوعات ذات صلة</strong><ul role="list">
{_related_cards(a, '<li class="bbc-promo"><div class="bbc-promo-image"><img src="https://ichef.bbci.co.uk/ace/ws/240/r{i}.jpg" alt="" loading="lazy"></div><h3 class="bbc-promo-headline"><a href="/arabic/articles/r{i}">{t}</a></h3><time class="bbc-promo-time">قبل 3 ساعات</time></li>', '{}')}</ul></aside>
</div></main>
<section aria-labelledby="Most-Read" class="bbc-most-read"><h2 id="Most-Read">الأكثر قراءة</h2><ol role="list">{_most_read(a, '<li class="bbc-mr-item"><span class="bbc-mr-rank">{i}</span><a href="/arabic/articles/m{i}">{t}</a></li>', '{}')}</ol></section></div>
<footer role="contentinfo" class="bbc-footer"><ul><li><a href="/arabic/institutional-49283124">لماذا يمكنك الاعتماد على بي بي سي</a></li><li><a href="/usingthebbc/terms">شروط الاستخدام</a></li></ul><p>&copy; 2023 بي بي سي. {e(a['tagline'])}</p></footer>
</div>
</body>
</html>
"""


# ---------------------------------------------------------------- Sky News Arabia / France 24 / DW Arabic style
def intl_skynews(a):
    site = a["site"]
    variant = a.get("variant", "skynews")

    def fig(i):
        if variant == "france24":
            return (f'<figure class="m-figure m-figure--16x9"><picture class="m-figure__img"><img src="{e(i["src"])}" alt="{e(i.get("alt", ""))}" width="940" height="529" loading="lazy"></picture>'
                    f'<figcaption class="m-figure__caption"><span class="m-figure__caption-text">{e(i["text"])}</span> &copy; <span class="m-figure__caption-copyright">{e(i["credit"])}</span></figcaption></figure>')
        cap = f'<figcaption class="article-image-caption">{e(shown(i))}</figcaption>' if i.get("visible", True) else ""
        return f'<figure class="article-image"><img src="{e(i["src"])}" alt="{e(i.get("alt", ""))}" loading="lazy">{cap}</figure>'

    images = [{"@type": "ImageObject", "url": i["src"], "caption": shown(i), "width": 1200, "height": 675} for i in a.get("images", [])]
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "mainEntityOfPage": {"@type": "WebPage", "@id": a["url"]},
            "headline": a["title"], "description": a.get("lead", ""), "image": images[0] if len(images) == 1 else images,
            "datePublished": a["date"], "dateModified": a.get("modified", a["date"]),
            "author": [_person(n) for n in a.get("authors", [])] or {"@type": "Organization", "name": site},
            "publisher": {"@type": "NewsMediaOrganization", "name": site, "logo": {"@type": "ImageObject", "url": f"https://www.{a['host']}/logo.png"}}}
    extra = (f'<meta property="article:published_time" content="{a["date"]}">\n<meta property="article:section" content="{e(a["section"])}">\n' + ld(data))
    body = []
    for n, p in enumerate(a["paras"]):
        text = f"{a['dateline']} {p}" if n == 0 and a.get("dateline") else p
        body.append(f'<h2>{e(text[3:])}</h2>' if text.startswith("## ") else f'<p>{e(text)}</p>')
        body += [fig(i) for i in a["images"] if i.get("where") == n]
    lead = "".join(fig(i) for i in lead_images(a))
    authors = "".join(f'<span class="author-name">{e(x)}</span>' for x in a.get("authors", []))
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
{head_common(a, site, extra, ' | ')}
</head>
<body class="article-page">
<header class="site-header"><a class="logo" href="/"><img src="https://www.{a['host']}/logo.png" alt="{e(site)}"></a>
<nav class="primary-nav"><ul><li><a href="/middle-east">الشرق الأوسط</a></li><li><a href="/world">العالم</a></li><li><a href="/business">اقتصاد</a></li><li><a href="/technology">تكنولوجيا</a></li><li><a href="/live">البث المباشر</a></li></ul></nav></header>
<main><article class="article-wrapper">
<div class="article-breadcrumb"><a href="/{a['section_slug']}">{e(a['section'])}</a></div>
<h1 class="article-title">{e(a['title'])}</h1>
{f'<p class="article-summary t-content__chapo">{e(a["lead"])}</p>' if a.get('lead') else ''}
<div class="article-meta">{(f'<div class="article-authors">{e(a.get("byline_prefix", ""))} {authors}</div>') if authors else f'<span class="article-source">{e(a.get("meta_source", site))}</span>'}<time class="article-date" datetime="{a['date']}">{e(a['date_text'])}</time></div>
{lead}
<div class="share-tools"><span>شارك</span><a href="#">فيسبوك</a><a href="#">تويتر</a><a href="#">واتساب</a></div>
<div class="article-body t-content__body">
{chr(10).join(body)}
{f'<p class="article-source-line">{e(a["source_line"])}</p>' if a.get('source_line') else ''}
</div>
<div class="article-tags">{_tags(a, '<a href="/tag/{t}">{t}</a>')}</div>
</article>
<section class="more-stories"><h2>{e(a.get('related_title', 'قصص ذات صلة'))}</h2>
{_related_cards(a, '<div class="story-card"><a href="/article/r{i}"><img src="https://www.' + a['host'] + '/r{i}.jpg" alt="{t}"><h3>{t}</h3></a></div>', '{}')}</section>
<aside class="trending"><h2>الأكثر قراءة</h2><ol>{_most_read(a, '<li><a href="/article/m{i}">{t}</a></li>', '{}')}</ol></aside>
<div class="ad-container" data-ad-slot="article-bottom"></div>
</main>
<footer class="site-footer"><p>{e(a['tagline'])}</p><p class="copyright">&copy; 2023 {e(site)}</p></footer>
</body>
</html>
"""


# ---------------------------------------------------------------- Al Jazeera (2021+ layout)
def aljazeera(a):
    site = a["site"]

    def fig(i):
        return (f'<figure class="wp-block-image size-arc-image-770"><img loading="lazy" src="{e(i["src"])}" alt="{e(i.get("alt", ""))}" />'
                f'<figcaption>{e(shown(i))}</figcaption></figure>')

    lead = lead_images(a)[0]
    data = {"@context": "http://schema.org", "@type": "NewsArticle", "mainEntityOfPage": {"@type": "WebPage", "@id": a["url"]},
            "headline": a["title"], "datePublished": a["date"], "dateModified": a.get("modified", a["date"]),
            "author": [_person(n) for n in a.get("authors", [])] or [{"@type": "Organization", "name": "الجزيرة نت", "url": "https://www.aljazeera.net"}],
            "publisher": {"@type": "Organization", "name": "الجزيرة نت", "logo": {"@type": "ImageObject", "url": "https://www.aljazeera.net/wp-content/themes/aljazeera/logo.png"}},
            "image": {"@type": "ImageObject", "url": lead["src"], "width": 770, "height": 513}}
    extra = ld(data)
    authors = "".join(f'<div class="article-author-name"><a class="author-link" href="/author/{n}">{e(x)}</a></div>' for n, x in enumerate(a.get("authors", [])))
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
{head_common(a, site, extra, ' | ')}
</head>
<body>
<div class="site-header-wrapper"><header class="site-header"><div class="site-header__logo"><a href="/"><span class="screen-reader-text">الجزيرة نت</span></a></div>
<nav class="site-header__navigation"><ul class="menu"><li class="menu__item"><a href="/news/">أخبار</a></li><li class="menu__item"><a href="/politics/">سياسة</a></li><li class="menu__item"><a href="/ebusiness/">اقتصاد</a></li><li class="menu__item"><a href="/sport/">رياضة</a></li></ul></nav></header></div>
<div class="container"><main id="main-content-area" class="article-main">
<header class="article-header"><div class="topics"><a href="/{a['section_slug']}/">{e(a['section'])}</a></div><h1>{e(a['title'])}</h1>
<div class="article-info-block">{f'<div class="article-author">{authors}</div>' if authors else ''}<div class="article-dates"><div class="date-simple"><span class="screen-reader-text">نشر في</span><span aria-hidden="true">{e(a['date_text'])}</span></div></div></div></header>
<div class="article-share"><ul class="sharing-buttons"><li><button class="sharing-button--facebook"><span class="screen-reader-text">فيسبوك</span></button></li><li><button class="sharing-button--twitter"><span class="screen-reader-text">إكس</span></button></li></ul></div>
<figure class="article-featured-image"><div class="responsive-image"><img src="{e(lead['src'])}" alt="{e(lead.get('alt', ''))}"></div><figcaption>{e(shown(lead))}</figcaption></figure>
<div class="wysiwyg wysiwyg--all-content css-ibbk12">
{paragraphs(a, inline=fig)}
</div>
<div class="article-source"><span>المصدر</span> : <span>{e(a['source_printed'])}</span></div>
</main>
<section class="more-on"><h2 class="more-on__heading">اقرأ أيضا</h2><ul>{_related_cards(a, '<li><article class="gc gc--type-post"><div class="gc__image-wrap"><img src="/wp-content/uploads/r{i}.jpg" alt=""></div><div class="gc__content"><h3 class="gc__title"><a class="u-clickable-card__link" href="/news/r{i}"><span>{t}</span></a></h3></div></article></li>', '{}')}</ul></section>
<section class="most-read-container"><h2>الأكثر قراءة</h2><ol>{_most_read(a, '<li><a href="/news/m{i}">{t}</a></li>', '{}')}</ol></section>
</div>
<footer class="footer"><div class="footer__bottom"><p>{e(a['tagline'])}</p></div></footer>
</body>
</html>
"""


# ---------------------------------------------------------------- AMP article pages
def amp(a):
    site = a["site"]

    def fig(i):
        if i.get("carousel"):
            slides = "".join(
                f'<figure class="slide"><amp-img src="{e(s["src"])}" width="800" height="450" layout="responsive" alt="{e(s.get("alt", ""))}"></amp-img>'
                f'<figcaption class="slide-caption">{e(shown(s))}</figcaption></figure>' for s in i["carousel"])
            return f'<amp-carousel width="800" height="500" layout="responsive" type="slides" lightbox>{slides}</amp-carousel>'
        return (f'<figure class="amp-wp-article-featured-image"><amp-img src="{e(i["src"])}" width="800" height="450" layout="responsive" alt="{e(i.get("alt", ""))}"></amp-img>'
                f'<figcaption class="wp-caption-text">{e(shown(i))}</figcaption></figure>')

    first = a["images"][0]
    src0 = first["carousel"][0]["src"] if first.get("carousel") else first["src"]
    data = {"@context": "http://schema.org", "@type": "NewsArticle", "mainEntityOfPage": a["url"].replace("/amp", ""),
            "publisher": {"@type": "Organization", "name": site, "logo": {"@type": "ImageObject", "url": f"https://{a['host']}/logo-amp.png", "height": 60, "width": 600}},
            "headline": a["title"], "datePublished": a["date"], "dateModified": a.get("modified", a["date"]),
            "author": [_person(n) for n in a.get("authors", [])] or {"@type": "Organization", "name": site},
            "image": {"@type": "ImageObject", "url": src0, "width": 800, "height": 450}}
    authors = "، ".join(e(x) for x in a.get("authors", []))
    return f"""<!doctype html>
<html amp lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<script async src="https://cdn.ampproject.org/v0.js"></script>
<script async custom-element="amp-carousel" src="https://cdn.ampproject.org/v0/amp-carousel-0.1.js"></script>
<script async custom-element="amp-social-share" src="https://cdn.ampproject.org/v0/amp-social-share-0.1.js"></script>
<script async custom-element="amp-ad" src="https://cdn.ampproject.org/v0/amp-ad-0.1.js"></script>
<title>{e(a['title'])} | {e(site)}</title>
<link rel="canonical" href="{e(a['url'].replace('/amp', ''))}">
<meta name="viewport" content="width=device-width,minimum-scale=1,initial-scale=1">
<meta property="og:title" content="{e(a['title'])}">
<meta property="og:site_name" content="{e(site)}">
<meta property="article:published_time" content="{a['date']}">
{ld(data)}
<style amp-boilerplate>body{{-webkit-animation:-amp-start 8s steps(1,end) 0s 1 normal both}}</style><noscript><style amp-boilerplate>body{{-webkit-animation:none}}</style></noscript>
<style amp-custom>.amp-wp-header{{background:#0a3d62}}.amp-wp-article{{direction:rtl}}</style>
</head>
<body class="">
<header id="top" class="amp-wp-header"><div><a href="https://{a['host']}/"><amp-img src="https://{a['host']}/logo-amp.png" width="120" height="32" class="amp-wp-site-icon" alt="{e(site)}"></amp-img><span class="amp-site-title">{e(site)}</span></a></div></header>
<nav class="amp-menu"><a href="/">الرئيسية</a> | <a href="/news">أخبار</a> | <a href="/sport">رياضة</a> | <a href="/video">فيديو</a></nav>
<article class="amp-wp-article">
<header class="amp-wp-article-header"><h1 class="amp-wp-title">{e(a['title'])}</h1>
<div class="amp-wp-meta amp-wp-byline"><span class="amp-wp-author author vcard">{authors}</span></div>
<div class="amp-wp-meta amp-wp-posted-on"><time datetime="{a['date']}">{e(a['date_text'])}</time></div></header>
{''.join(fig(i) for i in lead_images(a))}
<div class="amp-wp-article-content">
{paragraphs(a, inline=fig)}
{f'<p>{e(a["source_line"])}</p>' if a.get('source_line') else ''}
<amp-ad width="300" height="250" type="doubleclick" data-slot="/1234/amp_article"></amp-ad>
</div>
<footer class="amp-wp-article-footer"><div class="amp-wp-meta amp-wp-tax-tag">الوسوم: {_tags(a, '<a href="/tag/{t}" rel="tag">{t}</a> ')}</div>
<div class="amp-social"><amp-social-share type="facebook" width="40" height="40"></amp-social-share><amp-social-share type="twitter" width="40" height="40"></amp-social-share><amp-social-share type="whatsapp" width="40" height="40"></amp-social-share></div></footer>
</article>
<section class="amp-related-posts"><h3>أخبار ذات صلة</h3><ul>{_related_cards(a, '<li><a href="/r{i}/amp"><amp-img src="https://' + a['host'] + '/r{i}.jpg" width="120" height="80" alt="{t}"></amp-img><span>{t}</span></a></li>', '{}')}</ul></section>
<section class="amp-most-read"><h3>الأكثر قراءة</h3><ul>{_most_read(a, '<li><a href="/m{i}/amp">{t}</a></li>', '{}')}</ul></section>
<footer class="amp-wp-footer"><div><p>{e(a['tagline'])}</p><a href="#top" class="back-to-top">العودة إلى الأعلى</a></div></footer>
</body>
</html>
"""


# ---------------------------------------------------------------- CNN Arabic 2013 (as in tests/fixtures/pages/cnn-arabic-2013.html)
def intl_cnn(a):
    body = "\n        ".join(
        f"<p><b>{e(a['dateline'])}</b> {e(p)}</p>" if n == 0 else f"<p>{e(p)}</p>" for n, p in enumerate(a["paras"]))
    lead = lead_images(a)[0] if lead_images(a) else None
    img = (f'<div class="cnn_stryimg640"><img border="0" height="360" width="640" src="{e(lead["src"])}" alt="{e(lead.get("alt", ""))}"/>'
           f'<div class="cnn_stryimg640caption"><div class="cnn_strycaptiontxt">{e(shown(lead))}</div></div></div>') if lead else ""
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" lang="ar" dir="rtl">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>{e(a['title'])} - CNNArabic.com</title>
<meta content="{e(a['title'])}" property="og:title"/>
<meta content="CNNArabic" property="og:site_name"/>
<meta content="{e(a['url'])}" property="og:url"/>
<meta content="article" property="og:type"/>
<meta name="description" content="{e(a['paras'][0][:150])}" />
<link rel="stylesheet" type="text/css" href="/.element/css/2.0/common.css" />
</head>
<body>
<div id="fb-root"/><a href="#ContentArea"><img style="display: none;" vspace="0" hspace="0" border="0" height="1" width="10" align="right" alt="" src="http://i.cdn.turner.com/cnn/images/1.gif"/></a>
<div id="cnn_hdr"><div id="cnn_hdr-main">
		<h1>
		<a id="hdr-banner-title" href="/" title=""><img src="/.element/img/2.0/hdr-globe-central.gif" width="244" height="82" alt="CNN" /></a>
		</h1>
<div id="cnn_hdr-nav"><ul id="us-menu"><li class="no-border"><a href="/">الرئيسية</a></li><li><a href="/middle_east/">الشرق الأوسط</a></li><li><a href="/world/">العالم</a></li><li><a href="/business/">اقتصاد</a></li><li><a href="/scitech/">علوم وتكنولوجيا</a></li><li><a href="/sport/">رياضة</a></li></ul></div></div></div>
<div id="cnn_maincntnr"><div class="cnn_contentarea cnn_strycntnr"><a name="ContentArea"></a>
<div class="cnn_strysbsmhd"><div id="cnn_linkedin"></div><div id="cnn_twitter"></div><div id="cnn_facebook"></div>
		 </div><h1>{e(a['title'])}</h1><div class="cnn_stryathrtmp"><div class="cnn_strytmstmp">{e(a['date_text'])}</div></div>
<div class="cnn_strycntntrgt">{img}{body}
        <div class="cnn_divline cnn_divln3pxblck"> </div>
<div style="padding:10px 0;">
<p style="font:normal 12px/18px 'Tahoma';">{e(a['comment_notice'])} ننصحك بمراجعة <a href="/community_guidelines.html">إرشادات الاستخدام</a>  للتعرف إليها جيداً.</p>
<p style="font:bold 11px/18px 'Tahoma';"> الآراء الواردة أدناه لا تعبر عن رأي موقع CNN بالعربية، بل تعكس وجهات نظر أصحابها فقط.</p>
</div>
<div data-width="620" data-num-posts="10" class="fb-comments" data-href="{e(a['url'])}"> </div>
		 </div>
<div class="cnn_strycntntlft"><div class="cnn_stryad"><div id="ad-64509" align="center" style="padding: 0; margin: 0; border: 0;"></div>
</div><div class="cnn_adtitle"><img border="0" alt="" height="5" width="42" src="/.element/img/2.0/global/misc/advertisement.gif"/></div><div class="cnn_divline cnn_divlscrct"> </div>
<div class="cnn_mtt1cntnr"><div class="cnn_mtt1hdr">الأكثر قراءة</div><ul class="cnn_bulletbin">{_most_read(a, '<li><a href="/2013/m{i}/index.html">{t}</a></li>', '{}')}</ul></div>
<div class="cnn_strylftcntnt"><div class="cnn_strylftcexpbx"><h4>مواضيع ذات صلة</h4><ul>{_related_cards(a, '<li><a href="/2013/r{i}/index.html"><img src="/2013/r{i}.jpg" alt="" width="65" height="49" border="0"/></a><a href="/2013/r{i}/index.html">{t}</a></li>', '{}')}</ul></div></div>
</div></div></div>
<div id="cnn_ftrcntnt"><div><a href="http://edition.cnn.com/">English</a> | <a href="http://www.cnn.co.jp/">日本語</a></div>
<div><img src="http://i.cdn.turner.com/cnn/.element/img/3.0/global/footer/pngs/footer_cnn_logo.png" width="23" height="11" alt="" border="0" class="cnn_ie6png">{e(a['tagline'])}</div></div>
</body>
</html>
"""


# ---------------------------------------------------------------- Iranian CMSs (as in the three real saved pages)
def ir_khabaronline(a):
    """Nastooh CMS (Khabar Online): article#item, .item-date, figure.item-img, p.summary, .item-text[itemprop=articleBody]."""
    site = a["site"]
    lead = lead_images(a)[0]
    data = {"@id": a["url"], "@type": "NewsArticle", "@context": "http://schema.org", "headline": a["title"],
            "datePublished": a["date"], "dateModified": a["date"],
            "author": {"@type": "Organization", "name": a["publisher"], "url": f"https://www.{a['host']}"},
            "publisher": {"@type": "Organization", "name": a["publisher"], "url": f"https://www.{a['host']}",
                          "logo": {"type": "ImageObject", "width": "64", "height": "64", "url": f"https://www.{a['host']}/resources/theme/khabaronline/img/favicon.ico"}},
            "thumbnailUrl": lead["src"], "description": a["lead"], "url": a["url"]}
    body = "\n".join(f' <div dir="rtl">\n  <br> {e(p)}\n </div> ' if not p.startswith("## ") else f' <div dir="rtl">\n  <br> \n  <strong>{e(p[3:])}</strong>\n </div> ' for p in a["paras"])
    return f"""<!DOCTYPE html>
<html lang="fa" dir="rtl">
<head>
<meta charset="utf-8">
<meta itemprop="inLanguage" content="fa">
<title>{e(a['title'])} - {e(site)}</title>
<meta name="twitter:title" property="dc.title" itemprop="name" content="{e(a['title'])}">
<meta name="description" property="dc.description" content="{e(a['lead'])}">
<meta property="og:type" content="article">
<meta name="twitter:url" property="og:url" content="{e(a['url'])}">
<meta property="article:modified_time" content="{a['date_utc']}">
<meta property="article:section" content="{e(a['section'])}">
<meta name="keywords" property="article:tag" content="{e(','.join(a.get('tags', [])))}">
<meta property="nastooh:topic" content="{a['topic']}">
<meta property="nastooh:pageType" content="news">
<meta property="nastooh:newsType" content="news">
<meta property="nastooh:publishDate" content="{a['date'][:10]}">
<meta property="nastooh:code" content="{a['id']}">
<meta property="nastooh:nid" content="{a['id']}">
<meta property="og:title" itemprop="headline" content="{e(a['title'])}">
<meta name="twitter:description" itemprop="description" property="og:description" content="{e(a['lead'])}">
<meta name="twitter:image:src" itemprop="image" property="og:image" content="{e(lead['src'])}">
<meta itemprop="datePublished" property="article:published_time" content="{a['date_utc']}">
<meta property="og:site_name" content="{e(site)}">
<meta property="og:locale" content="fa">
<meta name="generator" content="www.nastooh.ir">
<meta name="language" content="fa">
<meta name="copyright" content="&copy; 2018 www.{a['host']}. All rights reserved.">
<meta name="publisher" content="{e(a['publisher'])}">
<script type="application/ld+json">
    {__import__('json').dumps(data, ensure_ascii=False)}
</script>
</head>
<body class="news">
<header id="header"><div class="container"><div class="row"><div class="col-6 col-md-3 logo"><a href="/"><img src="/resources/theme/khabaronline/img/logo.png" alt="{e(site)}"></a></div>
<div class="col-12 col-md-9"><nav class="menu"><ul><li><a href="/service/Politics">سیاست</a></li><li><a href="/service/World">جهان</a></li><li><a href="/service/Economy">اقتصاد</a></li><li><a href="/service/society">جامعه</a></li><li><a href="/service/sport">ورزشی</a></li></ul></nav></div></div></div></header>
<main id="main"><div class="container"><div class="row"><div class="col-12 col-md-8">
<article id="item" class="box item">
        <div class="item-header">
            <div class="item-nav row">
                <div class="col-6 col-sm-4"><div class="rating-stars"><div class="rate-count">۰ نفر</div></div></div>
                <div class="col-6 col-sm-4 item-date">
                    <span>{e(a['date_text'])}</span>
                </div>
                <div class="d-none d-sm-block col-4"><ul class="header-sharing"><li><a href="#" onclick="window.print(); return false;"><i class="icon-print"></i></a></li></ul></div>
            </div>
            <div class="item-title">
                <h4 class="subtitle kicker"><a href="{e(a['url'])}">{e(a.get('kicker', ''))}</a></h4>
                <h1 class="title"><a itemprop="headline" href="{e(a['url'])}">{e(a['title'])}</a></h1>
            </div>
        </div><div class="item-summary">
            <figure class="item-img">
                <img src="{e(lead['src'])}" alt="{e(a['title'])}" itemprop="image" class="" title="{e(a['title'])}">
            </figure>
            <p class="summary introtext" itemprop="description">{e(a['lead'])} </p></div>
        <div class="item-body">
            <div class="item-text" itemprop="articleBody"><div style="text-align:justify"> 
{body}
</div><div class="gallery hidden"></div>
            </div><div class="item-code">
                کد خبر <span>{a['id']}</span></div>
        </div>
        <div class="item-footer row"><div class="col-12 col-sm-6"><div class="item-sharing"><ul><li class="fb"><a href="https://www.facebook.com/sharer.php?u={e(a['url'])}"><i class="icon-facebook"></i></a></li><li class="tg"><a href="tg://msg_url?url={e(a['url'])}"><i class="icon-telegram"></i></a></li></ul></div></div>
        <div class="col-12 col-sm-6"><div class="short-link-container"><div class="form-group"><i class="icon-link"></i><input type="text" class="clean" value="{a['host']}/news/{a['id']}" readonly></div></div></div></div>
        <section class="box tags"><header><h2>برچسب‌ها</h2></header><div><ul>{_tags(a, '<li><a href="/tag/{t}" rel="Index, Tag">{t}</a></li>')}</ul></div></section>
        <div class="item-boxes">
            <section id="box201" class="box related-items list list-bullets hidden-time" data-conf="{{}}"><header><h2><a href="/archive" target="_blank" title="آرشیو مطالب مرتبط">مطالب مرتبط</a></h2></header><div><ul>
{_related_cards(a, '<li class="news"><div class="desc"><h3><a href="/news/1{i}00" target="_blank" title="دیروز ۱۹:۰۳">{t}</a></h3></div></li>', '{}')}
            </ul></div></section>
        </div>
    </article>
</div>
<div class="col-12 col-md-4"><section class="box most-visited"><header><h2>پربازدیدترین</h2></header><div><ul>
{_most_read(a, '<li class="news"><figure><a href="/news/2{i}00"><img src="https://media.' + a['host'] + '/d/2023/03/m{i}.jpg" alt="{t}"></a></figure><div class="desc"><h3><a href="/news/2{i}00">{t}</a></h3></div></li>', '{}')}
</ul></div></section></div>
</div></div></main>
<footer id="footer"><div class="container"><p class="copyright">{e(a['tagline'])}</p></div></footer>
</body>
</html>
"""


def ir_yjc(a):
    """YJC: .news_toolbar with news_pdate_c, h1.Htags, h2 subtitle, div.body paragraphs, picLink cards, Solar Hijri meta date."""
    site = a["site"]
    lead = lead_images(a)[0]
    paras = "\n".join(f"<p>{e(p)}</p>" for p in a["paras"])
    cards = _related_cards(a, '<div class="col-xs-36 col-sm-18 news_item"><a class="picLink" href="/fa/news/8{i}00"><img class="fr1 mv_lead_img" alt="{t}" src="https://cdn.' + a['host'] + '/files/fa/news/1402/7/8/r{i}.jpg"></a><a class="title" href="/fa/news/8{i}00">{t}</a></div>', '{}')
    return f"""<!DOCTYPE html>
<html lang="fa" dir="rtl">
<head> <title>{e(a['title'])}</title> <meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"> <meta name="description" content="{e(a['lead'])}"> <meta name="keywords" content="{e('،'.join(a.get('tags', [])))}">
<meta property="og:description" content="{e(a['lead'])}"> <meta name="dc.description" content="{e(a['lead'])}">
<meta itemprop="name" content="{e(a['title'])}"> <meta itemprop="description" content="{e(a['lead'])}"> <meta itemprop="image" content="{e(lead['src'])}">
<meta property="og:locale" content="fa_IR"> <meta property="og:type" content="website"> <meta property="og:title" content="{e(a['title'])}">
<meta property="og:url" content="http://www.{a['host']}/fa/news/{a['id']}"> <meta property="og:site_name" content="{e(a['og_site'])}"> <meta property="og:image" content="{e(lead['src'])}">
<meta name="twitter:card" content="summary_large_image"> <meta name="twitter:site" content="{e(a['og_site'])}"> <meta name="twitter:title" content="{e(a['title'])}">
<meta property="article:published_time" content="{e(a['meta_date'])}">
</head>
<body>
<div class="header_container"><div class="container"><div class="logo"><a href="/fa"><img src="https://cdn.{a['host']}/media/images/logo.png" alt="{e(site)}"></a></div>
<ul class="menu_list"><li><a href="/fa/politics">سیاسی</a></li><li><a href="/fa/economic">اقتصادی</a></li><li><a href="/fa/social">اجتماعی</a></li><li><a href="/fa/provinces">استان ها</a></li><li><a href="/fa/sport">ورزشی</a></li></ul></div></div>
<div class="container"><div class="row"><div class="col-xs-36 col-md-24">
<div class="news_p_box"> <div class="visible-sm visible-md visible-lg"> 	<div class="news_toolbar"> <div class="news_nav news_id_c"><span class="news_nav_title">کد خبر: </span>{a['id_fa']}</div>
<div class="news_path"> 				گروه : <a href="/fa/{a['group_slug']}">{e(a['section'])}</a> <span class="bolet_news_path">»</span> <a href="/fa/{a['group_slug']}/1">{e(a['section'])}</a> </div>
<div class="news_nav news_pdate_c"><span class="news_nav_title">تاریخ انتشار: </span>{e(a['date_text'])}</div> 	<div class="wrapper"></div> 	</div>
<div class="row news_tools"> <div class="font-resize"> <a href="#" class="news_size_down"><i class="fa fa-minus"></i></a> <a href="#" class="news_size_up"><i class="fa fa-plus"></i></a> <a class="news_size_txt">اندازه فونت</a> </div>
<a title="نسخه چاپی" rel="nofollow" class="news_print_botton"> 			نسخه چاپی <i class="fa fa-print fa-2x-print"></i> </a> <a rel="nofollow" title="ارسال به دوستان" class="news_emails_botton"> 			ارسال به دوستان <i class="fa fa-envelope-o"></i> </a> </div> </div>
<div class="news_body_con news_body_new" style="direction: rtl;" id="root">
<div class="rutitr_body"><strong class="news_strong"></strong></div>
<div class="title"> 	<h1 class="Htags"> 		<a class="title" href="/fa/news/{a['id']}"> 			{e(a['title'])} 		</a> 	</h1> </div>
<div class="subtitle"> 		<h2 class="Htags_news_subtitle"> 			<strong class="news_strong">{e(a['lead'])}</strong> 		</h2> 	</div>
<div class="body"> 	<p><img class="image_btn" style="margin: 10px 10px;" title="{e(a['title'])}" src="{e(lead['src'])}" alt="" width="" height="" align="left"></p>
{paras}
<p>{e(a.get('end_marker', ''))}</p>
</div>
<div class="tag_items"><span>برچسب ها: </span>{_tags(a, '<a class="tag_item" href="/fa/tags/{t}">{t}</a>')}</div>
</div>
<div class="news_comment_box"><div class="comments_title">نظرات کاربران</div><form name="comments"><div class="frm_label">نام:</div><input type="text" name="comment_name"><div class="frm_label">* نظر:</div><textarea name="comment_message"></textarea><input name="submitbutt" type="button" value="ارسال"></form></div>
</div>
</div>
<div class="col-xs-36 col-md-12"><div class="related_news"><div class="related_title">اخبار پیشنهادی</div><div class="row">{cards}</div></div>
<div class="most_visited"><div class="mv_title">پربیننده ترین</div><ul>{_most_read(a, '<li><a href="/fa/news/9{i}00">{t}</a></li>', '{}')}</ul></div>
<div class="adv_padd"><a rel="nofollow" href="http://www.{a['host']}/fa/ads/redirect/a/2096"><img alt="تبلیغات" class="img-adv" src="https://cdn.{a['host']}/files/adv/4015_166.gif" width="600" height="85"></a></div></div>
</div></div>
<div class="footer"><div class="container"><p>{e(a['tagline'])}</p></div></div>
</body>
</html>
"""


def ir_aryanews(a):
    """Arya News (ASP.NET): div.main-news with the lead image and <br>-separated text, date-created span, related thumbs with div.caption titles."""
    site = a["site"]
    lead = lead_images(a)[0]
    text = "<br/> ".join(e(p[3:] if p.startswith("## ") else p) for p in a["paras"])
    thumbs = _related_cards(a, "<div class='col-md-4 col-sm-4 col-xs-6'><div class='thumb'><a href='/News/2023080{i}/x' target='_blank'><img src='/Incsys/Photo.aspx?image=Uploads/NewsPics/2023080{i}.jpg&width=208&height=154' class='img-responsive' alt='{t}' /><div class='caption'><div class='title'>{t}</div></div></a></div></div>", "{}")
    return f"""<!DOCTYPE html>
<html lang="fa" dir="rtl">
<head><title>
	{e(site)} - {e(a['title'])}
</title><meta http-equiv="content-type" content="text/html; charset=utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1.0" /><meta name="robots" content="all" /><meta name="author" content="Arya Group" /><meta name="copyright" content="&amp;copy; 2016 aryanews.com" />
<meta name="description" content="{e(site)} - {e(a['title'])}" /><meta name="keywords" content="{e(site)} , " /><meta property="og:title" content="{e(site)} - {e(a['title'])}" /><meta property="og:type" content="text/html" />
<meta property="og:description" content="{e(site)} - {e(a['paras'][0])}" /><meta property="og:url" content="/News/{a['id']}/x" /><meta property="og:image" content="http://aryanews.com//Uploads/news1/{a['id']}.jpg" />
</head>
<body>
<form method="post" action="./{a['id']}" id="aspnetForm">
<div class="header"><div class="container"><div class="top-header"><ul class="list-inline"><li class="dropdown pull-right"><a class="dropdown-toggle" href="#"><img src="/assets/images/flags/ir.png" alt="خبرگزاری آریا" class="mrm" />فارسی</a></li><li><a href="/en"><img src="/assets/images/flags/gb.png" alt="Arya News Agency" class="mrm" />English</a></li></ul>
<div class="date-today">{e(a['today'])}</div></div>
<div class="logo"><a href="/"><img src="/assets/images/logo-fa.png" alt="خبرگزاری آریا" class="img-responsive" /></a></div>
<div class="banner-adv"><a href="#"><img src="/Uploads/Ads/AdsHome.gif" alt="بانک سپه" class="img-responsive" /></a></div></div>
<ul class="nav navbar-nav"><li><a href="/">صفحه اصلی</a></li><li><a href="/Service/1/سياسي">سياسي</a></li><li><a href="/Service/4/اقتصادي">اقتصادي</a></li><li><a href="/Service/7/اجتماعي">اجتماعي</a></li><li><a href="/Service/9/ورزشي">ورزشي</a></li></ul></div>
<div id="wrapper"><div id="page-wrapper"><div class="main-content"><div class="content"><div class="container"><div class="row mbxxl"><div class="col-md-10 col-sm-10"><div class="row"><div class="col-md-8">
<div id="content-news" class="section-category"> <div class="section-name"> <a href='/Service/4/x' target='_blank'>اقتصادي</a> :: <a href='/NewsAll/39/x' target='_blank'>{e(a['section'])}</a> </div>
<div class="section-content"> <div class="info"> <span class="category"> {e(a['kicker'])}</span> </div> <h1 class="title-news"> {e(a['title'])}</h1>
<div class="info-news"> <div class="pull-right"> <div class="info"> <span class="date-created"> {e(a['date_text'])}</span> </div> </div> <div class="pull-left"> <div class="comment-info"> <ul class='sign-in-social list-unstyled list-inline'><li><a href="javascript:void(0)" class='icon-print'><i class='fa fa-print fa-fw'></i></a></li></ul> </div> </div> <div class="clearfix"></div> </div>
<div class="main-news">
                        <div class="image-news pull-right mrxxl image-one">
                            <img src='/Incsys/Photo.aspx?image=/Uploads/news1/{a['id']}.jpg&width=300&height=225' alt='{e(a['title'])}' class='img-responsive' />
                        </div>
                        {e(site)} - {text}<br/>
                    </div>
<div class="comment-write"> <div class="media"> <div class="media-body"> <div class="col-md-6 col-sm-6 col-xs-6"> لینک کوتاه: <input type="text" value="http://www.aryanews.com/news/{a['id']}/" readonly="readonly" class="form-control left2right" /> </div> <div class="col-md-4 col-sm-4 col-xs-4"> کد خبر: <input type="text" value="{a['id']}" readonly="readonly" class="form-control" /> </div> </div> </div> </div> </div>
<div class="also-read section-category"> <div class="section-name"> <div class="pull-left"><a href="#">سایر اخبار مهم</a></div> <div class="clearfix"></div> </div> <div class="section-content"> <div id="also-read-carousel" data-interval="false" class="carousel slide"> <div class="carousel-inner"> <div class='item active'><div class='row man'>{thumbs}</div></div></div></div></div></div>
<div class="comment-box"><div class="media"><div class="media-left"><img src="/assets/images/comment_avatar_3.jpg" alt="" class="media-object" /></div><div class="media-body">درج نظر الزامی میباشد <a class="btn">ارسال پیام</a></div></div></div>
</div></div>
<div class="col-md-4"><div class="section-category"><div class="section-name">اخبار ما</div><ul>{_most_read(a, '<li><a href="/News/m{i}/x">{t}</a></li>', '{}')}</ul></div></div>
</div></div></div></div></div></div></div>
<div class="footer"><div class="container"><div class="logo-small"><a href="/"><img src="/assets/images/logo-footer.png" alt="خبرگزاری آریا" class="img-responsive" /></a></div><p>{e(a['tagline'])}</p><p>&copy; - Arya News Agency</p><ul><li><a href="/About">درباره ما</a>|</li><li><a href="/Contact">تماس با ما</a>|</li></ul></div></div>
</form>
</body>
</html>
"""


RENDERERS = {
    "wordpress": wordpress, "wp-jannah": wp_jannah, "wp-newspaper": wp_newspaper, "drupal": drupal,
    "eg-youm7": eg_youm7, "eg-masrawy": eg_masrawy, "eg-akhbarelyom": eg_akhbarelyom, "gulf-albayan": gulf_albayan,
    "sa-okaz": sa_okaz, "levant-annahar": levant_annahar, "maghreb-hespress": maghreb_hespress, "intl-bbc": intl_bbc,
    "intl-skynews": intl_skynews, "aljazeera": aljazeera, "amp": amp, "intl-cnn": intl_cnn,
    "ir-khabaronline": ir_khabaronline, "ir-yjc": ir_yjc, "ir-aryanews": ir_aryanews,
}
