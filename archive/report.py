"""Charts of the archive: articles per day per site, and each site's fill-rates run by run.

The same SVG charts (archive/charts.py) appear in the browser (`python -m crawler serve`, page
`/DB/-/charts`) and in a static report, `write_report` (`python -m crawler stats --report DIR`):
`index.html` plus one `.svg` per chart and, where headless Chromium is installed, a PNG of each
for cron mail or a notebook.
"""
from __future__ import annotations

import json
import logging
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from html import escape
from pathlib import Path

from archive.charts import HEIGHT, WIDTH, rate_lines, stacked_bars
from archive.stats import DAY_EXPR, per_day
from crawler.errors import UsageError

logger = logging.getLogger(__name__)
RATE_FIELDS = {"date": "dates", "captions": "captions", "sources": "sources", "authors": "authors"}
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage"]


@dataclass
class Chart:
    name: str  # file stem
    title: str
    svg: str


@dataclass
class Report:
    html: Path
    charts: list[Path] = field(default_factory=list)
    pictures: list[Path] = field(default_factory=list)


def latest_day(conn: sqlite3.Connection) -> date | None:
    (day,) = conn.execute(f"SELECT MAX({DAY_EXPR}) FROM articles").fetchone()
    try:
        return date.fromisoformat(day) if day else None
    except ValueError:
        return None


def articles_per_day_chart(conn: sqlite3.Connection, days: int) -> Chart:
    """The `days` days up to the newest article's day (an old archive still shows its last weeks)."""
    end = latest_day(conn) or datetime.now(timezone.utc).date()
    window = per_day(conn, end, days)
    title = f"Articles per day per site ({window['days'][0]} to {window['days'][-1]}, published else fetched)"
    return Chart("articles-per-day", title, stacked_bars(title, window["days"], window["counts"]))


def fill_rates_by_run(conn: sqlite3.Connection) -> dict[str, tuple[list[str], dict[str, list[float | None]]]]:
    """{site: (run labels, {field: [rate per run]})} from site_runs, oldest run first."""
    rows = conn.execute(
        "SELECT sr.site, sr.run_id, r.started_at, sr.fill_rates FROM site_runs sr "
        "JOIN crawl_runs r ON r.id = sr.run_id ORDER BY sr.site, sr.run_id"
    )
    by_site: dict[str, tuple[list[str], dict[str, list[float | None]]]] = {}
    for site, run_id, started, rates_json in rows:
        labels, series = by_site.setdefault(site, ([], {label: [] for label in RATE_FIELDS.values()}))
        try:
            rates = json.loads(rates_json or "{}")
        except ValueError:  # a run killed mid-write: show a gap rather than fail
            rates = {}
        labels.append(f"#{run_id} {(started or '')[5:10]}")
        for key, label in RATE_FIELDS.items():
            value = rates.get(key) if isinstance(rates, dict) else None
            series[label].append(float(value) if isinstance(value, (int, float)) else None)
    return by_site


def fill_rate_charts(conn: sqlite3.Connection) -> list[Chart]:
    charts = []
    for site, (labels, series) in fill_rates_by_run(conn).items():
        title = f"{site}: share of each run's new articles with dates, captions, sources, authors"
        charts.append(Chart(f"fill-rates-{safe_name(site)}", title, rate_lines(title, labels, series)))
    return charts


def safe_name(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in text)


def archive_charts(conn: sqlite3.Connection, days: int = 30) -> list[Chart]:
    return [articles_per_day_chart(conn, days), *fill_rate_charts(conn)]


def charts_fragment(charts: list[Chart]) -> str:
    """The charts as HTML sections (for the Datasette page and the report)."""
    return "\n".join(f'<section class="archive-chart" id="{chart.name}">{chart.svg}</section>' for chart in charts)


def report_page(charts: list[Chart], source: str) -> str:
    generated = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Arabic news archive: charts</title>'
        "<style>body{font-family:'DejaVu Sans',sans-serif;margin:1.5em;color:#222}"
        "h2{font-size:1em;margin:1.2em 0 .3em}svg{max-width:100%;height:auto}</style></head><body>"
        f"<h1>Arabic news archive: charts</h1><p>{escape(source)}, generated {generated} (UTC)</p>"
        f"{charts_fragment(charts)}</body></html>\n"
    )


def write_report(conn: sqlite3.Connection, out_dir: str | Path, *, days: int = 30, source: str = "archive",
                 pictures: bool = True) -> Report:
    """Write index.html and one SVG (and, with Chromium, one PNG) per chart into `out_dir`."""
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot write the report into {out}: {exc.strerror or exc}") from None
    if not out.is_dir():
        raise UsageError(f"{out} is not a directory")
    charts = archive_charts(conn, days)
    report = Report(out / "index.html")
    report.html.write_text(report_page(charts, source), encoding="utf-8")
    for chart in charts:
        svg = out / f"{chart.name}.svg"
        svg.write_text(chart.svg, encoding="utf-8")
        report.charts.append(svg)
    browser = find_chromium() if pictures else None
    if pictures and browser is None:
        logger.warning("no headless Chromium found: the report has SVG charts but no PNG pictures")
    for svg in report.charts if browser else []:
        png = svg.with_suffix(".png")
        if svg_to_png(browser, svg, png):
            report.pictures.append(png)
    return report


def find_chromium() -> str | None:
    return next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)


def svg_to_png(browser: str, svg: Path, png: Path) -> bool:
    """Screenshot one chart with headless Chromium (a local file: nothing is fetched)."""
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={WIDTH},{HEIGHT}",
             f"--screenshot={png}", svg.resolve().as_uri()],
            capture_output=True, text=True, timeout=60, env={"HOME": profile, "PATH": "/usr/bin:/bin"},
        )
    if not png.is_file():
        logger.warning("could not render %s to PNG: %s", svg, result.stderr.strip()[-300:])
        return False
    return True
