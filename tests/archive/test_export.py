"""Exports of a real archive file read back with json, csv and pyarrow: Arabic, children, filters, the card."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from archive.export import export_articles, terminal_progress
from archive.readonly import open_readonly
from archive.schema import LATEST_VERSION
from archive.store import Archive, FetchInfo
from crawler.extraction import Article, Caption, Source

BODY_V1 = (
    "أعلن مسؤولون في دير الزور أن الاشتباكات توقفت.\n\n"
    "وقال مراسل الجزيرة إن الهدوء عاد إلى المدينة."
)
BODY_V2 = BODY_V1 + "\n\nفقرة أضيفت بعد النشر عن إسرائيل."
LINE_SEPARATOR_CAPTION = "متظاهرون في لندن\u2028(رويترز)"


def fetch(site: str, run_id: int | None, fetched_at: str) -> FetchInfo:
    return FetchInfo(site=site, run_id=run_id, fetched_at=fetched_at)


def build_archive(path: Path) -> dict[str, int]:
    """Two sites, three articles (one with a second version, one near-duplicate), one finished run."""
    store = Archive(path)
    run = store.start_run("news")
    first = Article(
        url="https://aljazeera.example/news/1",
        title="تقدم للنظام بدير الزور",
        lead="مقدمة الخبر",
        body=BODY_V1,
        captions=[Caption("حركة نزوح من دير الزور (الفرنسية)", "أ ف ب", "https://aljazeera.example/1.jpg", "نزوح")],
        sources=[Source("الجزيرة", "Al Jazeera"), Source("وكالات", "agencies")],
        authors=["محمد العلي"],
        tags=["سوريا", "دير الزور"],
        images=["https://aljazeera.example/1.jpg"],
        published="2026-11-20T10:00:00+03:00",
        section="أخبار",
        extractor="trafilatura 2.3.1 abc",
    )
    a1 = store.insert_article(first, first.url, "h1", fetch("aljazeera", run, "2026-11-20T08:00:00+00:00"))
    first.body = BODY_V2
    first.captions.append(Caption("صورة ثانية أضيفت", "الجزيرة"))
    first.extractor = "trafilatura 2.3.1 def"
    store.add_version(a1, first, "h1b", fetch("aljazeera", run, "2026-11-21T08:00:00+00:00"))
    second = Article(
        url="https://aljazeera.example/news/2", title="أسواق الخليج", body="ارتفعت الأسهم في بورصة دبي.",
        section="اقتصاد", extractor="trafilatura 2.3.1 def",
    )
    a2 = store.insert_article(second, second.url, "h2", fetch("aljazeera", run, "2026-11-22T06:00:00+00:00"))
    third = Article(
        url="https://bbc.example/arabic/3",
        title="احتجاجات في لندن",
        lead="تظاهر الآلاف",
        body=BODY_V1,
        captions=[Caption(LINE_SEPARATOR_CAPTION, "رويترز")],
        sources=[Source("رويترز", "Reuters")],
        authors=["سارة أحمد"],
        published="2026-11-21T23:30:00+00:00",
        section="أخبار",
        extractor="trafilatura 2.3.1 def",
    )
    b1 = store.insert_article(
        third, third.url, "h3", fetch("bbc_arabic", run, "2026-11-22T06:00:00+00:00"), near_duplicate_of=a1, cluster_id=a1
    )
    store.record_site_run(run, "aljazeera", 5, 2, {"extracted": 2}, {"body": 1.0}, [])
    store.record_site_run(run, "bbc_arabic", 3, 1, {"extracted": 1}, {"body": 1.0}, ["captions fill-rate fell from 90% to 10%"])
    store.finish_run(run, {"new": 3, "updated": 1}, "finished")
    store.close()
    return {"a1": a1, "a2": a2, "b1": b1}


@pytest.fixture
def ids(tmp_path) -> dict[str, int]:
    """Build the archive at tmp_path/archive.db; return the article ids by short name."""
    return build_archive(tmp_path / "archive.db")


@pytest.fixture
def conn(tmp_path, ids):
    connection = open_readonly(tmp_path / "archive.db")
    yield connection
    connection.close()


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        for column in ("authors", "tags", "images", "captions", "sources"):
            row[column] = json.loads(row[column])
    return rows


def read_parquet(path: Path) -> list[dict]:
    return pq.read_table(path).to_pylist()


READERS = {"jsonl": read_jsonl, "csv": read_csv, "parquet": read_parquet}


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_each_format_round_trips_arabic_text_and_children(conn, ids, tmp_path, fmt):
    result = export_articles(conn, tmp_path / f"out.{fmt}", fmt)
    rows = READERS[fmt](result.path)
    assert result.rows == len(rows) == 3
    by_url = {row["url"]: row for row in rows}
    first = by_url["https://aljazeera.example/news/1"]
    assert first["body"] == BODY_V2 and first["title"] == "تقدم للنظام بدير الزور"
    assert [c["text"] for c in first["captions"]] == ["حركة نزوح من دير الزور (الفرنسية)", "صورة ثانية أضيفت"]
    assert first["captions"][0]["credit"] == "أ ف ب" and first["captions"][0]["alt"] == "نزوح"
    assert first["sources"] == [{"name": "الجزيرة", "canonical": "Al Jazeera"}, {"name": "وكالات", "canonical": "agencies"}]
    assert first["authors"] == ["محمد العلي"] and first["tags"] == ["سوريا", "دير الزور"]
    assert str(first["version"]) == "2" and first["extractor"] == "trafilatura 2.3.1 def"
    third = by_url["https://bbc.example/arabic/3"]
    assert third["captions"][0]["text"] == LINE_SEPARATOR_CAPTION
    assert str(third["near_duplicate_of"]) == str(third["cluster_id"]) == str(ids["a1"])
    assert by_url["https://aljazeera.example/news/2"]["captions"] == []


def test_jsonl_holds_raw_arabic_and_one_record_per_line(conn, tmp_path):
    path = export_articles(conn, tmp_path / "out.jsonl", "jsonl").path
    text = path.read_text(encoding="utf-8")
    assert "تقدم للنظام بدير الزور" in text and "\\u06" not in text
    assert len(text.splitlines()) == 3  # the U+2028 inside a caption is escaped, not a line break


def test_csv_starts_with_a_bom_for_excel(conn, tmp_path):
    path = export_articles(conn, tmp_path / "out.csv", "csv").path
    assert path.read_bytes().startswith(b"\xef\xbb\xbfid,url,canonical_url,site,")


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"site": "bbc_arabic"}, {"b1"}),
        ({"since": "2026-11-21"}, {"a2", "b1"}),  # a2 has no published date: its fetch date counts
        ({"until": "2026-11-21"}, {"a1", "b1"}),  # a bare-date bound covers the whole day
        ({"since": "2026-11-21", "until": "2026-11-21"}, {"b1"}),
        ({"site": "aljazeera", "since": "2026-11-21T00:00:00"}, {"a2"}),
        ({"site": "nowhere"}, set()),
    ],
)
@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_filters_select_by_site_and_article_date(conn, ids, tmp_path, filters, expected, fmt):
    result = export_articles(conn, tmp_path / f"out.{fmt}", fmt, **filters)
    names = {name for name, article_id in ids.items() for row in READERS[fmt](result.path) if row["id"] == article_id}
    assert names == expected and result.rows == len(expected)


def test_the_card_describes_what_was_exported(conn, tmp_path):
    result = export_articles(conn, tmp_path / "out.jsonl", "jsonl", since="2026-11-20")
    card = json.loads(result.card_path.read_text(encoding="utf-8"))
    assert result.card_path.name == "out.jsonl.card.json"
    assert card["rows"] == 3 and card["format"] == "jsonl"
    assert card["counts_per_site"] == {"aljazeera": 2, "bbc_arabic": 1}
    assert card["schema_version"] == LATEST_VERSION
    assert card["extractors"] == {"trafilatura 2.3.1 def": 3}
    assert card["date_range"]["first"] == "2026-11-20T10:00:00+03:00"
    assert card["date_range"]["last"] == "2026-11-22T06:00:00+00:00"
    assert card["filters"]["since"] == "2026-11-20" and "near_duplicate_of" in card["dedup_policy"]
    assert set(card["columns"]) >= {"canonical_url", "fetched_at", "run_id", "content_hash", "cluster_id"}
    markdown = result.card_markdown_path.read_text(encoding="utf-8")
    assert "| bbc_arabic | 1 |" in markdown


def test_parquet_footer_carries_the_card(conn, tmp_path):
    result = export_articles(conn, tmp_path / "out.parquet", "parquet", site="aljazeera")
    metadata = pq.read_metadata(result.path).metadata
    assert json.loads(metadata[b"dataset_card"])["counts_per_site"] == {"aljazeera": 2}


def test_versions_are_exported_only_on_request(conn, ids, tmp_path):
    plain = read_jsonl(export_articles(conn, tmp_path / "plain.jsonl", "jsonl").path)
    assert "versions" not in plain[0]
    result = export_articles(conn, tmp_path / "v.parquet", "parquet", include_versions=True)
    first = next(r for r in read_parquet(result.path) if r["id"] == ids["a1"])
    assert [(v["version"], v["body"]) for v in first["versions"]] == [(1, BODY_V1), (2, BODY_V2)]


def test_small_batches_keep_children_with_their_article_and_report_progress(conn, tmp_path):
    seen: list[int] = []
    result = export_articles(conn, tmp_path / "out.csv", "csv", batch_size=2, progress=seen.append)
    rows = read_csv(result.path)
    assert seen == [2, 3]
    assert [len(r["captions"]) for r in rows] == [2, 0, 1]


def test_bad_arguments_are_refused_and_leave_no_file(conn, tmp_path):
    with pytest.raises(ValueError, match="format"):
        export_articles(conn, tmp_path / "out.xlsx", "xlsx")
    with pytest.raises(ValueError, match="ISO date"):
        export_articles(conn, tmp_path / "out.jsonl", "jsonl", since="last week")
    # Only the archive (and the WAL files its reader opened): no export file.
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("archive.db")] == []


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_shown_on_a_terminal_only():
    assert terminal_progress(io.StringIO()) is None
    stream = FakeTerminal()
    progress = terminal_progress(stream)
    progress(1000)
    progress(1500)
    progress.finish()
    assert stream.getvalue() == "\r1000 articles\r1500 articles\n"


def schema_md_queries() -> list[str]:
    text = (Path(__file__).resolve().parents[2] / "archive" / "SCHEMA.md").read_text(encoding="utf-8")
    return re.findall(r"```sql\n(.*?)```", text, flags=re.S)


def test_schema_md_has_example_queries_that_run(conn, ids):
    queries = schema_md_queries()
    assert len(queries) >= 6
    results = [conn.execute(sql).fetchall() for sql in queries]  # none raises on the real schema
    by_topic = dict(zip(("afp", "cluster", "versions", "search"), (
        next(r for q, r in zip(queries, results) if "AFP" in q),
        next(r for q, r in zip(queries, results) if "cluster_id = (SELECT" in q),
        next(r for q, r in zip(queries, results) if "article_history v" in q),
        next(r for q, r in zip(queries, results) if "MATCH" in q),
    )))
    assert [row[4] for row in by_topic["afp"]] == ["أ ف ب"]
    assert sorted(row[0] for row in by_topic["cluster"]) == [ids["a1"], ids["b1"]]
    assert [row[0] for row in by_topic["versions"]] == [1, 2]
    assert {row[0] for row in by_topic["search"]} == {ids["a1"], ids["b1"]}


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_export_query_takes_away_a_search_result_set_with_the_query_in_its_card(conn, ids, tmp_path, fmt):
    """`export --query`: every article the search matches (the syntax of `search`), the query in the card."""
    result = export_articles(conn, tmp_path / f"q.{fmt}", fmt, query='"دير الزور" OR بورصة -لندن')
    assert {int(row["id"]) for row in READERS[fmt](result.path)} == {ids["a1"], ids["a2"]}
    card = json.loads(result.card_path.read_text(encoding="utf-8"))
    assert card["filters"]["query"] == '"دير الزور" OR بورصة -لندن' and card["rows"] == 2
    assert '"دير الزور" OR بورصة -لندن' in result.card_markdown_path.read_text(encoding="utf-8")


def test_export_query_reads_site_and_section_and_the_search_filters(conn, ids, tmp_path):
    from archive.fts import Filters

    def exported(**kwargs) -> set[int]:
        return {row["id"] for row in read_jsonl(export_articles(conn, tmp_path / "q.jsonl", "jsonl", **kwargs).path)}

    assert exported(query="الزور site:bbc_arabic") == {ids["b1"]}
    assert exported(query="الزور OR الاسهم section:اقتصاد") == {ids["a2"]}
    assert exported(query="الزور", filters=Filters(captions=True, month="2026-11")) == {ids["a1"], ids["b1"]}
    assert exported(query="الزور", max_rows=1) == {ids["a1"]}
    with pytest.raises(ValueError, match="OR needs a word"):
        export_articles(conn, tmp_path / "bad.jsonl", "jsonl", query="الزور OR")


def test_cli_export_query(tmp_path, ids):
    from tests.conftest import run_cli

    out = tmp_path / "q.csv"
    result = run_cli("export", "--db", str(tmp_path / "archive.db"), "--format", "csv", "--query", "بورصة", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert [int(row["id"]) for row in read_csv(out)] == [ids["a2"]]
    bad = run_cli("export", "--db", str(tmp_path / "archive.db"), "--format", "csv", "--query=-بورصة", "--out", str(out))
    assert bad.returncode == 2 and bad.stderr.startswith("error: ") and bad.stderr.count("\n") == 1


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_each_format_says_when_an_article_was_announced_and_archived(tmp_path, fmt):
    db = tmp_path / "timed.db"
    store = Archive(db)
    run = store.start_run("news")
    for n, lastmod in enumerate(["2026-11-20T12:00:00+03:00", None]):  # a sitemap's date, and a listing's link
        article = Article(url=f"https://aljazeera.example/news/{n}", title=f"خبر {n}", body=BODY_V1)
        store.insert_article(article, article.url, f"h{n}", FetchInfo("aljazeera", run, "2026-11-20T09:30:00+00:00",
                                                                       lastmod=lastmod))
    store.finish_run(run, {"new": 2}, "finished")
    store.close()
    conn = open_readonly(db)
    try:
        stored = {url: (announced, archived) for url, announced, archived in
                  conn.execute("SELECT url, announced_at, archived_at FROM articles")}
        result = export_articles(conn, tmp_path / f"out.{fmt}", fmt)
    finally:
        conn.close()
    exported = {row["url"]: (row["announced_at"] or None, row["archived_at"]) for row in READERS[fmt](result.path)}
    assert exported == stored
    assert exported["https://aljazeera.example/news/0"][0] == "2026-11-20T09:00:00+00:00"  # in UTC
    assert exported["https://aljazeera.example/news/1"][0] is None and all(a for _, a in exported.values())
    card = json.loads(result.card_path.read_text(encoding="utf-8"))
    assert "sitemap or feed" in card["columns"]["announced_at"] and "written" in card["columns"]["archived_at"]
