"""Archive size: database bytes per byte of article text, for N articles stored the way a crawl stores them.

    python benchmarks/archive_size.py [--n 100000] [--edited 0.05] [--keep PATH] [--paragraphs 5 9] [--page-size 16384]

Articles come from the sample site's Arabic text pools (benchmarks/archive_growth.py: a title, a lead,
5-9 paragraphs and a caption each, no two bodies equal) and go through `Archive.insert_article` with
their MinHash signature and search text, committed in the crawl's batches of 50; a share `--edited` of
them then gets a second version (`Archive.add_version`), as re-checks of edited articles do.
Article text bytes = UTF-8 bytes of title + lead + body + captions of the current versions plus the
superseded versions' title + lead + body (text the archive must keep). WARC files are not counted.
`dbstat` gives the bytes per table and index. ratio = database bytes / article text bytes, target 2.0.
The sample articles are short (~2.5 kB of text); `--paragraphs 14 26` gives the 4-8 kB of real articles,
and `--page-size` builds with another SQLite page size, to see what rows of that length cost.
"""
from __future__ import annotations

import argparse
import random
import sqlite3
import tempfile
import time
from pathlib import Path

from archive_growth import FETCHED_AT, SITES, make_article, text_pool
from common import machine_line, ratio_line

import archive.migrate
import archive.store
from archive.fts import search_text
from archive.store import Archive, FetchInfo
from crawler.text.identity import content_hash
from crawler.text.neardup import NearDupIndex

TARGET = 2.0
EDITED_AT = "2026-11-02T10:00:00+00:00"


def text_bytes(*parts: str | None) -> int:
    return sum(len(p.encode("utf-8")) for p in parts if p)


def build(path: Path, n: int, edited: float, seed: int, paragraphs: tuple[int, int] = (5, 9)) -> int:
    """Store `n` articles (and edits of a share of them) at `path`; return the article text bytes kept."""
    pool, rng, signer = text_pool(), random.Random(seed), NearDupIndex()
    archive = Archive(path)
    total = 0
    for key in range(1, n + 1):
        article = make_article(pool, rng, key, paragraphs)
        captions = [c.text for c in article.captions]
        article_id = archive.insert_article(
            article, article.url, content_hash(article.title, article.body),
            FetchInfo(site=SITES[key % len(SITES)], run_id=None, fetched_at=FETCHED_AT),
            signature=signer.signature(article.body),
            text=search_text(article.title, article.lead, article.body, captions),
        )
        total += text_bytes(article.title, article.lead, article.body, *captions)
        if rng.random() < edited:
            total += text_bytes(article.title, article.lead, article.body)  # now a superseded version
            article.body += "\n\nتحديث: أضيفت هذه الفقرة بعد النشر."
            total += text_bytes("\n\nتحديث: أضيفت هذه الفقرة بعد النشر.")
            archive.add_version(article_id, article, content_hash(article.title, article.body),
                                FetchInfo(site=SITES[key % len(SITES)], run_id=None, fetched_at=EDITED_AT),
                                signature=signer.signature(article.body))
        archive.commit_if_due()
    archive.close()
    return total


def breakdown(path: Path) -> list[tuple[str, int, int]]:
    """(name, bytes, unused bytes in its pages) per table/index, largest first (FTS shadow tables by their own names)."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name, SUM(pgsize), SUM(unused) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetchall()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--edited", type=float, default=0.05, help="share of articles stored twice (an edit)")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="write the archive here and keep it")
    parser.add_argument("--paragraphs", type=int, nargs=2, default=(5, 9), metavar=("MIN", "MAX"),
                        help="pool paragraphs per article body (5 9: ~2.5 kB of text; 14 26: ~4-8 kB)")
    parser.add_argument("--page-size", type=int, default=archive.migrate.PAGE_SIZE, help="SQLite page size of the new archive")
    args = parser.parse_args()
    print(machine_line())
    with tempfile.TemporaryDirectory(prefix="archive-size-") as tmp:
        path = args.keep or Path(tmp) / "archive.db"
        started = time.perf_counter()
        archive.store.PAGE_SIZE = archive.migrate.PAGE_SIZE = args.page_size  # read when Archive creates or vacuums the file
        text = build(path, args.n, args.edited, args.seed, tuple(args.paragraphs))
        seconds = time.perf_counter() - started
        size = path.stat().st_size
        print(f"n={args.n}: {seconds:.0f} s to store; article text {text / 2**20:,.1f} MiB, "
              f"database {size / 2**20:,.1f} MiB ({size / args.n:,.0f} bytes/article)")
        for name, nbytes, unused in breakdown(path)[:12]:
            print(f"  {name:32} {nbytes / 2**20:9,.2f} MiB  {nbytes / text:5.2f}x text  {unused / nbytes:4.0%} unused")
    print(ratio_line(size / text, TARGET))


if __name__ == "__main__":
    main()
