"""Search latency: p95 of `archive.fts.search` (20 hits with snippets) over an archive of N articles.

    python benchmarks/search_latency.py [--n 1000000] [--repeats 5] [--keep DIR]

The archive is prefilled like benchmarks/archive_growth.py (the sample site's Arabic text pools, direct
SQL in 20k-row transactions, contentless FTS rows of the normalised text and stems). The 20 queries
are typical of a news archive: 14 single words and 6 two-word queries drawn from the text pool's
vocabulary at fixed frequency ranks (from very common to rare), written as published (hamza, ة) so
they go through normalisation like a user's. Each query runs once to warm the cache, then `--repeats`
times; ratio = p95 of those timings in ms, target 100.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

from archive_growth import prefill, text_pool
from common import machine_line, ratio_line

from archive.readonly import open_readonly
from archive.fts import search

TARGET_MS = 100.0
RANKS = (5, 10, 20, 40, 80, 120, 200, 300, 450, 600, 800, 1000, 1500, 2000)


def typical_queries(pool) -> list[str]:
    """Published words at fixed frequency ranks of the pool (3+ letters), and six pairs of them."""
    words = Counter(w.strip("،.:؛؟!()\"'") for p in pool.paragraphs for w in p.split())
    ranked = [w for w, _ in words.most_common() if len(w) >= 3]
    singles = [ranked[min(r, len(ranked) - 1)] for r in RANKS]
    pairs = [f"{singles[i]} {singles[i + 7]}" for i in range(6)]
    return singles + pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="build the archive in this directory and keep it")
    args = parser.parse_args()
    print(machine_line())
    pool = text_pool()
    queries = typical_queries(pool)
    with tempfile.TemporaryDirectory(prefix="search-bench-") as tmp:
        directory = args.keep or Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"search-{args.n}.db"
        if not path.exists():
            seconds = prefill(path, args.n, pool, args.seed)
            print(f"prefill {args.n}: {seconds:.0f} s, {path.stat().st_size / 2**20:,.0f} MiB")
        conn = open_readonly(path)
        timings, hits = [], {}
        for query in queries:
            hits[query] = len(search(conn, query))  # warm
            for _ in range(args.repeats):
                started = time.perf_counter()
                search(conn, query)
                timings.append((time.perf_counter() - started) * 1e3)
        conn.close()
    for query in queries:
        print(f"  {query}: {hits[query]} hits")
    timings.sort()
    p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
    print(f"n={args.n}: {len(timings)} searches, median {statistics.median(timings):.1f} ms, "
          f"p95 {p95:.1f} ms, max {timings[-1]:.1f} ms")
    print(ratio_line(p95, TARGET_MS))


if __name__ == "__main__":
    main()
