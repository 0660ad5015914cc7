"""The columns of an export row: the SQL each is read with and what the dataset card says it means."""
from __future__ import annotations

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
