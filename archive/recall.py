"""What a crawl recalls of its archive at the start of a run: the known URLs, re-checks and discovery
memory of its sites (`archive.known`), read from the archive file as it is then.

Apart from `archive.known` because it opens the archive (`archive.store`), which itself builds on
`archive.known`: one direction, no import cycle.
"""
from __future__ import annotations

from pathlib import Path

from archive.known import ArchiveKnownArticles, KnownArticles, recheck_since
from archive.readonly import open_readonly
from archive.store import Archive


def load_known(
    archive_path: str | Path | None, site_names: list[str], recheck_days: int = 0, min_shape_articles: int = 2
) -> KnownArticles:
    """At the start of a run (the spider's `from_crawler`): the discovery memory and re-checks of the
    sites, and a view of their archived URLs; empty without an archive."""
    if not archive_path:
        return KnownArticles()
    since = recheck_since(recheck_days)
    archive = Archive(archive_path)  # creates or upgrades the archive before the read-only view opens it
    try:
        known = ArchiveKnownArticles(open_readonly(archive_path))
        archive.load_site_memory(known, site_names, since, min_shape_articles)
        return known
    finally:
        archive.close()
