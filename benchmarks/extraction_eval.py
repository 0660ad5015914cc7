"""Compare our extractor with bare trafilatura on the gold pages, field by field.

Run by hand:  python benchmarks/extraction_eval.py [-v]

Pages: every tests/gold/*.json (real pages kept in tests/fixtures/pages/ and composed pages in
tests/gold/pages/), plus the article pages of the bundled sample site when
`crawler.sample_site` offers `SampleSite` and `serve` (fetched over 127.0.0.1, gold taken from
`site.articles`). Scores:
  body recall   share of must-include sentences found in the body
  leak          share of must-exclude strings found in the body (lower is better)
  title exact   title equal to the gold title (after clean_text)
  date correct  published date (YYYY-MM-DD in the page's own offset, or UTC) equal to gold
  caption rec.  share of gold caption texts found among the captions (trafilatura: in its text)
  source rec.   share of gold source names found among the sources (trafilatura: in a short
                `المصدر`-style or dateline line of its text, a lenient proxy)
"""
from __future__ import annotations

import json
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from crawler.arabic import clean_text, normalize  # noqa: E402
from crawler.extraction.attribution import rules  # noqa: E402
from crawler.extraction import EXTRACTOR_ID, NotAnArticle, extract  # noqa: E402

GOLD_DIR = ROOT / "tests" / "gold"
FIELDS = ("body recall", "leak", "title exact", "date correct", "caption recall", "source recall")
TARGETS = {"body recall": 0.95, "leak": 0.05, "title exact": 0.98, "date correct": 0.95, "caption recall": 0.95, "source recall": 0.95}


@dataclass
class Gold:
    name: str
    html: bytes
    url: str
    title: str
    must_include: list[str]
    must_exclude: list[str]
    published: str | None
    captions: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    content_type: str | None = None


def load_gold_files() -> list[Gold]:
    golds = []
    for path in sorted(GOLD_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        page = ROOT / "tests" / data["file"]
        if not page.exists():
            raise SystemExit(f"{path.name}: gold page tests/{data['file']} is missing")
        golds.append(
            Gold(
                name=path.stem, html=page.read_bytes(), url=data["url"], title=data["title"],
                must_include=data["must_include"], must_exclude=data["must_exclude"], published=data.get("published"),
                captions=data.get("captions", []), sources=data.get("sources", []), content_type=data.get("content_type"),
            )
        )
    return golds


def load_sample_site() -> tuple[list[Gold], str]:
    """Article pages of the bundled sample site, served on 127.0.0.1, with gold from site.articles."""
    try:
        from crawler.sample_site import SampleSite, serve
    except ImportError as exc:
        return [], f"sample site not available ({exc})"
    site = SampleSite(seed=7)
    handle = serve(site)
    server = handle.__enter__() if hasattr(handle, "__enter__") else handle
    base = getattr(server, "base_url", None) or getattr(server, "url", None) or (server if isinstance(server, str) else None)
    if not base:
        return [], f"sample site: cannot find the served base URL on {server!r}"
    golds = []
    try:
        for article in site.articles:
            url = base.rstrip("/") + article.path
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    html, content_type = response.read(), response.headers.get("Content-Type")
            except OSError:
                continue
            paragraphs = article.paragraphs
            include = [paragraphs[0][-80:], paragraphs[len(paragraphs) // 2][:80], paragraphs[-1][-80:]]
            golds.append(
                Gold(
                    name=f"sample{article.path}", html=html, url=url, title=article.title, must_include=include,
                    must_exclude=[article.caption_text, article.caption_alt[:60], article.source_line],
                    published=article.published.isoformat()[:10], captions=[article.caption_text],
                    sources=[s.strip() for s in article.source_line.split(":", 1)[-1].replace("+", "،").split("،") if s.strip()],
                    content_type=content_type,
                )
            )
    finally:
        if hasattr(handle, "__exit__"):
            handle.__exit__(None, None, None)
        elif hasattr(server, "shutdown"):
            server.shutdown()
    return golds, f"sample site: {len(golds)} article pages"


def found(needle: str, haystack: str) -> bool:
    return normalize(needle) in normalize(haystack)


def share(items: list[str], predicate) -> float | None:
    return sum(1 for i in items if predicate(i)) / len(items) if items else None


def date_ok(published: str | None, gold: str | None) -> bool:
    if not published or not gold:
        return published == gold or (not published and not gold)
    if published[:10] == gold:
        return True
    try:
        return datetime.fromisoformat(published).astimezone(timezone.utc).date().isoformat() == gold
    except ValueError:
        return False


def score_ours(gold: Gold) -> dict[str, float | None]:
    try:
        article = extract(gold.html, gold.url, content_type=gold.content_type, fetched_at=datetime.now(timezone.utc))
    except NotAnArticle:
        return {"body recall": 0.0, "leak": 0.0, "title exact": 0.0, "date correct": 0.0,
                "caption recall": 0.0 if gold.captions else None, "source recall": 0.0 if gold.sources else None}
    caption_text = " || ".join(f"{c.text} {c.credit or ''}" for c in article.captions)
    source_names = [normalize(s.name) for s in article.sources]
    return {
        "body recall": share(gold.must_include, lambda s: found(s, article.body)),
        "leak": share(gold.must_exclude, lambda s: found(s, article.body)),
        "title exact": float(clean_text(article.title or "") == clean_text(gold.title)),
        "date correct": float(date_ok(article.published, gold.published)),
        "caption recall": share(gold.captions, lambda c: found(c, caption_text)),
        "source recall": share(gold.sources, lambda s: normalize(s) in source_names),
    }


def source_lines(text: str) -> str:
    prefixes = tuple(normalize(p) for p in rules()["source_prefixes"])
    lines = [l for l in text.split("\n") if l.strip()]
    picked = [l for l in lines if len(l) <= 120 and normalize(l).startswith(prefixes)]
    return " || ".join(picked + [lines[0][:60]] if lines else picked)


def score_trafilatura(gold: Gold, mode: str) -> dict[str, float | None]:
    if mode == "extract":
        text = trafilatura.extract(gold.html, url=gold.url) or ""
        title = date = None
    else:
        doc = trafilatura.bare_extraction(gold.html, url=gold.url, with_metadata=True, include_images=True)
        text = (doc.text if doc else "") or ""
        title, date = (doc.title, doc.date) if doc else (None, None)
    return {
        "body recall": share(gold.must_include, lambda s: found(s, text)),
        "leak": share(gold.must_exclude, lambda s: found(s, text)),
        "title exact": None if mode == "extract" else float(clean_text(title or "") == clean_text(gold.title)),
        "date correct": None if mode == "extract" else float(date_ok(date, gold.published)),
        "caption recall": share(gold.captions, lambda c: found(c, text)),
        "source recall": share(gold.sources, lambda s: found(s, source_lines(text))),
    }


def mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def fmt(value: float | None) -> str:
    return "   -  " if value is None else f"{value:6.3f}"


def main() -> None:
    verbose = "-v" in sys.argv
    golds = load_gold_files()
    sample, note = load_sample_site()
    golds += sample
    columns = {"ours": score_ours, "traf.extract": lambda g: score_trafilatura(g, "extract"),
               "traf.bare_extraction": lambda g: score_trafilatura(g, "bare")}
    results: dict[str, list[dict]] = {name: [] for name in columns}
    timings: dict[str, float] = {}
    for name, scorer in columns.items():
        start = time.perf_counter()
        for gold in golds:
            scores = scorer(gold)
            results[name].append(scores)
            if verbose and name == "ours" and any(v is not None and v < 1 for k, v in scores.items() if k != "leak") or (verbose and name == "ours" and scores["leak"]):
                print(f"  {gold.name}: {scores}")
        timings[name] = (time.perf_counter() - start) / max(len(golds), 1)
    print(f"{EXTRACTOR_ID}\n{len(golds)} pages ({len(golds) - len(sample)} gold files; {note})\n")
    print(f"{'field':<16}{'target':>8}  " + "  ".join(f"{c:>20}" for c in columns))
    for field_name in FIELDS:
        target = ("<=" if field_name == "leak" else ">=") + f"{TARGETS[field_name]:.2f}"
        row = [fmt(mean([r[field_name] for r in results[c]])) for c in columns]
        print(f"{field_name:<16}{target:>8}  " + "  ".join(f"{v:>20}" for v in row))
    print(f"{'ms/page':<16}{'':>8}  " + "  ".join(f"{timings[c] * 1000:>20.1f}" for c in columns))


if __name__ == "__main__":
    main()
