"""Score our extractor and bare trafilatura on the gold pages, field by field, with a leave-one-family-out split.

Run by hand:  python benchmarks/extraction_eval.py [-v] [--no-sample] [--no-variants]

Pages: every tests/gold/*.json (real pages kept in tests/fixtures/pages/, `real: true`, and composed pages
in tests/gold/pages/, each naming its CMS markup `family` from crawler/extraction/data/families.toml),
plus the article pages of the bundled sample site (fetched over 127.0.0.1, gold from `site.articles`),
which are always scored on a line of their own. Splits, each on its own table:
  real pages        the saved pages of real sites
  composed pages    pages written to reproduce a real CMS family's markup
  leave-one-family-out
                    every gold page scored while `rulebook.holding_out(page.family)` switches off the
                    habits seen on that family alone (so a rule written from one CMS earns no credit on it)
  sample site       this repository's own demo site (never mixed with the others)
  variants          every gold page again in each metamorphic variant of benchmarks/variants.py (classes
                    renamed, <p> as <br> runs, bare div wrappers, no structured data), ours beside bare
                    trafilatura, real and composed pages on separate lines (issue #25)
Fields:
  body recall       share of must-include sentences found in the lead + body (mean over pages)
  leak              share of must-exclude strings found in the lead + body (mean over pages; lower is better)
  title exact       title equal to the gold title after clean_text
  date correct      published date (YYYY-MM-DD in the page's own offset, or UTC) equal to gold
  language          language equal to the gold language (ar / fa); trafilatura only on pages where it names one
  caption recall    gold captions matched by a returned caption (normalised texts contain each other; a
                    credit-only gold caption matches a caption with that credit), pooled over pages
  caption precision returned captions that match a gold caption, pooled
  caption credit    matched captions whose credit equals the gold credit (both none counts as equal)
  author recall / precision, wrong authors (= given authors that are not the page's: 1 - precision)
  source recall / precision (names as printed, normalised)
Trafilatura columns: `trafilatura.extract` (text only) and `trafilatura.bare_extraction` (text, title, date,
author); their caption recall is the gold caption text found in their text, their source recall a lenient
proxy (a source name in a short `المصدر`-style or first line), and they have no caption or source lists to
be precise about. `-v` lists every page with a field below target and what went wrong.
"""
from __future__ import annotations

import hashlib
import html as html_module
import importlib
import json
import pkgutil
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

import crawler.extraction as extraction_pkg  # noqa: E402
from crawler.text.arabic import clean_text, normalize  # noqa: E402
from crawler.extraction import EXTRACTOR_ID, NotAnArticle, extract, rulebook  # noqa: E402
from crawler.extraction.attribution import rules  # noqa: E402

from benchmarks.variants import LABELS, VARIANTS, make_variant  # noqa: E402

GOLD_DIR = ROOT / "tests" / "gold"
FETCHED = datetime.now(timezone.utc)  # gold pages are dated before today; a fetch before publication would be refused
MEAN_FIELDS = ("body recall", "leak", "title exact", "date correct", "language")
POOLED_FIELDS = ("caption recall", "caption precision", "caption credit", "author recall", "author precision",
                 "wrong authors", "source recall", "source precision")
FIELDS = MEAN_FIELDS + POOLED_FIELDS
# The targets (#12): (comparison, value).
TARGETS = {"body recall": (">=", 0.98), "leak": ("<=", 0.02), "title exact": (">=", 1.0), "date correct": (">=", 1.0),
           "language": (">=", 1.0), "caption recall": (">=", 0.95), "caption precision": (">=", 0.9),
           "author recall": (">=", 0.90), "author precision": (">=", 0.9), "wrong authors": ("<=", 0.10),
           "source recall": (">=", 0.95)}


@dataclass
class Gold:
    name: str
    html: bytes
    url: str
    title: str
    must_include: list[str]
    must_exclude: list[str]
    published: str | None
    family: str = "sample"
    real: bool = False
    language: str | None = "ar"
    captions: list[dict] = field(default_factory=list)  # {"text": str|None, "credit"?: str|None}
    sources: list[str] | None = field(default_factory=list)
    authors: list[str] | None = None  # None: not known, not scored
    content_type: str | None = None


def load_gold_files() -> list[Gold]:
    golds = []
    for path in sorted(GOLD_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        page = ROOT / "tests" / data["file"]
        if not page.exists():
            raise SystemExit(f"{path.name}: gold page tests/{data['file']} is missing")
        captions = [c if isinstance(c, dict) else {"text": c} for c in data.get("captions", [])]
        golds.append(
            Gold(
                name=path.stem, html=page.read_bytes(), url=data["url"], title=data["title"],
                must_include=data["must_include"], must_exclude=data["must_exclude"], published=data.get("published"),
                family=data.get("family", "unknown"), real=bool(data.get("real")), language=data.get("language", "ar"),
                captions=captions, sources=data.get("sources", []), authors=data.get("authors"),
                content_type=data.get("content_type"),
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
    golds = []
    with serve(site) as server:
        for article in site.articles:
            url = server.base_url.rstrip("/") + article.path
            html = content_type = None
            for _ in range(3):  # the site injects faults the crawler retries
                try:
                    with urllib.request.urlopen(url, timeout=10) as response:
                        html, content_type = response.read(), response.headers.get("Content-Type")
                    break
                except OSError:
                    continue
            if html is None:
                continue
            paragraphs = article.paragraphs
            sources = [s.strip() for s in article.source_line.split(":", 1)[-1].replace("+", "،").split("،") if s.strip()]
            dateline = (article.dateline or "").strip()  # `درعا - وكالات:` / `حلب (الفرنسية) -` attribute the story too
            agency = dateline[dateline.find("(") + 1:dateline.find(")")] if "(" in dateline else dateline.partition(" - ")[2]
            if agency.strip(" :-") and agency.strip(" :-") not in sources:
                sources.append(agency.strip(" :-"))
            include = [paragraphs[0][-80:], paragraphs[len(paragraphs) // 2][:80], paragraphs[-1][-80:]]
            golds.append(
                Gold(
                    name=f"sample{article.path}", html=html, url=url, title=article.title, must_include=include,
                    must_exclude=[article.caption_text, article.caption_alt[:60], article.source_line],
                    published=article.published.isoformat()[:10], family="sample", real=False, language="ar",
                    captions=[{"text": article.caption_text, "credit": article.caption_credit}],
                    sources=sources, authors=list(article.authors or []), content_type=content_type,
                )
            )
    return golds, f"{len(golds)} article pages"


# ---------------------------------------------------------------- matching
def found(needle: str, haystack: str) -> bool:
    return normalize(needle) in normalize(haystack)


def same_text(a: str | None, b: str | None) -> bool:
    a, b = normalize(a or ""), normalize(b or "")
    return bool(a and b) and (a in b or b in a)


def same_credit(a: str | None, b: str | None) -> bool:
    return normalize(a or "") == normalize(b or "")


def match_captions(gold: list[dict], got: list[tuple[str | None, str | None]]):
    """Pair gold captions with returned (text, credit) captions, one to one, in page order."""
    used: set[int] = set()
    pairs = []
    for g in gold:
        hit = None
        for n, (text, credit) in enumerate(got):
            if n in used:
                continue
            if g.get("text") and same_text(g["text"], text):
                hit = n
                break
            if not g.get("text") and g.get("credit") and (same_credit(g["credit"], credit) or same_text(g["credit"], text)):
                hit = n
                break
        if hit is not None:
            used.add(hit)
        pairs.append((g, None if hit is None else got[hit]))
    return pairs, len(got) - len(used)


def match_names(gold: list[str], got: list[str]) -> tuple[int, list[str], list[str]]:
    want = {normalize(n): n for n in gold}
    have = {normalize(n): n for n in got}
    hits = [k for k in want if k in have]
    return len(hits), [want[k] for k in want if k not in have], [have[k] for k in have if k not in want]


def date_ok(published: str | None, gold: str | None) -> bool:
    if not published or not gold:
        return not published and not gold
    if published[:10] == gold:
        return True
    try:
        return datetime.fromisoformat(published).astimezone(timezone.utc).date().isoformat() == gold
    except ValueError:
        return False


def share(items: list, predicate) -> float | None:
    return sum(1 for i in items if predicate(i)) / len(items) if items else None


# ---------------------------------------------------------------- scoring one page
@dataclass
class PageScore:
    means: dict[str, float | None]
    counts: dict[str, tuple[int, int]]  # pooled field -> (numerator, denominator)
    problems: list[str]
    fingerprint: str = ""


def score_ours(gold: Gold) -> PageScore:
    try:
        article = extract(gold.html, gold.url, content_type=gold.content_type, fetched_at=FETCHED)
    except NotAnArticle as exc:
        counts = {"caption recall": (0, len(gold.captions)), "source recall": (0, len(gold.sources or []))}
        if gold.authors is not None:
            counts["author recall"] = (0, len(gold.authors))
        return PageScore({"body recall": 0.0, "leak": 0.0, "title exact": 0.0, "date correct": 0.0, "language": 0.0},
                         counts, [f"NotAnArticle: {exc}"], "not-an-article")
    problems = []
    text = f"{article.lead or ''}\n{article.body}"  # the lead is part of the article text the reader gets
    missing = [s for s in gold.must_include if not found(s, text)]
    leaked = [s for s in gold.must_exclude if found(s, text)]
    if missing:
        problems.append(f"body misses {missing}")
    if leaked:
        problems.append(f"body leaks {leaked}")
    title_ok = clean_text(article.title or "") == clean_text(gold.title)
    if not title_ok:
        problems.append(f"title {article.title!r} != {gold.title!r}")
    d_ok = date_ok(article.published, gold.published)
    if not d_ok:
        problems.append(f"date {article.published} != {gold.published} ({article.date_source})")
    lang_ok = (article.language or None) == gold.language
    if not lang_ok:
        problems.append(f"language {article.language} != {gold.language}")
    got = [(c.text, c.credit) for c in article.captions]
    pairs, extra = match_captions(gold.captions, got)
    cap_hits = sum(1 for _, m in pairs if m)
    credit_checked = [(g, m) for g, m in pairs if m and "credit" in g]
    credit_ok = sum(1 for g, m in credit_checked if same_credit(g.get("credit"), m[1]))
    if cap_hits < len(gold.captions):
        problems.append(f"captions missed {[g.get('text') or g.get('credit') for g, m in pairs if not m]}")
    if extra:
        problems.append(f"captions not the page's {[t for t in got if t not in [m for _, m in pairs]]}")
    if credit_ok < len(credit_checked):
        problems.append(f"credits {[(g.get('credit'), m[1]) for g, m in credit_checked if not same_credit(g.get('credit'), m[1])]} (gold, ours)")
    counts = {"caption recall": (cap_hits, len(gold.captions)), "caption precision": (len(got) - extra, len(got)),
              "caption credit": (credit_ok, len(credit_checked))}
    if gold.authors is not None:
        hits, miss, wrong = match_names(gold.authors, article.authors)
        counts.update({"author recall": (hits, len(gold.authors)), "author precision": (hits, len(article.authors)),
                       "wrong authors": (len(article.authors) - hits, len(article.authors))})
        if miss or wrong:
            problems.append(f"authors missed {miss} wrong {wrong}")
    if gold.sources is not None:
        names = [s.name for s in article.sources]
        hits, miss, wrong = match_names(gold.sources, names)
        counts.update({"source recall": (hits, len(gold.sources)), "source precision": (hits, len(names))})
        if miss or wrong:
            problems.append(f"sources missed {miss} extra {wrong}")
    means = {"body recall": share(gold.must_include, lambda s: found(s, text)),
             "leak": share(gold.must_exclude, lambda s: found(s, text)),
             "title exact": float(title_ok), "date correct": float(d_ok), "language": float(lang_ok)}
    fingerprint = hashlib.sha1(json.dumps(article.to_dict() | {"extractor": None}, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return PageScore(means, counts, problems, fingerprint)


def source_lines(text: str) -> str:
    prefixes = tuple(normalize(p) for p in rules()["source_prefixes"])
    lines = [l for l in text.split("\n") if l.strip()]
    picked = [l for l in lines if len(l) <= 120 and normalize(l).startswith(prefixes)]
    return " || ".join(picked + [lines[0][:60]] if lines else picked)


def score_trafilatura(gold: Gold, mode: str) -> PageScore:
    if mode == "extract":
        text = trafilatura.extract(gold.html, url=gold.url) or ""
        title = date = author = language = None
    else:
        doc = trafilatura.bare_extraction(gold.html, url=gold.url, with_metadata=True, include_images=True)
        text = (doc.text if doc else "") or ""
        title, date, author = (doc.title, doc.date, doc.author) if doc else (None, None, None)
        language = getattr(doc, "language", None) if doc else None
    bare = mode != "extract"
    means = {"body recall": share(gold.must_include, lambda s: found(s, text)),
             "leak": share(gold.must_exclude, lambda s: found(s, text)),
             "title exact": float(clean_text(title or "") == clean_text(gold.title)) if bare else None,
             "date correct": float(date_ok(date, gold.published)) if bare else None,
             "language": float(language == gold.language) if bare and language else None}
    texts = [c["text"] for c in gold.captions if c.get("text")]
    counts = {"caption recall": (sum(1 for c in texts if found(c, text)), len(gold.captions))}
    if gold.sources is not None:
        counts["source recall"] = (sum(1 for s in gold.sources if found(s, source_lines(text))), len(gold.sources))
    if bare and gold.authors is not None:
        names = [n.strip() for n in (author or "").split(";") if n.strip()]
        hits, _, _ = match_names(gold.authors, names)
        counts.update({"author recall": (hits, len(gold.authors)), "author precision": (hits, len(names)),
                       "wrong authors": (len(names) - hits, len(names))})
    return PageScore(means, counts, [])


# ---------------------------------------------------------------- leave one family out
def clear_extraction_caches() -> int:
    """Clear every functools cache in crawler.extraction's modules (compiled habits must follow holding_out)."""
    cleared = 0
    for info in pkgutil.iter_modules(extraction_pkg.__path__):
        module = importlib.import_module(f"crawler.extraction.{info.name}")
        for value in vars(module).values():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()
                cleared += 1
    return cleared


def rule_files() -> list[str]:
    return sorted(p.stem for p in rulebook.DATA_DIR.glob("*.toml") if p.stem != "families")


def held_out_habits(family: str) -> list[str]:
    return [f"{stem}:{h.id}" for stem in rule_files() for h in rulebook.single_family_habits(stem) if set(h.seen_on) == {family}]


def leave_one_family_out(golds: list[Gold], normal: dict[str, PageScore]) -> tuple[list[PageScore], list[str]]:
    scores, notes = [], []
    for family in sorted({g.family for g in golds}):
        pages = [g for g in golds if g.family == family]
        held = held_out_habits(family)
        with rulebook.holding_out(family):
            clear_extraction_caches()
            still_on = [f"{stem}:{h.id}" for stem in rule_files() for h in rulebook.habits(stem)]
            leaked_on = sorted(set(held) & set(still_on))
            if leaked_on:
                raise SystemExit(f"holding_out({family}) left single-family habits on: {leaked_on}")
            family_scores = [score_ours(g) for g in pages]
        clear_extraction_caches()
        changed = sum(1 for g, s in zip(pages, family_scores) if s.fingerprint != normal[g.name].fingerprint)
        notes.append(f"  {family:<18} {len(pages):>2} pages, {len(held):>2} single-family habits off, {changed:>2} pages changed"
                     + ("   (habits off but no page changed: unused or redundant rules?)" if held and not changed else ""))
        scores += family_scores
    return scores, notes


# ---------------------------------------------------------------- metamorphic variants (issue #25)
def variant_of(gold: Gold, name: str) -> Gold:
    html, content_type = make_variant(name, gold.html, gold.content_type)
    captions = gold.captions
    if name == "unstructured":
        # Scored against what the page still shows (the rule for variant d): a caption only the
        # JSON-LD or og:image:alt held is on the variant nowhere, so no extractor can owe it.
        page = clean_text(html_module.unescape(html.decode("utf-8")))
        captions = [c if on_page(c.get("text"), page) else {"text": None, "credit": c.get("credit")}
                    for c in captions if on_page(c.get("text"), page) or on_page(c.get("credit"), page)]
    return Gold(**{**vars(gold), "html": html, "content_type": content_type, "name": f"{gold.name}~{name}", "captions": captions})


def on_page(text: str | None, page: str) -> bool:
    return bool(text) and clean_text(text) in page


# (column, scorer, field) of the variant table; "given … not the page's" is 1 - precision.
VARIANT_COLUMNS = (("body ours", "ours", "body recall"), ("body traf", "bare", "body recall"),
                   ("date ours", "ours", "date correct"), ("date traf", "bare", "date correct"),
                   ("captions", "ours", "caption recall"), ("sources", "ours", "source recall"),
                   ("authors", "ours", "author recall"), ("cap not page's", "ours", "caption precision"),
                   ("auth not page's", "ours", "author precision"), ("src not page's", "ours", "source precision"))


def variant_scores(golds: list[Gold], published: dict[str, dict[str, PageScore]]) -> dict[str, dict[str, dict[str, PageScore]]]:
    """{variant: {"ours"/"bare": {gold name: score}}}, "published" being the page as saved."""
    out = {"published": {"ours": published["ours"], "bare": published["traf.bare_extraction"]}}
    for name in VARIANTS:
        out[name] = {"ours": {}, "bare": {}}
        for gold in golds:
            changed = variant_of(gold, name)
            out[name]["ours"][gold.name] = score_ours(changed)
            out[name]["bare"][gold.name] = score_trafilatura(changed, "bare")
    return out


def variant_row(scores: dict[str, dict[str, PageScore]], pages: list[Gold]) -> list[float | None]:
    aggregated = {k: aggregate([v[g.name] for g in pages]) for k, v in scores.items()}
    row = []
    for _, scorer, f in VARIANT_COLUMNS:
        value = aggregated[scorer][f]
        row.append(1 - value if value is not None and f.endswith("precision") else value)
    return row


def variant_table(golds: list[Gold], by_variant: dict[str, dict[str, dict[str, PageScore]]]) -> None:
    print("\nMETAMORPHIC VARIANTS (benchmarks/variants.py; ours vs trafilatura.bare_extraction; "
          "'not page's' = share of given items that are not the page's, lower is better; "
          "✗ = more than 0.05 below the page as published, or above 0.10 for 'not page's')")
    print(f"  {'variant':<22}{'pages':<15}" + "".join(f"{c:>16}" for c, _, _ in VARIANT_COLUMNS))
    for split, pages in (("real", [g for g in golds if g.real]), ("composed", [g for g in golds if not g.real])):
        base = variant_row(by_variant["published"], pages)
        for name in ["published", *VARIANTS]:
            row = variant_row(by_variant[name], pages)
            cells = []
            for (column, scorer, f), value, published in zip(VARIANT_COLUMNS, row, base):
                bad = ""
                if value is not None and scorer == "ours":
                    if f.endswith("precision"):
                        bad = "✗" if value > 0.10 + 1e-9 else ""
                    elif published is not None and value < published - 0.05 - 1e-9:
                        bad = "✗"
                cells.append(f"{fmt(value) + (bad or ' '):>16}")
            print(f"  {LABELS[name]:<22}{split + f' ({len(pages)})':<15}" + "".join(cells))


# ---------------------------------------------------------------- aggregation and printing
def aggregate(scores: list[PageScore]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for f in MEAN_FIELDS:
        values = [s.means.get(f) for s in scores if s.means.get(f) is not None]
        out[f] = sum(values) / len(values) if values else None
    for f in POOLED_FIELDS:
        num = sum(s.counts[f][0] for s in scores if f in s.counts)
        den = sum(s.counts[f][1] for s in scores if f in s.counts)
        out[f] = num / den if den else None
    return out


def fmt(value: float | None) -> str:
    return "   -  " if value is None else f"{value:6.3f}"


def meets(field_name: str, value: float | None) -> str:
    if field_name not in TARGETS or value is None:
        return " "
    op, target = TARGETS[field_name]
    ok = value >= target - 1e-9 if op == ">=" else value <= target + 1e-9
    return " " if ok else "✗"


def table(title: str, columns: dict[str, list[PageScore]]) -> None:
    n = len(next(iter(columns.values())))
    print(f"\n{title} ({n} pages)")
    print(f"  {'field':<18}{'target':>8}  " + "".join(f"{c:>22}" for c in columns))
    aggregated = {c: aggregate(s) for c, s in columns.items()}
    for f in FIELDS:
        target = f"{TARGETS[f][0]}{TARGETS[f][1]:.2f}" if f in TARGETS else ""
        cells = "".join(f"{fmt(aggregated[c][f]) + (meets(f, aggregated[c][f]) if c == 'ours' or c.startswith('ours') else ' '):>22}" for c in columns)
        print(f"  {f:<18}{target:>8}  {cells}")


def main() -> None:
    verbose = "-v" in sys.argv
    golds = load_gold_files()
    sample, sample_note = ([], "skipped") if "--no-sample" in sys.argv else load_sample_site()
    families = rulebook.families()
    unknown = sorted({g.family for g in golds} - set(families))
    if unknown:
        raise SystemExit(f"gold pages name unknown families: {unknown}")
    scorers = {"ours": score_ours, "traf.extract": lambda g: score_trafilatura(g, "extract"),
               "traf.bare_extraction": lambda g: score_trafilatura(g, "bare")}
    everything = golds + sample
    results: dict[str, dict[str, PageScore]] = {c: {} for c in scorers}
    timings = {}
    for column, scorer in scorers.items():
        start = time.perf_counter()
        for gold in everything:
            results[column][gold.name] = scorer(gold)
        timings[column] = (time.perf_counter() - start) / max(len(everything), 1)
    lofo, lofo_notes = leave_one_family_out(golds, results["ours"])
    ordered = [g for family in sorted({g.family for g in golds}) for g in golds if g.family == family]
    lofo_by_name = {g.name: s for g, s in zip(ordered, lofo)}

    real = [g for g in golds if g.real]
    composed = [g for g in golds if not g.real]
    cms = {g.family for g in golds} - {"sample", "synthetic"}
    print(EXTRACTOR_ID)
    print(f"gold set: {len(golds)} pages ({len(real)} real, {len(composed)} composed) over {len(cms)} CMS families; "
          f"sample site: {sample_note}")
    print("✗ = ours misses the issue's target")

    def cols(pages, with_traf=True):
        out = {"ours": [results["ours"][g.name] for g in pages]}
        if with_traf:
            out["traf.extract"] = [results["traf.extract"][g.name] for g in pages]
            out["traf.bare_extraction"] = [results["traf.bare_extraction"][g.name] for g in pages]
        return out

    table("REAL PAGES (tests/fixtures/pages)", cols(real))
    table("COMPOSED PAGES (tests/gold/pages)", cols(composed))
    table("LEAVE-ONE-FAMILY-OUT, real + composed (each family scored with its single-family habits off)",
          {"ours": [lofo_by_name[g.name] for g in golds], "ours, all habits on": [results["ours"][g.name] for g in golds]})
    table("LEAVE-ONE-FAMILY-OUT, real pages only", {"ours": [lofo_by_name[g.name] for g in real]})
    print("\nhabits held out per family:")
    print("\n".join(lofo_notes))
    if sample:
        table("SAMPLE SITE (this repository's demo site; not a real family)", cols(sample))
    print(f"\n  {'ms/page':<18}{'':>8}  " + "".join(f"{timings[c] * 1000:>22.1f}" for c in scorers))

    by_variant = None
    if "--no-variants" not in sys.argv:
        by_variant = variant_scores(golds, results)
        variant_table(golds, by_variant)

    if verbose:
        print("\nPER-PAGE FAILURES (ours; [lofo] = only under leave-one-family-out)")
        for g in golds + sample:
            normal = results["ours"][g.name].problems
            held = lofo_by_name[g.name].problems if g.name in lofo_by_name else []
            extra = [p for p in held if p not in normal]
            if normal or extra:
                print(f"  {g.name} [{g.family}{', real' if g.real else ''}]")
                for p in normal:
                    print(f"      {p}")
                for p in extra:
                    print(f"      [lofo] {p}")
        if by_variant:
            print("\nPER-PAGE FAILURES ON VARIANTS (ours; only problems the page as published does not have)")
            for g in golds:
                normal = set(results["ours"][g.name].problems)
                for name in VARIANTS:
                    new = [p for p in by_variant[name]["ours"][g.name].problems if p not in normal]
                    if new:
                        print(f"  {g.name} [{name}]")
                        for p in new:
                            print(f"      {p}")


if __name__ == "__main__":
    main()
