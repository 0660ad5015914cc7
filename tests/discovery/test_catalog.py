"""The site catalog: every entry is well-formed and its URL patterns tell articles from listings.

Real sites cannot be reached from here: the example URLs below follow each site's public URL
scheme (slugs and ids are made up), and the saved pages in tests/fixtures/pages pin the
entries marked `verified = "saved-page"` to URLs the sites really served.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest

from crawler.discovery.catalog import CatalogError, load_catalog

from tests.conftest import REAL_PAGES
CATALOG = load_catalog()
REAL_SITES = {name: site for name, site in CATALOG.items() if not site.is_local}

# One article URL per site, in the shape the site uses (made-up slug/id where not from a saved page).
EXAMPLE_ARTICLES = {
    "aljazeera": "https://www.aljazeera.net/news/2024/3/15/%D8%A7%D9%84%D8%AD%D8%B1%D8%A8-%D8%B9%D9%84%D9%89-%D8%BA%D8%B2%D8%A9",
    "bbc_arabic": "https://www.bbc.com/arabic/articles/c4n0x5z7l2yo",
    "alarabiya": "https://www.alarabiya.net/arab-and-world/2024/03/15/some-story-slug",
    "skynewsarabia": "https://www.skynewsarabia.com/middle-east/1712345-%D8%B9%D9%86%D9%88%D8%A7%D9%86",
    "france24_ar": "https://www.france24.com/ar/%D8%A7%D9%84%D8%B4%D8%B1%D9%82-%D8%A7%D9%84%D8%A3%D9%88%D8%B3%D8%B7/20240315-%D8%B9%D9%86%D9%88%D8%A7%D9%86",
    "rt_arabic": "https://arabic.rt.com/middle_east/1567890-%D8%B9%D9%86%D9%88%D8%A7%D9%86/",
    "cnn_arabic": "https://arabic.cnn.com/middle-east/article/2024/03/15/some-story-slug",
    "aawsat": "https://aawsat.com/%D8%A7%D9%84%D8%B9%D8%A7%D9%84%D9%85-%D8%A7%D9%84%D8%B9%D8%B1%D8%A8%D9%8A/%D8%A7%D9%84%D9%85%D8%B4%D8%B1%D9%82-%D8%A7%D9%84%D8%B9%D8%B1%D8%A8%D9%8A/4912345-%D8%B9%D9%86%D9%88%D8%A7%D9%86",
    "independentarabia": "https://www.independentarabia.com/node/571234/%D8%A7%D9%84%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1/%D8%B9%D9%86%D9%88%D8%A7%D9%86",
    "anadolu_ar": "https://www.aa.com.tr/ar/%D8%A7%D9%84%D8%AF%D9%88%D9%84-%D8%A7%D9%84%D8%B9%D8%B1%D8%A8%D9%8A%D8%A9/%D8%B9%D9%86%D9%88%D8%A7%D9%86/3160123",
    "dw_arabic": "https://www.dw.com/ar/%D8%B9%D9%86%D9%88%D8%A7%D9%86-%D8%A7%D9%84%D8%AE%D8%A8%D8%B1/a-68512345",
    "euronews_ar": "https://arabic.euronews.com/2024/03/15/some-story-slug",
    "youm7": "https://www.youm7.com/story/2024/3/15/%D8%B9%D9%86%D9%88%D8%A7%D9%86-%D8%A7%D9%84%D8%AE%D8%A8%D8%B1/6512345",
    "hespress": "https://www.hespress.com/%D8%B9%D9%86%D9%88%D8%A7%D9%86-%D8%A7%D9%84%D8%AE%D8%A8%D8%B1-1334567.html",
    "alquds": "https://www.alquds.co.uk/%D8%B9%D9%86%D9%88%D8%A7%D9%86-%D8%A7%D9%84%D8%AE%D8%A8%D8%B1-%D8%A7%D9%84%D9%8A%D9%88%D9%85/",
    "masrawy": "https://www.masrawy.com/news/news_egypt/details/2024/3/15/2567890/%D8%B9%D9%86%D9%88%D8%A7%D9%86",
    "annahar": "https://www.annahar.com/arabic/news/arab-world/15032024123456",
    "akhbarelyom": "https://akhbarelyom.com/news/newdetails/3126903/1/%D8%B5%D9%88%D8%B1",
    "elbaladtv": "https://elbaladtv.net/%d9%85%d8%b5%d8%b1-%d8%aa%d9%83%d8%b3%d8%b1-%d8%ad%d8%a7%d8%ac%d8%b2/",
    "elbalad": "https://www.elbalad.news/6123456",
}

# One section (listing) URL per site: must not be taken for an article.
EXAMPLE_SECTIONS = {
    "aljazeera": "https://www.aljazeera.net/news/",
    "bbc_arabic": "https://www.bbc.com/arabic/topics/c719d2ely7xt",
    "alarabiya": "https://www.alarabiya.net/arab-and-world",
    "skynewsarabia": "https://www.skynewsarabia.com/middle-east",
    "france24_ar": "https://www.france24.com/ar/%D8%A7%D9%84%D8%B4%D8%B1%D9%82-%D8%A7%D9%84%D8%A3%D9%88%D8%B3%D8%B7/",
    "rt_arabic": "https://arabic.rt.com/middle_east/",
    "cnn_arabic": "https://arabic.cnn.com/middle-east",
    "aawsat": "https://aawsat.com/%D8%A7%D9%84%D8%B9%D8%A7%D9%84%D9%85-%D8%A7%D9%84%D8%B9%D8%B1%D8%A8%D9%8A",
    "independentarabia": "https://www.independentarabia.com/%D8%A7%D9%84%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1",
    "anadolu_ar": "https://www.aa.com.tr/ar/%D8%A7%D9%84%D8%AF%D9%88%D9%84-%D8%A7%D9%84%D8%B9%D8%B1%D8%A8%D9%8A%D8%A9",
    "dw_arabic": "https://www.dw.com/ar/%D8%B3%D9%8A%D8%A7%D8%B3%D8%A9/s-9106",
    "euronews_ar": "https://arabic.euronews.com/news/international",
    "youm7": "https://www.youm7.com/Section/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1-%D8%B9%D8%A7%D8%AC%D9%84%D8%A9/65/1",
    "hespress": "https://www.hespress.com/politique",
    "alquds": "https://www.alquds.co.uk/category/%D8%B3%D9%8A%D8%A7%D8%B3%D8%A9-%D8%B9%D8%B1%D8%A8%D9%8A%D8%A9-%D8%AF%D9%88%D9%84%D9%8A%D8%A9/",
    "masrawy": "https://www.masrawy.com/news/news_egypt",
    "annahar": "https://www.annahar.com/arabic/news",
    "akhbarelyom": "https://akhbarelyom.com/news/newssection/1/1/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1-%D9%85%D8%B5%D8%B1",
    "elbaladtv": "https://elbaladtv.net/category/%d9%85%d9%86%d9%88%d8%b9%d8%a7%d8%aa/",
    "elbalad": "https://www.elbalad.news/category/2",
}

# Saved page -> catalog entry. URLs come from the README table and from the page's rel=canonical.
DEV_PAGE_SITES = {
    "cnn-arabic-2013.html": "cnn_arabic",
    "akhbarelyom-2020.html": "akhbarelyom",
    "elbaladtv-2020.html": "elbaladtv",
}

REQUIRED_SITES = {
    "aljazeera", "bbc_arabic", "alarabiya", "skynewsarabia", "france24_ar", "rt_arabic", "cnn_arabic",
    "aawsat", "independentarabia", "anadolu_ar", "dw_arabic", "euronews_ar", "youm7", "hespress",
    "alquds", "masrawy", "annahar", "akhbarelyom", "elbaladtv",
}  # fmt: skip


def catalog_urls(site) -> list[str]:
    return site.sitemaps + site.feeds + site.start_urls


def homepage(site) -> str:
    return site.start_urls[0] if urlsplit(site.start_urls[0]).path in ("", "/") else f"https://www.{site.domains[0]}/"


def test_catalog_covers_the_required_sites_and_has_examples_for_each():
    assert REQUIRED_SITES <= set(REAL_SITES)
    assert set(EXAMPLE_ARTICLES) == set(REAL_SITES) == set(EXAMPLE_SECTIONS)


@pytest.mark.parametrize("name", sorted(REAL_SITES))
def test_entry_urls_are_https_and_on_the_sites_domains(name):
    site = REAL_SITES[name]
    assert catalog_urls(site), "needs discovery URLs"
    for url in catalog_urls(site):
        assert urlsplit(url).scheme == "https", url
        assert site.owns(url), f"{url} is not under {site.domains}"


@pytest.mark.parametrize("name", sorted(REAL_SITES))
def test_entry_is_honest_about_how_it_was_checked(name):
    site = REAL_SITES[name]
    assert site.verified in {"saved-page", "documented"}
    assert site.notes.strip()
    assert site.language == "ar"
    assert site.listing_pattern, "every real site gets a listing pattern for its sections"


@pytest.mark.parametrize("name", sorted(REAL_SITES))
def test_article_pattern_accepts_an_article_and_rejects_home_and_section(name):
    site = REAL_SITES[name]
    article, section = EXAMPLE_ARTICLES[name], EXAMPLE_SECTIONS[name]
    assert site.owns(article) and site.is_article_url(article)
    assert site.is_article_url(article + "?utm_source=rss"), "a tracking query must not hide an article"
    assert not site.is_article_url(section)
    assert not site.is_article_url(homepage(site))
    assert site.is_listing_url(section), "sections are followed for links"


@pytest.mark.parametrize("name", sorted(REAL_SITES))
def test_patterns_stay_on_the_site(name):
    site = REAL_SITES[name]
    article = EXAMPLE_ARTICLES[name]
    host = urlsplit(article).hostname
    assert not site.is_article_url(article.replace(host, "example.org", 1))
    assert not site.is_article_url(article.replace(host, host + ".evil.org", 1))


def saved_page_urls(filename: str) -> list[str]:
    """The README's URL for a saved page (when it is not just the homepage) and the page's rel=canonical."""
    readme = (REAL_PAGES / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith(f"| {filename} "))
    urls = [u for u in re.findall(r"https?://[^\s|)]+", row) if urlsplit(u).path not in ("", "/")]
    root = lxml.html.fromstring((REAL_PAGES / filename).read_bytes())
    urls += [c.strip() for c in root.xpath("//link[@rel='canonical']/@href")]
    return urls


@pytest.mark.parametrize("filename", sorted(DEV_PAGE_SITES))
def test_saved_dev_pages_match_their_sites_article_pattern(filename):
    site = CATALOG[DEV_PAGE_SITES[filename]]
    urls = saved_page_urls(filename)
    assert urls
    for url in urls:
        assert site.is_article_url(url), url
    assert site.verified == "saved-page"


@pytest.mark.parametrize(
    ("filename", "articles", "non_articles"),
    [
        # Links on the saved pages, by the path shapes a reader sees: stories vs. navigation.
        ("akhbarelyom-2020.html", ["/news/newdetails/"], ["/news/newssection/", "/Tags/", "/Galleries/", "/Editors/", "/Home/", "/amp"]),
        ("elbaladtv-2020.html", [], ["/category/", "/programs/", "/author/", "/wp-content/", "?p=", "/feed/"]),
        ("cnn-arabic-2013.html", ["/index.html"], ["/rss/", "/video/", "/privacy.html", ".css"]),
    ],
)
def test_links_on_saved_pages_are_classified_like_a_reader_would(filename, articles, non_articles):
    site = CATALOG[DEV_PAGE_SITES[filename]]
    base = saved_page_urls(filename)[-1]
    root = lxml.html.fromstring((REAL_PAGES / filename).read_bytes())
    links = {urljoin(base, h.strip()) for h in root.xpath("//a/@href | //link/@href")}
    links = {u for u in links if site.owns(u)}
    for url in links:
        if any(marker in url for marker in non_articles):
            assert not site.is_article_url(url), url
        elif any(marker in url for marker in articles):
            assert site.is_article_url(url), url
    taken = [u for u in links if site.is_article_url(u)]
    assert len(taken) >= 3, "the saved page links to other stories of its site"


def test_elbaladtv_saved_page_story_links_are_articles():
    # WordPress root slugs: every same-site link with a 3+ word root slug is a story.
    site = CATALOG["elbaladtv"]
    root = lxml.html.fromstring((REAL_PAGES / "elbaladtv-2020.html").read_bytes())
    stories = {h for h in root.xpath("//a/@href") if re.fullmatch(r"https://elbaladtv\.net/(%[0-9a-f]{2}|-)+/", h)}
    stories = {h for h in stories if h.count("-") >= 2}
    assert len(stories) >= 5
    assert all(site.is_article_url(u) for u in stories)


# -- bad entries --------------------------------------------------------


def write_catalog(tmp_path: Path, entry: str) -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(f"[sites.broken_site]\n{entry}\n", encoding="utf-8")
    return path


GOOD = "start_urls = ['https://example.org/']\n"


@pytest.mark.parametrize(
    "entry",
    [
        pytest.param("article_pattern = '/\\d+$'\n" + GOOD, id="missing-domains"),
        pytest.param("domains = []\narticle_pattern = '/\\d+$'\n" + GOOD, id="empty-domains"),
        pytest.param("domains = ['example.org']\narticle_pattern = '/(\\d+$'\n" + GOOD, id="bad-regex"),
        pytest.param("domains = ['example.org']\narticle_pattern = '/\\d+$'\nlisting_pattern = '['\n" + GOOD, id="bad-listing-regex"),
        pytest.param("domains = ['example.org']\narticle_pattern = '/\\d+$'\nexample_url = 'x'\n" + GOOD, id="unknown-key"),
        pytest.param("domains = ['example.org']\narticle_pattern = '/\\d+$'\n" + GOOD + "[sites.broken_site.hints]\nbody = '//div'\n", id="unknown-hint"),
        pytest.param("domains = ['example.org']\narticle_pattern = '/\\d+$'\n", id="no-discovery-urls"),
    ],
)
def test_bad_entry_raises_catalog_error_naming_the_site(tmp_path, entry):
    with pytest.raises(CatalogError, match="broken_site"):
        load_catalog(write_catalog(tmp_path, entry))


def test_well_formed_entry_loads(tmp_path):
    # The same file shape as the failing cases above, valid: the failures come from the defects.
    site = load_catalog(write_catalog(tmp_path, "domains = ['example.org']\narticle_pattern = '/\\d+$'\n" + GOOD))["broken_site"]
    assert site.is_article_url("https://example.org/123")


# -- extraction of the saved pages with their entries' hints ----------------------------
# Hints exist only where the generic extractor needs them. These tests pin that the saved pages
# extract cleanly with their catalog entry as it is (no hints): if one fails after an extractor
# change, the fix is in the extractor or, for a site-specific layout, a hint in sites.toml.

SAVED_PAGE_GOLD = {
    # page: (title, body must include, body must exclude)
    "cnn-arabic-2013.html": (
        "معارضون يسيطرون على مخازن للصواريخ بريف دمشق",
        ["أكدت جهات سورية معارضة أن فصائل مسلحة", "تدير المناطق التي يقطنها الأكراد في سوريا بشكل مستقل"],
        ["ترحب شبكة CNN بالنقاش", "الآراء الواردة أدناه", "القبض على شاب تحرش بطفلة", "الأكثر تصفحا", "CNNArabic.com"],
    ),
    "akhbarelyom-2020.html": (
        "36 عامًا.. سر رحيل نعيمة عاكف في سن مبكر",
        ["حصلت على لقب أحسن راقصة في العالم", "بعد رحلة مع مرض سرطان الأمعاء"],
        ["بوابة أخبار اليوم الإلكترونية", "أخبار الحوادث"],
    ),
    "elbaladtv-2020.html": (
        "تركى آل الشيخ بعد إصابة يسرا بكورونا: يارب يرفع عنك",
        ["إلا أن يسرا لم تثبت أو تنفي الأمر", "وإخراج سامح عبد العزيز"],
        ["قناة صدى البلد", "خلاصة التعليقات"],
    ),
}


@pytest.mark.parametrize("filename", sorted(SAVED_PAGE_GOLD))
def test_saved_pages_extract_cleanly_with_their_catalog_hints(filename):
    from crawler.extraction import extract

    site = CATALOG[DEV_PAGE_SITES[filename]]
    title, includes, excludes = SAVED_PAGE_GOLD[filename]
    article = extract((REAL_PAGES / filename).read_bytes(), saved_page_urls(filename)[-1], hints=site.hints)
    assert article.title == title
    for text in includes:
        assert text in article.body, text
    for text in excludes:
        assert text not in article.body, text
