"""Arabic full-text search: a contentless FTS5 index over the *normalised* text of each article.

Stored text keeps its tashkeel and letter forms; the index holds the postings of
`crawler.arabic.normalize` of it (and no copy of any text: `content=''`), and
queries are normalised the same way, so `اسرائيل` finds `إسرائيل` and `الجـزيرة`
finds `الجزيرة`. A fifth column holds light stems (leading conjunctions,
prepositions and the article stripped) so `الجزيرة` also finds `والجزيرة` and
`بالجزيرة`. Snippets are cut from the published text (`archive.snippets`).

A contentless index forgets a row only when told the exact values it indexed, so
`unindex_article` recomputes them from the stored text: changing `normalize` or
`light_stem` therefore needs a migration that rebuilds the index (`rebuild_fts`).
"""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from functools import lru_cache

from archive.snippets import snippet
from crawler.arabic import normalize, tokens
from crawler.errors import UsageError

PROCLITICS = ("وال", "فال", "بال", "كال", "لل", "ال", "و", "ف", "ب", "ل", "ك")
MIN_STEM = 3


@lru_cache(maxsize=1 << 16)  # a news vocabulary repeats: most tokens of a page were stemmed before
def light_stem(token: str) -> str:
    """Strip one leading proclitic group when enough of the word remains."""
    for prefix in PROCLITICS:
        if token.startswith(prefix) and len(token) - len(prefix) >= MIN_STEM:
            return token[len(prefix):]
    return token


def stems_of(*texts: str | None) -> str:
    """The light stems that differ from their word (a word that is its own stem is indexed once, as itself)."""
    return stems_of_normalized(*(normalize(text) for text in texts if text))


WORD = re.compile(r"\w+")  # the tokens of `crawler.arabic.tokens`, taken from text normalised already


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


@dataclass
class SearchHit:
    article_id: int
    url: str
    site: str
    title: str | None
    published: str | None
    snippet: str
    rank: float


def match_expression(query: str) -> str:
    """Turn a user query into a safe FTS5 expression: every word must match, as written or by its light stem
    (a document word equal to the stem, or whose own stem, in the `stems` column, is equal to it)."""
    terms = [part for token in tokens(query) for part in token.split("_") if part]  # `_` separates FTS5 tokens
    if not terms:
        raise UsageError("empty search query")
    parts = []
    for term in terms:
        stem = light_stem(term)
        parts.append(f'("{term}" OR "{stem}")' if stem != term else f'"{term}"')
    return " AND ".join(parts)


def search(
    conn: sqlite3.Connection,
    query: str,
    *,
    site: str | None = None,
    since: str | None = None,
    limit: int = 20,
) -> list[SearchHit]:
    """Ranked hits (best first), each with a snippet of its published text around the matched words."""
    params: list[object] = [match_expression(query)]
    if site or since:
        sql = f"""
            SELECT a.id, bm25(articles_fts, {BM25_WEIGHTS}) AS rank
            FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
            WHERE articles_fts MATCH ?
        """
        if site:
            sql += " AND a.site = ?"
            params.append(site)
        if since:
            sql += " AND COALESCE(a.published, a.fetched_at) >= ?"
            params.append(since)
    else:  # the index alone: no lookup into `articles` for every matching row, only for the hits
        sql = f"SELECT rowid, bm25(articles_fts, {BM25_WEIGHTS}) AS rank FROM articles_fts WHERE articles_fts MATCH ?"
    sql += " ORDER BY rank LIMIT ?"
    params.append(limit)
    hits = []
    # Ranked ids first, texts only for the hits: reading every matching body would cost far more.
    for article_id, rank in conn.execute(sql, params).fetchall():
        url, hit_site, title, published, lead, body = conn.execute(
            "SELECT url, site, title, published, lead, body FROM articles WHERE id = ?", (article_id,)).fetchone()
        captions = [c for (c,) in conn.execute("SELECT text FROM captions WHERE article_id = ? ORDER BY id", (article_id,))]
        text = snippet(query, [body, lead, title, *captions])
        hits.append(SearchHit(article_id, url, hit_site, title, published, text, rank))
    return hits
