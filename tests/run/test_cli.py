"""The non-crawl commands of `python -m crawler`, run as a cron job or a researcher would run them.

`search`, `export`, `stats` and `reextract` share one archive made by one `demo` crawl.
"""
from __future__ import annotations

import json
import re
import sqlite3

import pytest

from crawler.run.runner import EXIT_OK
from tests.conftest import REAL_PAGES, run_cli

AKHBARELYOM_URL = "https://akhbarelyom.com/news/newdetails/3126898/1/36-عامًا..-سر-رحيل-نعيمة-عاكف-في-سن-مبكر"
MIN_CATALOG_SITES = 16


def ok(result, code: int = EXIT_OK):
    assert result.returncode == code, f"exit {result.returncode}\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    return result


# The demo serves on one fixed port; a second demo at the same time would get another (see test_crawl).
pytestmark = pytest.mark.xdist_group("demo-port")


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    db = tmp_path_factory.mktemp("cli") / "archive.db"
    ok(run_cli("demo", "--db", str(db)))
    return db


def article_count(db) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    finally:
        conn.close()


# -- catalog and single pages ----------------------------------------------------------------------------------


def test_sites_lists_every_catalog_entry_with_how_it_was_verified():
    lines = ok(run_cli("sites")).stdout.strip().splitlines()
    assert len(lines) >= MIN_CATALOG_SITES
    assert all(re.search(r"verified: \S+", line) for line in lines)
    assert {line.split()[0] for line in lines} >= {"sample", "aljazeera", "bbc_arabic"}


def test_sites_json_gives_domains_discovery_urls_and_verification():
    sites = json.loads(ok(run_cli("sites", "--json")).stdout)
    assert len(sites) >= MIN_CATALOG_SITES
    assert len({s["name"] for s in sites}) == len(sites)
    for site in sites:
        assert site["domains"] and site["verified"], site
        assert site["sitemaps"] or site["feeds"] or site["start_urls"], site


def test_extract_prints_the_article_as_json():
    page = REAL_PAGES / "akhbarelyom-2020.html"
    article = json.loads(ok(run_cli("extract", str(page), "--url", AKHBARELYOM_URL)).stdout)
    assert "نعيمة عاكف" in article["title"]
    assert article["published"].startswith("2020-10-07")
    assert [c["text"] for c in article["captions"]] == ["نعيمة عاكف"]
    assert article["captions"][0]["image_url"].endswith(".jpg")
    assert "مهرجان الشباب العالمي" in article["body"]


def test_extract_of_a_page_that_is_no_article_exits_1(tmp_path):
    page = tmp_path / "empty.html"
    page.write_text("<html><body><nav><a href='/'>الرئيسية</a></nav></body></html>", encoding="utf-8")
    result = ok(run_cli("extract", str(page), "--url", "https://example.org/"), 1)
    assert "not an article" in result.stderr and result.stdout == ""


# -- one archive, read by every tool ---------------------------------------------------------------------------


def test_search_prints_every_hit_with_url_and_snippet_up_to_the_limit(archive):
    conn = sqlite3.connect(f"file:{archive}?mode=ro", uri=True)
    try:
        (containing,) = conn.execute(
            "SELECT COUNT(*) FROM articles WHERE title || ' ' || coalesce(lead, '') || ' ' || body LIKE '%الجزيرة%'"
        ).fetchone()
    finally:
        conn.close()
    assert containing >= 2
    for limit, expected in ((50, containing), (containing - 1, containing - 1)):
        result = ok(run_cli("search", "الجزيرة", "--db", str(archive), "--limit", str(limit)))
        assert f"{expected} hit(s)" in result.stderr
        urls = re.findall(r"^    (http://127\.0\.0\.1:\d+/\S+)$", result.stdout, re.M)
        assert len(set(urls)) == expected


def test_search_for_an_absent_word_finds_nothing(archive):
    result = ok(run_cli("search", "كنغر", "--db", str(archive)))
    assert result.stdout == "" and "0 hit(s)" in result.stderr


def test_export_jsonl_writes_one_row_per_article_and_a_card(archive, tmp_path):
    out = tmp_path / "articles.jsonl"
    result = ok(run_cli("export", "--format", "jsonl", "--db", str(archive), "--out", str(out)))
    exported = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(exported) == article_count(archive) > 0
    assert all(row["title"] and row["captions"] for row in exported)
    assert f"{len(exported)} articles -> {out}" in result.stdout
    assert list(tmp_path.glob("articles.jsonl.card.*"))


def test_stats_shows_the_demo_run_and_site_counts(archive):
    text = ok(run_cli("stats", "--db", str(archive))).stdout
    assert re.search(r"^ +1 +news .* finished ", text, re.M)
    stats = json.loads(ok(run_cli("stats", "--db", str(archive), "--json")).stdout)
    assert stats["totals"]["articles"] == article_count(archive)
    assert stats["sites"]["sample"]["articles"] == article_count(archive)


def test_reextract_of_a_fresh_archive_changes_nothing(archive):
    result = ok(run_cli("reextract", "--db", str(archive)))
    assert f"re-extracted {article_count(archive)}: 0 changed" in result.stdout


def test_reextract_since_a_later_date_selects_nothing(archive):
    result = ok(run_cli("reextract", "--db", str(archive), "--since", "2999-01-01"))
    assert "re-extracted 0: 0 changed" in result.stdout
    refused = run_cli("reextract", "--db", str(archive), "--since", "soon")
    assert refused.returncode == 2 and "not an ISO date" in refused.stderr


def every_option(parser, path=()):
    """(command path, option) of every option and argument of every command and subcommand."""
    import argparse

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from every_option(sub, (*path, name))
        elif not isinstance(action, argparse._HelpAction):
            yield " ".join(path), action


def test_every_option_of_every_command_says_what_it_is_for():
    from crawler.cli import build_parser

    options = list(every_option(build_parser()))
    assert len(options) > 60  # every command was walked, the cluster's too
    undocumented = [f"{path}: {action.option_strings or action.dest}" for path, action in options
                    if not action.help]  # SUPPRESS-ed internals have a help string too
    assert undocumented == []
