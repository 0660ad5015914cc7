"""The archive read as news in a real headless Chromium: the article page, lists as lists, and the charts.

Each page is also saved as a screenshot (`--screenshots DIR` or $ARCHIVE_SCREENSHOTS, else a tmp dir).
"""
from __future__ import annotations

import os
import re
import subprocess
import urllib.parse
from pathlib import Path

import pytest

from archive.readonly import open_readonly
from archive.report import write_report
from archive.store import Archive, FetchInfo
from crawler.extraction import Article, Caption, Source
from tests.reader.test_browse import CHROMIUM, CHROMIUM_FLAGS, PNG_MAGIC, get, running_datasette

TITLE = "وزير الخارجية يلتقي نظيره المصري في القاهرة"
LEAD = "بحث الوزيران سبل إنهاء الحرب وفتح المعابر أمام المساعدات."
BODY = ("التقى وزير الخارجية نظيره المصري في القاهرة صباح اليوم.\n\n"
        "وقال في مؤتمر صحفي إن المحادثات تناولت ملف المعابر والمساعدات الإنسانية.\n\n"
        "وأضاف أن الجانبين اتفقا على مواصلة التنسيق خلال الأيام المقبلة.")
EDITED_BODY = BODY + "\n\nوفي وقت لاحق أعلنت الوزارة موعد الجولة المقبلة من المحادثات."
CAPTIONS = [
    Caption("الوزيران خلال المؤتمر الصحفي في القاهرة", "رويترز", "https://images.news.example/2024/05/ministers.jpg",
            "The two ministers at the press conference"),
    Caption("شاحنات المساعدات عند معبر رفح", "غيتي", "https://images.news.example/2024/05/trucks.jpg"),
]
SOURCES = [Source("الجزيرة", "Al Jazeera"), Source("رويترز", "Reuters")]
AUTHORS = ["وليد السقا", "منى الشاذلي"]
TAGS = ["مصر", "معبر رفح"]
# Caption fill-rate of four aljazeera runs: the last one is a silent layout change.
CAPTION_RATES = [1.0, 1.0, 0.95, 0.2]


def news(n: int, day: str, **fields) -> Article:
    defaults = dict(title=f"خبر رقم {n}", body=f"نص الخبر رقم {n} عن الأحداث في المنطقة.", section="أخبار",
                    published=f"{day}T10:00:00+03:00", date_source="meta", date_precision="day",
                    captions=[Caption(f"صورة الخبر {n}", "أ ف ب")], sources=[Source("الجزيرة", "Al Jazeera")],
                    authors=["محرر الموقع"], extractor="test/1")
    return Article(url=f"https://news.example/a/{n}", **{**defaults, **fields})


def build_archive(path: Path) -> int:
    """Two sites over a week, four runs with a caption-rate drop, and one article edited once; returns its id."""
    store = Archive(path)
    runs = [store.start_run("news") for _ in CAPTION_RATES]
    main = news(1, "2024-05-01", title=TITLE, lead=LEAD, body=BODY, captions=CAPTIONS, sources=SOURCES,
                authors=AUTHORS, tags=TAGS, section="سياسة", date_source="json-ld", date_precision="day",
                published="2024-05-01T09:00:00+03:00", updated="2024-05-01T13:30:00+03:00",
                images=[c.image_url for c in CAPTIONS])
    fetch = FetchInfo(site="aljazeera", run_id=runs[0], fetched_at="2024-05-01T07:00:00+00:00")
    main_id = store.insert_article(main, main.url, "hash-1", fetch)
    edited = Article(**{**main.__dict__, "body": EDITED_BODY})
    store.add_version(main_id, edited, "hash-2", FetchInfo(site="aljazeera", run_id=runs[1],
                                                            fetched_at="2024-05-02T07:00:00+00:00"))
    for n, (site, day) in enumerate([("aljazeera", "2024-05-02"), ("aljazeera", "2024-05-03"),
                                      ("bbc_arabic", "2024-05-03"), ("bbc_arabic", "2024-05-05"),
                                      ("aljazeera", "2024-05-07")], start=2):
        store.insert_article(news(n, day), f"https://news.example/a/{n}", f"hash-{n + 1}",
                             FetchInfo(site=site, run_id=runs[-1], fetched_at=f"{day}T08:00:00+00:00"))
    for run, captions in zip(runs, CAPTION_RATES):
        rates = {"body": 1.0, "date": 1.0, "captions": captions, "sources": 0.9, "authors": 0.5}
        store.record_site_run(run, "aljazeera", 20, 10, {"pages": 20}, rates, [] if captions > 0.5 else ["captions fell"])
        store.record_site_run(run, "bbc_arabic", 10, 5, {"pages": 10}, {**rates, "captions": 0.8}, [])
        store.finish_run(run, {"new": 10}, "finished")
    store.close()
    return main_id


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("reader")
    db = tmp / "archive.db"
    article_id = build_archive(db)
    with running_datasette(db, tmp) as base:
        yield {"base": base, "db_url": f"{base}/archive", "id": article_id, "db": db, "tmp": tmp}


def need_chromium() -> None:
    """Skip without Chromium on a developer's machine, as test_browse does; CI (.ci/run) installs it and
    sets ARCHIVE_REQUIRE_BROWSER=1, so there a missing browser fails instead of skipping."""
    if CHROMIUM.exists():
        return
    message = "/usr/bin/chromium is not installed: run archive/datasette/install_browser.sh"
    if os.environ.get("ARCHIVE_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


def chromium(site, *args: str) -> subprocess.CompletedProcess:
    need_chromium()
    profile = site["tmp"] / "chromium-profile"
    return subprocess.run([str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=60, env={"HOME": str(site["tmp"]), "PATH": "/usr/bin:/bin"})


def dom(site, url: str) -> str:
    result = chromium(site, "--virtual-time-budget=5000", "--dump-dom", url)
    assert "<body" in result.stdout, result.stderr[-2000:]
    return result.stdout


def screenshot(site, url: str, path: Path, size: str = "1280,1600") -> bytes:
    result = chromium(site, f"--window-size={size}", f"--screenshot={path}", url)
    assert path.is_file(), result.stderr[-2000:]
    data = path.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 20_000  # a rendered page, not a blank one
    return data


def no_remote_assets(page: str) -> None:
    """Nothing the page loads comes from outside this server: no <img>, scripts and styles are local."""
    assert "<img" not in page
    for attribute in re.findall(r'<(?:script|link)[^>]*\b(?:src|href)="([^"]+)"', page):
        assert not re.match(r"(https?:)?//", attribute) or attribute.startswith("http://127.0.0.1"), attribute


def article_url(site) -> str:
    return f"{site['db_url']}/-/article/{site['id']}"


def test_article_page_reads_like_news_right_to_left(site, screenshot_dir):
    page = dom(site, article_url(site))
    article = page[page.index('<article class="archive-article"'):page.index("</article>")]
    assert 'dir="rtl"' in article.split(">", 1)[0] and 'lang="ar"' in article.split(">", 1)[0]
    # Title, lead, each caption with its credit, body, sources: in the order a reader expects.
    order = [TITLE, LEAD, CAPTIONS[0].text, CAPTIONS[0].credit, CAPTIONS[1].text, CAPTIONS[1].credit,
             "التقى وزير الخارجية", "موعد الجولة المقبلة", "المصادر", "Reuters"]
    positions = [article.find(text) for text in order]
    assert -1 not in positions, dict(zip(order, positions))
    assert positions == sorted(positions), dict(zip(order, positions))
    for caption in CAPTIONS:  # each image's URL is a link, and no image is fetched
        assert f'<a href="{caption.image_url}" rel="noreferrer">{caption.image_url}</a>' in article
    assert f"<li>{AUTHORS[0]}</li><li>{AUTHORS[1]}</li>" in article and "[&quot;" not in article
    assert "source: json-ld · precision: day" in article
    assert article.count('class="archive-body"') == 1 and article.count("<p>") >= 4
    no_remote_assets(page)
    screenshot(site, article_url(site), screenshot_dir / "article.png")


def test_article_page_lists_its_versions_and_events(site):
    page = dom(site, article_url(site))
    record = page[page.index('<section class="archive-record"'):]
    assert "Versions (2)" in record and "Events (1)" in record
    versions = re.findall(r"<tr><td[^>]*>(\d+)</td><td[^>]*>(2024-05-0\dT[\d:+]+)</td>", record)
    assert versions == [("2", "2024-05-02T07:00:00+00:00"), ("1", "2024-05-01T07:00:00+00:00")]
    assert "changed" in record and "version 2" in record


def test_missing_article_is_a_404(site):
    assert get(f"{site['db_url']}/-/article/999999")[0] == 404
    assert get(f"{site['base']}/nosuchdb/-/article/1")[0] == 404


def test_articles_table_shows_lists_as_lists_and_links_titles(site, screenshot_dir):
    url = f"{site['db_url']}/articles?" + urllib.parse.urlencode({"id": site["id"]})
    page = dom(site, url)
    row = page[page.index("<tbody>"):page.index("</tbody>")]
    assert f"<li>{AUTHORS[0]}</li>" in row and f"<li>{TAGS[1]}</li>" in row
    assert "[&quot;" not in row and '["' not in row  # no JSON strings
    assert f'href="/archive/-/article/{site["id"]}">{TITLE}</a>' in row
    row_page = dom(site, f"{site['db_url']}/articles/{site['id']}")
    assert f"<li>{AUTHORS[1]}</li>" in row_page and "[&quot;" not in row_page
    screenshot(site, f"{site['db_url']}/articles/{site['id']}", screenshot_dir / "article-row.png", size="1280,1400")


def test_charts_page_draws_articles_per_day_and_fill_rates_run_by_run(site, screenshot_dir):
    url = f"{site['db_url']}/-/charts"
    page = dom(site, url)
    no_remote_assets(page)
    per_day = page[page.index('id="articles-per-day"'):page.index("</section>")]
    bars = re.findall(r"<title>(\w+) (2024-05-\d\d): (\d+)</title>", per_day)
    assert sorted(bars) == [("aljazeera", "2024-05-01", "1"), ("aljazeera", "2024-05-02", "1"),
                            ("aljazeera", "2024-05-03", "1"), ("aljazeera", "2024-05-07", "1"),
                            ("bbc_arabic", "2024-05-03", "1"), ("bbc_arabic", "2024-05-05", "1")]
    rates = page[page.index('id="fill-rates-aljazeera"'):]
    captions = re.findall(r"<title>captions #\d+ [\d-]+: (\d+)%</title>", rates.split("</section>")[0])
    assert captions == [f"{rate:.0%}"[:-1] for rate in CAPTION_RATES]  # the drop is there to see
    assert 'id="fill-rates-bbc_arabic"' in page
    screenshot(site, url, screenshot_dir / "charts.png", size="1100,1100")


def test_index_links_to_the_charts(site):
    status, page = get(site["base"] + "/archive")
    assert status == 200 and 'href="/archive/-/charts"' in page


def test_static_report_has_html_svg_and_png_charts(site, tmp_path, screenshot_dir):
    conn = open_readonly(site["db"])
    try:
        report = write_report(conn, tmp_path / "report", days=10, source="archive.db")
    finally:
        conn.close()
    html = report.html.read_text(encoding="utf-8")
    assert html.count("<svg") == 3  # per day, and one fill-rate chart per site
    assert "captions #4" in html and "http" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert sorted(p.name for p in report.charts) == ["articles-per-day.svg", "fill-rates-aljazeera.svg",
                                                    "fill-rates-bbc_arabic.svg"]
    need_chromium()
    assert sorted(p.name for p in report.pictures) == [p.with_suffix(".png").name for p in sorted(report.charts)]
    for picture in report.pictures:
        assert picture.read_bytes().startswith(PNG_MAGIC)
        (screenshot_dir / f"report-{picture.name}").write_bytes(picture.read_bytes())
