"""Browsing the archive in Datasette: a real server on 127.0.0.1, real HTTP, and a real headless Chromium."""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from archive.browse import PLUGINS_DIR, database_name, metadata, run_server, serve_command, serve_env
from archive.store import Archive, FetchInfo
from crawler.errors import UsageError
from crawler.extraction import Article, Caption, Source

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--hide-scrollbars",
]
ISRAEL_TITLE = "إسرائيل تعلن إغلاق المعابر مع قطاع غزة"
SCRIPT_TITLE = "<script>alert(1)</script> عنوان خبيث"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def article(n: int, title: str, body: str, section: str, published: str) -> Article:
    return Article(
        url=f"https://news.example/a/{n}",
        title=title,
        body=body,
        section=section,
        published=published,
        captions=[Caption(f"صورة رقم {n} من الميدان (غيتي)", "غيتي")],
        sources=[Source("الجزيرة", "Al Jazeera")],
        authors=["محمد العلي"],
        extractor="test/1",
    )


ARTICLES = [
    ("aljazeera", article(1, ISRAEL_TITLE, "قالت الحكومة الإسرائيلية إن المعابر ستبقى مغلقة.\n\nوأدانت الأمم المتحدة القرار.", "سياسة", "2024-05-01T09:00:00+00:00")),
    ("aljazeera", article(2, "الجزيرة تفتتح مكتبا جديدا في تونس", "افتتحت شبكة الجزيرة مكتبها الجديد في العاصمة تونس.", "منوعات", "2024-05-02T10:00:00+00:00")),
    ("bbcarabic", article(3, SCRIPT_TITLE, "نص عادي عن الطقس في القاهرة وارتفاع درجات الحرارة.", "علوم", "2024-06-03T11:00:00+00:00")),
    ("bbcarabic", article(4, "مباراة القمة تنتهي بالتعادل", "انتهت مباراة القمة بين الفريقين بالتعادل الإيجابي.", "رياضة", "2024-06-04T12:00:00+00:00")),
]


def build_archive(path: Path) -> dict[str, int]:
    """A small archive; returns article ids by title."""
    store = Archive(path)
    ids = {}
    for site, item in ARTICLES:
        fetch = FetchInfo(site=site, run_id=None, fetched_at="2024-07-01T00:00:00+00:00")
        ids[item.title] = store.insert_article(item, item.url, hashlib.sha1(item.body.encode()).hexdigest(), fetch)
    store.close()
    return ids


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def wait_until_serving(base: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"datasette exited: {process.stderr.read()}")
        try:
            if get(base + "/-/versions.json")[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("datasette did not answer in time")


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@contextlib.contextmanager
def running_datasette(db: Path, cwd: Path):
    """Datasette started with serve_command (from a directory outside the checkout); yields its base URL."""
    port = free_port()
    process = subprocess.Popen(
        serve_command(db, port=port), cwd=cwd, env=serve_env(), stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browse")
    db = tmp / "archive.db"
    ids = build_archive(db)
    digest = file_digest(db)
    with running_datasette(db, tmp) as base:
        yield {"base": base, "db_url": f"{base}/{database_name(db)}", "ids": ids, "db": db, "tmp": tmp}
    assert file_digest(db) == digest, "serving the archive changed the file"


def search_json(server, query: str) -> list[dict]:
    url = server["db_url"] + "/search.json?" + urllib.parse.urlencode({"q": query, "_shape": "array"})
    status, body = get(url)
    assert status == 200, body
    return json.loads(body)


# ---------------------------------------------------------------- metadata and command


def test_metadata_labels_tables_facets_and_hides_internals():
    meta = metadata("news")
    db = meta["databases"]["news"]
    for table in ("articles", "captions", "sources", "crawl_runs"):
        assert db["tables"][table]["description"] and db["tables"][table]["columns"]
    assert db["tables"]["articles"]["facets"] == ["site", "section", {"date": "published"}, "status"]
    assert "published" in db["tables"]["articles"]["sortable_columns"]
    assert db["tables"]["signatures"]["hidden"] and db["tables"]["articles_fts_data"]["hidden"]
    assert 'href="/news/-/search"' in meta["description_html"]
    assert not any(query.get("write") for query in db["queries"].values())


def test_serve_command_serves_the_file_mutable_and_loads_the_plugin(tmp_path):
    argv = serve_command(tmp_path / "a.db", port=9999)
    assert "--immutable" not in argv and "-i" not in argv
    assert argv[argv.index("--port") + 1] == "9999"
    assert argv[argv.index("--host") + 1] == "127.0.0.1"
    assert Path(argv[argv.index("--plugins-dir") + 1], "arabic_archive.py").is_file()


def test_run_server_refuses_a_missing_archive(tmp_path):
    with pytest.raises(UsageError, match="no archive"):
        run_server(tmp_path / "missing.db", "127.0.0.1", free_port())
    assert not (tmp_path / "missing.db").exists()


def test_plugin_connection_refuses_writes(tmp_path):
    """Even Datasette's own write connection (opened without ?mode=ro) cannot change the archive."""
    from datasette.app import Datasette

    db = tmp_path / "archive.db"
    build_archive(db)
    datasette = Datasette([str(db)], plugins_dir=str(PLUGINS_DIR))
    conn = sqlite3.connect(db)  # a read-write connection, as Datasette's writer opens it
    datasette._prepare_connection(conn, database_name(db))
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute("DELETE FROM articles")
    assert conn.execute("SELECT arabic_normalize('إسرائيل')").fetchone()[0] == "اسرائيل"
    conn.close()


# ---------------------------------------------------------------- HTTP


def test_search_query_folds_arabic_spelling(server):
    rows = search_json(server, "اسرائيل")
    assert [row["title"] for row in rows] == [ISRAEL_TITLE]
    assert rows[0]["article_id"] == server["ids"][ISRAEL_TITLE]


def test_search_finds_words_with_proclitics_and_blank_query_finds_nothing(server):
    assert [row["title"] for row in search_json(server, "الحكومه غزّة")] == [ISRAEL_TITLE]
    assert [row["title"] for row in search_json(server, "الجزيرة")][:1] == ["الجزيرة تفتتح مكتبا جديدا في تونس"]
    assert search_json(server, "") == []
    assert search_json(server, '"') == []  # stray FTS syntax is quoted away, not an error


def test_search_page_says_it_ranks_the_newest_matches_and_ranks_all_on_request(server):
    status, page = get(server["db_url"] + "/search?" + urllib.parse.urlencode({"q": "الجزيرة"}))
    assert status == 200 and "5,000 most recently archived matches" in page and 'name="rank_all"' in page
    url = server["db_url"] + "/search.json?" + urllib.parse.urlencode({"q": "الجزيرة", "rank_all": "1", "_shape": "array"})
    status, body = get(url)
    assert status == 200 and json.loads(body) == search_json(server, "الجزيرة") != []  # a small archive: same hits


def test_articles_table_search_box_is_arabic_aware(server):
    # Datasette's own escape_fts would look up the raw words, which the normalised index does not hold.
    url = server["db_url"] + "/articles.json?" + urllib.parse.urlencode({"_search": "إسرائيل غزّة", "_shape": "array"})
    status, body = get(url)
    assert status == 200, body
    assert [row["title"] for row in json.loads(body)] == [ISRAEL_TITLE]


def test_articles_table_offers_site_section_and_date_facets(server):
    status, body = get(server["db_url"] + "/articles.json?_size=0")
    assert status == 200, body
    facets = json.loads(body)["facet_results"]
    assert {"site", "section", "published"} <= set(facets)
    sites = {item["value"]: item["count"] for item in facets["site"]["results"]}
    assert sites == {"aljazeera": 2, "bbcarabic": 2}


def test_write_attempts_fail(server):
    status, body = get(server["db_url"] + "?" + urllib.parse.urlencode({"sql": "DELETE FROM articles"}))
    assert status == 400 and "SELECT" in body
    request = urllib.request.Request(
        server["db_url"] + "/search", data=b"q=x", method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    try:
        status = urllib.request.urlopen(request, timeout=10).status
    except urllib.error.HTTPError as error:
        status = error.code
    assert status >= 400
    rows = search_json(server, "مباراة")
    assert len(rows) == 1  # still there


def test_articles_written_while_serving_show_up(tmp_path):
    """The archive is served as a mutable file: a crawl writing to it is seen without a restart."""
    db = tmp_path / "live.db"
    build_archive(db)
    with running_datasette(db, tmp_path) as base:
        url = f"{base}/live/search.json?" + urllib.parse.urlencode({"q": "الخرطوم", "_shape": "array"})
        assert json.loads(get(url)[1]) == []
        store = Archive(db)  # the crawl's writer, while Datasette holds the file open
        late = article(9, "انقطاع الكهرباء في الخرطوم", "عاد التيار الكهربائي إلى أحياء الخرطوم.", "محليات", "2024-07-02T08:00:00+00:00")
        store.insert_article(late, late.url, "late", FetchInfo(site="aljazeera", run_id=None, fetched_at="2024-07-02T09:00:00+00:00"))
        store.close()
        assert [row["title"] for row in json.loads(get(url)[1])] == [late.title]


def test_script_title_is_shown_as_text(server):
    article_id = server["ids"][SCRIPT_TITLE]
    for path in (f"/articles/{article_id}", "/articles", "/search?" + urllib.parse.urlencode({"q": "خبيث"})):
        status, page = get(server["db_url"] + path)
        assert status == 200, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, path
        assert "<script>alert(1)</script>" not in page, path


def test_index_page_links_to_the_search(server):
    status, page = get(server["base"] + "/")
    assert status == 200
    assert 'href="/archive/-/search"' in page
    assert "articles_fts" not in page and "signatures" not in page


# ---------------------------------------------------------------- a real browser


def chromium(server, *args: str) -> subprocess.CompletedProcess:
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (apt-get install chromium fonts-noto-core)")
    profile = server["tmp"] / "chromium-profile"
    return subprocess.run(
        [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=45, env={**os.environ, "HOME": str(server["tmp"])},
    )


def search_page_url(server, query: str) -> str:
    return server["db_url"] + "/search?" + urllib.parse.urlencode({"q": query})


def test_browser_renders_search_results_right_to_left(server):
    result = chromium(server, "--virtual-time-budget=5000", "--dump-dom", search_page_url(server, "اسرائيل"))
    dom = result.stdout
    assert ISRAEL_TITLE in dom, result.stderr[-2000:]
    # arabic.js pinned the direction Chromium resolved for each cell.
    assert f'<td class="col-title" dir="rtl">{ISRAEL_TITLE}</td>' in dom
    assert '<td class="col-url" dir="ltr">' in dom
    assert "<mark>" in dom  # the matched word is highlighted in the snippet


def test_browser_screenshot_of_the_search_page(server):
    shot = server["tmp"] / "search.png"
    result = chromium(
        server, "--window-size=1280,720", f"--screenshot={shot}", search_page_url(server, "اسرائيل")
    )
    assert shot.is_file(), result.stderr[-2000:]
    data = shot.read_bytes()
    assert data.startswith(PNG_MAGIC)
    assert len(data) > 10_000  # a rendered page, not a blank image
    keep = os.environ.get("BROWSE_SCREENSHOT")  # set to a path to keep the picture for a look
    if keep:
        Path(keep).write_bytes(data)
