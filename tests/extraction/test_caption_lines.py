"""Captions known by position and shape, not class names (crawler/extraction/caption_lines.py, issue #25):
each rule on a page AND on its metamorphic variants, and the lines that look close but are no caption."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from benchmarks.variants import make_variant
from crawler.extraction import extract
from crawler.text.arabic import normalize

FETCHED = datetime(2025, 1, 1, tzinfo=timezone.utc)
URL = "https://news.example/2024/05/01/story.html"
PARAS = (
    "أعلنت وزارة النقل اليوم افتتاح خط جديد للحافلات الكهربائية يربط وسط المدينة بالمطار الدولي.",
    "وقال الوزير في مؤتمر صحفي إن الخط سيخدم آلاف الركاب يوميا ويخفض الازدحام في الشوارع الرئيسية.",
    "وأضاف أن المرحلة الثانية من المشروع ستبدأ العام المقبل وتشمل الأحياء الشرقية والجنوبية للمدينة.",
)


def page(figure: str) -> bytes:
    """An article whose image block and the line by it use meaningless classes only."""
    body = "".join(f"<p>{p}</p>" for p in PARAS)
    return f"""<html lang="ar"><head><title>افتتاح خط الحافلات الكهربائية</title></head><body>
<div class="q1"><h1>افتتاح خط الحافلات الكهربائية</h1>
<div class="q2">{figure}<div class="q3">{body}</div></div></div></body></html>""".encode()


def caption_texts(html: bytes, content_type: str | None = None) -> list[tuple[str, str | None]]:
    article = extract(html, URL, content_type=content_type, fetched_at=FETCHED)
    return [(normalize(c.text or ""), c.credit) for c in article.captions]


CREDITED = {
    "dash-agency": ("الحافلة الكهربائية الجديدة أمام محطة المطار - وام", "وام"),
    "paren-agency": ("الحافلة الكهربائية الجديدة أمام محطة المطار (رويترز)", "رويترز"),
    "photographer": ("الحافلة الكهربائية الجديدة أمام محطة المطار. تصوير: سامي علي", "سامي علي"),
}


@pytest.mark.parametrize("variant", [None, "renamed", "br_runs", "wrapped", "unstructured"])
@pytest.mark.parametrize("form", sorted(CREDITED))
def test_a_short_credited_line_under_an_image_block_is_its_caption(form, variant):
    line, credit = CREDITED[form]
    html = page(f'<div class="q4"><img src="/img/bus.jpg" alt=""></div><div class="q5">{line}</div>')
    content_type = None
    if variant:
        html, content_type = make_variant(variant, html, None)
    assert caption_texts(html, content_type) == [(normalize("الحافلة الكهربائية الجديدة أمام محطة المطار"), credit)]


# (not br_runs: there the line is bare text between <br>s in a block holding less than body.MIN_RUN_TEXT of
# its own text, which is left unregrouped (a menu's shape), so no element stands by the image)
@pytest.mark.parametrize("variant", [None, "renamed", "wrapped"])
def test_a_line_repeating_the_alt_under_the_image_is_its_caption(variant):
    said = "الحافلة الكهربائية الجديدة أمام محطة المطار"
    html = page(f'<p><img src="/img/bus.jpg" alt="{said}"></p><p>{said}</p>')
    content_type = None
    if variant:
        html, content_type = make_variant(variant, html, None)
    assert caption_texts(html, content_type) == [(normalize(said), None)]


@pytest.mark.parametrize("line", [
    "الحافلة الكهربائية الجديدة أمام محطة المطار",  # short, but nothing ties it to the image: a paragraph
    '<a href="/2024/04/30/other.html">حافلات جديدة تدخل الخدمة في العاصمة - وام</a>',  # a link to another story
    "<h2>الحافلة الكهربائية الجديدة - وام</h2>",  # a heading
    "وقال مدير المشروع إن الحافلات الجديدة ستعمل بالطاقة الكهربائية بالكامل وإن الشحن سيتم في محطات خاصة "
    "أقيمت في المطار ووسط المدينة وفي الأحياء الشرقية التي تشملها المرحلة الثانية من المشروع (رويترز)",  # long: a paragraph
])
def test_lines_by_an_image_that_are_no_caption(line):
    html = page(f'<div class="q4"><img src="/img/bus.jpg" alt=""></div><div class="q5">{line}</div>')
    assert caption_texts(html) == []


def test_an_alt_alone_is_no_caption_whatever_it_says():
    said = "الحافلة الكهربائية الجديدة أمام محطة المطار في يومها الأول"
    html = page(f'<p><img src="/img/bus.jpg" alt="{said}" title="{said}"></p>')
    assert caption_texts(html) == []


CAPTION = "الحافلة الكهربائية الجديدة أمام محطة المطار"
CREDIT_ALONE = {
    "agency": ("<div class='q6'>رويترز</div>", "رويترز"),
    "label-and-name-one-line": ("<p class='q6'><span class='q7'>مصدر الصورة، </span>Getty Images</p>", "Getty Images"),
    "label-then-name": ("<span class='q7'>مصدر الصورة</span><span class='q6'>EPA</span>", "EPA"),
    "copyright-sign": ("<div class='q6'>© Ali Hassan</div>", "Ali Hassan"),
}


@pytest.mark.parametrize("variant", [None, "renamed", "wrapped", "unstructured"])
@pytest.mark.parametrize("form", sorted(CREDIT_ALONE))
def test_a_credit_alone_by_the_image_is_known_by_what_it_says(form, variant):
    markup, credit = CREDIT_ALONE[form]
    html = page(f'<div class="q4"><span class="q8"><img src="/img/bus.jpg" alt="">{markup}</span>'
                f'<figcaption class="q5">{CAPTION}</figcaption></div>')
    content_type = None
    if variant:
        html, content_type = make_variant(variant, html, None)
    assert caption_texts(html, content_type) == [(normalize(CAPTION), credit)]


def test_a_short_line_by_the_image_that_names_no_credit_is_no_credit():
    html = page(f'<div class="q4"><span class="q8"><img src="/img/bus.jpg" alt=""><div class="q6">شارك الخبر</div></span>'
                f'<figcaption class="q5">{CAPTION}</figcaption></div>')
    assert caption_texts(html) == [(normalize(CAPTION), None)]


@pytest.mark.parametrize("variant", [None, "renamed", "wrapped"])
@pytest.mark.parametrize("credit", ["أرشيفية", "وام", "أخبار المدينة"])
def test_a_caption_whose_last_inner_element_names_a_credit(credit, variant):
    html = page(f'<figure><img src="/img/bus.jpg" alt=""><figcaption><span class="q5">{CAPTION}</span> '
                f'<span class="q6">{credit}</span></figcaption></figure>').replace(
        b"<title>", '<meta property="og:site_name" content="أخبار المدينة"><title>'.encode())
    content_type = None
    if variant:
        html, content_type = make_variant(variant, html, None)
    assert caption_texts(html, content_type) == [(normalize(CAPTION), credit)]
