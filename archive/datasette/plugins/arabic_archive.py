"""Datasette plugin for browsing the archive: read-only connections, Arabic search functions, metadata,
the search page (`/DB/-/search`, its export `/DB/-/search/export`), a page per article that reads like
news (`/DB/-/article/ID`), charts (`/DB/-/charts`), and a Content-Security-Policy on every response.

Loaded with `--plugins-dir` (templates with `--template-dir`) by archive/browse.py:serve_command.
"""
from __future__ import annotations

import base64
import copy
import functools
import hashlib
import io
import re
import sqlite3
import sys
import tempfile
import zipfile
from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup, escape

try:
    from archive import browse
except ImportError:  # started outside the checkout: the plugin lives at archive/datasette/plugins/
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
    from archive import browse

from datasette.utils import sqlite_timelimit

from archive.export import FORMATS, export_articles
from archive.fts import match_expression
from archive.reading import json_list, load_article
from archive.report import archive_charts, charts_fragment
from archive.searchpage import SearchForm, SearchPage, http_url, search_page
from archive.snippets import snippet
from crawler.text.arabic import normalize
from crawler.errors import UsageError

MATCH_NOTHING = '""'  # an empty FTS5 phrase: a blank query finds nothing instead of failing
SNIPPET_START, SNIPPET_END = "\ue000", "\ue001"  # set by arabic_snippet() in the `search` query
SNIPPET_WORDS = 16


def arabic_match(query: str | None) -> str:
    """The FTS5 expression for a raw user query (normalised, quoted, every proclitic form asked for)."""
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


def article_url(datasette, database: str, article_id: int) -> str:
    return datasette.urls.database(database) + f"/-/article/{article_id}"


def list_item(item: str, links: bool) -> str:
    link = http_url(item) if links else None  # only http(s) becomes a link: never javascript: or data:
    if link:
        return f'<li><a href="{escape(link)}" rel="noreferrer">{escape(item)}</a></li>'
    return f"<li>{escape(item)}</li>"


def list_cell(items: list[str], links: bool = False) -> Markup:
    """A JSON list column (authors, tags, images) as a list, not as a JSON string."""
    return Markup(f'<ul class="archive-list">{"".join(list_item(item, links) for item in items)}</ul>')


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


MAX_ROWID = 2**63 - 1  # SQLite's largest rowid: a longer id names no article (and would not bind)


async def article_page(datasette, request):
    name, db = archive_database(datasette, request)
    article_id = int(request.url_vars["id"])
    if article_id > MAX_ROWID:
        raise NotFound(f"no article {request.url_vars['id'][:30]}")
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


PAGE_EXPORT_MAX = 10_000  # articles one download from the page carries; `export --query` has no bound
TIME_LIMIT_MESSAGE = ("the search took longer than {seconds:g} s, the limit of this server: narrow it "
                      "(a rarer word, site:, a date range) or rank the newest matches only")


def time_limit_ms(datasette) -> int:
    return int(datasette.setting("sql_time_limit_ms"))


def search_args(request) -> dict[str, str]:
    return {name: request.args.get(name, "") for name in request.args}


async def search_room(datasette, request):
    """The Arabic search page: query box, count, pages, facets, date range, sort, hits, export links."""
    name, db = archive_database(datasette, request)
    base = datasette.urls.database(name) + "/-/search"
    limit = time_limit_ms(datasette)
    try:
        form = SearchForm.from_args(search_args(request))
    except UsageError as error:
        form, problem = SearchForm(), str(error)
    else:
        problem = None

    def build(conn):
        with sqlite_timelimit(conn, limit):
            return search_page(conn, form, base, base + "/export")

    if problem:
        page = SearchPage(form, error=problem)
    else:
        try:
            page = await db.execute_fn(build)
        except sqlite3.OperationalError as error:
            if "interrupted" not in str(error):
                raise
            page = SearchPage(form, error=TIME_LIMIT_MESSAGE.format(seconds=limit / 1000))
    context = {"database": name, "page": page, "search_url": base, "export_max": PAGE_EXPORT_MAX}
    html = await datasette.render_template("search.html", context, request=request)
    return Response.html(html, status=400 if page.error else 200)


async def search_export(datasette, request):
    """The page's result set as a zip: the data file (JSONL, CSV or Parquet) and its dataset card."""
    name, db = archive_database(datasette, request)
    fmt = request.args.get("format", "")
    try:
        form = SearchForm.from_args(search_args(request))
        if fmt not in FORMATS:
            raise UsageError(f"format is one of {', '.join(FORMATS)}")
        if not form.q:
            raise UsageError("nothing to export: the search has no query")
    except UsageError as error:
        return Response.text(f"error: {error}\n", status=400)

    def build(conn) -> bytes:
        filters = form.filters()
        with tempfile.TemporaryDirectory() as tmp:
            result = export_articles(conn, Path(tmp) / f"search.{fmt}", fmt, since=filters.since, until=filters.until,
                                     query=form.q, filters=filters, max_rows=PAGE_EXPORT_MAX)
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for path in (result.path, result.card_path, result.card_markdown_path):
                    archive.write(path, path.name)
            return buffer.getvalue()

    try:
        body = await db.execute_fn(build)
    except UsageError as error:
        return Response.text(f"error: {error}\n", status=400)
    return Response(body, content_type="application/zip",
                    headers={"content-disposition": f'attachment; filename="search-{fmt}.zip"'})


@hookimpl
def register_routes():
    return [
        (r"^/(?P<database>[^/]+)/-/search$", search_room),
        (r"^/(?P<database>[^/]+)/-/search/export$", search_export),
        (r"^/(?P<database>[^/]+)/-/article/(?P<id>\d+)$", article_page),
        (r"^/(?P<database>[^/]+)/-/charts$", charts_page),
    ]


@hookimpl
def prepare_jinja2_environment(env) -> None:
    env.filters["http_url"] = http_url  # templates link a URL from a page only when it is http(s)


# ---------------------------------------------------------------- Content-Security-Policy
# Every text shown comes from crawled pages; the templates escape it, and the policy is the second wall:
# no script runs unless it is one of our files or one of Datasette's own fixed inline scripts (by hash),
# nothing is loaded from elsewhere, no plugin objects, no framing, forms post only here.
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
JINJA = re.compile(r"{{|{%")


def datasette_inline_script_hashes() -> list[str]:
    """sha256 sources of the inline scripts in Datasette's templates that have no template code, and of
    table.html's one-line flag in both its values."""
    import datasette as package

    scripts = []
    for template in (Path(package.__file__).parent / "templates").glob("*.html"):
        for body in INLINE_SCRIPT.findall(template.read_text(encoding="utf-8")):
            if not JINJA.search(body):
                scripts.append(body)
            elif body.strip() == "DATASETTE_ALLOW_FACET = {{ datasette_allow_facet }};":
                scripts += [body.replace("{{ datasette_allow_facet }}", value) for value in ("true", "false")]
    return sorted({"'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'" for s in scripts})


@functools.lru_cache(maxsize=1)
def content_security_policy() -> str:
    return "; ".join([
        "default-src 'none'",
        "script-src 'self' " + " ".join(datasette_inline_script_hashes()),
        "style-src 'self' 'unsafe-inline'",  # Datasette's templates set style attributes
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ])


@hookimpl
def asgi_wrapper(datasette):
    policy = content_security_policy().encode()

    def wrap(app):
        async def with_policy(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)

            async def send_with_policy(message):
                if message["type"] == "http.response.start":
                    headers = [h for h in message.get("headers", []) if h[0].lower() != b"content-security-policy"]
                    message = {**message, "headers": [*headers, (b"content-security-policy", policy),
                                                      (b"x-content-type-options", b"nosniff")]}
                await send(message)

            return await app(scope, receive, send_with_policy)

        return with_policy

    return wrap
