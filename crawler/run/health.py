"""Per-site health: notice when a site's layout changed under us.

A silent redesign is the most common way news crawlers rot: requests still
succeed, but nothing (or nothing complete) comes out. After each run every
site's yield and field fill-rates are compared with its recent runs.
"""
from __future__ import annotations

from typing import Any

HEALTH_FIELDS = ("body", "date", "captions", "sources", "authors")
MIN_ARTICLES_FOR_RATES = 5  # fill-rates of tinier runs are noise
SHARP_DROP = 0.5  # absolute fall of a fill-rate that counts as sharp


def fill_rates(filled: dict[str, int]) -> dict[str, float]:
    """Share of this run's stored articles that came with each field."""
    total = filled.get("articles", 0)
    if not total:
        return {}
    return {name: round(filled.get(name, 0) / total, 3) for name in HEALTH_FIELDS}


def assess(counts: dict[str, Any], rates: dict[str, float], history: list[dict[str, Any]]) -> list[str]:
    """Flags (human-readable) for one site's run, given that site's recent runs (newest first).

    Each history entry holds that run's `counts` and `fill_rates`.
    """
    flags = []
    if counts.get("article_pages", 0) > 0 and counts.get("extracted", 0) == 0:
        flags.append(f"0 articles extracted from {counts['article_pages']} article pages")
    if counts.get("pages", 0) == 0 and counts.get("known", 0) == 0:
        unreachable = f": unreachable from here ({counts['unreachable_reason']})" if counts.get("unreachable") else ""
        flags.append(f"nothing fetched{unreachable}")
    elif counts.get("discovered", 0) == 0:
        found_before = any(h["counts"].get("discovered", 0) > 0 for h in history)
        flags.append("no article links discovered" + (" (previous runs found some)" if found_before else
                                                      " (nor in any earlier run)" if history else " (first run)"))
    if counts.get("extracted", 0) >= MIN_ARTICLES_FOR_RATES:
        baseline = [h["fill_rates"] for h in history if h["counts"].get("extracted", 0) >= MIN_ARTICLES_FOR_RATES][:5]
        for name in HEALTH_FIELDS:
            before = [b[name] for b in baseline if name in b]
            if not before or name not in rates:
                continue
            mean = sum(before) / len(before)
            if mean - rates[name] >= SHARP_DROP:
                flags.append(f"{name} fill-rate fell from {mean:.0%} to {rates[name]:.0%}")
    return flags
