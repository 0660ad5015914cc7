"""Datasette plugin for browsing the archive: read-only connections, Arabic search functions, metadata,
a page per article that reads like news (`/DB/-/article/ID`) and charts (`/DB/-/charts`).

Loaded with `--plugins-dir` (templates with `--template-dir`) by archive/browse.py:serve_command.
"""
from __future__ import annotations

import copy
import functools
import sqlite3
import sys
from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup, escape

try:
    from archive import browse
except ImportError:  # started outside the checkout: the plugin lives at archive/datasette/plugins/
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
    from archive import browse

from archive.fts import match_expression
from archive.reading import json_list, load_article
from archive.report import archive_charts, charts_fragment
from crawler.arabic import normalize

MATCH_NOTHING = '""'  # an empty FTS5 phrase: a blank query finds nothing instead of failing
SNIPPET_START, SNIPPET_END = "\ue000", "\ue001"  # set by the `search` query's snippet()


def arabic_match(query: str | None) -> str:
    """The FTS5 expression for a raw user query (normalised, quoted, stems allowed)."""
    try:
        return match_expression(query or "")
    except ValueError:
        return MATCH_NOTHING


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


def article_url(datasette, database: str, article_id: int) -> str:
    return datasette.urls.database(database) + f"/-/article/{article_id}"


def list_cell(items: list[str], links: bool = False) -> Markup:
    """A JSON list column (authors, tags, images) as a list, not as a JSON string."""
    if links:
        rendered = (f'<li><a href="{escape(item)}" rel="noreferrer">{escape(item)}</a></li>' for item in items)
    else:
        rendered = (f"<li>{escape(item)}</li>" for item in items)
    return Markup(f'<ul class="archive-list">{"".join(rendered)}</ul>')


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """Lists as lists and titles linked to the article page in the articles table; in query results (the
    search page) matches highlighted and article ids linked to the article page. Text is always escaped."""
    if table == "articles":
        if column in ("authors", "tags", "images") and isinstance(value, str) and value.startswith("["):
            return list_cell(json_list(value), links=column == "images")
        if column == "title" and isinstance(value, str) and "id" in row.keys():
            return Markup(f'<a href="{escape(article_url(datasette, database, row["id"]))}">{escape(value)}</a>')
        return None
    if table is not None:
        return None
    if column == "snippet" and isinstance(value, str) and SNIPPET_START in value:
        marked = str(escape(value)).replace(SNIPPET_START, "<mark>").replace(SNIPPET_END, "</mark>")
        return Markup(marked)
    if column == "article_id" and isinstance(value, int):
        return Markup(f'<a href="{escape(article_url(datasette, database, value))}">{value}</a>')
    return None


def archive_database(datasette, request):
    name = request.url_vars["database"]
    if name not in file_databases(datasette):
        raise NotFound(f"no archive named {name}")
    return name, datasette.get_database(name)


async def article_page(datasette, request):
    name, db = archive_database(datasette, request)
    article_id = int(request.url_vars["id"])
    article = await db.execute_fn(lambda conn: load_article(conn, article_id))
    if article is None:
        raise NotFound(f"no article {article_id}")
    row_url = datasette.urls.table(name, "articles") + f"/{article_id}"
    context = {"database": name, "article": article, "row_url": row_url}
    return Response.html(await datasette.render_template("article.html", context, request=request))


async def charts_page(datasette, request):
    name, db = archive_database(datasette, request)
    charts = await db.execute_fn(lambda conn: archive_charts(conn))
    context = {"database": name, "charts_html": Markup(charts_fragment(charts))}
    return Response.html(await datasette.render_template("charts.html", context, request=request))


@hookimpl
def register_routes():
    return [
        (r"^/(?P<database>[^/]+)/-/article/(?P<id>\d+)$", article_page),
        (r"^/(?P<database>[^/]+)/-/charts$", charts_page),
    ]
