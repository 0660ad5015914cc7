"""Article bodies that survive hostile markup: thousands of nested wrappers, site taglines and about-us blocks."""
from __future__ import annotations

import pytest

from crawler.extraction import extract
from crawler.extraction.body import is_tagline
from crawler.extraction.decoding import flatten_wrapper_runs, parse_tree

PARAGRAPHS = [
    "أعلنت وزارة الزراعة اليوم عن خطة جديدة لدعم المزارعين في المناطق الريفية وتوفير مياه الري خلال فصل الصيف المقبل.",
    "وقال الوزير في مؤتمر صحفي إن الخطة تشمل قروضا ميسرة وبذورا محسنة وتدريبا على أساليب الري الحديثة في خمس محافظات.",
    "وأضاف أن التنفيذ يبدأ مطلع الشهر المقبل بالتعاون مع الجمعيات التعاونية والبنك الزراعي على أن يستمر ثلاث سنوات.",
]


def deep_page(depth: int, wrapper: str = "<div>") -> bytes:
    """A WordPress-like article whose body sits `depth` wrappers deep (page builders nest this badly)."""
    closing = "</" + wrapper[1:].split()[0].rstrip(">") + ">"
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    html = (
        "<!DOCTYPE html><html lang='ar' dir='rtl'><head><meta charset='utf-8'><title>خطة لدعم المزارعين</title></head>"
        "<body><header class='site-header'><nav><a href='/'>الرئيسية</a> <a href='/economy/'>اقتصاد</a></nav></header>"
        + wrapper * depth
        + "<article class='post'><h1 class='entry-title'>خطة لدعم المزارعين</h1><div class='entry-content'>"
        + body
        + "</div></article>"
        + closing * depth
        + "<footer class='site-footer'><p>جميع الحقوق محفوظة</p></footer></body></html>"
    )
    return html.encode("utf-8")


@pytest.mark.parametrize("depth", [3000, 10000])
def test_body_nested_thousands_of_divs_deep_is_kept(depth):
    article = extract(deep_page(depth), "https://example-news.com/2024/05/01/farmers")
    assert all(p in article.body for p in PARAGRAPHS)
    assert article.title == "خطة لدعم المزارعين"


def test_wrappers_with_attributes_and_whitespace_are_flattened_too():
    article = extract(deep_page(3000, "<div class='vc_column-inner'>\n "), "https://example-news.com/2024/05/01/farmers")
    assert PARAGRAPHS[-1] in article.body


def test_shallow_pages_are_parsed_as_they_are():
    page = deep_page(40)
    assert flatten_wrapper_runs(page) != page  # the flattening would change it...
    tree = parse_tree(page.decode("utf-8"))
    assert len(tree.xpath("//div")) >= 40  # ...but only a page past libxml2's depth limit is flattened


@pytest.mark.parametrize(
    "paragraph, is_boilerplate",
    [
        ("البيان صحيفة يومية تصدر عن مؤسسة دبي للإعلام، وتغطي أخبار الإمارات والعالم.", True),
        ("«الشروق أونلاين» جريدة إلكترونية جزائرية مستقلة تأسست عام 2010.", True),
        ("وقالت صحيفة يومية بريطانية إن المفاوضات متعثرة.", False),  # the phrase without the site's name
        ("البيان الختامي للقمة صدر عن القادة مساء أمس.", False),  # the site's name without an about phrase
    ],
)
def test_site_tagline_at_the_end_is_boilerplate(paragraph, is_boilerplate):
    assert is_tagline(paragraph, ["البيان", "الشروق اونلاين"]) is is_boilerplate


def test_malformed_og_image_address_is_skipped_not_fatal():
    body = ("<p>" + "كلمة عربية في نص الخبر " * 20 + "</p>") * 3
    html = (
        '<html><head><meta property="og:image" content="http://[::1"><title>عنوان الخبر هنا</title></head>'
        f"<body><h1>عنوان الخبر هنا</h1>{body}</body></html>"
    ).encode()
    article = extract(html, "http://example.org/a/1")
    assert article.images == [] and article.body
