"""Offline re-extraction from WARC files: changed rules update articles, captions and search; no network."""
from __future__ import annotations

import socket
import sqlite3
from datetime import datetime

import lxml.html
import pytest

from archive.fts import search
from archive.reextract import reextract
from archive.store import Archive, FetchInfo
from archive.warc import WarcWriter
from crawler.discovery.catalog import load_catalog
from crawler.extraction import Article, Caption, ExtractionHints, NotAnArticle, Source
from crawler.extraction.decoding import decode_html
from crawler.text.identity import content_hash
from crawler.items import FetchedPage
from tests.conftest import REAL_PAGES

FETCHED_AT = "2026-11-25T10:30:00+00:00"

PAGES = {
    "/news/quds": ("القدس", "قوات الاحتلال تقتحم المسجد الأقصى", "مصلون في باحات المسجد الأقصى", "utf-8"),
    "/news/gaza": ("غزة", "قصف جديد على مخيم جباليا", None, "cp1256"),
    "/news/beirut": ("بيروت", "انقطاع الكهرباء عن أحياء بيروت", None, "utf-8"),
}


def html_of(city: str, sentence: str, caption: str | None) -> str:
    figure = f'<figure><img src="/img/{city}.jpg"><figcaption>{caption}</figcaption></figure>' if caption else ""
    return (
        f"<html><head><title>{sentence}</title></head><body><article><h1>{sentence}</h1>{figure}"
        f"<p>{city} - {sentence} صباح اليوم بحسب مراسل الجزيرة.</p><p>وأضاف المراسل أن الوضع متوتر.</p>"
        "</article></body></html>"
    )


def simple_extract(html: bytes, url: str, *, fetched_at=None, content_type=None, hints=None, version="1") -> Article:
    """A tiny stand-in extractor honouring `remove_xpaths`, so these tests need only lxml."""
    tree = lxml.html.fromstring(decode_html(html, content_type))
    for xpath in hints.remove_xpaths if hints else []:
        for element in tree.xpath(xpath):
            element.drop_tree()
    paragraphs = [p.text_content().strip() for p in tree.xpath("//article//p")]
    if not paragraphs:
        raise NotAnArticle("no paragraphs")
    captions = [
        Caption(text=f.findtext("figcaption"), image_url=f.find("img").get("src")) for f in tree.xpath("//figure")
    ]
    return Article(
        url=url, title=tree.findtext(".//h1"), body="\n\n".join(paragraphs), captions=captions,
        sources=[Source("الجزيرة", "Al Jazeera")], authors=["مراسل الجزيرة"], tags=["أخبار"],
        published=fetched_at.isoformat(), language="ar", extractor=f"simple {version}",
    )


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network is not allowed during re-extraction")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", 9))


@pytest.fixture
def archive_db(tmp_path):
    """An archive of the three PAGES, extracted by `simple_extract`, their responses in WARC files."""
    db = tmp_path / "archive.db"
    archive = Archive(db)
    ids = {}
    with WarcWriter(tmp_path / "warc", run_id=1) as writer:
        for path, (city, sentence, caption, charset) in PAGES.items():
            content_type = f"text/html; charset={'windows-1256' if charset == 'cp1256' else charset}"
            page = FetchedPage(
                url=f"http://127.0.0.1:8000{path}", site="sample", status=200,
                body=html_of(city, sentence, caption).encode(charset), content_type=content_type,
                fetched_at=FETCHED_AT, response_headers={"Content-Type": content_type},
            )
            ref = writer.write_page(page)
            article = simple_extract(page.body, page.url, fetched_at=datetime.fromisoformat(FETCHED_AT),
                                     content_type=content_type)
            fetch = FetchInfo(site="sample", run_id=None, fetched_at=FETCHED_AT,
                              warc_file=ref.file, warc_offset=ref.offset)
            ids[path] = archive.insert_article(article, page.url, content_hash(article.title, article.body), fetch)
    archive.close()
    return db, ids


def row(db, article_id: int, columns: str = "title, body, content_hash, extractor") -> tuple:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT {columns} FROM articles WHERE id = ?", (article_id,)).fetchone()


def hits(db, query: str) -> set[int]:
    with sqlite3.connect(db) as conn:
        return {hit.article_id for hit in search(conn, query)}


def test_changed_rules_update_articles_captions_and_search_offline(archive_db, no_network):
    db, ids = archive_db
    quds, gaza, beirut = ids["/news/quds"], ids["/news/gaza"], ids["/news/beirut"]
    assert hits(db, "مصلون") == {quds}  # the caption is searchable before
    hash_before = row(db, quds)[2]

    def new_rules(html, url, **kwargs):  # version 2: drop figures (hints) and mark Gaza titles
        article = simple_extract(html, url, **kwargs, version="2")
        if url.endswith("/gaza"):
            article.title = f"{article.title} - تحديث"
        return article

    hints = {"sample": ExtractionHints(remove_xpaths=["//figure"])}
    result = reextract(db, hints_by_site=hints, extract_fn=new_rules)

    assert (result.seen, result.changed, result.unchanged, result.failed) == (3, 2, 1, 0)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM captions WHERE article_id = ?", (quds,)).fetchone()[0] == 0
        version_row = conn.execute(
            "SELECT title, extractor FROM article_history WHERE article_id = ? AND current", (gaza,)).fetchone()
        assert conn.execute("SELECT COUNT(*) FROM sources WHERE article_id = ?", (quds,)).fetchone()[0] == 1
    assert hits(db, "مصلون") == set()  # caption gone from the index too
    assert row(db, quds)[2] == hash_before  # the body did not change, so neither did its hash
    assert row(db, gaza)[0] == "قصف جديد على مخيم جباليا - تحديث"  # decoded from windows-1256
    assert version_row == ("قصف جديد على مخيم جباليا - تحديث", "simple 2")
    assert hits(db, "تحديث") == {gaza}
    assert row(db, beirut)[3] == "simple 1"  # unchanged rows keep the extractor that produced them

    again = reextract(db, hints_by_site=hints, extract_fn=new_rules)
    assert (again.changed, again.unchanged) == (0, 3)


def test_body_change_moves_content_hash(archive_db, no_network):
    db, ids = archive_db
    beirut = ids["/news/beirut"]
    before = row(db, beirut)
    hints = {"sample": ExtractionHints(remove_xpaths=["//p[2]"])}  # drop the second paragraph
    result = reextract(db, hints_by_site=hints, extract_fn=simple_extract)
    after = row(db, beirut)
    assert result.changed == 3
    assert "متوتر" in before[1] and "متوتر" not in after[1]
    assert after[2] == content_hash(after[0], after[1]) != before[2]
    assert hits(db, "متوتر") == set()


def test_missing_warc_and_non_articles_are_skipped_without_losing_data(archive_db, tmp_path, no_network):
    db, ids = archive_db
    quds = ids["/news/quds"]
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE articles SET warc_file = 'warc/gone.warc.gz' WHERE id = ?", (quds,))
    before = {article_id: row(db, article_id) for article_id in ids.values()}

    def refuse_gaza(html, url, **kwargs):
        if url.endswith("/gaza"):
            raise NotAnArticle("looks like a listing")
        return simple_extract(html, url, **kwargs)

    result = reextract(db, hints_by_site={}, extract_fn=refuse_gaza)

    assert (result.seen, result.failed, result.unchanged) == (3, 2, 1)
    reasons = dict(result.failures)
    assert "missing WARC file" in reasons[quds]
    assert "listing" in reasons[ids["/news/gaza"]]
    assert {article_id: row(db, article_id) for article_id in ids.values()} == before
    assert hits(db, "مصلون") == {quds}


def test_site_filter_and_progress(archive_db, no_network):
    db, _ = archive_db
    seen = []
    result = reextract(db, site="other", hints_by_site={}, extract_fn=simple_extract, progress=seen.append)
    assert result.seen == 0 and seen == []
    result = reextract(db, site="sample", hints_by_site={}, extract_fn=simple_extract,
                       progress=lambda r: seen.append(r.seen))
    assert result.seen == 3 and seen == [1, 2, 3]


def test_missing_archive_is_not_created(tmp_path):
    with pytest.raises(FileNotFoundError):
        reextract(tmp_path / "none.db", hints_by_site={}, extract_fn=simple_extract)
    assert not (tmp_path / "none.db").exists()


def test_default_extractor_on_a_real_page(tmp_path, no_network):
    extraction = pytest.importorskip("crawler.extraction")
    html = (REAL_PAGES / "akhbarelyom-2020.html").read_bytes()
    url = "https://akhbarelyom.com/news/newdetails/3126898/1/x"
    db = tmp_path / "archive.db"
    with WarcWriter(tmp_path / "warc") as writer:
        ref = writer.write_page(FetchedPage(url=url, site="akhbarelyom", status=200, body=html,
                                            content_type="text/html", fetched_at=FETCHED_AT))
    archive = Archive(db)
    stale = Article(url=url, title="عنوان قديم", body="نص قديم")
    article_id = archive.insert_article(stale, url, content_hash(stale.title, stale.body), FetchInfo(
        site="akhbarelyom", run_id=None, fetched_at=FETCHED_AT, warc_file=ref.file, warc_offset=ref.offset))
    archive.close()

    result = reextract(db)  # the real extractor with the bundled catalog's hints for the site

    hints = load_catalog()["akhbarelyom"].hints
    expected = extraction.extract(html, url, fetched_at=datetime.fromisoformat(FETCHED_AT),
                                  content_type="text/html", hints=hints)
    assert (result.changed, result.failed) == (1, 0)
    assert row(db, article_id) == (expected.title, expected.body, content_hash(expected.title, expected.body),
                                   expected.extractor)


def remove_figures(html: bytes, url: str, **kwargs) -> Article:
    """Module level, so worker processes can unpickle it: the simple extractor without captions."""
    article = simple_extract(html, url, **kwargs, version="2")
    article.captions = []
    return article


def archive_state(db) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT id, title, body, content_hash, extractor FROM articles ORDER BY id").fetchall()
        captions = conn.execute("SELECT article_id, text FROM captions ORDER BY id").fetchall()
    return rows + captions


def test_the_process_pool_gives_the_rows_of_inline_reextraction(archive_db, tmp_path, no_network):
    db, ids = archive_db
    copy = tmp_path / "copy.db"  # beside the original: the same WARC references resolve
    with sqlite3.connect(db) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    seen = []
    pooled = reextract(db, hints_by_site={}, extract_fn=remove_figures, workers=2,
                       progress=lambda r: seen.append(r.seen))
    inline = reextract(copy, hints_by_site={}, extract_fn=remove_figures, workers=1)
    assert (pooled.seen, pooled.changed, pooled.unchanged) == (inline.seen, inline.changed, inline.unchanged) == (3, 1, 2)
    assert seen == [1, 2, 3]  # progress after each article, in order
    assert archive_state(db) == archive_state(copy)
    assert hits(db, "مصلون") == set()


def test_since_selects_articles_fetched_from_that_date(archive_db, no_network):
    db, ids = archive_db
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE articles SET fetched_at = '2026-12-01T00:00:00+00:00' WHERE id = ?", (ids["/news/gaza"],))
    result = reextract(db, since="2026-11-30", hints_by_site={}, extract_fn=remove_figures)
    assert (result.seen, result.changed) == (1, 1)
    assert row(db, ids["/news/gaza"])[3] == "simple 2" and row(db, ids["/news/quds"])[3] == "simple 1"
