"""Archive statistics on the same real archive file the export tests build."""
from __future__ import annotations

import json
from datetime import date

import pytest

from archive.readonly import open_readonly
from archive.stats import archive_stats, format_stats
from tests.archive.test_export import build_archive


@pytest.fixture
def stats(tmp_path) -> dict:
    build_archive(tmp_path / "archive.db")
    conn = open_readonly(tmp_path / "archive.db")
    try:
        return archive_stats(conn, days=3, today=date(2026, 11, 22))
    finally:
        conn.close()


def test_counts_per_site_and_totals(stats):
    assert stats["totals"]["articles"] == 3 and stats["totals"]["versions"] == 4
    assert stats["sites"]["aljazeera"]["articles"] == 2 and stats["sites"]["aljazeera"]["changed"] == 1
    assert stats["sites"]["bbc_arabic"]["near_duplicates"] == 1
    assert stats["sites"]["aljazeera"]["first_seen"] == "2026-11-20T08:00:00+00:00"
    assert stats["sites"]["bbc_arabic"]["last_fetched"] == "2026-11-22T06:00:00+00:00"


def test_per_day_uses_the_published_date_and_falls_back_to_the_fetch_date(stats):
    assert stats["per_day"]["days"] == ["2026-11-20", "2026-11-21", "2026-11-22"]
    assert stats["per_day"]["counts"] == {
        "aljazeera": {"2026-11-20": 1, "2026-11-22": 1},  # the second article has no published date
        "bbc_arabic": {"2026-11-21": 1},
    }


def test_the_day_window_ends_today(tmp_path):
    build_archive(tmp_path / "archive.db")
    conn = open_readonly(tmp_path / "archive.db")
    later = archive_stats(conn, days=2, today=date(2026, 12, 30))
    conn.close()
    assert later["per_day"]["counts"] == {} and len(later["per_day"]["days"]) == 2


def test_sections_per_site(stats):
    assert stats["sections"] == {"aljazeera": {"أخبار": 1, "اقتصاد": 1}, "bbc_arabic": {"أخبار": 1}}


def test_fill_rates_per_site(stats):
    assert stats["fill_rates"]["aljazeera"] == {
        "published": 0.5, "authors": 0.5, "captions": 0.5, "sources": 0.5, "lead": 0.5,
    }
    assert stats["fill_rates"]["bbc_arabic"] == {
        "published": 1.0, "authors": 1.0, "captions": 1.0, "sources": 1.0, "lead": 1.0,
    }


def test_runs_and_health(stats):
    [run] = stats["runs"]
    assert run["status"] == "finished" and run["counts"] == {"new": 3, "updated": 1} and run["finished_at"]
    assert stats["health"]["aljazeera"]["flags"] == []
    assert stats["health"]["bbc_arabic"]["flags"] == ["captions fill-rate fell from 90% to 10%"]
    assert stats["health"]["bbc_arabic"]["pages"] == 3


def test_stats_are_json_serialisable_and_render_as_tables(stats):
    json.dumps(stats, ensure_ascii=False)
    text = format_stats(stats)
    assert "3 articles" in text
    assert "captions fill-rate fell from 90% to 10%" in text
    day_header = next(line for line in text.splitlines() if line.startswith("site") and "11-21" in line)
    assert day_header.split() == ["site", "11-20", "11-21", "11-22", "total"]
    all_row = next(line for line in text.splitlines() if line.startswith("all "))
    assert all_row.split() == ["all", "1", "1", "1", "3"]
    assert "اقتصاد" in text and "50%" in text


def test_an_empty_archive_has_stats_too(tmp_path):
    from archive.store import Archive

    Archive(tmp_path / "empty.db").close()
    conn = open_readonly(tmp_path / "empty.db")
    stats = archive_stats(conn)
    conn.close()
    assert stats["totals"]["articles"] == 0 and stats["sites"] == {} and stats["fill_rates"] == {}
    assert "0 articles" in format_stats(stats)


def test_tables_align_arabic_with_tashkeel():
    from archive.stats import display_width, table

    lines = table(["name", "n"], [["مُحَمَّد", 1], ["abcd", 22]]).splitlines()
    assert lines[2].endswith(" 1") and lines[3].endswith("22")
    assert display_width(lines[2]) == display_width(lines[3]) == len(lines[3])  # the 4 marks take no column
    assert len(lines[2]) == len(lines[3]) + 4
