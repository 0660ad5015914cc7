"""Body recall and date on every gold page as published and in four other markups, ours against bare trafilatura.

Run by hand:  python benchmarks/markup_variants.py [-v]

Variants (tests/markup_variants.py): classes/ids renamed, <p> unwrapped into <br><br> runs, every
element wrapped in bare <div>s, JSON-LD/meta/microdata removed. Body recall: share of the gold's
must-include sentences found in the lead + body; date: published day equal to the gold's. Trafilatura
is `bare_extraction(with_metadata=True)` on the same bytes. `-v` lists the pages below 1.0 or below
trafilatura. (The full metamorphic table with captions, sources and authors is extraction_eval.py's.)
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from crawler.text.arabic import normalize  # noqa: E402
from crawler.extraction import NotAnArticle, extract  # noqa: E402
from tests.markup_variants import VARIANTS  # noqa: E402


def recall(sentences: list[str], text: str) -> float:
    text = normalize(text)
    return sum(normalize(s) in text for s in sentences) / max(1, len(sentences))


def main() -> None:
    verbose = "-v" in sys.argv
    rows: dict[str, list[tuple]] = {}
    for path in sorted((ROOT / "tests" / "gold").glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        page = (ROOT / "tests" / gold["file"]).read_bytes()
        for name, variant in (("published", None), *VARIANTS.items()):
            html = page if variant is None else variant(page, gold.get("content_type"))
            content_type = gold.get("content_type") if variant is None else None
            try:
                article = extract(html, gold["url"], content_type=content_type)
                ours, day = f"{article.lead or ''} {article.body}", (article.published or "")[:10]
            except NotAnArticle as exc:
                ours, day = "", str(exc)
            doc = trafilatura.bare_extraction(html, url=gold["url"], with_metadata=True)
            theirs, their_day = (doc.text or "", (doc.date or "")[:10]) if doc else ("", "")
            want = gold.get("published")
            row = (recall(gold["must_include"], ours), recall(gold["must_include"], theirs),
                   day == want if want else None, their_day == want if want else None)
            rows.setdefault(name, []).append(row)
            if verbose and (row[0] < 1 or row[1] > row[0] or row[2] is False):
                print(f"  {path.stem} [{name}]: body {row[0]:.2f} (traf {row[1]:.2f}), date {day!r} (gold {want})")

    def mean(items, i):
        values = [r[i] for r in items if r[i] is not None]
        return sum(values) / len(values) if values else float("nan")

    print(f"{'variant':14s} {'body ours':>10s} {'body traf':>10s} {'date ours':>10s} {'date traf':>10s}")
    for name, items in rows.items():
        print(f"{name:14s} {mean(items, 0):10.3f} {mean(items, 1):10.3f} {mean(items, 2):10.3f} {mean(items, 3):10.3f}"
              f"   ({len(items)} pages)")


if __name__ == "__main__":
    main()
