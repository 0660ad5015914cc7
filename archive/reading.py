"""One archived article with everything the archive knows about it, for a page that reads like news.

`load_article` is plain sqlite3 (Datasette's plugin calls it through `execute_fn`): the current
text, authors and tags as lists, captions with credits and image URLs, sources, dates with their
source and precision, every version, every event and every other URL of the article.
"""
from __future__ import annotations

import json
import sqlite3
from typing import Any

ARTICLE_COLUMNS = (
    "id", "url", "canonical_url", "site", "title", "lead", "body", "authors", "published", "updated", "section",
    "tags", "language", "fetched_at", "run_id", "date_source", "date_precision", "images", "extractor", "version",
    "first_seen", "last_seen", "status", "cluster_id", "near_duplicate_of", "warc_file", "warc_offset",
)
LIST_COLUMNS = ("authors", "tags", "images")


def json_list(text: Any) -> list[str]:
    """A stored JSON list as a Python list of strings; anything else (bad JSON, a bare string) as one item."""
    if text in (None, ""):
        return []
    try:
        value = json.loads(text) if isinstance(text, str) else text
    except ValueError:
        return [str(text)]
    if isinstance(value, list):
        return [str(item) for item in value if item not in (None, "")]
    return [str(value)]


def paragraphs(body: str | None) -> list[str]:
    """Body paragraphs (stored separated by blank lines)."""
    return [p.strip() for p in (body or "").split("\n\n") if p.strip()]


def rows(conn: sqlite3.Connection, sql: str, params: tuple) -> list[dict[str, Any]]:
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def load_article(conn: sqlite3.Connection, article_id: int) -> dict[str, Any] | None:
    """The article `article_id` with its captions, sources, versions, events and aliases; None if absent."""
    found = rows(conn, f"SELECT {', '.join(ARTICLE_COLUMNS)} FROM articles WHERE id = ?", (article_id,))
    if not found:
        return None
    article = found[0]
    for column in LIST_COLUMNS:
        article[column] = json_list(article[column])
    article["paragraphs"] = paragraphs(article["body"])
    article["captions"] = rows(conn, "SELECT text, credit, image_url, alt FROM captions WHERE article_id = ? ORDER BY id",
                               (article_id,))
    article["sources"] = rows(conn, "SELECT name, canonical FROM sources WHERE article_id = ? ORDER BY id", (article_id,))
    article["versions"] = rows(
        conn, "SELECT version, fetched_at, run_id, title, content_hash, extractor FROM article_versions "
        "WHERE article_id = ? ORDER BY version DESC", (article_id,))
    article["events"] = rows(conn, "SELECT at, kind, detail, url, run_id FROM events WHERE article_id = ? ORDER BY at, id",
                             (article_id,))
    article["aliases"] = rows(conn, "SELECT url, kind, seen_at FROM aliases WHERE article_id = ? ORDER BY seen_at, url",
                              (article_id,))
    return article
