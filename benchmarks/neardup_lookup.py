"""Near-duplicate index speed: start-up rebuild (load) and per-article lookup as the archive grows.

    python benchmarks/neardup_lookup.py [--n 100000] [--lookups 1000] [--rounds 7] [--compare-datasketch]

Stored signatures are synthetic (random uint16 rows, as MinHashes of distinct texts look); a quarter
of the probes are perturbed copies of stored ones so the candidate-verification path runs too. A
lookup is what the pipeline does per article: query, then add. The last line compares the
per-lookup time at 10k with the one at N: ratio = t(10k) / t(N), target 0.90 (flat).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from crawler.text.neardup import SIGNATURE_DTYPE, NearDupIndex  # noqa: E402

SMALL = 10_000
WARM_UP = 200


def stored_signatures(rng: np.random.Generator, n: int, num_perm: int) -> list[tuple[int, bytes]]:
    rows = rng.integers(0, 2**32, size=(n, num_perm), dtype=np.uint64).astype(SIGNATURE_DTYPE)
    return [(key, row.tobytes()) for key, row in enumerate(rows)]


def probes(rng: np.random.Generator, stored: list[tuple[int, bytes]], count: int, num_perm: int) -> list[bytes]:
    result = []
    for i in range(count):
        if i % 4 == 0:  # near-duplicate of a stored article: 10% of the minima differ
            row = np.frombuffer(stored[rng.integers(len(stored))][1], dtype=SIGNATURE_DTYPE).copy()
            changed = rng.choice(num_perm, size=num_perm // 10, replace=False)
            row[changed] = rng.integers(0, 2**32, size=len(changed), dtype=np.uint64).astype(SIGNATURE_DTYPE)
        else:
            row = rng.integers(0, 2**32, size=num_perm, dtype=np.uint64).astype(SIGNATURE_DTYPE)
        result.append(row.tobytes())
    return result


def measure(n: int, lookups: int, rounds: int, seed: int) -> tuple[float, float, float, int]:
    """Return (load seconds, median and mean over rounds of seconds per query+add, near-duplicates found).

    The machine is shared, so the per-lookup figure is the median of `rounds` round means:
    one round disturbed by another process does not decide the ratio.
    """
    rng = np.random.default_rng(seed)
    index = NearDupIndex()
    stored = stored_signatures(rng, n, index.num_perm)
    batches = [probes(rng, stored, lookups, index.num_perm) for _ in range(rounds)]
    warm_up = probes(rng, stored, WARM_UP, index.num_perm)
    started = time.perf_counter()
    index.load(stored)
    load_seconds = time.perf_counter() - started
    del stored
    next_key = n
    for signature in warm_up:  # first calls pay for caches and allocations
        index.query(signature)
        index.add(next_key, signature)
        next_key += 1
    found, round_means = 0, []
    for batch in batches:
        started = time.perf_counter()
        for signature in batch:
            found += bool(index.query(signature))
            index.add(next_key, signature)
            next_key += 1
        round_means.append((time.perf_counter() - started) / lookups)
    return load_seconds, statistics.median(round_means), statistics.fmean(round_means), found


def datasketch_load_seconds(n: int, seed: int) -> float:
    """Start-up with datasketch's MinHashLSH insertion session, for comparison."""
    from datasketch import MinHash, MinHashLSH

    index = NearDupIndex()
    stored = stored_signatures(np.random.default_rng(seed), n, index.num_perm)
    started = time.perf_counter()
    lsh = MinHashLSH(threshold=index.threshold, num_perm=index.num_perm)
    with lsh.insertion_session() as session:
        for key, signature in stored:
            values = np.frombuffer(signature, dtype=SIGNATURE_DTYPE)
            session.insert(key, MinHash(seed=1, hashvalues=values, scheme="affine32"))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="stored signatures at the large size")
    parser.add_argument("--lookups", type=int, default=1_000, help="query+add operations per timed round")
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds per size (median taken)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--compare-datasketch", action="store_true", help="also time MinHashLSH start-up")
    args = parser.parse_args()

    index = NearDupIndex()
    sample = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "seed-article.txt"
    text = sample.read_text(encoding="utf-8") if sample.exists() else "خبر " * 300
    started = time.perf_counter()
    for _ in range(50):
        index.signature(text)
    print(f"signature(): {(time.perf_counter() - started) / 50 * 1e3:.2f} ms per {len(text.split())}-word article")

    per_lookup = {}
    for n in sorted({SMALL, args.n}):
        load_seconds, median_lookup, mean_lookup, found = measure(n, args.lookups, args.rounds, args.seed)
        per_lookup[n] = median_lookup
        print(
            f"n={n}: load {load_seconds:.3f} s ({load_seconds / n * 1e6:.1f} us/signature), "
            f"query+add {median_lookup * 1e6:.1f} us/lookup (median of rounds; mean {mean_lookup * 1e6:.1f}), "
            f"near-duplicates found {found}/{args.lookups * args.rounds}"
        )
        if args.compare_datasketch:
            print(f"n={n}: datasketch MinHashLSH insertion-session load {datasketch_load_seconds(n, args.seed):.3f} s")
    print(f"ratio={per_lookup[SMALL] / per_lookup[args.n]:.2f} target=0.90")


if __name__ == "__main__":
    main()
