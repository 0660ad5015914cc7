"""Search latency: p95 of `archive.fts.search` (20 hits with snippets) over an archive of N articles.

    python benchmarks/search_latency.py [--n 1000000] [--repeats 5] [--keep DIR] [--window K | --all]

The archive is prefilled like benchmarks/archive_growth.py (the sample site's Arabic text pools, direct
SQL in 20k-row transactions, contentless FTS rows of the normalised text), then dated as a
crawl dates it: ids archived at even steps over 700 days, published up to a day before (every tenth
article backfilled from up to three years before), 2% of the articles on a small site. The 20 queries
are typical of a news archive, written as published (hamza, ة) so they go through normalisation like a
user's: words at fixed frequency ranks of the pool's vocabulary (common: ranks 5-80, mid: 300-2000),
rare words (the report numbers of the unique sentences), two words together, adjacent words, and
--site (a large and a small site) and --since (the last month, the last year) filters, and the
query syntax (`archive.query`: OR, a "phrase", -word, prefix*). `--page` times what the served search
page does instead (`archive.searchpage.search_page`: the 20 hits, the count, every facet). Each query
runs once to warm the cache (its hits and ranking notice are printed), then `--repeats` times;
figures per kind and overall; ratio = p95 of all timings in ms, target 100.
"""
from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from archive_growth import TextPool, prefill, text_pool
from common import machine_line, ratio_line

from archive.readonly import open_readonly
from archive.fts import search
from archive.searchpage import SearchForm, search_page

TARGET_MS = 100.0
DATE_CHUNK = 50_000
ARCHIVED_FROM = "2025-01-01"  # ids are archived at even steps over ARCHIVED_DAYS from here
ARCHIVED_DAYS = 700
SMALL_SITE = "enabbaladi"  # 2% of the articles: a --site filter that keeps few matches
RANKS = (5, 10, 20, 40, 80, 120, 200, 300, 450, 600, 800, 1000, 1500, 2000)


def date_articles(path: Path, n: int) -> None:
    """Give the prefilled rows archival and publication dates that follow their ids, as a crawl's do:
    archived (first_seen, fetched_at) at even steps over ARCHIVED_DAYS, published up to a day before, except
    every tenth article, backfilled from up to three years earlier; and move 2% of them to SMALL_SITE."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    step = ARCHIVED_DAYS * 86400 / n
    archived = f"(unixepoch('{ARCHIVED_FROM}') + CAST(id * {step} AS INTEGER))"
    lag = "CASE WHEN id % 10 = 3 THEN 86400 * 30 + (id * 7919) % (86400 * 1095) ELSE (id * 7919) % 86400 END"
    for first in range(1, n + 1, DATE_CHUNK):
        conn.execute(
            f"UPDATE articles SET"
            f" fetched_at = strftime('%Y-%m-%dT%H:%M:%S+00:00', {archived}, 'unixepoch'),"
            f" first_seen = strftime('%Y-%m-%dT%H:%M:%S+00:00', {archived}, 'unixepoch'),"
            f" last_seen = strftime('%Y-%m-%dT%H:%M:%S+00:00', {archived}, 'unixepoch'),"
            f" published = strftime('%Y-%m-%dT%H:%M:%S+03:00', {archived} - ({lag}) + 10800, 'unixepoch'),"
            f" site = CASE WHEN id % 50 = 7 THEN '{SMALL_SITE}' ELSE site END"
            f" WHERE id BETWEEN ? AND ?", (first, first + DATE_CHUNK - 1))
        conn.commit()
    conn.close()


@dataclass(frozen=True)
class Query:
    kind: str
    text: str
    site: str | None = None
    since: str | None = None

    def label(self) -> str:
        return self.text + (f" --site {self.site}" if self.site else "") + (f" --since {self.since}" if self.since else "")


def archived_day(days: int) -> str:
    return (date.fromisoformat(ARCHIVED_FROM) + timedelta(days=days)).isoformat()


def typical_queries(pool: TextPool, n: int) -> list[Query]:
    """20 queries as a researcher types them (published spelling, hamza and ة), of every kind:
    words from very common to rare, words together, adjacent words, and the filters (a large and a small
    site, the last month and the last year). Rare words are report numbers of the unique sentences."""
    words = Counter(w.strip("،.:؛؟!()\"'") for p in pool.paragraphs for w in p.split())
    ranked = [w for w, _ in words.most_common() if len(w) >= 3 and w.isalpha()]
    at = [ranked[min(r, len(ranked) - 1)] for r in RANKS]  # 5, 10, 20, 40, 80, 120, 200, 300, ...
    adjacent = [" ".join(w.strip("،.:؛؟!()\"'") for w in p.split()[2:4]) for p in pool.paragraphs[:2]]
    big, month, year = "aljazeera", archived_day(ARCHIVED_DAYS - 30), archived_day(ARCHIVED_DAYS - 365)
    return [
        *(Query("common word", w) for w in (at[0], at[2], at[4])),
        *(Query("mid word", w) for w in (at[7], at[10], at[13])),
        Query("rare word", str(n // 3)), Query("rare word", str(2 * n // 3)),
        Query("rare + common", f"التقرير {n // 2}"),
        *(Query("two words", f"{at[i]} {at[i + 7]}") for i in (0, 2, 4)),
        *(Query("adjacent words", text) for text in adjacent),
        Query("--site", at[0], site=big), Query("--site", at[0], site=SMALL_SITE),
        Query("--site", at[9], site=SMALL_SITE),
        Query("--since", at[1], since=month), Query("--since", at[1], since=year),
        Query("--since", at[4], site=SMALL_SITE, since=year),
        Query("syntax", f"{at[7]} OR {at[13]}"), Query("syntax", f'"{adjacent[0]}"'),
        Query("syntax", f"{at[4]} -{at[0]}"), Query("syntax", f"{at[10][:4]}*"),
    ]


def run(conn: sqlite3.Connection, query: Query, options: dict) -> list:
    if options.get("page"):  # the served page: hits, count and facets, as /DB/-/search builds them
        form = SearchForm(q=query.text, site=query.site or "", since=query.since or "", all="exhaustive" in options)
        page = search_page(conn, form, "/archive/-/search", "/archive/-/search/export")
        return page.hits
    return search(conn, query.text, site=query.site, since=query.since, **options)


def percentile(sorted_values: list[float], share: float) -> float:
    return sorted_values[max(0, round(share * len(sorted_values)) - 1)]


def summary(values: list[float]) -> str:
    values = sorted(values)
    return (f"{len(values)} searches, median {statistics.median(values):.1f} ms, p95 {percentile(values, 0.95):.1f} ms, "
            f"max {values[-1]:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="build the archive in this directory and keep it")
    parser.add_argument("--window", type=int, help="search(window=...): matches ranked (default: search's own)")
    parser.add_argument("--all", action="store_true", help="search(exhaustive=True): rank every match")
    parser.add_argument("--page", action="store_true", help="time the served search page (hits, count, facets)")
    args = parser.parse_args()
    print(machine_line())
    pool = text_pool()
    queries = typical_queries(pool, args.n)
    options = {"exhaustive": True} if args.all else {"window": args.window} if args.window else {}
    if args.page:
        options["page"] = True
    with tempfile.TemporaryDirectory(prefix="search-bench-") as tmp:
        directory = args.keep or Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"search-dated-{args.n}.db"
        if not path.exists():
            started = time.perf_counter()
            prefill(path, args.n, pool, args.seed)
            date_articles(path, args.n)
            print(f"prefill {args.n}: {time.perf_counter() - started:.0f} s, {path.stat().st_size / 2**20:,.0f} MiB")
        conn = open_readonly(path)
        timings: dict[Query, list[float]] = {}
        for query in queries:
            result = run(conn, query, options)  # warm
            ranking = getattr(result, "ranking", None)  # (search before ranking windows returned a plain list)
            print(f"  {query.kind:<15} {query.label()}: {len(result)} hits" + (f"; {ranking.notice()}" if ranking else ""))
            timings[query] = []
            for _ in range(args.repeats):
                started = time.perf_counter()
                run(conn, query, options)
                timings[query].append((time.perf_counter() - started) * 1e3)
        conn.close()
    print(machine_line())
    kinds = dict.fromkeys(q.kind for q in queries)
    for kind in kinds:
        print(f"  {kind:<15} {summary([t for q in queries if q.kind == kind for t in timings[q]])}")
    every = sorted(t for values in timings.values() for t in values)
    print(f"n={args.n}: {summary(every)}")
    print(ratio_line(percentile(every, 0.95), TARGET_MS))


if __name__ == "__main__":
    main()
