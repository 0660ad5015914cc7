"""Offline re-extraction: run the current extractor on the raw pages kept in WARC files.

After an extraction rule changes, every archived article whose response is in
a WARC file is extracted again from those exact bytes, with its original fetch
time, and its row is updated in place (`Archive.replace_extraction`) only when
an extracted field differs. Nothing is fetched and nothing is deleted: a page
whose WARC is missing or unreadable, or that no longer extracts, is logged and
left as it is.

Run it as `python -m crawler reextract [--site NAME] [--since DATE] [--db ARCHIVE.db]`; extraction
runs on the crawl's process pool (crawler/extraction/pool.py), one worker per core. The main process only
reads rows and writes the changed ones: the stored fields travel with each job, and the worker
compares them and computes the new hash and both index texts (the old one, to delete its index
row), so the cores do the CPU work, not the writer.
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

from archive.fts import SearchText, search_text
from archive.readonly import open_readonly
from archive.store import Archive
from archive.warc import WarcError, read_response
from crawler.errors import ArchiveMissing
from crawler.extraction import Article, Caption, ExtractionHints, Source
from crawler.text.identity import content_hash

logger = logging.getLogger(__name__)

PAGE_SIZE = 500  # articles read per query, so the scan never holds the whole table
CHUNK = 8  # articles per task sent to a worker: amortises the pool's per-task cost (~0.3 ms) over ~40 ms of work
WINDOW = 4  # chunks in flight per worker: enough that no worker waits while results are applied
# Article fields that `replace_extraction` stores and that decide "changed".
COMPARED_FIELDS = (
    "title", "lead", "body", "authors", "published", "updated", "date_source", "date_precision",
    "date_zone_source", "body_source", "section", "tags", "images", "language", "captions", "sources",
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
    current: dict[str, Any] = field(default_factory=dict)  # the compared fields as stored, see `stored_fields_of`


@dataclass
class Reextracted:
    """A changed article as a worker returns it: ready to write, nothing left to compute."""

    article: Article
    content_hash: str
    text: SearchText  # the new index row
    old_text: SearchText  # the stored text's index row, to delete


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
        from crawler.extraction.pool import available_cores

        workers = workers or available_cores()
    db_path = Path(db_path)
    if not db_path.is_file():  # Archive() would create an empty one
        raise ArchiveMissing(f"no archive at {db_path}")
    open_readonly(db_path).close()  # an empty file or another program's database: "not an archive", untouched
    # The workers start now and import the extractor while this process reads the catalog, opens the
    # archive and reads the first rows, instead of after (the pool's start-up is the first second).
    pool = started_pool(workers) if workers and workers > 1 else None
    try:
        hints = catalog_hints() if hints_by_site is None else hints_by_site
        return reextract_on(pool, workers or 1, db_path, site, since, hints, extract_fn,
                            progress, batch_size)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def reextract_on(pool: Any, workers: int, db_path: Path, site: str | None, since: str | None,
                 hints_by_site: dict[str, ExtractionHints], extract_fn: Callable[..., Article],
                 progress: Callable[[ReextractResult], None] | None, batch_size: int) -> ReextractResult:
    """`reextract` on a started pool (None: inline)."""
    result = ReextractResult()
    archive = Archive(db_path, batch_size=batch_size)
    jobs = (Job(stored, db_path.parent, hints_by_site.get(stored.site), extract_fn)
            for stored in iter_warc_articles(archive, site, since))
    try:
        for stored, outcome in extracted_in_order(jobs, pool, workers):
            result.seen += 1
            if isinstance(outcome, Reextracted):
                archive.replace_extraction(stored.id, outcome.article, outcome.content_hash,
                                           text=outcome.text, old_text=outcome.old_text)
                outcome = "changed"
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


def reextract_record(job: Job) -> Reextracted | str:
    """In a worker (or inline): the changed article with its keys, "unchanged", or why there is none."""
    article = extract_record(job)
    if isinstance(article, str):
        return article
    current = job.stored.current
    if comparable(article) == current:
        return "unchanged"
    return Reextracted(
        article,
        content_hash(article.title, article.body),
        search_text(article.title, article.lead, article.body, [c.text for c in article.captions]),
        search_text(current["title"], current["lead"], current["body"], [c["text"] for c in current["captions"]]),
    )


def extract_record(job: Job) -> Article | str:
    """The article extracted from the stored response, or why there is none."""
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


def reextract_chunk(jobs: list[Job]) -> list[Reextracted | str]:
    return [reextract_record(job) for job in jobs]


def started_pool(workers: int) -> Any:
    """The crawl's process pool (`crawler.extraction.pool`), each worker importing the extractor already."""
    from crawler.extraction.pool import extraction_pool

    pool = extraction_pool(workers)
    for _ in range(workers):  # one submit spawns one worker while none is idle
        pool.submit(warm_worker)
    return pool


def warm_worker() -> None:
    import crawler.extraction  # noqa: F401  (trafilatura and lxml: most of a worker's start-up)


def extracted_in_order(jobs: Iterator[Job], pool: Any, workers: int) -> Iterator[tuple[StoredArticle, Reextracted | str]]:
    """(stored article, extraction outcome) in the order of `jobs`; on a pool, a bounded window of chunks
    is in flight, so memory stays flat and every core extracts (the caller shuts the pool down)."""
    if pool is None:
        for job in jobs:
            yield job.stored, reextract_record(job)
        return
    in_flight: deque = deque()
    chunks = iter(lambda: list(islice(jobs, CHUNK)), [])
    for chunk in islice(chunks, workers * WINDOW):
        in_flight.append((chunk, pool.submit(reextract_chunk, chunk)))
    while in_flight:
        chunk, future = in_flight.popleft()
        outcomes = future.result()
        following = next(chunks, None)  # keep the window full before applying this chunk's results
        if following:
            in_flight.append((following, pool.submit(reextract_chunk, following)))
        for job, outcome in zip(chunk, outcomes):
            yield job.stored, outcome


def iter_warc_articles(archive: Archive, site: str | None, since: str | None = None) -> Iterator[StoredArticle]:
    """Articles with a WARC reference (of `site`, fetched at or after `since`), in id order, a page at a time,
    each with its stored fields (read here, while the row is current: the caller holds the archive lock)."""
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
        current = stored_fields_of(archive, [row[0] for row in rows])
        for row in rows:
            yield StoredArticle(*row, current=current[row[0]])
        last_id = rows[-1][0]


def comparable(article: Article) -> dict[str, Any]:
    """The compared fields of a freshly extracted article, shaped like `stored_fields_of` gives them."""
    data = article.to_dict()
    return {name: data[name] for name in COMPARED_FIELDS}


def stored_fields_of(archive: Archive, article_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The compared fields of archived articles, rebuilt from their rows, captions and sources, in three
    queries (the ids of one page of the scan)."""
    if not article_ids:
        return {}
    columns = [name for name in COMPARED_FIELDS if name not in ("captions", "sources")]
    marks = ", ".join("?" * len(article_ids))
    found: dict[int, dict[str, Any]] = {}
    for article_id, *values in archive.conn.execute(
            f"SELECT id, {', '.join(columns)} FROM articles WHERE id IN ({marks})", article_ids):
        data = dict(zip(columns, values))
        for name in JSON_COLUMNS:
            data[name] = json.loads(data[name]) if data[name] else []
        found[article_id] = {**data, "captions": [], "sources": []}
    for article_id, *caption in archive.conn.execute(
            f"SELECT article_id, text, credit, image_url, alt FROM captions WHERE article_id IN ({marks}) ORDER BY id",
            article_ids):
        found[article_id]["captions"].append(Caption(*caption).__dict__)
    for article_id, *source in archive.conn.execute(
            f"SELECT article_id, name, canonical FROM sources WHERE article_id IN ({marks}) ORDER BY id", article_ids):
        found[article_id]["sources"].append(Source(*source).__dict__)
    return found


def catalog_hints() -> dict[str, ExtractionHints]:
    from crawler.discovery.catalog import load_catalog

    return {name: entry.hints for name, entry in load_catalog().items()}
