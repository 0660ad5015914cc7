"""Export the archive for research: one article per row as JSONL, CSV or Parquet, plus a dataset card.

Exports stream: articles are read from one cursor in batches, each batch's captions and
sources are fetched with one query per table, and rows are written before the next batch is
read, so memory stays flat however large the archive. The whole export reads one consistent
snapshot (the article cursor stays open throughout, which holds SQLite's read transaction).

Only the current version of each article is exported (the `articles` row); earlier texts
can be added as a `versions` column with `include_versions=True`.

Encodings: JSONL is UTF-8 with raw Arabic (no \\u escapes). CSV is UTF-8 *with a BOM*
(`utf-8-sig`) because Excel decodes a BOM-less CSV as the local ANSI code page and shows
Arabic as mojibake; Python's csv/pandas read it with encoding="utf-8-sig". List columns
(authors, tags, images, captions, sources) are JSON strings in CSV.
"""
from __future__ import annotations

import csv
import json
import os
import re
import sqlite3
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TextIO

from archive.fts import Filters
from crawler.errors import UsageError

FORMATS = ("jsonl", "csv", "parquet")
BATCH_SIZE = 1000  # articles per read batch and per Parquet row group
CSV_ENCODING = "utf-8-sig"
DATE_EXPR = "COALESCE(NULLIF(a.published, ''), a.fetched_at)"

DEDUP_POLICY = (
    "Exact duplicates (same normalised body text: crawler.text.arabic.tokens, so tashkeel, hamza forms, "
    "digits and punctuation do not count) are stored once per site; the other URLs are kept in the "
    "`aliases` table of the archive, not exported as rows. Near-duplicates (estimated Jaccard "
    "similarity of 5-word shingles >= NEAR_DUPLICATE_THRESHOLD, default 0.8, across all sites) are "
    "kept as separate rows and linked: `cluster_id` is shared by every article of a cluster (an "
    "article alone is its own cluster) and `near_duplicate_of` names the archived article it matched "
    "when first stored. Keep rows where `id = cluster_id` for one article per cluster."
)

# Column: (SQL expression over `articles a`, description for the dataset card).
ARTICLE_COLUMNS: dict[str, tuple[str, str]] = {
    "id": ("a.id", "archive row id (stable within one archive file)"),
    "url": ("a.url", "URL the current version was fetched from"),
    "canonical_url": ("a.canonical_url", "canonical URL: the article's identity in the archive"),
    "site": ("a.site", "catalog name of the news site"),
    "title": ("a.title", "headline as published"),
    "lead": ("a.lead", "standfirst / summary paragraph, when the page has one"),
    "body": ("a.body", "article text; paragraphs separated by a blank line; tashkeel kept"),
    "authors": ("a.authors", "list of author names"),
    "published": ("a.published", "publication time, ISO 8601: with the publisher's offset, or without any offset "
                  "(the publisher's local time) when date_zone_source is unknown"),
    "updated": ("a.updated", "last update time declared by the page"),
    "date_source": ("a.date_source", "where `published` came from: json-ld, meta, time-tag, url, text, htmldate"),
    "date_precision": ("a.date_precision", "what `published` carries: month, day, hour, minute or second"),
    "date_zone_source": ("a.date_zone_source", "how the offset of `published` was known: page (printed by the page), "
                         "catalog (the site's time zone), country (the zone of the site's country), fetch (relative "
                         "to the fetch time), unknown (local time, no offset: not UTC)"),
    "body_source": ("a.body_source", "where `body` came from: extractor, site-xpath, or trafilatura / "
                    "trafilatura-recall (bare trafilatura kept because ours held clearly less)"),
    "section": ("a.section", "site section"),
    "tags": ("a.tags", "list of keywords / tags"),
    "images": ("a.images", "list of image URLs"),
    "language": ("a.language", "declared language"),
    "captions": ("NULL", "list of {text, credit, image_url, alt}: image captions with photo credit"),
    "sources": ("NULL", "list of {name, canonical}: attributions (الجزيرة, وكالات...) with agency name"),
    "fetched_at": ("a.fetched_at", "UTC time the current version was fetched"),
    "first_seen": ("a.first_seen", "UTC time the article was first archived"),
    "last_seen": ("a.last_seen", "UTC time the article was last seen unchanged or changed"),
    "announced_at": ("a.announced_at", "UTC time its sitemap or feed gave it (the newest such date not after it was "
                     "archived); null when only a listing linked it, and for articles archived before schema 8"),
    "archived_at": ("a.archived_at", "UTC time the article was written to the archive; archived_at - announced_at "
                    "is how late it was archived"),
    "run_id": ("a.run_id", "crawl run that fetched the current version (crawl_runs.id)"),
    "extractor": ("a.extractor", "extractor name, version and settings hash"),
    "content_hash": ("a.content_hash", "sha256 of the normalised body words (exact-duplicate key)"),
    "version": ("a.version", "1 for the first text, +1 each time the text changed"),
    "status": ("a.status", "live, gone (HTTP 404/410 on re-check) or redirected"),
    "cluster_id": ("a.cluster_id", "near-duplicate cluster id (an article id)"),
    "near_duplicate_of": ("a.near_duplicate_of", "article this one near-duplicated when stored, else null"),
    "warc_file": ("a.warc_file", "WARC file holding the raw response, when recorded"),
    "warc_offset": ("a.warc_offset", "byte offset of the record in `warc_file`"),
}
LIST_COLUMNS = ("authors", "tags", "images")
INTEGER_COLUMNS = ("id", "run_id", "version", "cluster_id", "near_duplicate_of", "warc_offset")
VERSIONS_DESCRIPTION = "list of {version, fetched_at, run_id, title, lead, body, content_hash, extractor}, oldest first"


@dataclass
class ExportResult:
    path: Path
    card_path: Path
    card_markdown_path: Path
    rows: int


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
    writer = {"jsonl": write_jsonl, "csv": write_csv, "parquet": write_parquet}[fmt]
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


# -- reading ------------------------------------------------------------------
def date_filters(since: str | None, until: str | None) -> tuple[list[str], list[str]]:
    """SQL conditions and parameters for the inclusive [since, until] range on the article date."""
    conditions, params = [], []
    if since:
        conditions.append(f"{DATE_EXPR} >= ?")
        params.append(checked_iso(since, "since"))
    if until:
        checked_iso(until, "until")
        if len(until) == 10:  # a bare date: everything on that day too
            conditions.append(f"{DATE_EXPR} < ?")
            params.append((date.fromisoformat(until) + timedelta(days=1)).isoformat())
        else:
            conditions.append(f"{DATE_EXPR} <= ?")
            params.append(until)
    return conditions, params


def checked_iso(value: str, name: str) -> str:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--{name} is not an ISO date: {value!r} (e.g. 2026-11-01)") from None
    return value


def iter_article_batches(
    conn: sqlite3.Connection,
    site: str | None,
    since: str | None,
    until: str | None,
    include_versions: bool,
    batch_size: int,
    selection: Selection | None = None,
    max_rows: int | None = None,
) -> Iterator[list[dict[str, Any]]]:
    """Lists of at most `batch_size` export rows, in id order, children attached."""
    conditions, params = date_filters(since, until)
    if site:
        conditions.insert(0, "a.site = ?")
        params.insert(0, site)
    if selection:
        more, values = selection.conditions()
        conditions += more
        params += values
    select = ", ".join(f"{expr} AS {name}" for name, (expr, _) in ARTICLE_COLUMNS.items())
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    limit = " LIMIT ?" if max_rows else ""
    cursor = conn.execute(f"SELECT {select} FROM articles a{where} ORDER BY a.id{limit}", [*params, *([max_rows] if max_rows else [])])
    names = [d[0] for d in cursor.description]
    try:
        while chunk := cursor.fetchmany(batch_size):
            rows = [article_row(dict(zip(names, values))) for values in chunk]
            attach_children(conn, rows, include_versions)
            yield rows
    finally:
        cursor.close()


@dataclass(frozen=True)
class Selection:
    """The articles a search selects: every match of its query (no ranking window: all of them), narrowed
    by the query's site:/section: and the search's filters."""

    query: str | None
    expression: str | None
    filters: Filters

    @classmethod
    def of(cls, query: str | None, filters: Filters | None, site: str | None) -> "Selection":
        from archive.fts import checked_filters, match_expression, parse_query

        filters = checked_filters(filters or Filters())
        if not query:
            return cls(None, None, filters)
        parsed = parse_query(query)  # UsageError, one line, for a query that cannot be read
        merged = Filters(**{**filters.__dict__, "sites": tuple(dict.fromkeys((*filters.sites, *parsed.sites))),
                            "sections": tuple(dict.fromkeys((*filters.sections, *parsed.sections)))})
        return cls(query, match_expression(parsed), merged)

    def __bool__(self) -> bool:
        return bool(self.expression or self.filters)

    def conditions(self) -> tuple[list[str], list]:
        from archive.fts import row_conditions

        conditions, params = [], []
        if self.expression:
            conditions.append("a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
            params.append(self.expression)
        if self.filters.sites:
            conditions.append(f"a.site IN ({', '.join('?' for _ in self.filters.sites)})")
            params += self.filters.sites
        # since/until are the export's own (date_filters): the search's other filters are read here
        more, values = row_conditions(Filters(**{**self.filters.__dict__, "sites": (), "since": None, "until": None}))
        return conditions + more, params + values

    def card_entries(self) -> dict[str, Any]:
        """What the dataset card records about the search (empty for a plain export)."""
        if not self:
            return {}
        f = self.filters
        entries = {"query": self.query, "query_expression": self.expression, "sites": list(f.sites) or None,
                   "sections": list(f.sections) or None, "month": f.month, "language": f.language,
                   "captions": f.captions}
        return {key: value for key, value in entries.items() if value is not None}


def article_row(row: dict[str, Any]) -> dict[str, Any]:
    for name in LIST_COLUMNS:
        row[name] = json.loads(row[name]) if row[name] else []
    return row


def attach_children(conn: sqlite3.Connection, rows: list[dict[str, Any]], include_versions: bool) -> None:
    """Captions and sources (and versions) of a batch, one query per table."""
    by_id = {row["id"]: row for row in rows}
    for row in rows:
        row["captions"], row["sources"] = [], []
        if include_versions:
            row["versions"] = []
    marks = ", ".join("?" for _ in by_id)
    ids = list(by_id)
    for article_id, *caption in conn.execute(
        f"SELECT article_id, text, credit, image_url, alt FROM captions WHERE article_id IN ({marks}) ORDER BY id", ids
    ):
        by_id[article_id]["captions"].append(dict(zip(("text", "credit", "image_url", "alt"), caption)))
    for article_id, *source in conn.execute(
        f"SELECT article_id, name, canonical FROM sources WHERE article_id IN ({marks}) ORDER BY id", ids
    ):
        by_id[article_id]["sources"].append(dict(zip(("name", "canonical"), source)))
    if include_versions:
        version_fields = ("version", "fetched_at", "run_id", "title", "lead", "body", "content_hash", "extractor")
        for article_id, *version in conn.execute(
            f"SELECT article_id, {', '.join(version_fields)} FROM article_history "
            f"WHERE article_id IN ({marks}) ORDER BY article_id, version", ids
        ):
            by_id[article_id]["versions"].append(dict(zip(version_fields, version)))


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


# -- writing ------------------------------------------------------------------
CardFor = Callable[[int], dict[str, Any]]  # builds the dataset card once the row count is known

# Characters str.splitlines() treats as line breaks that json.dumps leaves raw: escaped so
# every JSONL reader sees exactly one record per line.
JSONL_LINE_BREAKS = re.compile("[\x85\u2028\u2029]")


def escape_line_breaks(line: str) -> str:
    return JSONL_LINE_BREAKS.sub(lambda m: f"\\u{ord(m.group()):04x}", line)


def write_jsonl(path: Path, columns: list[str], batches: Iterator[list[dict]], card_for: CardFor) -> int:
    rows = 0
    with path.open("w", encoding="utf-8", newline="\n") as f:
        for batch in batches:
            for row in batch:
                line = json.dumps({c: row[c] for c in columns}, ensure_ascii=False)
                f.write(escape_line_breaks(line) + "\n")
            rows += len(batch)
    return rows


def write_csv(path: Path, columns: list[str], batches: Iterator[list[dict]], card_for: CardFor) -> int:
    rows = 0
    nested = set(LIST_COLUMNS) | {"captions", "sources", "versions"}
    with path.open("w", encoding=CSV_ENCODING, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        for batch in batches:
            for row in batch:
                writer.writerow(
                    json.dumps(row[c], ensure_ascii=False) if c in nested else row[c] for c in columns
                )
            rows += len(batch)
    return rows


def parquet_schema(include_versions: bool):
    import pyarrow as pa

    text, integer = pa.string(), pa.int64()
    types = {name: text for name in ARTICLE_COLUMNS}
    types.update({name: integer for name in INTEGER_COLUMNS})
    types.update({name: pa.list_(text) for name in LIST_COLUMNS})
    types["captions"] = pa.list_(pa.struct([(n, text) for n in ("text", "credit", "image_url", "alt")]))
    types["sources"] = pa.list_(pa.struct([("name", text), ("canonical", text)]))
    if include_versions:
        types["versions"] = pa.list_(pa.struct([
            ("version", integer), ("fetched_at", text), ("run_id", integer), ("title", text), ("lead", text),
            ("body", text), ("content_hash", text), ("extractor", text),
        ]))
    return pa.schema(list(types.items()))


def write_parquet(path: Path, columns: list[str], batches: Iterator[list[dict]], card_for: CardFor) -> int:
    """One row group per batch; the dataset card also goes into the file's footer metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = parquet_schema("versions" in columns)
    rows = 0
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for batch in batches:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            rows += len(batch)
        writer.add_key_value_metadata({"dataset_card": json.dumps(card_for(rows), ensure_ascii=False)})
    return rows


# -- dataset card -------------------------------------------------------------
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
