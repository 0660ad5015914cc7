"""A compact archive: schema 6 stores near-duplicate signatures as 16-bit values (archives of schema 5, 32-bit
values, upgrade in place with a reader open), and a batch of articles becomes one search-index segment."""
from __future__ import annotations

import sqlite3

from archive.schema import LATEST_VERSION, MIGRATIONS
from archive.store import Archive, FetchInfo
from crawler.extraction import Article, Caption, Source
from crawler.text.identity import shingles
from crawler.text.neardup import FULL_SIGNATURE_DTYPE, NearDupIndex
from tests.text.test_neardup import AGENCY_BODY, SAME_TOPIC_BODY, SYNDICATED_BODY

FETCHED = "2026-11-25T06:00:00+00:00"
BODIES = {1: AGENCY_BODY, 2: SAME_TOPIC_BODY}


def full_signature(body: str) -> bytes:
    """The 32-bit signature a schema-5 crawler stored for `body`."""
    index = NearDupIndex()
    minhash = index._new_minhash()
    minhash.update_batch([s.encode("utf-8") for s in shingles(body, index.shingle_size)])
    return minhash.hashvalues.astype(FULL_SIGNATURE_DTYPE).tobytes()


def schema_5_archive(path) -> None:
    conn = sqlite3.connect(path)
    for migration in MIGRATIONS[:5]:
        conn.executescript(migration.sql)
    assert MIGRATIONS[5].version == 6 and "16 bits" in MIGRATIONS[5].description  # the step under test comes next
    conn.execute("PRAGMA user_version = 5")
    conn.execute("PRAGMA journal_mode = WAL")
    for article_id, body in BODIES.items():
        url = f"https://news.example/a/{article_id}"
        conn.execute(
            "INSERT INTO articles (id, url, canonical_url, site, body, content_hash, fetched_at, first_seen, last_seen)"
            " VALUES (?, ?, ?, 'example', ?, ?, ?, ?, ?)", (article_id, url, url, body, f"h{article_id}", FETCHED, FETCHED, FETCHED))
        conn.execute("INSERT INTO signatures (article_id, minhash) VALUES (?, ?)", (article_id, full_signature(body)))
    conn.commit()
    conn.close()


def test_a_schema_5_archive_upgrades_with_a_reader_open_to_the_signatures_computed_now(tmp_path):
    path = tmp_path / "old.db"
    schema_5_archive(path)
    reader = sqlite3.connect(path)
    reader.execute("BEGIN")
    assert [len(m) for (m,) in reader.execute("SELECT minhash FROM signatures")] == [512, 512]  # an open snapshot
    store = Archive(path)
    try:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION >= 6
        signer = NearDupIndex()
        stored = dict(store.iter_signatures())
        assert stored == {key: signer.signature(body) for key, body in BODIES.items()}
        index = NearDupIndex()
        index.load(store.iter_signatures())
        assert index.query(index.signature(SYNDICATED_BODY)) == [1]  # old articles still catch new copies
        assert [len(m) for (m,) in reader.execute("SELECT minhash FROM signatures")] == [512, 512]  # still its snapshot
        reader.rollback()
        assert [len(m) for (m,) in reader.execute("SELECT minhash FROM signatures")] == [256, 256]
        # The rebuilt table keeps its constraints: a second signature for an article replaces the first.
        store.conn.execute("INSERT OR REPLACE INTO signatures (article_id, minhash) VALUES (1, ?)", (stored[2],))
        assert store.conn.execute("SELECT COUNT(*) FROM signatures").fetchone()[0] == 2
        store.commit()
    finally:
        reader.close()
        store.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'signatures'").fetchone()[0]
        assert "REFERENCES articles(id) ON DELETE CASCADE" in sql and "signatures_16" not in sql


def test_a_new_archive_stores_256_byte_signatures_and_deletes_them_with_their_article(tmp_path):
    store = Archive(tmp_path / "new.db")
    try:
        signature = NearDupIndex().signature(AGENCY_BODY)
        article = Article(url="https://news.example/a/1", title="عنوان", body=AGENCY_BODY)
        article_id = store.insert_article(article, article.url, "h1", FetchInfo("example", None, FETCHED),
                                          signature=signature)
        store.commit()
        assert list(store.iter_signatures()) == [(article_id, signature)] and len(signature) == 256
        store.conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))
        assert list(store.iter_signatures()) == []  # ON DELETE CASCADE survived the table's rebuild
    finally:
        store.close()


def test_a_batch_of_articles_is_written_to_the_search_index_as_one_segment(tmp_path):
    """Nothing inside a batch may open a savepoint: FTS5 writes its pending terms out at each one, and an
    index segment per article costs merges that grow with the archive."""
    store = Archive(tmp_path / "batch.db", batch_size=1000)
    try:
        for key in range(30):
            article = Article(url=f"https://news.example/a/{key}", title=f"عنوان {key}", body=f"{SAME_TOPIC_BODY} {key}",
                              captions=[Caption(f"صورة رقم {key}")], sources=[Source("رويترز", "Reuters")])
            store.insert_article(article, article.url, f"h{key}", FetchInfo("example", None, FETCHED))
        store.commit()
        # FTS5 numbers its page rows segment id << 37 | height << 31 | page (id 10 holds the structure).
        segments = store.conn.execute("SELECT COUNT(DISTINCT id >> 37) FROM articles_fts_data WHERE id > 10").fetchone()[0]
        assert segments == 1
    finally:
        store.close()
