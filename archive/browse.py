"""Browse the archive in Datasette, read-only and Arabic-friendly (`python -m crawler serve`).

The archive may be written by a running crawl, so it is served as a *mutable*
file (`--immutable` would let Datasette cache counts and assume it never changes).
Datasette reads mutable files through `?mode=ro` connections; the plugin in
archive/datasette/plugins also puts every connection to the archive in
`PRAGMA query_only` mode, so even its write connection cannot change it, and the
metadata defines no write canned query.

The plugin adds the SQL functions `arabic_normalize(text)` and `arabic_match(query)`
behind the canned `search` query, makes the articles table's search box
Arabic-aware, and the static CSS/JS render Arabic cells right to left.
"""
from __future__ import annotations

import hashlib
import html
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

DATASETTE_DIR = Path(__file__).resolve().parent / "datasette"
PLUGINS_DIR = DATASETTE_DIR / "plugins"
STATIC_DIR = DATASETTE_DIR / "static"
METADATA_FILE = DATASETTE_DIR / "metadata.toml"
STATIC_MOUNT = "archive-static"
REPO_ROOT = Path(__file__).resolve().parent.parent

# Datasette settings: bounded query time on a large archive, short cache while a crawl writes.
SETTINGS = {
    "sql_time_limit_ms": "3000",
    "facet_time_limit_ms": "500",
    "default_cache_ttl": "5",
    "max_returned_rows": "1000",
}


def database_name(db_path: str | Path) -> str:
    """Datasette names a database (and its URL) after the file's stem."""
    return Path(db_path).stem


def database_url(database: str) -> str:
    from datasette.utils import tilde_encode

    return "/" + tilde_encode(database)


def metadata(database: str = "archive") -> dict[str, Any]:
    """Datasette metadata for an archive served under the name `database` (see metadata.toml)."""
    spec = tomllib.loads(METADATA_FILE.read_text(encoding="utf-8"))
    base = database_url(database)
    links = {"{search_url}": html.escape(base + "/search"), "{articles_url}": html.escape(base + "/articles")}
    instance, db = spec["instance"], spec["database"]
    for section in (instance, db):
        section["description_html"] = fill(section["description_html"], links)
    return {
        **instance,
        "extra_css_urls": [static_url("arabic.css")],
        "extra_js_urls": [{"url": static_url("arabic.js"), "module": True}],
        "databases": {database: db},
    }


def static_url(name: str) -> str:
    """URL of a static file, versioned by its content so a browser never keeps a stale copy after an upgrade."""
    version = hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:10]
    return f"/{STATIC_MOUNT}/{name}?v={version}"


def fill(template: str, values: dict[str, str]) -> str:
    for placeholder, value in values.items():
        template = template.replace(placeholder, value)
    return template


def serve_command(db_path: Path, *, host: str = "127.0.0.1", port: int = 8001, open_browser: bool = False) -> list[str]:
    """The `datasette serve` argv that browses `db_path` read-only (metadata comes from the plugin)."""
    argv = [
        sys.executable, "-m", "datasette", "serve", str(db_path),
        "--host", host,
        "--port", str(port),
        "--plugins-dir", str(PLUGINS_DIR),
        "--static", f"{STATIC_MOUNT}:{STATIC_DIR}",
    ]
    for name, value in SETTINGS.items():
        argv += ["--setting", name, value]
    if open_browser:
        argv.append("--open")
    return argv


def serve_env() -> dict[str, str]:
    """The environment for the server: the plugin imports `archive` and `crawler` from this checkout."""
    paths = [str(REPO_ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


def run_server(db_path: str | Path, host: str = "127.0.0.1", port: int = 8001, open_browser: bool = False) -> int:
    """Run Datasette on the archive until interrupted; return its exit code."""
    db_path = Path(db_path)
    if not db_path.is_file():
        print(f"error: no archive at {db_path}", file=sys.stderr)
        return 2
    url = f"http://{host}:{port}{database_url(database_name(db_path))}/search"
    print(f"browsing {db_path} read-only; search at {url}", file=sys.stderr)
    try:
        return subprocess.call(serve_command(db_path, host=host, port=port, open_browser=open_browser), env=serve_env())
    except KeyboardInterrupt:  # Ctrl-C reached Datasette too; it has shut down
        return 0
