"""One copy of the text: the current text only in `articles`, superseded texts in `article_versions`,
a contentless search index, snippets in the published words, and archives of the previous schema (4) upgraded in place."""
from __future__ import annotations

import sqlite3

import pytest

from archive.fts import search, search_text
from archive.schema import LATEST_VERSION, MIGRATIONS
from archive.snippets import snippet
from archive.stems import light_stem
from archive.store import PAGE_SIZE, Archive, FetchInfo
from crawler.extraction import Article, Caption

FETCHED = "2026-11-25T06:00:00+00:00"
EDITED = "2026-11-26T06:00:00+00:00"
BODY_1 = "قالت الحكومةُ إن إسرائيل أغلقت المعبر صباح اليوم.\n\nوأضاف المتحدث أن المدرسة القريبة أُخليت."
BODY_2 = BODY_1 + "\n\nتحديث: أعيد فتح المعبر مساءً بعد وساطة مصرية."
OTHER = "ارتفعت أسعار الذهب في الأسواق العالمية مع تراجع الدولار."


def fetch(at: str = FETCHED) -> FetchInfo:
    return FetchInfo(site="example", run_id=None, fetched_at=at)


def article(url: str, body: str, title: str = "إغلاق المعبر") -> Article:
    return Article(url=url, title=title, body=body, captions=[Caption("طلاب أمام مدرسةٍ مغلقة")], extractor="test/1")


def previous_schema_archive(path) -> None:
    """An archive as the schema-4 writer left it: every version (the current one too) in article_versions,
    the normalised text stored in the FTS table's own content."""
    conn = sqlite3.connect(path)
    for migration in MIGRATIONS[:4]:
        conn.executescript(migration.sql)
    assert MIGRATIONS[4].description.startswith("one copy of the text")  # the step under test comes next
    conn.execute("PRAGMA user_version = 4")
    rows = [
        (1, "https://news.example/a/1", [("إغلاق المعبر", BODY_1, "h1"), ("إعادة فتح المعبر", BODY_2, "h2")]),
        (2, "https://news.example/a/2", [("أسعار الذهب", OTHER, "h3")]),
    ]
    for article_id, url, versions in rows:
        title, body, content_hash = versions[-1]
        conn.execute(
            "INSERT INTO articles (id, url, canonical_url, site, title, body, content_hash, fetched_at, version, "
            "extractor, first_seen, last_seen) VALUES (?, ?, ?, 'example', ?, ?, ?, ?, ?, 'test/1', ?, ?)",
            (article_id, url, url, title, body, content_hash, EDITED, len(versions), FETCHED, EDITED),
        )
        conn.execute("INSERT INTO captions (article_id, text) VALUES (?, 'طلاب أمام مدرسةٍ مغلقة')", (article_id,))
        for number, (v_title, v_body, v_hash) in enumerate(versions, start=1):
            conn.execute(
                "INSERT INTO article_versions (article_id, version, fetched_at, title, body, content_hash, extractor) "
                "VALUES (?, ?, ?, ?, ?, ?, 'test/1')",
                (article_id, number, FETCHED if number == 1 else EDITED, v_title, v_body, v_hash),
            )
        text = search_text(title, None, body, ["طلاب أمام مدرسةٍ مغلقة"])
        stems = " ".join(s for w in f"{text.title} {text.body} {text.captions}".split() if (s := light_stem(w)) != w)
        conn.execute(
            "INSERT INTO articles_fts (rowid, title, lead, body, captions, stems) VALUES (?, ?, ?, ?, ?, ?)",
            (article_id, text.title, text.lead, text.body, text.captions, stems),
        )
    conn.commit()
    conn.close()


def occurrences(path, text: str) -> int:
    return path.read_bytes().count(text.encode("utf-8"))


def test_an_archive_of_the_previous_schema_upgrades_in_place_and_keeps_every_text(tmp_path):
    path = tmp_path / "old.db"
    previous_schema_archive(path)
    store = Archive(path)
    try:
        conn = store.conn
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION >= 5
        assert conn.execute("SELECT article_id, version, body FROM article_versions").fetchall() == [(1, 1, BODY_1)]
        history = conn.execute("SELECT article_id, version, body, current FROM article_history ORDER BY 1, 2").fetchall()
        assert history == [(1, 1, BODY_1, 0), (1, 2, BODY_2, 1), (2, 1, OTHER, 1)]
        assert conn.execute("SELECT body FROM articles_fts").fetchall() == [(None,), (None,)]  # no text in the index
        assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'articles_fts_content'").fetchone() is None
        hits = search(conn, "اسرائيل")
        assert [h.article_id for h in hits] == [1]
        assert "[إسرائيل]" in hits[0].snippet  # the published spelling, not the normalised index form
        assert sorted(h.article_id for h in search(conn, "مدرسة")) == [1, 2]  # captions still indexed

        # The migrated index rows can be replaced: a new version unindexes exactly what was indexed.
        store.add_version(2, article("https://news.example/a/2", "تراجعت أسعار النفط بعد قرار أوبك."), "h4",
                          fetch(EDITED))
        store.commit()
        assert search(conn, "الذهب") == [] and [h.article_id for h in search(conn, "أوبك")] == [2]
        conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
    finally:
        store.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA freelist_count").fetchone()[0] == 0  # VACUUM gave the freed pages back
        assert conn.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE  # and packed rows in larger pages
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert occurrences(path, "وساطة مصرية") == 1  # BODY_2 is stored once (it was in three places)


def test_the_current_text_is_stored_once_and_the_replaced_one_moves_to_versions(tmp_path):
    path = tmp_path / "a.db"
    store = Archive(path)
    article_id = store.insert_article(article("https://news.example/a/1", BODY_1), "https://news.example/a/1", "h1",
                                      fetch())
    store.commit()
    assert store.conn.execute("SELECT COUNT(*) FROM article_versions").fetchone()[0] == 0
    assert store.add_version(article_id, article("https://news.example/a/1", BODY_2), "h2", fetch(EDITED)) == 2
    store.close()
    assert occurrences(path, "وساطة مصرية") == 1  # only in articles.body
    assert occurrences(path, "أُخليت") == 2  # version 1 in article_versions, version 2 in articles
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version, fetched_at, body FROM article_versions").fetchall() == [
            (1, FETCHED, BODY_1)]
        assert [h.article_id for h in search(conn, "وساطة")] == [article_id]


def test_reextraction_replaces_the_index_row_of_the_current_text(tmp_path):
    store = Archive(tmp_path / "a.db")
    try:
        article_id = store.insert_article(article("https://news.example/a/1", BODY_1), "u1", "h1", fetch())
        store.replace_extraction(article_id, article("https://news.example/a/1", OTHER, title="أسعار"), "h3")
        store.commit()
        assert search(store.conn, "المعبر") == []
        assert [h.article_id for h in search(store.conn, "الذهب")] == [article_id]
        assert store.conn.execute("SELECT COUNT(*) FROM article_versions").fetchone()[0] == 0
        store.conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
    finally:
        store.close()


@pytest.mark.parametrize(("query", "expected"), [
    ("الحكومة", "[الحكومةُ]"),  # taa marbuta and tashkeel as published
    ("اسرائيل", "[إسرائيل]"),  # hamza as published
    ("مدرسه", "[مدرسةٍ]"),
    ("المعبر", "[المعبر]"),
    ("معبر", "[المعبر]"),  # a light stem matches the word with its article
    ("والمدرسة", "[المدرسة]"),
])
def test_snippets_show_the_matched_words_as_published(query, expected):
    text = snippet(query, ["طلاب أمام مدرسةٍ مغلقة" if "مدرس" in query and "ال" not in query else BODY_1])
    assert expected in text


def test_snippets_are_windows_of_published_text_with_ellipses():
    words = " ".join(f"كلمة{i}" for i in range(40))
    text = snippet("هدف", [f"{words} هدف {words}"], words=6)
    assert text.startswith("… ") and text.endswith(" …") and "[هدف]" in text
    assert len(text.split()) == 8  # six words and two ellipses
    assert snippet("غائب", ["نص بلا تطابق"]) == "نص بلا تطابق"  # no match: the opening words


def test_the_upgrade_works_while_a_reader_holds_the_archive_open(tmp_path):
    path = tmp_path / "old.db"
    previous_schema_archive(path)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
    reader = sqlite3.connect(path)
    reader.execute("BEGIN")
    assert reader.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 2  # an open read transaction
    store = Archive(path)
    try:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
        assert [h.article_id for h in search(store.conn, "اسرائيل")] == [1]
        assert reader.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 2  # its snapshot still reads
    finally:
        reader.close()  # before close(): its checkpoint waits for readers
        store.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT COUNT(*) FROM article_history").fetchone()[0] == 3
