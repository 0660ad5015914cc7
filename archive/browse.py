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
import signal
import socket
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

from crawler.errors import UsageError

DATASETTE_DIR = Path(__file__).resolve().parent / "datasette"
PLUGINS_DIR = DATASETTE_DIR / "plugins"
STATIC_DIR = DATASETTE_DIR / "static"
TEMPLATES_DIR = DATASETTE_DIR / "templates"
METADATA_FILE = DATASETTE_DIR / "metadata.toml"
STATIC_MOUNT = "archive-static"
REPO_ROOT = Path(__file__).resolve().parent.parent
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
STOP_TIMEOUT = 10  # seconds Datasette gets to shut down before it is killed
PR_SET_PDEATHSIG = 1  # linux/prctl.h

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
    links = {"{search_url}": html.escape(base + "/-/search"), "{articles_url}": html.escape(base + "/articles"),
             "{charts_url}": html.escape(base + "/-/charts")}
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
        "--template-dir", str(TEMPLATES_DIR),
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


def check_port_free(host: str, port: int) -> None:
    """UsageError when something already listens on host:port (checked as the server will bind it)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UsageError(f"cannot serve on host {host!r}: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: TIME_WAIT is no obstacle
        try:
            probe.bind(address)
        except OSError as exc:
            raise UsageError(f"port {port} on {host} is already in use ({exc.strerror}); choose another with --port") from None


def die_with_parent() -> None:
    """In the child, before exec: get SIGTERM if `serve` itself dies (even by kill -9), on Linux."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


class ServerProcess:
    """Datasette as our child: SIGINT or SIGTERM to `serve` stops it, and `serve` returns once it has exited."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.argv, self.env = argv, env
        self.process: subprocess.Popen | None = None
        self.stopping = False

    def run(self) -> int:
        previous = {signum: signal.signal(signum, self.stop) for signum in STOP_SIGNALS}
        try:
            self.process = subprocess.Popen(self.argv, env=self.env, preexec_fn=die_with_parent)
            code = self.process.wait()
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            self.ensure_stopped()
        return 0 if self.stopping else code

    def stop(self, signum: int, frame: object) -> None:
        self.stopping = True
        if self.process and self.process.poll() is None:
            self.process.terminate()  # uvicorn shuts down gracefully on SIGTERM; wait() then returns

    def ensure_stopped(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def run_server(db_path: str | Path, host: str = "127.0.0.1", port: int = 8001, open_browser: bool = False) -> int:
    """Run Datasette on the archive until SIGINT/SIGTERM; UsageError when there is no archive or the port is taken."""
    from archive.readonly import open_readonly

    db_path = Path(db_path)
    open_readonly(db_path).close()  # missing, not an archive, too new: a clear error before anything starts
    check_port_free(host, port)
    url = f"http://{host}:{port}{database_url(database_name(db_path))}"
    print(f"browsing {db_path} read-only at {url} (Ctrl-C stops)", file=sys.stderr)
    return ServerProcess(serve_command(db_path, host=host, port=port, open_browser=open_browser), serve_env()).run()
