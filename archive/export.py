"""Export the archive for research: one article per row as JSONL, CSV or Parquet, plus a dataset card.

Exports stream: articles are read from one cursor in batches, each batch's captions and
sources are fetched with one query per table, and rows are written before the next batch is
read, so memory stays flat however large the archive. The whole export reads one consistent
snapshot (the article cursor stays open throughout, which holds SQLite's read transaction).

Only the current version of each article is exported (the `articles` row); earlier texts
can be added as a `versions` column with `include_versions=True`.

The rows are read by `archive.export_rows`, written by `archive.export_writers` (the encodings
of each format are described there) and described by the dataset card of `archive.export_card`;
`archive.export_columns` says what each column is.
"""
from __future__ import annotations

import json
import os
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TextIO

from archive.export_card import CardTally, card_markdown, dataset_card, tallied
from archive.export_columns import ARTICLE_COLUMNS
from archive.export_rows import Selection, date_filters, iter_article_batches
from archive.export_writers import WRITERS
from archive.fts import Filters
from crawler.errors import UsageError

FORMATS = ("jsonl", "csv", "parquet")
BATCH_SIZE = 1000  # articles per read batch and per Parquet row group


@dataclass
class ExportResult:
    path: Path
    card_path: Path
    card_markdown_path: Path
    rows: int


# -- public API ---------------------------------------------------------------
def export_articles(
    conn: sqlite3.Connection,
    out: Path,
    fmt: str,
    *,
    site: str | None = None,
    since: str | None = None,
    until: str | None = None,
    include_versions: bool = False,
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
    query: str | None = None,
    filters: Filters | None = None,
    max_rows: int | None = None,
) -> ExportResult:
    """Write the (filtered) current articles to `out` and a dataset card beside it.

    `since`/`until` are ISO dates or datetimes compared with COALESCE(published, fetched_at);
    both bounds are inclusive and a bare-date `until` covers that whole day. `query` (the syntax
    of `archive.query`) and `filters` (sections, month, language, captions, sites) keep every
    article a search with them matches: the result set of a search, recorded in the card.
    `max_rows` stops after that many rows (the card says so). `progress` is called with the
    running row count after each batch. The file appears only when complete.
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    date_filters(since, until)  # refuse a bad date before creating anything
    selection = Selection.of(query, filters, site)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    columns = list(ARTICLE_COLUMNS) + (["versions"] if include_versions else [])
    batches = iter_article_batches(conn, site, since, until, include_versions, batch_size, selection, max_rows)
    tally = CardTally()
    filters = {"site": site, "since": since, "until": until, "include_versions": include_versions,
               **selection.card_entries(), "max_rows": max_rows}
    cards: list[dict[str, Any]] = []

    def card_for(rows: int) -> dict[str, Any]:
        cards.append(dataset_card(conn, out, fmt, rows, tally, filters, columns))
        return cards[-1]

    tmp = out.with_name(out.name + ".partial")
    writer = WRITERS[fmt]
    try:
        rows = writer(tmp, columns, tallied(batches, tally, progress), card_for)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    card = cards[-1] if cards else card_for(rows)
    card_path = out.with_name(out.name + ".card.json")
    card_path.write_text(json.dumps(card, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    markdown_path = out.with_name(out.name + ".card.md")
    markdown_path.write_text(card_markdown(card), encoding="utf-8")
    return ExportResult(out, card_path, markdown_path, rows)


def default_export_path(fmt: str, site: str | None = None) -> Path:
    """`articles[-site]-YYYYMMDD.<fmt>` in the working directory."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d")
    return Path(f"articles{'-' + site if site else ''}-{stamp}.{fmt}")


class TerminalProgress:
    """A progress callback that rewrites `\\r{n} articles` on a terminal line."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.shown = False

    def __call__(self, rows: int) -> None:
        self.stream.write(f"\r{rows} articles")
        self.stream.flush()
        self.shown = True

    def finish(self) -> None:
        """End the progress line so later messages start on a fresh line."""
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


def terminal_progress(stream: TextIO | None = None) -> TerminalProgress | None:
    """A progress callback for `export_articles` when `stream` (default stderr) is a terminal, else None."""
    stream = stream or sys.stderr
    return TerminalProgress(stream) if stream.isatty() else None
