"""The rows an export reads: the date range and the search that select them, in batches from one cursor,
each batch's captions and sources (and versions) fetched with one query per table."""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from archive.export_columns import ARTICLE_COLUMNS, LIST_COLUMNS
from archive.fts import Filters
from crawler.errors import UsageError

DATE_EXPR = "COALESCE(NULLIF(a.published, ''), a.fetched_at)"


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
