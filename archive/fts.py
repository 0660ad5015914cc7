"""Arabic full-text search: an FTS5 index over the *normalised* text of each article.

Stored text keeps its tashkeel and letter forms; the index holds
`crawler.arabic.normalize` of it, and queries are normalised the same way, so
`اسرائيل` finds `إسرائيل` and `الجـزيرة` finds `الجزيرة`. A fifth column holds
light stems (leading conjunctions, prepositions and the article stripped) so
`الجزيرة` also finds `والجزيرة` and `بالجزيرة`.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from crawler.arabic import normalize, tokens
from crawler.errors import UsageError

PROCLITICS = ("وال", "فال", "بال", "كال", "لل", "ال", "و", "ف", "ب", "ل", "ك")
MIN_STEM = 3


def light_stem(token: str) -> str:
    """Strip one leading proclitic group when enough of the word remains."""
    for prefix in PROCLITICS:
        if token.startswith(prefix) and len(token) - len(prefix) >= MIN_STEM:
            return token[len(prefix):]
    return token


def stems_of(*texts: str | None) -> str:
    return " ".join(light_stem(t) for text in texts if text for t in tokens(text))


@dataclass(frozen=True)
class SearchText:
    """The normalised columns of one article's index row (computable in an extraction worker)."""

    title: str
    lead: str
    body: str
    captions: str
    stems: str


def search_text(title: str | None, lead: str | None, body: str, captions: list[str]) -> SearchText:
    caption_text = "\n".join(captions)
    return SearchText(
        normalize(title or ""),
        normalize(lead or ""),
        normalize(body),
        normalize(caption_text),
        stems_of(title, lead, body, caption_text),
    )


def index_article(conn: sqlite3.Connection, article_id: int, text: SearchText) -> None:
    """Insert or replace the index row of one article (call inside the writing transaction)."""
    conn.execute("DELETE FROM articles_fts WHERE rowid = ?", (article_id,))
    conn.execute(
        "INSERT INTO articles_fts (rowid, title, lead, body, captions, stems) VALUES (?, ?, ?, ?, ?, ?)",
        (article_id, text.title, text.lead, text.body, text.captions, text.stems),
    )


def rebuild_fts(conn: sqlite3.Connection) -> None:
    """Re-index every article (used by the migration that adds the index)."""
    conn.execute("DELETE FROM articles_fts")
    rows = conn.execute("SELECT id, title, lead, body FROM articles").fetchall()
    for article_id, title, lead, body in rows:
        captions = [r[0] for r in conn.execute("SELECT text FROM captions WHERE article_id = ?", (article_id,))]
        index_article(conn, article_id, search_text(title, lead, body, captions))


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
    """Turn a user query into a safe FTS5 expression: every word must match, as written or as a stem."""
    terms = tokens(query)
    if not terms:
        raise UsageError("empty search query")
    parts = []
    for term in terms:
        quoted = '"' + term.replace('"', "") + '"'
        stem = '"' + light_stem(term) + '"'
        parts.append(f"({quoted} OR stems:{stem})")
    return " AND ".join(parts)


def search(
    conn: sqlite3.Connection,
    query: str,
    *,
    site: str | None = None,
    since: str | None = None,
    limit: int = 20,
) -> list[SearchHit]:
    """Ranked hits (best first) with a snippet of the matching normalised text."""
    sql = """
        SELECT a.id, a.url, a.site, a.title, a.published,
               snippet(articles_fts, -1, '[', ']', ' … ', 12) AS snippet,
               bm25(articles_fts, 10.0, 4.0, 1.0, 2.0, 0.5) AS rank
        FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
        WHERE articles_fts MATCH ?
    """
    params: list[object] = [match_expression(query)]
    if site:
        sql += " AND a.site = ?"
        params.append(site)
    if since:
        sql += " AND COALESCE(a.published, a.fetched_at) >= ?"
        params.append(since)
    sql += " ORDER BY rank LIMIT ?"
    params.append(limit)
    return [SearchHit(*row) for row in conn.execute(sql, params)]

