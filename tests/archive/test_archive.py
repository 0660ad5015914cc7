"""The archive on a real SQLite file: migrations, idempotent writes, versions, search, readers, the lock."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

import pytest

from archive.fts import search
from archive.readonly import open_readonly
from archive.schema import LATEST_VERSION, MIGRATIONS
from archive.store import Archive, FetchInfo
from crawler.errors import ArchiveTooNew
from crawler.extraction import Article, Caption, Source
from archive.recall import load_known
from crawler.run.lock import ArchiveBusy, ArchiveLock

BODY = (
    "أعلن النظام السوري أن قواته كثفت عملياتها ضد تنظيم الدولة الإسلامية بمدينة الميادين بريف دير الزور.\n\n"
    "وقال مراسل الجزيرة إن ريف إدلب الجنوبي شهد غارات جوية روسية وسورية خلال الليلة الماضية."
)


def make_article(url: str = "https://news.example/a/1", body: str = BODY, title: str = "تقدم للنظام بدير الزور") -> Article:
    return Article(
        url=url,
        title=title,
        body=body,
        captions=[Caption("حركة نزوح واسعة من دير الزور (غيتي)", "غيتي", "https://news.example/i.jpg", "Syrians displaced")],
        sources=[Source("الجزيرة", "Al Jazeera"), Source("وكالات", "agencies")],
        authors=["محمد العلي"],
        published="2017-10-03T10:00:00+00:00",
        extractor="test/1",
    )


def fetch(run_id: int | None = None) -> FetchInfo:
    return FetchInfo(site="example", run_id=run_id, fetched_at="2026-11-25T06:00:00+00:00")


@pytest.fixture
def archive(tmp_path):
    store = Archive(tmp_path / "a.db")
    yield store
    store.close()


def test_insert_is_idempotent_and_keeps_children(archive):
    article = make_article()
    first = archive.insert_article(article, article.url, "h1", fetch())
    again = archive.insert_article(article, article.url, "h1", fetch())
    archive.commit()
    assert first is not None and again is None
    conn = archive.conn
    assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 1
    assert conn.execute("SELECT credit FROM captions").fetchall() == [("غيتي",)]
    assert [r[0] for r in conn.execute("SELECT canonical FROM sources ORDER BY id")] == ["Al Jazeera", "agencies"]
    assert conn.execute("SELECT cluster_id FROM articles").fetchone()[0] == first


def test_new_version_keeps_the_previous_text(archive):
    article = make_article()
    article_id = archive.insert_article(article, article.url, "h1", fetch())
    edited = make_article(body=BODY + "\n\nفقرة أضيفت بعد النشر.")
    assert archive.add_version(article_id, edited, "h2", fetch()) == 2
    archive.commit()
    versions = archive.conn.execute(
        "SELECT version, content_hash FROM article_history WHERE article_id = ? ORDER BY version", (article_id,)
    ).fetchall()
    assert versions == [(1, "h1"), (2, "h2")]
    superseded = archive.conn.execute("SELECT version, body FROM article_versions").fetchall()
    assert superseded == [(1, BODY)]  # only the replaced text is kept beside the current row
    assert archive.conn.execute("SELECT kind FROM events").fetchall() == [("changed",)]
    assert "فقرة أضيفت" in archive.conn.execute("SELECT body FROM articles").fetchone()[0]


def test_alias_urls_resolve_to_the_article(archive):
    article = make_article()
    article_id = archive.insert_article(article, article.url, "h1", fetch())
    archive.add_alias("https://news.example/amp/a/1", article_id, "amp", "2026-11-25")
    state = archive.article_state("https://news.example/amp/a/1")
    assert state is not None and state.id == article_id
    known = archive.known_articles(["example"])
    assert len(known) == 2 and known.get("example", "https://news.example/amp/a/1").id == article_id


def test_a_run_asks_the_archive_for_its_known_urls_as_they_were_when_it_started(archive, tmp_path):
    first = make_article()
    first_id = archive.insert_article(first, first.url, "h1", fetch())
    archive.add_alias("https://news.example/amp/a/1", first_id, "amp", "2026-11-25")
    archive.commit()
    known = load_known(archive.path, ["example"])
    try:
        assert known.get("example", first.url).id == first_id
        assert known.get("example", "https://news.example/amp/a/1").id == first_id
        assert known.get("other", first.url) is None  # per site, as the crawl asks
        later = make_article("https://news.example/a/2", body=BODY + " خبر آخر")
        later_id = archive.insert_article(later, later.url, "h2", fetch())
        archive.add_alias("https://news.example/amp/a/0", first_id, "amp", "2026-11-26")
        archive.commit()
        # Archived by this run: not known (the run's own bookkeeping deduplicates it), as before the view.
        assert later_id and known.get("example", later.url) is None
        assert known.get("example", "https://news.example/amp/a/0") is None
        assert len(known) == 2 and known.by_site == {}  # nothing held per URL in memory
    finally:
        known.close()


@pytest.mark.parametrize(
    "query",
    ["اسرائيل", "إسرائيل", "الجـزيرة", "الجزيرة", "مُحَمَّد", "دير الزور", "٢٠١٧"],
)
def test_search_finds_arabic_spelling_variants(archive, query):
    article = make_article(
        body="قال مُحمّد إن إسرائيل ردت على بيان والجزيرة نقلت الخبر من دير الزور عام 2017.\n\nفقرة أخرى هنا."
    )
    archive.insert_article(article, article.url, "h1", fetch())
    other = make_article(url="https://news.example/a/2", body="نص مختلف تماما عن الاقتصاد والأسواق المالية.", title="أسواق")
    other.captions = []
    archive.insert_article(other, other.url, "h2", fetch())
    archive.commit()
    hits = search(archive.conn, query)
    assert [h.url for h in hits] == ["https://news.example/a/1"]


def test_search_rejects_an_empty_query(archive):
    with pytest.raises(ValueError):
        search(archive.conn, "  ؟ ")


def test_an_archive_of_schema_version_1_upgrades_in_place(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0].sql)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO articles (url, canonical_url, site, title, body, content_hash, fetched_at) "
        "VALUES ('u', 'u', 's', 'الجزيرة', 'نص الخبر عن إسرائيل', 'h', '2020-01-01T00:00:00+00:00')"
    )
    conn.commit()
    conn.close()
    store = Archive(path)
    try:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
        row = store.conn.execute("SELECT version, first_seen, status FROM articles").fetchone()
        assert row == (1, "2020-01-01T00:00:00+00:00", "live")
        assert store.conn.execute("SELECT COUNT(*) FROM article_versions").fetchone()[0] == 0  # no superseded text
        assert store.conn.execute("SELECT version, body FROM article_history").fetchall() == [(1, "نص الخبر عن إسرائيل")]
        assert [h.url for h in search(store.conn, "اسرائيل")] == ["u"]
        applied = [r[0] for r in store.conn.execute("SELECT version FROM schema_migrations ORDER BY version")]
        assert applied == list(range(2, LATEST_VERSION + 1))
    finally:
        store.close()


def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()
    with pytest.raises(ArchiveTooNew, match="newer"):
        Archive(path)


def test_a_reader_process_reads_while_a_write_transaction_is_open(tmp_path):
    path = tmp_path / "a.db"
    store = Archive(path)
    committed = make_article()
    store.insert_article(committed, committed.url, "h1", fetch())
    store.commit()
    pending = make_article(url="https://news.example/a/2", body="خبر لم يحفظ بعد")
    store.insert_article(pending, pending.url, "h2", fetch())  # the batch stays open: the write lock is held
    reader = textwrap.dedent(
        f"""
        from archive.readonly import open_readonly
        conn = open_readonly({str(path)!r})
        conn.execute("PRAGMA busy_timeout = 0")  # fail at once instead of waiting, if we were ever blocked
        print(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
        """
    )
    result = subprocess.run([sys.executable, "-c", reader], capture_output=True, text=True, timeout=60)
    store.close()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"


def test_readonly_connection_cannot_write_or_create(tmp_path):
    with pytest.raises(FileNotFoundError):
        open_readonly(tmp_path / "missing.db")
    Archive(tmp_path / "a.db").close()
    conn = open_readonly(tmp_path / "a.db")
    with pytest.raises(sqlite3.OperationalError):
        conn.execute("DELETE FROM articles")


def test_the_lock_refuses_a_second_holder(tmp_path):
    with ArchiveLock(tmp_path / "a.db"):
        with pytest.raises(ArchiveBusy, match="another crawl"):
            ArchiveLock(tmp_path / "a.db").acquire()
    with ArchiveLock(tmp_path / "a.db"):  # released on exit
        pass
