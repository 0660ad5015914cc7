"""The full-text index's rows: what `articles_fts` holds for an article, and its writes.

The index is contentless (`content=''`: postings only, no copy of any text) over the *normalised*
text of each article (`crawler.text.arabic.normalize`). Words are indexed as written: a query word
finds its proclitic forms (`والكتاب` for `كتاب`) because the query asks for them (`archive.fts`,
`archive.stems.proclitic_forms`), not because the index holds a stem of every word (it did until
schema 9: a fifth of the archive).

A contentless index forgets a row only when told the exact values it indexed, so
`unindex_article` recomputes them from the stored text: changing `normalize` or
`light_stem` therefore needs a migration that rebuilds the index (`rebuild_fts`).
Searching it is `archive.fts`.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from crawler.text.arabic import normalize


@dataclass(frozen=True)
class SearchText:
    """The normalised columns of one article's index row (computable in an extraction worker)."""

    title: str
    lead: str
    body: str
    captions: str


def search_text(title: str | None, lead: str | None, body: str, captions: list[str]) -> SearchText:
    return SearchText(normalize(title or ""), normalize(lead or ""), normalize(body), normalize("\n".join(captions)))


# The body first: FTS5 writes a two-byte column marker before the positions of every posting outside
# column 0, and most postings are the body's (a third of the index was these markers with the title first).
FTS_COLUMNS = "body, title, lead, captions"
BM25_WEIGHTS = "1.0, 10.0, 4.0, 2.0"  # body, title, lead, captions
ROW = "?, ?, ?, ?, ?"  # rowid and the columns


def index_values(article_id: int, text: SearchText) -> tuple:
    return article_id, text.body, text.title, text.lead, text.captions


def index_article(conn: sqlite3.Connection, article_id: int, text: SearchText) -> None:
    """Add the index row of a new article (call inside the writing transaction)."""
    conn.execute(
        f"INSERT INTO articles_fts (rowid, {FTS_COLUMNS}) VALUES ({ROW})", index_values(article_id, text),
    )


def stored_search_text(conn: sqlite3.Connection, article_id: int) -> SearchText | None:
    """The index row of an archived article, recomputed from its stored text and captions."""
    row = conn.execute("SELECT title, lead, body FROM articles WHERE id = ?", (article_id,)).fetchone()
    if row is None:
        return None
    captions = [c for (c,) in conn.execute("SELECT text FROM captions WHERE article_id = ? ORDER BY id", (article_id,))]
    return search_text(*row, captions)


def unindex_article(conn: sqlite3.Connection, article_id: int, text: SearchText | None = None) -> None:
    """Remove an article's index row; call before its stored text or captions change. `text`: that row,
    when the caller computed it from the stored text already."""
    if text is None:
        text = stored_search_text(conn, article_id)
    if text is None:
        return
    conn.execute(
        f"INSERT INTO articles_fts (articles_fts, rowid, {FTS_COLUMNS}) VALUES ('delete', {ROW})",
        index_values(article_id, text),
    )


def index_all_articles(conn: sqlite3.Connection) -> None:
    """Index every article into an empty index (the migrations that create one)."""
    for (article_id,) in conn.execute("SELECT id FROM articles ORDER BY id").fetchall():
        index_article(conn, article_id, stored_search_text(conn, article_id))


def rebuild_fts(conn: sqlite3.Connection) -> None:
    """Empty the index and index every article again (after a change of normalisation rules)."""
    conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('delete-all')")
    index_all_articles(conn)
