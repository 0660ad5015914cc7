"""The search index of schema 9: no stems column (a query word asks for its proclitic forms), the body as
column 0; an archive of schema 8 with data upgrades in place and finds what it found before."""
from __future__ import annotations

import sqlite3

from archive.fts import search, search_text
from archive.schema import LATEST_VERSION, MIGRATIONS
from archive.stems import light_stem
from archive.store import Archive, FetchInfo
from crawler.extraction import Article, Caption

FETCHED = "2026-11-25T06:00:00+00:00"
TEXTS = {
    1: ("والكتاب في المعرض", "صدر الكتاب الجديد بالقاهرة وعرضته المكتبات للقراء."),
    2: ("أسعار النفط", "ارتفعت أسعار النفط وللنفط أثر على الموازنة، قال وزير المالية."),
    3: ("معرض الكتاب", "افتتح معرض الكتاب الدولي أبوابه أمام الزوار صباح اليوم في القاهرة."),
}


def schema_8_archive(path) -> None:
    """An archive as the schema-8 writer left it: the five-column index (title first, a stems column)."""
    conn = sqlite3.connect(path)
    for migration in MIGRATIONS[:8]:
        conn.executescript(migration.sql)
        if migration.backfill:
            migration.backfill(conn)
    assert MIGRATIONS[8].version == 9 and "stems" in MIGRATIONS[8].description  # the step under test comes next
    conn.execute("PRAGMA user_version = 8")
    for article_id, (title, body) in TEXTS.items():
        url = f"https://news.example/a/{article_id}"
        conn.execute(
            "INSERT INTO articles (id, url, canonical_url, site, title, body, content_hash, fetched_at, version, "
            "extractor, first_seen, last_seen) VALUES (?, ?, ?, 'example', ?, ?, ?, ?, 1, 'test/1', ?, ?)",
            (article_id, url, url, title, body, f"h{article_id}", FETCHED, FETCHED, FETCHED),
        )
        text = search_text(title, None, body, [])
        stems = " ".join(s for w in f"{text.title} {text.body}".split() if (s := light_stem(w)) != w)
        conn.execute("INSERT INTO articles_fts (rowid, title, lead, body, captions, stems) VALUES (?, ?, ?, ?, ?, ?)",
                     (article_id, text.title, text.lead, text.body, text.captions, stems))
    conn.commit()
    before = {q: sorted(r[0] for r in conn.execute(
        "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?", (e,))) for q, e in OLD_EXPRESSIONS.items()}
    assert before == FOUND  # what schema 8 found, the stems column included
    conn.close()


# The schema-8 expressions of these queries: a word or its stem, anywhere (the stems column too).
OLD_EXPRESSIONS = {"كتاب": '"كتاب" OR "تاب"', "النفط": '"النفط" OR "نفط"', "قاهرة*": '"قاهره" *'}
# والكتاب and الكتاب (1), الكتاب (3); النفط and للنفط (2); بالقاهرة (1) and القاهرة (3) by their stem قاهره.
FOUND = {"كتاب": [1, 3], "النفط": [2], "قاهرة*": [1, 3]}


def test_a_schema_8_archive_upgrades_in_place_and_finds_what_it_found(tmp_path):
    path = tmp_path / "old.db"
    schema_8_archive(path)
    store = Archive(path)
    try:
        conn = store.conn
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION >= 9
        columns = [row[1] for row in conn.execute("PRAGMA table_info(articles_fts)")]
        assert columns == ["body", "title", "lead", "captions"]
        assert {query: sorted(h.article_id for h in search(conn, query)) for query in FOUND} == FOUND
        hits = search(conn, "كتاب")
        assert [h.rank for h in hits] == sorted(h.rank for h in hits) and hits[0].rank < 0  # bm25, best first
        assert "[النفط]" in search(conn, "النفط")[0].snippet  # snippets still cut from the published text
        conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
        # The migrated rows can be replaced: a new version unindexes exactly what was indexed.
        store.add_version(2, Article(url="https://news.example/a/2", title="أسعار الذهب", body="تراجع الذهب اليوم.",
                                     captions=[Caption("سبائك")], extractor="test/1"), "h4",
                          FetchInfo(site="example", run_id=None, fetched_at=FETCHED))
        store.commit()
        assert search(conn, "النفط") == [] and [h.article_id for h in search(conn, "بالذهب")] == [2]
        conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
        # The exact-duplicate lookup reads the hash-prefix index that replaced (site, content_hash).
        assert store.same_text("example", "h3") == 3 and store.same_text("other", "h3") is None
        plan = conn.execute("EXPLAIN QUERY PLAN SELECT id FROM articles WHERE substr(content_hash, 1, 12) = "
                            "substr('h3', 1, 12) AND +content_hash = 'h3' AND +site = 'example'").fetchall()
        assert "idx_articles_hash_prefix" in plan[0][3]
        assert conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'idx_articles_site_hash'").fetchone() is None
    finally:
        store.close()
    with sqlite3.connect(path) as conn:  # the migration's VACUUM turned on incremental vacuuming
        assert conn.execute("PRAGMA auto_vacuum").fetchone()[0] == 2


def test_closing_an_archive_gives_its_free_pages_back(tmp_path):
    path = tmp_path / "new.db"
    store = Archive(path)
    fetch = FetchInfo(site="example", run_id=None, fetched_at=FETCHED)
    for key in range(8):  # a batch each: FTS5 merges the small segments, whose pages it frees
        body = " ".join(f"كلمة{key}x{i}" for i in range(3000))  # words of its own: a segment of many pages
        article = Article(url=f"https://news.example/a/{key}", title="النفط", body=body, extractor="test/1")
        store.insert_article(article, article.url, f"h{key}", fetch)
        store.commit()
    freed = store.conn.execute("PRAGMA freelist_count").fetchone()[0]
    store.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA auto_vacuum").fetchone()[0] == 2
        assert conn.execute("PRAGMA freelist_count").fetchone()[0] == 0
        assert conn.execute("PRAGMA page_count").fetchone()[0] * conn.execute("PRAGMA page_size").fetchone()[0] \
            == path.stat().st_size
    assert freed > 0  # there was something to give back
