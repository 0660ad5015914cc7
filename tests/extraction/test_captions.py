"""Captions of the article's own images, habit by habit, on real pages and on composed pages of real CMS families.

Each composed page in tests/gold/pages/ reproduces one family's markup (its gold JSON says which);
the gold captions themselves are checked by tests/extraction/test_extraction.py. Here: the habit each page
stands for, the images that must NOT give captions (teaser cards, logos, title-repeating alts), credits,
and the leave-one-family-out switch.
"""
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from crawler.text.arabic import normalize
from crawler.extraction import extract, rulebook
from crawler.extraction.credits import credit_alone, split_credit

TESTS_DIR = Path(__file__).resolve().parent.parent
GOLD_DIR = TESTS_DIR / "gold"
PAGES = TESTS_DIR / "fixtures" / "pages"
FETCHED = datetime(2024, 6, 1, tzinfo=timezone.utc)


def gold_of(name: str) -> dict:
    return json.loads((GOLD_DIR / f"{name}.json").read_text(encoding="utf-8"))


def captions_of(name: str):
    gold = gold_of(name)
    return extract((TESTS_DIR / gold["file"]).read_bytes(), gold["url"], fetched_at=FETCHED).captions


def real_captions(file: str, url: str):
    return extract((PAGES / file).read_bytes(), url, fetched_at=FETCHED).captions


def composed_gold_names() -> list[str]:
    return sorted(p.stem for p in GOLD_DIR.glob("*--*.json") if gold_of(p.stem).get("real") is False)


# -- precision on real pages ---------------------------------------------------------------------------------------


def test_related_story_cards_are_not_captions_on_aryanews():
    html = (PAGES / "aryanews-fa-2020.html").read_text(encoding="utf-8", errors="replace")
    card_titles = ["حق اشتراک تلفن ثابت 3 برابر شد", "افزایش قیمت سکه، طلا و ارز در بازار", "«دارا» و «ندار»؛ درد امروز اقتصاد کشور"]
    assert all(title in html for title in card_titles)  # the cards are on the page...
    captions = real_captions("aryanews-fa-2020.html", "http://www.aryanews.com/News/120200622120908039/")
    assert captions == []  # ...and the lead image's alt only repeats the headline


def test_teaser_cards_logos_and_one_word_share_alt_are_not_captions_on_elbaladtv():
    # A WordPress (JNews) page: post cards link to other stories, og:image:alt is the bare name "يسرا".
    assert real_captions("elbaladtv-2020.html", "https://elbaladtv.net/x") == []


def test_image_description_copied_from_the_page_description_is_not_a_caption():
    # YJC's JSON-LD ImageObject `description` is the article's og:description.
    assert real_captions("yjc-fa-2020.html", "https://www.yjc.ir/fa/news/7349926/") == []


def test_figcaption_of_a_real_page_keeps_its_image():
    (caption,) = real_captions("akhbarelyom-2020.html", "https://akhbarelyom.com/news/newdetails/3126898/1/x")
    assert caption.text == "نعيمة عاكف" and caption.image_url.endswith("20201007120909561.jpg")


# -- one habit per composed page -----------------------------------------------------------------------------------


def test_figcaption_without_screen_reader_labels_and_credit_from_copyright_element():
    lead, second = captions_of("intl-bbc--gaza-hospital")
    assert lead.text.startswith("ممرضة فلسطينية") and "Image caption" not in lead.text and lead.credit == "Reuters"
    assert lead.alt == "مستشفى الشفاء"  # a two-word alt is no sentence: kept apart
    assert (second.text, second.credit) == ("", "EPA")  # a credit alone in its copyright element
    assert second.image_url.endswith("_104512346_generator.jpg")


def test_wp_caption_text_and_aria_describedby_with_agency_credit():
    featured, body = captions_of("wp-newspaper--cairo-metro")
    assert featured.text == "رئيس الوزراء خلال تفقده محطة مترو كلية البنات قبل افتتاحها"
    assert (body.text, body.credit) == ("ركاب ينتظرون أول قطار على رصيف محطة هليوبوليس", "رويترز")
    assert body.image_url.endswith("metro-station-heliopolis.jpg")


def test_related_cards_whose_img_title_is_a_headline_give_no_caption():
    texts = {normalize(c.text) for c in captions_of("wp-newspaper--cairo-metro")}
    assert normalize("بدء التشغيل التجريبي لقطار المونوريل شرق النيل") not in texts
    assert len(texts) == 2


def test_caption_class_after_the_image_wins_over_an_alt_repeating_the_title():
    (lead,) = captions_of("eg-youm7--health-minister")
    assert lead.text.startswith("الدكتورة هالة زايد")  # span.img-desc, not the alt (= headline)
    # The in-body image's Arabic alt sentence is shown nowhere: no caption (issue #25, alt alone is none);
    # the app-promotion image below the article, with a sentence for its alt, gives none either.


def test_an_alt_sentence_alone_is_no_caption_but_the_same_words_printed_under_the_image_are():
    gold = gold_of("eg-youm7--health-minister")
    html = (TESTS_DIR / gold["file"]).read_text(encoding="utf-8")
    shown = "الوزيرة تستمع إلى شكاوى المرضى في قسم الاستقبال"
    at = html.index(shown)
    end = html.index("</p>", at) + len("</p>")
    html = html[:end] + f'<p style="text-align: center;">{shown}</p>' + html[end:]  # the Youm7 habit: a centred line
    article = extract(html.encode("utf-8"), gold["url"], fetched_at=FETCHED)
    assert [c.text for c in article.captions][1:] == [shown]
    assert shown not in article.body  # the printed line is the caption, not a paragraph of the article


def test_caption_class_before_the_image_and_photographer_credit_alone():
    lead, inline = captions_of("sa-okaz--riyadh-season")
    assert (lead.text, lead.credit) == ("", "عبدالله الحربي")  # the alt sentence is not shown: the credit alone is
    assert inline.text.startswith("عروض الألعاب النارية") and inline.image_url.endswith("2041190.jpg")


def test_an_alt_label_of_a_few_words_is_no_caption():
    gold = gold_of("sa-okaz--riyadh-season")
    html = (TESTS_DIR / gold["file"]).read_text(encoding="utf-8")
    html = html.replace('alt="زوار يتجولون في منطقة بوليفارد رياض سيتي مساء أمس"', 'alt="منطقة بوليفارد رياض سيتي ليلا"')
    lead = extract(html.encode("utf-8"), gold["url"], fetched_at=FETCHED).captions[0]
    assert (lead.text, lead.credit) == ("", "عبدالله الحربي")  # the credit alone is left


def test_lightbox_data_caption_is_a_caption_but_a_link_title_is_not():
    featured, first = captions_of("wp-jannah--baghdad-book-fair")
    assert (featured.text, featured.credit) == ("زوار يتجولون بين أجنحة دور النشر في اليوم الأول للمعرض", "واع")
    assert first.text.startswith("أطفال في جناح") and first.image_url.endswith("fair-children-780x470.jpg")
    # the second slide's words are only its link's title (a tooltip): no caption


def test_img_title_attribute_is_no_caption_but_drupal_caption_filter_is():
    (inline,) = captions_of("drupal--rabat-tramway")  # the field image's title attribute is a tooltip: no caption
    assert inline.text == "عمال يضعون السكك الحديدية في شارع محمد السادس"


def test_json_ld_image_objects_matched_by_file_name_or_standing_alone():
    lead, scripted = captions_of("intl-skynews--red-sea-shipping")
    assert (lead.text, lead.credit) == ("سفينة حاويات تعبر قناة السويس باتجاه البحر الأحمر", "رويترز")
    assert lead.image_url.endswith("/800/450/1-1680012.jpg")  # the markup's copy of the JSON-LD image
    assert scripted.image_url.endswith("/1-1680020.jpg") and scripted.credit == "أرشيفية"


def test_yoast_graph_image_named_by_id_is_the_featured_caption_but_avatars_and_logos_are_not():
    captions = captions_of("wordpress--amman-water")
    assert [c.text for c in captions] == [
        "موقع محطة التحلية المقترحة على شاطئ العقبة جنوب الأردن",  # only in the @graph ImageObject
        "مسار خط الأنابيب المقترح بطول 450 كيلومترا من العقبة إلى عمّان",
    ]
    assert captions[0].image_url.endswith("/aqaba-desalination.jpg") and captions[1].credit == "بترا"


def test_og_image_alt_sentence_is_the_lead_caption_but_not_the_title_nor_the_summary_below():
    # The lead <picture> is followed by .article-desc, the page's og:description: a summary, not a caption.
    (caption,) = captions_of("levant-annahar--beirut-port")
    assert caption.text == "أهالي الضحايا يرفعون صور أبنائهم خلال الاعتصام أمام قصر العدل"
    assert caption.image_url == "https://cdn.annahar.com/ContentFilesArchive/512345Image1.jpg"


def test_amp_images_in_figures_and_carousel_slides():
    captions = captions_of("amp--aswan-festival")
    assert [c.image_url.rsplit("/", 1)[-1] for c in captions] == ["abu-simbel.jpg", "abu-simbel-crowd.jpg", "abu-simbel-dance.jpg"]


def test_captions_survive_a_page_nested_hundreds_of_levels_deep():
    gold = gold_of("intl-bbc--gaza-hospital")
    html = (TESTS_DIR / gold["file"]).read_text(encoding="utf-8")
    depth = 400  # (3000 is lost by the parser itself: the body part of issue #12)
    html = html.replace('<div class="story-body">', "<div>" * depth + '<div class="story-body">', 1)
    html = html.replace('<div id="topics"', "</div>" * depth + '<div id="topics"', 1)
    html = html.replace('<span class="media-caption__text">', '<span class="media-caption__text">' + "<span>" * 1200, 1)
    lead = extract(html.encode("utf-8"), gold["url"], fetched_at=FETCHED).captions[0]
    assert lead.text.startswith("ممرضة فلسطينية") and lead.credit == "Reuters"


def test_an_address_that_does_not_parse_costs_no_caption():
    gold = gold_of("wp-newspaper--cairo-metro")
    html = (TESTS_DIR / gold["file"]).read_text(encoding="utf-8")
    html = html.replace('href="https://www.nile-gate.example/2021/05/10/monorail-test-run/"', 'href="http://[::1/monorail"')
    html = html.replace('src="https://www.nile-gate.example/wp-content/uploads/2021/05/tickets-218x150.jpg"', 'src="http://[::1/t.jpg"')
    captions = extract(html.encode("utf-8"), gold["url"], fetched_at=FETCHED).captions
    assert [c.text for c in captions] == [w["text"] for w in gold["captions"]]


# -- rules as data ---------------------------------------------------------------------------------------------------


def test_every_caption_habit_was_seen_on_more_than_one_real_family():
    for habit in rulebook.habits("captions"):
        assert len(set(habit.seen_on) - {"sample"}) >= 2, habit.id


@pytest.mark.parametrize("name", composed_gold_names())
def test_captions_hold_with_the_pages_own_family_held_out(name):
    gold = gold_of(name)
    with rulebook.holding_out(gold["family"]):
        found = captions_of(name)
    assert [(c.text, c.credit) for c in found] == [(w["text"] or "", w["credit"]) for w in gold["captions"]]


def test_caption_habits_off_means_captions_off(monkeypatch):
    # With the figcaption and caption-class habits gone, BBC's figcaption is no caption: the data drives the code.
    from crawler.extraction import caption_rules

    real_habits = caption_rules.habits
    monkeypatch.setattr(caption_rules, "habits", lambda stem: [h for h in real_habits(stem) if h.id not in ("figure-figcaption", "caption-class")])
    lead = captions_of("intl-bbc--gaza-hospital")[0]
    assert lead.text == "" and lead.credit == "Reuters"


# -- credits -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "caption, own, text, credit",
    [
        ("المصلون في صحن المطاف بالمسجد الحرام - عكاظ", {"عكاظ"}, "المصلون في صحن المطاف بالمسجد الحرام", "عكاظ"),
        ("المصلون في صحن المطاف بالمسجد الحرام - مكة المكرمة", {"عكاظ"}, "المصلون في صحن المطاف بالمسجد الحرام - مكة المكرمة", None),
        ("فرق الدفاع المدني تنقذ سائقا علق في الوادي / شرطة عمان السلطانية", set(), "فرق الدفاع المدني تنقذ سائقا علق في الوادي", "شرطة عمان السلطانية"),
        ("نتائج الموسم 2023 / 2024", set(), "نتائج الموسم 2023 / 2024", None),
        ("صورة: أرشيف", set(), "", "أرشيف"),
    ],
)
def test_split_credit_own_name_slash_and_credit_alone(caption, own, text, credit):
    assert split_credit(caption, frozenset(normalize(n) for n in own)) == (text, credit)


@pytest.mark.parametrize(
    "element_text, credit",
    [
        ("© REUTERS / Mohamed Abd El Ghany", "REUTERS / Mohamed Abd El Ghany"),
        ("تصوير: عبدالله الحربي", "عبدالله الحربي"),
        ("(أ ف ب)", "أ ف ب"),
        ("Getty Images", "Getty Images"),
        ("جميع الحقوق محفوظة لمؤسسة عكاظ للصحافة والنشر في المملكة العربية السعودية 2022", None),
    ],
)
def test_credit_alone_in_a_copyright_element(element_text, credit):
    assert credit_alone(element_text) == credit


@pytest.mark.parametrize(
    "classes, parts",
    [
        ("ArticleImageCaption", "article-image-caption"),
        ("cnn_stryimg640caption", "cnn-stryimg-640-caption"),
        ("td-post-featured-image", "td-post-featured-image"),
    ],
)
def test_class_words_match_whole_parts_of_class_names(classes, parts):
    from lxml import etree

    from crawler.extraction.caption_rules import class_parts, words_pattern

    assert class_parts(etree.Element("div", {"class": classes})).strip() == parts
    assert not words_pattern(["cap"]).search(class_parts(etree.Element("div", {"class": "capital-news"})))


SOURCE_BY_IMAGE = """<html lang="ar"><head><meta charset="utf-8"><title>افتتاح خط الحافلات الكهربائية</title></head>
<body><div><h1>افتتاح خط الحافلات الكهربائية</h1><div>
<div>أعلنت وزارة النقل اليوم افتتاح خط جديد للحافلات الكهربائية يربط وسط المدينة بالمطار الدولي في العاصمة.</div>
<div>وقال الوزير في مؤتمر صحفي إن الخط سيخدم آلاف الركاب يوميا ويخفض الازدحام في الشوارع الرئيسية للمدينة.</div>
<div>وأضاف أن المرحلة الثانية من المشروع ستبدأ العام المقبل وتشمل الأحياء الشرقية والجنوبية للمدينة كلها.</div>
</div><div><img src="https://news.example/images/bus.jpg" alt="حافلة كهربائية"></div>
<div><span>حسام الدين مراد</span></div><div>المصدر : وكالة الأناضول</div></div></body></html>"""


def test_a_source_line_printed_by_the_image_is_a_source_not_a_photo_credit():
    article = extract(SOURCE_BY_IMAGE.encode(), "https://news.example/2024/05/01/bus.html", fetched_at=FETCHED)
    assert article.captions == []
    assert [source.name for source in article.sources] == ["وكالة الأناضول"]
