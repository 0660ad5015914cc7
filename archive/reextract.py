"""Offline re-extraction: run the current extractor on the raw pages kept in WARC files.

After an extraction rule changes, every archived article whose response is in
a WARC file is extracted again from those exact bytes, with its original fetch
time, and its row is updated in place (`Archive.replace_extraction`) only when
an extracted field differs. Nothing is fetched and nothing is deleted: a page
whose WARC is missing or unreadable, or that no longer extracts, is logged and
left as it is.

Run it as `python -m crawler reextract [--site NAME] [--since DATE] [--db ARCHIVE.db]`; extraction
runs on the crawl's process pool (pipelines/extract.py), one worker per core.
"""
from __future__ import annotations

import json
import logging
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any

from archive.store import Archive
from archive.warc import WarcError, read_response
from crawler.errors import ArchiveMissing
from crawler.extraction import Article, Caption, ExtractionHints, Source
from crawler.identity import content_hash

logger = logging.getLogger(__name__)

PAGE_SIZE = 500  # articles read per query, so the scan never holds the whole table
CHUNK = 8  # articles per task sent to a worker: amortises the pool's per-task cost (~0.3 ms) over ~40 ms of work
WINDOW = 4  # chunks in flight per worker: enough that no worker waits while results are applied
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
    since: str | None = None,
    hints_by_site: dict[str, ExtractionHints] | None = None,
    extract_fn: Callable[..., Article] | None = None,
    progress: Callable[[ReextractResult], None] | None = None,
    batch_size: int = 200,
    workers: int | None = None,
) -> ReextractResult:
    """Re-extract every article that has a WARC record (of `site` only, fetched at or after `since`, when given).

    `hints_by_site` defaults to the hints of the bundled site catalog and
    `extract_fn` to `crawler.extraction.extract`. Extraction runs on the crawl's
    process pool (`workers`, default one per core for the default extractor, inline
    for another `extract_fn`, which must then be picklable to use workers); articles
    are handed to it in id order and their results applied in that order, `batch_size`
    rows per commit. `progress` is called with the running counts after each article.
    """
    if extract_fn is None:
        from crawler.extraction import extract as extract_fn
        from pipelines.extract import available_cores

        workers = workers or available_cores()
    if hints_by_site is None:
        hints_by_site = catalog_hints()
    db_path = Path(db_path)
    if not db_path.is_file():  # Archive() would create an empty one
        raise ArchiveMissing(f"no archive at {db_path}")
    result = ReextractResult()
    archive = Archive(db_path, batch_size=batch_size)
    jobs = (Job(stored, db_path.parent, hints_by_site.get(stored.site), extract_fn)
            for stored in iter_warc_articles(archive, site, since))
    try:
        for stored, outcome in extracted_in_order(jobs, workers or 1):
            result.seen += 1
            if isinstance(outcome, Article):
                outcome = apply(archive, stored, outcome)
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


@dataclass
class Job:
    """One article to re-extract: everything a worker process needs, none of the archive."""

    stored: StoredArticle
    base_dir: Path
    hints: ExtractionHints | None
    extract_fn: Callable[..., Article]


def extract_record(job: Job) -> Article | str:
    """In a worker (or inline): the article extracted from the stored response, or why there is none."""
    stored = job.stored
    try:
        body, headers, uri = read_response(job.base_dir / stored.warc_file, stored.warc_offset)
    except WarcError as exc:
        return str(exc)
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
    try:
        return job.extract_fn(
            body, uri or stored.url, fetched_at=datetime.fromisoformat(stored.fetched_at),
            content_type=content_type, hints=job.hints,
        )
    except Exception as exc:  # NotAnArticle, or an extractor bug: either way the stored row stays
        return f"{type(exc).__name__}: {exc}"


def extract_chunk(jobs: list[Job]) -> list[Article | str]:
    return [extract_record(job) for job in jobs]


def extracted_in_order(jobs: Iterator[Job], workers: int) -> Iterator[tuple[StoredArticle, Article | str]]:
    """(stored article, extraction outcome) in the order of `jobs`; with workers, a bounded window of
    chunks is in flight on the pool, so memory stays flat and every core extracts."""
    if workers <= 1:
        for job in jobs:
            yield job.stored, extract_record(job)
        return
    from pipelines.extract import extraction_pool  # the crawl's pool; pipelines import archive, not the reverse

    pool = extraction_pool(workers)
    in_flight: deque = deque()
    chunks = iter(lambda: list(islice(jobs, CHUNK)), [])
    try:
        for chunk in islice(chunks, workers * WINDOW):
            in_flight.append((chunk, pool.submit(extract_chunk, chunk)))
        while in_flight:
            chunk, future = in_flight.popleft()
            outcomes = future.result()
            following = next(chunks, None)  # keep the window full before applying this chunk's results
            if following:
                in_flight.append((following, pool.submit(extract_chunk, following)))
            for job, outcome in zip(chunk, outcomes):
                yield job.stored, outcome
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def apply(archive: Archive, stored: StoredArticle, article: Article) -> str:
    """Store a re-extracted article when a compared field differs: "changed" or "unchanged"."""
    if comparable(article) == stored_fields(archive, stored.id):
        return "unchanged"
    archive.replace_extraction(stored.id, article, content_hash(article.title, article.body))
    return "changed"


def iter_warc_articles(archive: Archive, site: str | None, since: str | None = None) -> Iterator[StoredArticle]:
    """Articles with a WARC reference (of `site`, fetched at or after `since`), in id order, a page at a time."""
    last_id = 0
    while True:
        sql = ("SELECT id, url, site, fetched_at, warc_file, warc_offset FROM articles "
               "WHERE id > ? AND warc_file IS NOT NULL AND warc_offset IS NOT NULL")
        params: list[Any] = [last_id]
        if site:
            sql += " AND site = ?"
            params.append(site)
        if since:
            sql += " AND fetched_at >= ?"
            params.append(since)
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
