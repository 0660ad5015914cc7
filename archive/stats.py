"""What is in the archive: counts per site, day and section, recent runs, field fill-rates, site health.

`archive_stats` returns plain JSON-able data (for `--json` output or a dashboard);
`format_stats` renders it as terminal tables. Every query reads the current articles
only (the `articles` table); the per-day and fill-rate queries scan it once each.
"""
from __future__ import annotations

import json
import sqlite3
import statistics
import unicodedata
from datetime import date, datetime, timedelta, timezone
from typing import Any

DAY_EXPR = "substr(COALESCE(NULLIF(published, ''), fetched_at), 1, 10)"
RECENT_RUNS = 10
TOP_SECTIONS = 8  # per site, in the terminal view

# Fill-rate name -> SQL condition true when the article has that field.
FILLED = {
    "published": "NULLIF(a.published, '') IS NOT NULL",
    "authors": "COALESCE(a.authors, '[]') NOT IN ('[]', '')",
    "captions": "EXISTS (SELECT 1 FROM captions c WHERE c.article_id = a.id)",
    "sources": "EXISTS (SELECT 1 FROM sources s WHERE s.article_id = a.id)",
    "lead": "NULLIF(a.lead, '') IS NOT NULL",
}


def archive_stats(conn: sqlite3.Connection, *, days: int = 14, today: date | None = None) -> dict[str, Any]:
    """Everything `python -m crawler stats` shows; `today` (default: UTC today) ends the per-day window."""
    today = today or datetime.now(timezone.utc).date()
    return {
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "schema_version": conn.execute("PRAGMA user_version").fetchone()[0],
        "totals": totals(conn),
        "sites": per_site(conn),
        "per_day": per_day(conn, today, days),
        "sections": per_section(conn),
        "runs": recent_runs(conn),
        "fill_rates": fill_rates(conn),
        "health": latest_health(conn),
        "freshness": freshness(conn, today, days),
    }


# -- queries ------------------------------------------------------------------
def totals(conn: sqlite3.Connection) -> dict[str, int]:
    count = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    return {
        "articles": count("SELECT COUNT(*) FROM articles"),
        "versions": count("SELECT COUNT(*) FROM article_history"),  # superseded + current
        "aliases": count("SELECT COUNT(*) FROM aliases"),
        "captions": count("SELECT COUNT(*) FROM captions"),
        "events": count("SELECT COUNT(*) FROM events"),
        "runs": count("SELECT COUNT(*) FROM crawl_runs"),
    }


def per_site(conn: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    rows = conn.execute(
        "SELECT site, COUNT(*), SUM(status = 'live'), SUM(version > 1), SUM(near_duplicate_of IS NOT NULL), "
        "MIN(COALESCE(first_seen, fetched_at)), MAX(fetched_at) FROM articles GROUP BY site ORDER BY site"
    )
    keys = ("articles", "live", "changed", "near_duplicates", "first_seen", "last_fetched")
    return {site: dict(zip(keys, values)) for site, *values in rows}


def per_day(conn: sqlite3.Connection, today: date, days: int) -> dict[str, Any]:
    """Articles per site per day over the last `days` days (published date, else fetch date)."""
    window = [(today - timedelta(days=n)).isoformat() for n in range(days - 1, -1, -1)]
    counts: dict[str, dict[str, int]] = {}
    if window:
        rows = conn.execute(
            f"SELECT site, {DAY_EXPR} AS day, COUNT(*) FROM articles "
            f"WHERE {DAY_EXPR} BETWEEN ? AND ? GROUP BY site, day",
            (window[0], window[-1]),
        )
        for site, day, n in rows:
            counts.setdefault(site, {})[day] = n
    return {"days": window, "counts": {site: counts[site] for site in sorted(counts)}}


def per_section(conn: sqlite3.Connection) -> dict[str, dict[str, int]]:
    rows = conn.execute(
        "SELECT site, COALESCE(NULLIF(section, ''), '(none)'), COUNT(*) AS n FROM articles "
        "GROUP BY 1, 2 ORDER BY site, n DESC, 2"
    )
    sections: dict[str, dict[str, int]] = {}
    for site, section, n in rows:
        sections.setdefault(site, {})[section] = n
    return sections


def recent_runs(conn: sqlite3.Connection, limit: int = RECENT_RUNS) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT id, spider, started_at, finished_at, status, counts FROM crawl_runs ORDER BY id DESC LIMIT ?",
        (limit,),
    )
    keys = ("id", "spider", "started_at", "finished_at", "status")
    return [{**dict(zip(keys, values)), "counts": parse_json(counts, {})} for *values, counts in rows]


def fill_rates(conn: sqlite3.Connection) -> dict[str, dict[str, float]]:
    """Share of each site's current articles that have each field."""
    sums = ", ".join(f"SUM({condition})" for condition in FILLED.values())
    rows = conn.execute(f"SELECT a.site, COUNT(*), {sums} FROM articles a GROUP BY a.site ORDER BY a.site")
    return {site: {name: round(n / total, 3) for name, n in zip(FILLED, filled)} for site, total, *filled in rows}


def latest_health(conn: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    """Each site's most recent recorded run: its health flags (empty list = healthy) and yield."""
    rows = conn.execute(
        "SELECT sr.site, sr.run_id, r.started_at, sr.pages, sr.articles, sr.health FROM site_runs sr "
        "JOIN crawl_runs r ON r.id = sr.run_id "
        "WHERE sr.run_id = (SELECT MAX(run_id) FROM site_runs WHERE site = sr.site) ORDER BY sr.site"
    )
    keys = ("run_id", "started_at", "pages", "articles")
    return {site: {**dict(zip(keys, values)), "flags": parse_json(health, [])} for site, *values, health in rows}


def freshness(conn: sqlite3.Connection, today: date, days: int) -> dict[str, dict[str, Any]]:
    """Per site, how long after its announcement (sitemap/feed date) each article announced in the last
    `days` days was archived: count, median, 90th percentile and longest delay in seconds."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(articles)")}
    if not {"announced_at", "archived_at"} <= columns:
        return {}  # an archive from before schema version 7, opened read-only
    since = (today - timedelta(days=max(days, 1) - 1)).isoformat()
    rows = conn.execute(
        "SELECT site, (julianday(archived_at) - julianday(announced_at)) * 86400 FROM articles "
        "WHERE announced_at >= ? AND archived_at IS NOT NULL ORDER BY site", (since,))
    delays: dict[str, list[float]] = {}
    for site, seconds in rows:
        if seconds is not None:
            delays.setdefault(site, []).append(seconds)
    return {site: delay_summary(values) for site, values in delays.items()}


def delay_summary(values: list[float]) -> dict[str, Any]:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    return {"articles": len(ordered), "median_seconds": round(statistics.median(ordered), 1),
            "p90_seconds": round(p90, 1), "max_seconds": round(ordered[-1], 1)}


def parse_json(text: str | None, default: Any) -> Any:
    try:
        return json.loads(text) if text else default
    except ValueError:  # a run killed mid-write may leave anything; show it rather than fail
        return {"unparsed": text}


# -- terminal rendering -------------------------------------------------------
def display_width(text: str) -> int:
    """Terminal columns of `text`: tashkeel and other combining marks take none."""
    return sum(not unicodedata.combining(ch) for ch in text)


def pad(text: str, width: int, right: bool) -> str:
    fill = " " * (width - display_width(text))
    return fill + text if right else text + fill


def table(headers: list[str], rows: list[list[Any]]) -> str:
    """Left-aligned text columns, numbers right-aligned."""
    cells = [[("-" if v is None else str(v)) for v in row] for row in rows]
    widths = [max(display_width(c) for c in [h, *(r[i] for r in cells)]) for i, h in enumerate(headers)]
    numeric = [bool(rows) and all(is_number(r[i]) for r in rows) for i in range(len(headers))]

    def line(values: list[str]) -> str:
        return "  ".join(pad(v, w, num) for v, w, num in zip(values, widths, numeric)).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in cells)])


def is_number(value: Any) -> bool:
    """Right-align counts and percentages."""
    return value is None or isinstance(value, (int, float)) or (isinstance(value, str) and value.endswith("%"))


def format_stats(stats: dict[str, Any]) -> str:
    totals_line = ", ".join(f"{n} {name}" for name, n in stats["totals"].items())
    parts = [
        f"Archive (schema v{stats['schema_version']}): {totals_line}",
        f"Articles per site\n{site_table(stats['sites'])}",
        f"Articles per day (last {len(stats['per_day']['days'])} days, published else fetched)\n"
        + day_table(stats["per_day"]),
        f"Field fill-rates (share of articles)\n{fill_table(stats['fill_rates'])}",
        f"Top sections\n{section_table(stats['sections'])}",
        f"Recent runs\n{run_table(stats['runs'])}",
        f"Site health (latest run per site)\n{health_table(stats['health'])}",
        f"Freshness (archived after announced, articles announced in the last {len(stats['per_day']['days'])} days)\n"
        + freshness_table(stats.get("freshness", {})),
    ]
    return "\n\n".join(parts) + "\n"


def site_table(sites: dict[str, dict[str, Any]]) -> str:
    counts = ("articles", "live", "changed", "near_duplicates")
    return table(
        ["site", "articles", "live", "changed", "near-dup", "first seen", "last fetched"],
        [[site, *(s[k] for k in counts), short_time(s["first_seen"])[:10], short_time(s["last_fetched"])[:10]]
         for site, s in sites.items()],
    )


def day_table(per_day: dict[str, Any]) -> str:
    days, counts = per_day["days"], per_day["counts"]
    rows = [[site, *(by_day.get(d, 0) for d in days), sum(by_day.values())] for site, by_day in counts.items()]
    day_totals = [sum(c.get(d, 0) for c in counts.values()) for d in days]
    rows.append(["all", *day_totals, sum(day_totals)])
    return table(["site", *(d[5:] for d in days), "total"], rows)


def fill_table(rates: dict[str, dict[str, float]]) -> str:
    names = list(next(iter(rates.values()), {}))
    return table(["site", *names], [[site, *(f"{r[n]:.0%}" for n in names)] for site, r in rates.items()])


def section_table(sections: dict[str, dict[str, int]]) -> str:
    return table(
        ["site", "section", "articles"],
        [[site, name, n] for site, names in sections.items() for name, n in list(names.items())[:TOP_SECTIONS]],
    )


def run_table(runs: list[dict[str, Any]]) -> str:
    return table(
        ["run", "spider", "started", "finished", "status", "counts"],
        [[r["id"], r["spider"], short_time(r["started_at"]), short_time(r["finished_at"]), r["status"],
          compact_counts(r["counts"])] for r in runs],
    )


def health_table(health: dict[str, dict[str, Any]]) -> str:
    return table(
        ["site", "run", "pages", "articles", "health"],
        [[site, h["run_id"], h["pages"], h["articles"], "; ".join(h["flags"]) or "ok"] for site, h in health.items()],
    )


def freshness_table(freshness: dict[str, dict[str, Any]]) -> str:
    return table(
        ["site", "articles", "median delay", "p90 delay", "longest"],
        [[site, f["articles"], duration(f["median_seconds"]), duration(f["p90_seconds"]), duration(f["max_seconds"])]
         for site, f in freshness.items()],
    )


def duration(seconds: float) -> str:
    """`42 s`, `7.5 min`, `3.2 h`, `12.0 d`: a delay as a reader wants it."""
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if abs(seconds) >= 2 * size:
            return f"{seconds / size:.1f} {unit}"
    return f"{seconds:.0f} s"


def short_time(value: str | None) -> str:
    """`2026-11-25T06:35:16+00:00` -> `2026-11-25 06:35:16` (all run times are UTC)."""
    return (value or "")[:19].replace("T", " ")


def compact_counts(counts: Any) -> str:
    if not isinstance(counts, dict):
        return str(counts)
    return " ".join(f"{k}={v}" for k, v in counts.items() if v)
