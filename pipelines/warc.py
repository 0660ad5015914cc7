"""Keep the raw response of every fetched article page in WARC files, articles or not (part of the archive stage's unit).

The extraction workers serialise and compress the records (CPU work kept off the
crawl's main thread); this stage only appends them, so one process owns the files.

The article row references its record (file, offset), so re-extraction can run
offline over the raw pages, and other archiving tools can read them.
"""
from __future__ import annotations

from pathlib import Path

from archive.warc import WarcWriter
from crawler.items import CrawledArticle
from pipelines.session import ArchiveSession

DEFAULT_MAX_BYTES = 100 * 1024 * 1024


class WarcStage:
    def __init__(self, session: ArchiveSession, directory: Path | None, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.session = session
        self.directory = directory  # None: WARC writing is off
        self.max_bytes = max_bytes
        self.writer: WarcWriter | None = None

    @classmethod
    def from_crawler(cls, crawler) -> "WarcStage":
        settings = crawler.settings
        session = ArchiveSession.of(crawler)
        directory = None
        if settings.getbool("WARC_ENABLED", True):
            directory = Path(settings.get("WARC_DIR") or session.archive.path.resolve().parent / "warc")
        stage = cls(session, directory, settings.getint("WARC_MAX_BYTES", DEFAULT_MAX_BYTES))
        stage.spider_name = crawler.spidercls.name
        return stage

    def open_spider(self) -> None:
        if self.directory is not None:
            run_id = self.session.begin_run(self.spider_name)
            self.writer = WarcWriter(
                self.directory, max_bytes=self.max_bytes, run_id=run_id,
                base_dir=self.session.archive.path.resolve().parent,
            )
            self.session.on_close(self.writer.close)  # before the archive's last commit: rows never point at unsynced data

    def process_item(self, item: CrawledArticle) -> CrawledArticle:
        page = item.page
        if self.writer is not None and page.status == 200 and (item.warc_records or page.body):
            records, item.warc_records = item.warc_records, None  # do not carry the copy further
            item.warc_ref = self.writer.append(records) if records else self.writer.write_page(page)
        return item
