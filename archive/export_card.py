"""The dataset card written beside an export (JSON and Markdown): what the rows are, where they come
from, how duplicates were treated, what each column means."""
from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from archive.export_columns import ARTICLE_COLUMNS, VERSIONS_DESCRIPTION

DEDUP_POLICY = (
    "Exact duplicates (same normalised body text: crawler.text.arabic.tokens, so tashkeel, hamza forms, "
    "digits and punctuation do not count) are stored once per site; the other URLs are kept in the "
    "`aliases` table of the archive, not exported as rows. Near-duplicates (estimated Jaccard "
    "similarity of 5-word shingles >= NEAR_DUPLICATE_THRESHOLD, default 0.8, across all sites) are "
    "kept as separate rows and linked: `cluster_id` is shared by every article of a cluster (an "
    "article alone is its own cluster) and `near_duplicate_of` names the archived article it matched "
    "when first stored. Keep rows where `id = cluster_id` for one article per cluster."
)


@dataclass
class CardTally:
    """What the dataset card says about the rows, gathered while they stream past."""

    sites: Counter = field(default_factory=Counter)
    extractors: Counter = field(default_factory=Counter)
    first: str | None = None
    last: str | None = None

    def add(self, row: dict[str, Any]) -> None:
        self.sites[row["site"]] += 1
        self.extractors[row["extractor"] or "unknown"] += 1
        when = row["published"] or row["fetched_at"]
        if when:
            self.first = when if self.first is None else min(self.first, when)
            self.last = when if self.last is None else max(self.last, when)


def tallied(
    batches: Iterator[list[dict[str, Any]]], tally: CardTally, progress: Callable[[int], None] | None
) -> Iterator[list[dict[str, Any]]]:
    rows = 0
    for batch in batches:
        for row in batch:
            tally.add(row)
        yield batch
        rows += len(batch)
        if progress:
            progress(rows)


def dataset_card(
    conn: sqlite3.Connection,
    out: Path,
    fmt: str,
    rows: int,
    tally: CardTally,
    filters: dict[str, Any],
    columns: list[str],
) -> dict[str, Any]:
    descriptions = {name: text for name, (_, text) in ARTICLE_COLUMNS.items()}
    descriptions["versions"] = VERSIONS_DESCRIPTION
    return {
        "title": "Arabic news articles exported from the crawler archive",
        "file": out.name,
        "format": fmt,
        "encoding": encoding_note(fmt),
        "rows": rows,
        "exported_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "filters": filters,
        "schema_version": conn.execute("PRAGMA user_version").fetchone()[0],
        "sites": sorted(tally.sites),
        "counts_per_site": dict(sorted(tally.sites.items())),
        "date_range": {"first": tally.first, "last": tally.last, "by": "published, else fetched_at"},
        "extractors": dict(sorted(tally.extractors.items())),
        "rows_are": "one article per row: the current (latest) version of each archived article",
        "dedup_policy": DEDUP_POLICY,
        "columns": {name: descriptions[name] for name in columns},
    }


def encoding_note(fmt: str) -> str:
    return {
        "jsonl": "UTF-8, one JSON object per line, Arabic written raw (not \\u-escaped)",
        "csv": "UTF-8 with BOM (utf-8-sig) so Excel shows Arabic; list columns are JSON strings; "
        "Excel truncates cells over 32767 characters, so very long bodies are cut there in Excel only",
        "parquet": "Parquet (zstd), list columns as Arrow lists / structs, one row group per 1000 articles",
    }[fmt]


def card_markdown(card: dict[str, Any]) -> str:
    lines = [
        f"# {card['title']}",
        "",
        f"- File: `{card['file']}` ({card['format']}; {card['encoding']})",
        f"- Rows: {card['rows']} ({card['rows_are']})",
        f"- Exported: {card['exported_at']}; archive schema version {card['schema_version']}",
        f"- Filters: {', '.join(f'{k}={v}' for k, v in card['filters'].items() if v) or 'none'}",
        f"- Dates: {card['date_range']['first']} to {card['date_range']['last']} ({card['date_range']['by']})",
        "",
        "## Articles per site",
        "",
        "| site | articles |",
        "|---|---:|",
        *(f"| {site} | {n} |" for site, n in card["counts_per_site"].items()),
        "",
        "## Extractor versions",
        "",
        *(f"- `{name}`: {n}" for name, n in card["extractors"].items()),
        "",
        "## Duplicates",
        "",
        card["dedup_policy"],
        "",
        "## Columns",
        "",
        "| column | meaning |",
        "|---|---|",
        *(f"| `{name}` | {text} |" for name, text in card["columns"].items()),
        "",
    ]
    return "\n".join(lines)
