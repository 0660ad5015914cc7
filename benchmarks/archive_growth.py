"""Per-article archive + dedup cost with 10k vs N articles already stored, and near-dup index start-up at N.

    python benchmarks/archive_growth.py [--n 1000000] [--rounds 7] [--batch 200] [--keep DIR] [--profile] [--pragma NAME=VALUE]

What one article costs is what pipelines/dedup.py + pipelines/store.py do for a new article:
content_hash, article_state (URL lookup), same_text, NearDupIndex.signature + query, then
Archive.insert_article (articles, captions, sources, signatures, the contentless FTS row) +
NearDupIndex.add, with a commit every ARCHIVE_BATCH_SIZE (50) articles.

Articles are built from the sample site's Arabic text pools: a title, a lead and 5-9 paragraphs drawn
from ~4,000 generated paragraphs plus one unique sentence, so no two bodies are equal and random pairs
are not near-duplicates. The stored archives are prefilled with direct SQL in 20k-row transactions
into articles, captions, sources, signatures and articles_fts (FTS rows built from
pre-normalised paragraphs); stored signatures are random uint16 rows (as MinHashes of distinct texts
look). The two archives are measured in alternating rounds (median of round means), so a noisy
neighbour hits both. ratio = cost at 10k / cost at N, target 0.90 (flat). `--profile` also prints the
time per article of each SQL statement (and of commits) at both sizes, to see what grows.
"""
from __future__ import annotations

import argparse
import random
import re
import resource
import sqlite3
import statistics
from collections import Counter
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from common import machine_line, ratio_line

from archive.store import Archive, FetchInfo
from crawler.text.arabic import normalize
from crawler.extraction import Article, Caption, Source
from crawler.text.identity import content_hash
from crawler.text.neardup import SIGNATURE_DTYPE, NearDupIndex
from crawler.sample_site import SampleSite

SMALL = 10_000
TARGET = 0.90
PREFILL_CHUNK = 20_000
SITES = ("aljazeera", "alarabiya", "bbcarabic", "skynewsarabia")
FETCHED_AT = "2026-11-01T10:00:00+00:00"


@dataclass
class TextPool:
    titles: list[str]
    leads: list[str]
    paragraphs: list[str]
    captions: list[str]
    normalized: list[str]  # normalize(paragraph), same order


def text_pool(seed: int = 11, n_articles: int = 600) -> TextPool:
    articles = SampleSite(seed=seed, n_articles=n_articles).articles
    paragraphs = sorted({p for a in articles for p in a.paragraphs})
    return TextPool(
        titles=[a.title for a in articles], leads=[a.lead for a in articles], paragraphs=paragraphs,
        captions=[a.caption_text for a in articles],
        normalized=[normalize(p) for p in paragraphs],
    )


def unique_sentence(key: int) -> str:
    return f"وأشار التقرير رقم {key} إلى أن المتابعة مستمرة."


def article_url(site: str, key: int) -> str:
    return f"https://www.{site}.net/news/2026/11/{key % 28 + 1}/story-{key}"


def make_article(pool: TextPool, rng: random.Random, key: int, paragraphs: tuple[int, int] = (5, 9)) -> Article:
    """A realistic extracted article, varied per key, of `paragraphs` (min, max) pool paragraphs plus one."""
    picks = rng.sample(range(len(pool.paragraphs)), rng.randint(*paragraphs))
    body = "\n\n".join([*(pool.paragraphs[i] for i in picks), unique_sentence(key)])
    site = SITES[key % len(SITES)]
    return Article(
        url=article_url(site, key), title=rng.choice(pool.titles), lead=rng.choice(pool.leads), body=body,
        captions=[Caption(rng.choice(pool.captions), "رويترز", f"https://img.example/{key}.jpg", "Reuters photo")],
        sources=[Source("الجزيرة", "Al Jazeera")], authors=["محمد العلي"], published="2026-11-01T09:00:00+03:00",
        date_source="json-ld", date_precision="day", section="سياسة", tags=["سوريا", "سياسة"],
        images=[f"https://img.example/{key}.jpg"], language="ar", extractor="bench 0",
    )


# -- prefill --------------------------------------------------------------------------------------------------

def prefill(path: Path, n: int, pool: TextPool, seed: int) -> float:
    """Create an archive at `path` holding `n` articles (ids 1..n); return the seconds it took."""
    started = time.perf_counter()
    Archive(path).close()  # schema via the migrations
    archive = Archive(path)
    conn = archive.conn
    rng = random.Random(seed)
    signatures = np.random.default_rng(seed)
    conn.execute("PRAGMA synchronous = OFF")
    for first in range(1, n + 1, PREFILL_CHUNK):
        keys = range(first, min(n, first + PREFILL_CHUNK - 1) + 1)
        rows = [prefill_row(pool, rng, key) for key in keys]
        sig = signatures.integers(0, 2**32, size=(len(keys), 128), dtype=np.uint64).astype(SIGNATURE_DTYPE)
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO articles (id, url, canonical_url, site, title, lead, body, authors, published, section, tags,"
            " language, content_hash, fetched_at, version, first_seen, last_seen, cluster_id, extractor)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, '[\"محمد العلي\"]', '2026-10-01T09:00:00+03:00', 'سياسة', '[]', 'ar',"
            " ?, ?, 1, ?, ?, ?, 'bench 0')",
            [(k, url, url, site, t, l, b, h, FETCHED_AT, FETCHED_AT, FETCHED_AT, k) for k, url, site, t, l, b, h, *_ in rows],
        )
        conn.executemany("INSERT INTO captions (article_id, text, credit) VALUES (?, ?, 'رويترز')",
                         [(r[0], r[8]) for r in rows])
        conn.executemany("INSERT INTO sources (article_id, name, canonical) VALUES (?, 'الجزيرة', 'Al Jazeera')",
                         [(r[0],) for r in rows])
        conn.executemany("INSERT INTO signatures (article_id, minhash) VALUES (?, ?)",
                         [(k, sig[i].tobytes()) for i, k in enumerate(keys)])
        conn.executemany(
            "INSERT INTO articles_fts (rowid, body, title, lead, captions) VALUES (?, ?, ?, ?, ?)",
            [(r[0], r[7], normalize(r[3]), normalize(r[4]), normalize(r[8])) for r in rows],
        )
        conn.execute("COMMIT")
    archive.close()
    return time.perf_counter() - started


def prefill_row(pool: TextPool, rng: random.Random, key: int) -> tuple:
    """(id, url, site, title, lead, body, hash, normalised body, caption) from pre-normalised paragraphs."""
    picks = rng.sample(range(len(pool.paragraphs)), rng.randint(5, 9))
    tail = unique_sentence(key)
    body = "\n\n".join([*(pool.paragraphs[i] for i in picks), tail])
    site = SITES[key % len(SITES)]
    url = article_url(site, key)
    title, lead = rng.choice(pool.titles), rng.choice(pool.leads)
    normalized = " ".join([*(pool.normalized[i] for i in picks), normalize(tail)])
    digest = f"{key:064x}"  # distinct, and never equal to a real sha256 of the measured articles
    return key, url, site, title, lead, body, digest, normalized, rng.choice(pool.captions)


# -- measurement ----------------------------------------------------------------------------------------------

class TimedConnection:
    """A sqlite3 connection that adds up the seconds spent in each statement (--profile)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self.seconds: Counter[str] = Counter()

    def _timed(self, key: str, call, *args):
        started = time.perf_counter()
        try:
            return call(*args)
        finally:
            self.seconds[key] += time.perf_counter() - started

    def execute(self, sql: str, *args):
        return self._timed(statement_key(sql), self._conn.execute, sql, *args)

    def executemany(self, sql: str, *args):
        return self._timed(statement_key(sql), self._conn.executemany, sql, *args)

    def commit(self) -> None:
        self._timed("COMMIT", self._conn.commit)

    def __enter__(self):
        return self._conn.__enter__()

    def __exit__(self, *exc):
        return self._conn.__exit__(*exc)

    def __getattr__(self, name: str):
        return getattr(self._conn, name)


def statement_key(sql: str) -> str:
    """The statement's first words, sqlite-utils' random savepoint names folded."""
    return re.sub(r"sqlite_utils_[0-9a-f]+", "sqlite_utils_*", " ".join(sql.split()))[:70]


class Subject:
    """One archive + its near-duplicate index, fed new articles as the pipeline does."""

    def __init__(self, path: Path, profile: bool = False, pragmas: tuple[str, ...] = ()) -> None:
        started = time.perf_counter()
        self.archive = Archive(path)
        self.open_seconds = time.perf_counter() - started  # includes pending migrations
        for pragma in pragmas:  # e.g. mmap_size=1073741824, to try connection settings
            self.archive.conn.execute(f"PRAGMA {pragma}")
        self.timed = None
        if profile:
            self.timed = TimedConnection(self.archive.conn)
            self.archive.conn = self.archive.db.conn = self.timed
        self.index = NearDupIndex()
        started = time.perf_counter()
        self.index.load(self.archive.iter_signatures())
        self.load_seconds = time.perf_counter() - started

    def store(self, article: Article) -> None:
        archive, index = self.archive, self.index
        digest = content_hash(article.title, article.body)
        if archive.article_state(article.url) is not None or archive.same_text(SITES[0], digest) is not None:
            raise RuntimeError("benchmark articles must be new")
        signature = index.signature(article.body)
        matches = index.query(signature)
        near = archive.article_state_by_id(min(matches)) if matches else None
        fetch = FetchInfo(site=SITES[0], run_id=None, fetched_at=FETCHED_AT)
        article_id = archive.insert_article(
            article, article.url, digest, fetch, near_duplicate_of=near.id if near else None,
            cluster_id=(near.cluster_id or near.id) if near else None, signature=signature,
        )
        index.add(article_id, signature)
        archive.commit_if_due()


def measure(subjects: dict[int, Subject], pool: TextPool, rounds: int, batch: int, seed: int) -> dict[int, list[float]]:
    """Seconds per article of each subject, one figure per round; subjects alternate within a round."""
    rng = random.Random(seed)
    # Above every prefilled key; each key used adds one row to one archive, so counting rows skips the keys
    # earlier runs (and earlier calls) used on kept archives: URLs are always new.
    next_key = 10**9 + sum(s.archive.conn.execute("SELECT count(*) FROM articles").fetchone()[0] for s in subjects.values())
    means: dict[int, list[float]] = {n: [] for n in subjects}
    for round_number in range(rounds + 1):  # round 0 warms caches and is dropped
        for n, subject in subjects.items():
            articles = [make_article(pool, rng, next_key + i) for i in range(batch)]
            next_key += batch
            started = time.perf_counter()
            for article in articles:
                subject.store(article)
            subject.archive.commit()
            if round_number:
                means[n].append((time.perf_counter() - started) / batch)
            elif subject.timed:
                subject.timed.seconds.clear()
    return means


def print_profile(subjects: dict[int, Subject], articles: int) -> None:
    """ms per article of each statement at each size, largest growth first."""
    sizes = sorted(subjects)
    seconds = {n: subjects[n].timed.seconds for n in sizes}
    keys = sorted(set().union(*seconds.values()), key=lambda k: seconds[sizes[-1]][k] - seconds[sizes[0]][k], reverse=True)
    print("profile, ms per article: " + " | ".join(f"n={n}" for n in sizes) + " | statement")
    for key in keys[:15]:
        print("  " + " | ".join(f"{seconds[n][key] / articles * 1e3:7.3f}" for n in sizes) + f" | {key}")
    print("  " + " | ".join(f"{sum(seconds[n].values()) / articles * 1e3:7.3f}" for n in sizes) + " | all SQL")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="articles already stored at the large size")
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds per archive (median taken)")
    parser.add_argument("--batch", type=int, default=200, help="articles per round")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="build the archives in this directory and keep them")
    parser.add_argument("--profile", action="store_true", help="time every SQL statement (adds a little overhead)")
    parser.add_argument("--pragma", action="append", default=[], help="a PRAGMA for both archives' connections, "
                        "e.g. --pragma mmap_size=1073741824 (repeatable)")
    args = parser.parse_args()
    print(machine_line())
    pool = text_pool()
    print(f"text pool: {len(pool.paragraphs)} paragraphs")
    small = min(SMALL, args.n)
    with tempfile.TemporaryDirectory(prefix="archive-growth-") as tmp:
        directory = args.keep or Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        subjects = {}
        for n in sorted({small, args.n}):
            path = directory / f"archive-{n}.db"
            if not path.exists():
                seconds = prefill(path, n, pool, args.seed)
                print(f"prefill {n}: {seconds:.1f} s ({n / seconds:,.0f} articles/s), "
                      f"{path.stat().st_size / 2**20:,.0f} MiB")
            subjects[n] = Subject(path, args.profile, tuple(args.pragma))
            print(f"n={n}: open {subjects[n].open_seconds:.2f} s (with pending migrations)")
            print(f"n={n}: near-dup index start-up (load {len(subjects[n].index)} stored signatures) "
                  f"{subjects[n].load_seconds:.2f} s")
        means = measure(subjects, pool, args.rounds, args.batch, args.seed)
        for n, values in means.items():
            print(f"n={n}: {statistics.median(values) * 1e3:.2f} ms/article (median of {len(values)} rounds; "
                  f"mean {statistics.fmean(values) * 1e3:.2f}, min {min(values) * 1e3:.2f})")
        if args.profile:
            print_profile(subjects, args.rounds * args.batch)
        for subject in subjects.values():
            subject.archive.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process (both archives' near-dup indexes loaded): {peak:,.0f} MiB")
    print(ratio_line(statistics.median(means[small]) / statistics.median(means[args.n]), TARGET))


if __name__ == "__main__":
    main()
