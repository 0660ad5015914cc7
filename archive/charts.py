"""Charts as inline SVG drawn by our own Python: no chart library, no asset fetched from anywhere.

`stacked_bars` draws articles per day per site; `rate_lines` draws one site's field fill-rates run by
run (0-100 %), so a layout change shows as a drop. Both return an `<svg>` string; every text is escaped.
"""
from __future__ import annotations

import math
from html import escape

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22", "#17becf")
WIDTH, HEIGHT = 920, 300
MARGIN = {"left": 50, "right": 170, "top": 40, "bottom": 40}  # the legend sits in the right margin
FONT = 'font-family="DejaVu Sans, sans-serif" font-size="12"'


def color(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def axis_step(value: float, divisions: int = 4) -> int:
    """A round whole step (1, 2, 5, 10, 20...) so that `divisions` steps reach `value`."""
    target = max(value / divisions, 1)
    magnitude = 10 ** math.floor(math.log10(target))
    return int(next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= target))


def frame(title: str, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
            f'height="{HEIGHT}" role="img" aria-label="{escape(title)}" {FONT}>'
            f'<title>{escape(title)}</title><rect width="100%" height="100%" fill="#fff"/>'
            f'<text x="{MARGIN["left"]}" y="20" font-size="14" font-weight="bold">{escape(title)}</text>'
            f'{"".join(body)}</svg>')


def y_axis(top: float, labels: list[tuple[float, str]]) -> list[str]:
    """Horizontal grid lines with their labels; `labels` are (value, text) with 0 <= value <= top."""
    plot_h = HEIGHT - MARGIN["top"] - MARGIN["bottom"]
    parts = []
    for value, text in labels:
        y = MARGIN["top"] + plot_h * (1 - value / top)
        parts.append(f'<line x1="{MARGIN["left"]}" x2="{WIDTH - MARGIN["right"]}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="#ddd"/><text x="{MARGIN["left"] - 6}" y="{y + 4:.1f}" text-anchor="end">'
                     f'{escape(text)}</text>')
    return parts


def legend(names: list[str]) -> list[str]:
    x = WIDTH - MARGIN["right"] + 14
    return [f'<rect x="{x}" y="{MARGIN["top"] + 18 * i}" width="12" height="12" fill="{color(i)}"/>'
            f'<text x="{x + 18}" y="{MARGIN["top"] + 18 * i + 11}">{escape(name)}</text>'
            for i, name in enumerate(names)]


def x_labels(labels: list[str], xs: list[float], max_labels: int = 12) -> list[str]:
    every = max(1, -(-len(labels) // max_labels))
    y = HEIGHT - MARGIN["bottom"] + 16
    return [f'<text x="{x:.1f}" y="{y}" text-anchor="middle">{escape(label)}</text>'
            for i, (label, x) in enumerate(zip(labels, xs)) if i % every == 0 or i == len(labels) - 1]


def stacked_bars(title: str, days: list[str], counts: dict[str, dict[str, int]]) -> str:
    """Articles per day (x) stacked by site; `counts` is {site: {day: n}}."""
    sites = list(counts)
    totals = [sum(counts[s].get(d, 0) for s in sites) for d in days]
    step = axis_step(max(totals, default=0))
    top = step * 4
    plot_w = WIDTH - MARGIN["left"] - MARGIN["right"]
    plot_h = HEIGHT - MARGIN["top"] - MARGIN["bottom"]
    slot = plot_w / max(len(days), 1)
    body = y_axis(top, [(step * k, str(step * k)) for k in range(5)])
    for i, day in enumerate(days):
        x, base = MARGIN["left"] + i * slot + slot * 0.1, MARGIN["top"] + plot_h
        for j, site in enumerate(sites):
            n = counts[site].get(day, 0)
            if n:
                h = plot_h * n / top
                base -= h
                body.append(f'<rect class="bar" x="{x:.1f}" y="{base:.1f}" width="{slot * 0.8:.1f}" height="{h:.1f}" '
                            f'fill="{color(j)}"><title>{escape(site)} {day}: {n}</title></rect>')
    centers = [MARGIN["left"] + (i + 0.5) * slot for i in range(len(days))]
    body += x_labels([d[5:] for d in days], centers) + legend(sites)
    return frame(title, body)


def rate_lines(title: str, runs: list[str], rates: dict[str, list[float | None]]) -> str:
    """Fill-rates (0..1) per field (one line each) over runs (x); None where a run has no value."""
    plot_w = WIDTH - MARGIN["left"] - MARGIN["right"]
    plot_h = HEIGHT - MARGIN["top"] - MARGIN["bottom"]
    step = plot_w / max(len(runs) - 1, 1)
    xs = [MARGIN["left"] + (i * step if len(runs) > 1 else plot_w / 2) for i in range(len(runs))]
    body = y_axis(1.0, [(k / 4, f"{k * 25}%") for k in range(5)])
    for j, (field, values) in enumerate(rates.items()):
        known = [(i, v) for i, v in enumerate(values) if v is not None]
        points = [(xs[i], MARGIN["top"] + plot_h * (1 - v)) for i, v in known]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            body.append(f'<polyline points="{path}" fill="none" stroke="{color(j)}" stroke-width="2"/>')
        radius = max(7 - 1.5 * j, 2.5)  # equal rates overlap as concentric rings, each still visible
        body += [f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="{radius}" fill="{color(j)}" stroke="#fff">'
                 f'<title>{escape(field)} {escape(runs[i])}: {v:.0%}</title></circle>'
                 for (i, v), (x, y) in zip(known, points)]
    latest = {field: next((v for v in reversed(values) if v is not None), None) for field, values in rates.items()}
    names = [f"{field} ({value:.0%})" if value is not None else field for field, value in latest.items()]
    body += x_labels(runs, xs) + legend(names)
    return frame(title, body)
