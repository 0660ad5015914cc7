"""Datasette plugin for browsing the archive: read-only connections, Arabic search functions, metadata.

Loaded with `--plugins-dir` by archive/browse.py:serve_command.
"""
from __future__ import annotations

import copy
import functools
import sqlite3
import sys
from pathlib import Path

from datasette import hookimpl
from markupsafe import Markup, escape

try:
    from archive import browse
except ImportError:  # started outside the checkout: the plugin lives at archive/datasette/plugins/
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
    from archive import browse

from archive.fts import match_expression
from archive.snippets import snippet
from crawler.arabic import normalize

MATCH_NOTHING = '""'  # an empty FTS5 phrase: a blank query finds nothing instead of failing
SNIPPET_START, SNIPPET_END = "\ue000", "\ue001"  # set by arabic_snippet() in the `search` query
SNIPPET_WORDS = 16


def arabic_match(query: str | None) -> str:
    """The FTS5 expression for a raw user query (normalised, quoted, stems allowed)."""
    try:
        return match_expression(query or "")
    except ValueError:
        return MATCH_NOTHING


def arabic_snippet(query: str | None, title: str | None, lead: str | None, body: str | None) -> str:
    """A snippet of the published text around the words matching `query` (the index holds no text)."""
    return snippet(query or "", [body, lead, title], start=SNIPPET_START, end=SNIPPET_END, words=SNIPPET_WORDS)


def arabic_normalize(text: str | None) -> str | None:
    return None if text is None else normalize(text)


def file_databases(datasette) -> list[str]:
    return [name for name, db in datasette.databases.items() if not db.is_memory]


@hookimpl(trylast=True)  # last, so our escape_fts replaces Datasette's own
def prepare_connection(conn: sqlite3.Connection, database: str, datasette) -> None:
    db = datasette.databases.get(database)
    if db is None or db.is_memory:  # Datasette's own in-memory databases stay writable
        return
    # Reads already use ?mode=ro; this also makes Datasette's write connection refuse every write.
    conn.execute("PRAGMA query_only = 1")
    conn.create_function("arabic_normalize", 1, arabic_normalize, deterministic=True)
    conn.create_function("arabic_match", 1, arabic_match, deterministic=True)
    conn.create_function("arabic_snippet", 4, arabic_snippet, deterministic=True)
    # The table page's search box sends escape_fts(:search): make it normalise like our index.
    conn.create_function("escape_fts", 1, arabic_match, deterministic=True)


@functools.lru_cache(maxsize=8)
def cached_metadata(names: tuple[str, ...]) -> dict:
    merged: dict = {}
    for name in names:
        one = browse.metadata(name)
        merged.setdefault("databases", {}).update(one.pop("databases"))
        merged.update(one)
    return merged


@hookimpl
def get_metadata(datasette, key, database, table) -> dict:
    # Datasette merges into what we return: hand out a copy of the cached dict.
    return copy.deepcopy(cached_metadata(tuple(file_databases(datasette))))


@hookimpl
def render_cell(value, column, table, database, datasette):
    """In query results (the search page): highlight matches and link article ids, always escaping the text."""
    if table is not None:
        return None
    if column == "snippet" and isinstance(value, str) and SNIPPET_START in value:
        marked = str(escape(value)).replace(SNIPPET_START, "<mark>").replace(SNIPPET_END, "</mark>")
        return Markup(marked)
    if column == "article_id" and isinstance(value, int):
        url = datasette.urls.table(database, "articles") + f"/{value}"
        return Markup(f'<a href="{escape(url)}">{value}</a>')
    return None
