"""Offline re-extraction: run the current extractor on the raw pages kept in WARC files.

After an extraction rule changes, every archived article whose response is in
a WARC file is extracted again from those exact bytes, with its original fetch
time, and its row is updated in place (`Archive.replace_extraction`) only when
an extracted field differs. Nothing is fetched and nothing is deleted: a page
whose WARC is missing or unreadable, or that no longer extracts, is logged and
left as it is.

Run it as `python -m archive.reextract ARCHIVE.db [--site NAME]`.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from archive.store import Archive
from archive.warc import WarcError, read_response
from crawler.errors import ArchiveMissing
from crawler.extraction import Article, Caption, ExtractionHints, Source
from crawler.identity import content_hash

logger = logging.getLogger(__name__)

PAGE_SIZE = 500  # articles read per query, so the scan never holds the whole table
# Article fields that `replace_extraction` stores and that decide "changed".
COMPARED_FIELDS = (
    "title", "lead", "body", "authors", "published", "updated", "date_source", "date_precision",
    "section", "tags", "images", "language", "captions", "sources",
)
JSON_COLUMNS = ("authors", "tags", "images")


@dataclass
class ReextractResult:
    seen: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    failures: list[tuple[int, str]] = field(default_factory=list)  # (article id, reason)


@dataclass
class StoredArticle:
    id: int
    url: str
    site: str
    fetched_at: str
    warc_file: str
    warc_offset: int


def reextract(
    db_path: Path,
    *,
    site: str | None = None,
    hints_by_site: dict[str, ExtractionHints] | None = None,
    extract_fn: Callable[..., Article] | None = None,
    progress: Callable[[ReextractResult], None] | None = None,
    batch_size: int = 200,
) -> ReextractResult:
    """Re-extract every article that has a WARC record (of `site` only, when given).

    `hints_by_site` defaults to the hints of the bundled site catalog and
    `extract_fn` to `crawler.extraction.extract`. `progress` is called with the
    running counts after each article.
    """
    if extract_fn is None:
        from crawler.extraction import extract as extract_fn
    if hints_by_site is None:
        hints_by_site = catalog_hints()
    db_path = Path(db_path)
    if not db_path.is_file():  # Archive() would create an empty one
        raise ArchiveMissing(f"no archive at {db_path}")
    result = ReextractResult()
    archive = Archive(db_path, batch_size=batch_size)
    try:
        for stored in iter_warc_articles(archive, site):
            result.seen += 1
            outcome = reextract_one(archive, stored, db_path.parent, hints_by_site.get(stored.site), extract_fn)
            if outcome in ("changed", "unchanged"):
                setattr(result, outcome, getattr(result, outcome) + 1)
            else:
                result.failed += 1
                result.failures.append((stored.id, outcome))
                logger.warning("re-extraction skipped article %s (%s): %s", stored.id, stored.url, outcome)
            archive.commit_if_due()
            if progress:
                progress(result)
    finally:
        archive.close()
    return result


def reextract_one(
    archive: Archive,
    stored: StoredArticle,
    base_dir: Path,
    hints: ExtractionHints | None,
    extract_fn: Callable[..., Article],
) -> str:
    """"changed", "unchanged", or the reason the article was skipped."""
    try:
        body, headers, uri = read_response(base_dir / stored.warc_file, stored.warc_offset)
    except WarcError as exc:
        return str(exc)
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
    try:
        article = extract_fn(
            body, uri or stored.url, fetched_at=datetime.fromisoformat(stored.fetched_at),
            content_type=content_type, hints=hints,
        )
    except Exception as exc:  # NotAnArticle, or an extractor bug: either way the stored row stays
        return f"{type(exc).__name__}: {exc}"
    if comparable(article) == stored_fields(archive, stored.id):
        return "unchanged"
    archive.replace_extraction(stored.id, article, content_hash(article.title, article.body))
    return "changed"


def iter_warc_articles(archive: Archive, site: str | None):
    """Articles with a WARC reference, in id order, read a page at a time."""
    last_id = 0
    while True:
        sql = ("SELECT id, url, site, fetched_at, warc_file, warc_offset FROM articles "
               "WHERE id > ? AND warc_file IS NOT NULL AND warc_offset IS NOT NULL")
        params: list[Any] = [last_id]
        if site:
            sql += " AND site = ?"
            params.append(site)
        rows = archive.conn.execute(sql + " ORDER BY id LIMIT ?", [*params, PAGE_SIZE]).fetchall()
        if not rows:
            return
        for row in rows:
            yield StoredArticle(*row)
        last_id = rows[-1][0]


def comparable(article: Article) -> dict[str, Any]:
    """The compared fields of a freshly extracted article, shaped like `stored_fields`."""
    data = article.to_dict()
    return {name: data[name] for name in COMPARED_FIELDS}


def stored_fields(archive: Archive, article_id: int) -> dict[str, Any]:
    """The compared fields of an archived article, rebuilt from its row, captions and sources."""
    columns = [name for name in COMPARED_FIELDS if name not in ("captions", "sources")]
    row = archive.conn.execute(f"SELECT {', '.join(columns)} FROM articles WHERE id = ?", (article_id,)).fetchone()
    data = dict(zip(columns, row))
    for name in JSON_COLUMNS:
        data[name] = json.loads(data[name]) if data[name] else []
    captions = archive.conn.execute(
        "SELECT text, credit, image_url, alt FROM captions WHERE article_id = ? ORDER BY id", (article_id,)
    )
    data["captions"] = [Caption(*c).__dict__ for c in captions]
    sources = archive.conn.execute("SELECT name, canonical FROM sources WHERE article_id = ? ORDER BY id", (article_id,))
    data["sources"] = [Source(*s).__dict__ for s in sources]
    return data


def catalog_hints() -> dict[str, ExtractionHints]:
    from crawler.catalog import load_catalog

    return {name: entry.hints for name, entry in load_catalog().items()}
