"""Search ranks within a window of the most recently archived matches, says so, and can rank them all.

One real archive written by `Archive.insert_article`: 40 articles mention الانتخابات, archived one a
day from 2026-01-02 (ids follow archival order); every eighth is on a small site; the first, archived
earliest, is the best match by far (the word in its title and all over its body); one recent article
is a backfill published in 2019; one was published just after midnight local time on 2026-02-01 but
archived before midnight UTC.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

import archive.fts as fts
from archive.fts import first_id_archived_since, search
from archive.readonly import open_readonly
from archive.store import Archive, FetchInfo
from crawler.extraction import Article
from tests.conftest import run_cli

WORD = "الانتخابات"
MATCHES = 40
SMALL = "small"
BACKFILL, LATE_NIGHT = 39, 30
START = datetime(2026, 1, 1, 8, tzinfo=timezone.utc)


def archived_at(i: int) -> datetime:
    return datetime(2026, 1, 31, 22, 30, tzinfo=timezone.utc) if i == LATE_NIGHT else START + timedelta(days=i)


def published(i: int) -> str:
    if i == BACKFILL:
        return "2019-05-01T10:00:00+03:00"
    if i == LATE_NIGHT:
        return "2026-02-01T01:00:00+03:00"  # 22:00 UTC on 31 January, half an hour before it was archived
    return (archived_at(i) - timedelta(hours=2)).astimezone(timezone(timedelta(hours=3))).isoformat()


def site_of(i: int) -> str:
    return SMALL if i % 8 == 0 else "big"


def article(i: int) -> Article:
    if i == 1:
        title, body = f"{WORD} {WORD}", f"جرت {WORD} اليوم.\n\n{WORD} و{WORD} في كل المدن، ونتائج {WORD} غدا."
    else:
        title, body = f"خبر رقم {i}", f"قال المراسل إن {WORD} المقبلة تشغل الشارع في المدينة {i} وإن الحملات بدأت."
    return Article(url=f"https://news.example/{i}", title=title, body=body, published=published(i), extractor="test")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("window") / "archive.db"
    store = Archive(path)
    for i in range(1, MATCHES + 1):
        a = article(i)
        fetch = FetchInfo(site=site_of(i), run_id=None, fetched_at=archived_at(i).isoformat(timespec="seconds"))
        assert store.insert_article(a, a.url, f"h{i}", fetch) == i  # ids follow archival order
    other = Article(url="https://news.example/other", title="طقس", body="أمطار غزيرة على الساحل.", extractor="test")
    store.insert_article(other, other.url, "h-other", FetchInfo("big", None, "2026-03-01T08:00:00+00:00"))
    store.commit()
    store.close()
    return path


@pytest.fixture
def conn(db):
    connection = open_readonly(db)
    yield connection
    connection.close()


def ids(hits) -> list[int]:
    return [h.article_id for h in hits]


def test_a_window_ranks_only_the_newest_matches_and_says_so(conn):
    hits = search(conn, WORD, window=10)
    assert sorted(ids(hits)) == list(range(31, 41))  # the 10 most recently archived, none older
    assert 1 not in ids(hits)  # the best match overall was archived first: outside the window
    ranking = hits.ranking
    assert (ranking.ranked, ranking.window, ranking.matches, ranking.complete) == (10, 10, MATCHES, False)
    assert ranking.notice() == f"ranked among the 10 most recently archived of {MATCHES} matches"
    assert all(WORD in h.snippet for h in hits)  # snippets in the published words, as before


def test_exhaustive_ranking_finds_the_best_match_wherever_it_is(conn):
    hits = search(conn, WORD, exhaustive=True, limit=MATCHES)
    assert ids(hits)[0] == 1
    assert sorted(ids(hits)) == list(range(1, MATCHES + 1))
    assert hits.ranking.complete and hits.ranking.window is None
    assert hits.ranking.notice() == f"ranked all {MATCHES} matches"
    assert ids(search(conn, WORD, window=None, limit=5)) == ids(hits)[:5]


def test_a_window_wider_than_the_matches_ranks_them_all(conn):
    hits = search(conn, WORD)  # DEFAULT_WINDOW (5,000) > 40
    assert ids(hits)[0] == 1 and hits.ranking.complete
    assert hits.ranking.notice() == f"ranked all {MATCHES} matches"
    window_of_all = search(conn, WORD, window=MATCHES)
    assert window_of_all.ranking.complete  # exactly full, but the count shows nothing was left out


def test_the_count_stops_at_its_limit_and_says_more_than(conn, monkeypatch):
    monkeypatch.setattr(fts, "COUNT_LIMIT", 25)
    ranking = search(conn, WORD, window=5).ranking
    assert (ranking.matches, ranking.more) == (25, True)
    assert ranking.notice() == "ranked among the 5 most recently archived of more than 25 matches"


def test_a_site_filter_applies_inside_the_window(conn):
    small = [i for i in range(1, MATCHES + 1) if site_of(i) == SMALL]  # 8, 16, 24, 32, 40
    hits = search(conn, WORD, site=SMALL, window=3)
    # A filter after a window of the 3 newest matches (38-40) would keep only 40.
    assert sorted(ids(hits)) == small[-3:] and {h.site for h in hits} == {SMALL}
    assert not hits.ranking.complete
    assert hits.ranking.notice() == (f"ranked among the 3 most recently archived matches on site {SMALL}; "
                                     f"older ones were not ranked ({MATCHES} matches without the filters)")
    every = search(conn, WORD, site=SMALL)
    assert sorted(ids(every)) == small and every.ranking.notice() == f"ranked all 5 matches on site {SMALL}"


def test_a_rare_site_is_looked_for_among_a_bounded_scan_of_matches(conn, monkeypatch):
    monkeypatch.setattr(fts, "SCAN_LIMIT", 12)  # the 12 newest matches: ids 29-40, of which 32 and 40 are small
    hits = search(conn, WORD, site=SMALL)
    assert sorted(ids(hits)) == [32, 40] and not hits.ranking.complete
    assert hits.ranking.notice() == (f"ranked the 2 matches on site {SMALL} among the 12 most recently archived "
                                     f"of {MATCHES} matches; older ones were not examined")
    assert sorted(ids(search(conn, WORD, site=SMALL, exhaustive=True))) == [8, 16, 24, 32, 40]


def expected_since(conn, since: str) -> list[int]:
    rows = conn.execute(
        "SELECT id FROM articles WHERE COALESCE(published, fetched_at) >= ? AND body LIKE ? ORDER BY id",
        (since, f"%{WORD}%"))
    return [r[0] for r in rows]


@pytest.mark.parametrize("since", ["2026-02-01", "2026-02-01T00:00:00+00:00", "2026-01-20", "2025-06-01"])
def test_since_returns_exactly_the_articles_published_since(conn, since):
    expected = expected_since(conn, since)
    assert BACKFILL not in expected  # archived recently, published long ago
    hits = search(conn, WORD, since=since, limit=MATCHES)
    assert sorted(ids(hits)) == expected
    assert hits.ranking.complete and hits.ranking.notice() == f"ranked all {len(expected)} matches published since {since}"
    assert sorted(ids(search(conn, WORD, since=since, limit=MATCHES, exhaustive=True))) == expected


def test_since_finds_an_article_published_after_midnight_local_but_archived_before_midnight_utc(conn):
    assert LATE_NIGHT in ids(search(conn, WORD, since="2026-02-01", limit=MATCHES))


def test_since_fills_its_window_with_articles_that_pass(conn):
    hits = search(conn, WORD, since="2026-02-01", window=3)
    assert sorted(ids(hits)) == [37, 38, 40]  # not 38 and 40 only: the backfill 39 does not take a place


def test_since_bound_follows_archival_order(conn):
    assert first_id_archived_since(conn, "2026-02-05") == 33  # two days before: the first archived on 2026-02-03
    assert first_id_archived_since(conn, "2020-01-01") == 1
    assert first_id_archived_since(conn, "2027-01-01") == MATCHES + 2  # nothing archived since: above every id
    assert first_id_archived_since(conn, "not a date") == 0


def test_cli_says_when_it_ranked_within_a_window_and_ranks_all_with_all(db):
    windowed = run_cli("search", WORD, "--db", str(db), "--window", "10", "--limit", "3")
    assert windowed.returncode == 0, windowed.stderr
    assert (f"3 hit(s); ranked among the 10 most recently archived of {MATCHES} matches (--all ranks every match)"
            in windowed.stderr)
    assert "https://news.example/1\n" not in windowed.stdout
    everything = run_cli("search", WORD, "--db", str(db), "--all", "--limit", "3")
    assert everything.returncode == 0, everything.stderr
    assert f"3 hit(s); ranked all {MATCHES} matches" in everything.stderr and "--all" not in everything.stderr
    assert re.search(r"^    https://news\.example/1$", everything.stdout, re.M)
    bad = run_cli("search", WORD, "--db", str(db), "--window", "0")
    assert bad.returncode == 2 and "--window: must be 1 or more" in bad.stderr
