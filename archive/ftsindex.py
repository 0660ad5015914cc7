"""The full-text index's rows: what `articles_fts` holds for an article, and its writes.

The index is contentless (`content=''`: postings only, no copy of any text) over the *normalised*
text of each article (`crawler.text.arabic.normalize`); a fifth column holds the light stems that
differ from their word (`archive.stems`), so a query's stem finds its proclitic forms.

A contentless index forgets a row only when told the exact values it indexed, so
`unindex_article` recomputes them from the stored text: changing `normalize` or
`light_stem` therefore needs a migration that rebuilds the index (`rebuild_fts`).
Searching it is `archive.fts`.
"""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from archive.stems import light_stem
from crawler.text.arabic import normalize


def stems_of(*texts: str | None) -> str:
    """The light stems that differ from their word (a word that is its own stem is indexed once, as itself)."""
    return stems_of_normalized(*(normalize(text) for text in texts if text))


WORD = re.compile(r"\w+")  # the tokens of `crawler.text.arabic.tokens`, taken from text normalised already


def stems_of_normalized(*texts: str) -> str:
    """`stems_of` for texts that went through `normalize` (it is not run twice over a body)."""
    words = (word for text in texts for word in WORD.findall(text))
    return " ".join(stem for word in words if (stem := light_stem(word)) != word)


@dataclass(frozen=True)
class SearchText:
    """The normalised columns of one article's index row (computable in an extraction worker)."""

    title: str
    lead: str
    body: str
    captions: str
    stems: str


def search_text(title: str | None, lead: str | None, body: str, captions: list[str]) -> SearchText:
    columns = (normalize(title or ""), normalize(lead or ""), normalize(body), normalize("\n".join(captions)))
    return SearchText(*columns, stems_of_normalized(*columns))


FTS_COLUMNS = "title, lead, body, captions, stems"
BM25_WEIGHTS = "10.0, 4.0, 1.0, 2.0, 0.5"  # title, lead, body, captions, stems


def index_article(conn: sqlite3.Connection, article_id: int, text: SearchText) -> None:
    """Add the index row of a new article (call inside the writing transaction)."""
    conn.execute(
        f"INSERT INTO articles_fts (rowid, {FTS_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
        (article_id, text.title, text.lead, text.body, text.captions, text.stems),
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
        f"INSERT INTO articles_fts (articles_fts, rowid, {FTS_COLUMNS}) VALUES ('delete', ?, ?, ?, ?, ?, ?)",
        (article_id, text.title, text.lead, text.body, text.captions, text.stems),
    )


def index_all_articles(conn: sqlite3.Connection) -> None:
    """Index every article into an empty index (the migrations that create one)."""
    for (article_id,) in conn.execute("SELECT id FROM articles ORDER BY id").fetchall():
        index_article(conn, article_id, stored_search_text(conn, article_id))


def rebuild_fts(conn: sqlite3.Connection) -> None:
    """Empty the index and index every article again (after a change of normalisation rules)."""
    conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('delete-all')")
    index_all_articles(conn)
