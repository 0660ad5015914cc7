"""Precision before recall (issue #25 point 5): what a reader never sees, or what belongs to other
stories, feeds no caption, author or source; an address that is not http(s) is never an image."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from crawler.text.arabic import normalize
from crawler.extraction import extract
from crawler.extraction.images import absolute
from crawler.extraction.visibility import hidden_blocks

FETCHED = datetime(2025, 1, 1, tzinfo=timezone.utc)
URL = "https://news.example/2024/05/01/story.html"
BODY = "".join(f"<p>{s}</p>" for s in (
    "أعلنت وزارة النقل اليوم افتتاح خط جديد للحافلات الكهربائية يربط وسط المدينة بالمطار الدولي.",
    "وقال الوزير في مؤتمر صحفي إن الخط سيخدم آلاف الركاب يوميا ويخفض الازدحام في الشوارع الرئيسية.",
    "وأضاف أن المرحلة الثانية من المشروع ستبدأ العام المقبل وتشمل الأحياء الشرقية والجنوبية للمدينة.",
))


def page(hidden: str) -> bytes:
    return f"""<html lang="ar"><head><title>افتتاح خط الحافلات الكهربائية</title>
<style>.zq{{display: none}} #pop {{ visibility:hidden }}</style></head><body>
<article><h1>افتتاح خط الحافلات الكهربائية</h1>
<figure><img src="/img/bus.jpg"><figcaption>الحافلة الكهربائية الجديدة أمام محطة المطار</figcaption></figure>
{BODY}{hidden}</article></body></html>""".encode()


HIDDEN_FIGURE = ('<figure><img src="/img/hidden-{n}.jpg"><figcaption>صورة مخفية عن القارئ رقم {n}</figcaption></figure>'
                 '<div class="author">بقلم سمير المخفي</div><p>المصدر: وكالة الأنباء المخفية</p>')
HIDERS = {
    "display-none": '<div style="DISPLAY: none">{}</div>',
    "hidden-attribute": "<div hidden>{}</div>",
    "aria-hidden": '<div aria-hidden="true">{}</div>',
    "template": "<template>{}</template>",
    "noscript": "<noscript>{}</noscript>",
    "own-stylesheet-class": '<div class="box zq">{}</div>',
    "own-stylesheet-id": '<section id="pop">{}</section>',
}


@pytest.mark.parametrize("hider", sorted(HIDERS))
def test_nothing_in_a_hidden_block_feeds_captions_authors_or_sources(hider):
    article = extract(page(HIDERS[hider].format(HIDDEN_FIGURE.format(n=1))), URL, fetched_at=FETCHED)
    texts = [normalize(c.text or "") for c in article.captions]
    assert texts == [normalize("الحافلة الكهربائية الجديدة أمام محطة المطار")]
    assert "سمير" not in " ".join(article.authors)
    assert not any("المخفية" in s.name for s in article.sources)
    assert "مخفية" not in article.body and "المخفي" not in article.body


def test_the_same_blocks_visible_are_read():
    article = extract(page(HIDDEN_FIGURE.format(n=1)), URL, fetched_at=FETCHED)
    assert any("مخفية عن القارئ" in (c.text or "") for c in article.captions)
    assert article.authors == ["سمير المخفي"]


def test_hidden_blocks_are_the_outermost_ones_and_a_media_query_hides_nothing():
    import lxml.html
    tree = lxml.html.document_fromstring(
        "<html><head><style>@media (max-width: 600px) { .m { display:none } } .h{display:none}</style></head>"
        "<body><div class='m'>a</div><div class='h'><span hidden>b</span></div><p style='display:block'>c</p></body></html>")
    blocks = hidden_blocks(tree)
    assert [b.get("class") for b in blocks] == ["h"]


@pytest.mark.parametrize("href", ["javascript:alert(1)", " JavaScript:void(0)", "data:image/png;base64,AAAA", "file:///etc/passwd",
                                  "vbscript:x", "mailto:a@b.c"])
def test_an_address_that_is_not_http_is_never_an_image(href):
    assert absolute(URL, href) is None


def test_relative_and_web_addresses_still_resolve():
    assert absolute(URL, "/img/a.jpg") == "https://news.example/img/a.jpg"
    assert absolute(URL, "//cdn.example/a.jpg") == "https://cdn.example/a.jpg"


def test_a_javascript_image_source_or_og_image_is_not_kept():
    html = page("").replace(b'src="/img/bus.jpg"', b'src="javascript:alert(1)"').replace(
        b"</title>", b'</title><meta property="og:image" content="javascript:alert(2)">')
    article = extract(html, URL, fetched_at=FETCHED)
    assert not any("javascript" in (u or "").lower() for u in article.images + [c.image_url for c in article.captions])


VARIANT_PAGES = ["eg-youm7--byline-with-city", "eg-youm7--g-train-accident", "drupal--g-ahram-gate-book", "drupal--g-ain-solar", "wp-jannah--g-dates-festival", "wordpress--g-classic-museum", "akhbarelyom-2020"]


def fields(html: bytes, url: str, content_type: str | None = None):
    import crawler.extraction as extraction
    article = extraction.extract(html, url, content_type=content_type, fetched_at=FETCHED)
    return ([normalize(c.text or "") for c in article.captions], sorted(normalize(a) for a in article.authors),
            sorted(normalize(s.name) for s in article.sources))


@pytest.mark.parametrize("name", VARIANT_PAGES)
@pytest.mark.parametrize("variant", ["renamed", "br_runs", "wrapped"])
def test_captions_authors_and_sources_survive_other_markup(name, variant):
    """Same visible words in other markup (issue #25 variants a-c): the same captions, authors and sources."""
    import json
    from pathlib import Path

    from benchmarks.variants import make_variant
    root = Path(__file__).resolve().parent.parent
    gold = json.loads((root / "gold" / f"{name}.json").read_text(encoding="utf-8"))
    html = (root / gold["file"]).read_bytes()
    published = fields(html, gold["url"], gold.get("content_type"))
    assert published[1] == sorted(normalize(a) for a in gold["authors"])  # the page as published is right to begin with
    changed, content_type = make_variant(variant, html, gold.get("content_type"))
    assert fields(changed, gold["url"], content_type) == published


def card(n: int, thumb: bool) -> str:
    """A teaser card of another story of the site, with meaningless classes (structure alone tells)."""
    image = (f'<a href="/2024/04/{n}/other-{n}.html"><img src="/img/card-{n}.jpg" alt="صورة القصة الأخرى {n}"></a>'
             f"<span>صورة الحافلات القديمة في المرآب رقم {n}</span>") if thumb else ""
    return (f'<div class="k{n}">{image}<a href="/2024/04/{n}/other-{n}.html">عنوان قصة أخرى من الموقع عن النقل رقم {n}</a>'
            f"<span>بقلم كاتب آخر {n}</span></div>")


@pytest.mark.parametrize("thumb", [True, False])
@pytest.mark.parametrize("where", ["after", "beside"])
def test_teaser_cards_known_by_structure_feed_no_caption_author_or_source(thumb, where):
    cards = '<div class="x1">' + "".join(card(n, thumb) for n in range(1, 6)) + "<p>المصدر: وكالة القصص الأخرى</p></div>"
    html = page("").decode()
    html = html.replace("</article>", "</article>" + cards) if where == "after" else html.replace("<article>", cards + "<article>")
    article = extract(html.encode(), URL, fetched_at=FETCHED)
    assert [normalize(c.text or "") for c in article.captions] == [normalize("الحافلة الكهربائية الجديدة أمام محطة المطار")]
    assert article.authors == []
    assert not any("الأخرى" in s.name for s in article.sources)
    assert "الخط سيخدم آلاف الركاب" in article.body


def test_two_related_links_in_the_text_are_no_card_block():
    """Fewer than three headline links, or links that are most of nothing: the article's own text."""
    from crawler.extraction.cards import card_blocks
    from crawler.extraction.decoding import parse_tree

    few = parse_tree(page("<div>" + card(1, False) + card(2, False) + "</div>").decode())
    assert card_blocks(few, URL) == []
    many = parse_tree(page("<div id='r'>" + "".join(card(n, True) for n in range(1, 5)) + "</div>").decode())
    assert [b.get("id") for b in card_blocks(many, URL)] == ["r"]
