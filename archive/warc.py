"""Raw fetched pages kept in WARC files, so articles can be re-extracted offline.

Every article response is written as a gzipped WARC `response` record followed
by its `request` record (linked by WARC-Concurrent-To), each record its own gzip
member, so the offset of a response record is a seekable entry point that
`read_response` opens without reading the rest of the file. Each file starts
with a `warcinfo` record and a new file is started once one passes `max_bytes`.

What is stored is what Scrapy handed the spider: the body is already
decompressed and de-chunked. The stored HTTP headers therefore drop
Content-Encoding and Transfer-Encoding and carry a Content-Length equal to the
stored body; the original values are kept as `X-Archive-Orig-<Name>` headers
(the convention of pywb and other replay tools), so nothing the server said is lost.

Records are flushed to the OS after each page and fsynced on rotation and close:
a crash mid-record leaves every earlier record readable.
"""
from __future__ import annotations

import base64
import hashlib
import io
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from http import HTTPStatus
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from isal import isal_zlib
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import GzippingWrapper, WARCWriter

from crawler.items import FetchedPage

SOFTWARE = "arabic-news-archiver"
WARC_VERSION = "1.1"
# Headers describing a transfer encoding of the body that Scrapy already undid.
TRANSFER_HEADERS = ("content-encoding", "transfer-encoding", "content-length")


class IsalGzippingWrapper(GzippingWrapper):
    """warcio's per-record gzip member, deflated by ISA-L instead of zlib (same gzip format, any reader)."""

    def __init__(self, out, level: int) -> None:
        self.compressor = isal_zlib.compressobj(level, isal_zlib.DEFLATED, isal_zlib.MAX_WBITS + 16)
        self.out = out


class IsalGzipWARCWriter(WARCWriter):
    """warcio's WARCWriter (its records, headers and digests) with each record gzipped by ISA-L.

    warcio hard-codes zlib level 9: ~5 ms per 100 kB page. zlib level 6 halved that; deflate was still
    three quarters of the record's cost. ISA-L level 2 deflates the same page ~11x faster than zlib 6
    (0.27 vs 3.1 ms on tests/fixtures/pages) for gzip members ~16 % larger (0.216 vs 0.185 of the raw
    page); the WARC stays one standard gzip member per record (benchmarks/README.md, issue #26).
    """

    GZIP_LEVEL = 2  # ISA-L levels are 0-3; 3 is 3x slower for 3 % less

    def _write_warc_record(self, out, record):
        if not self.gzip:
            return super()._write_warc_record(out, record)
        self.gzip = False  # the base class would wrap `out` in its own zlib level-9 compressor
        try:
            return super()._write_warc_record(IsalGzippingWrapper(out, self.GZIP_LEVEL), record)
        finally:
            self.gzip = True


class WarcError(Exception):
    """A WARC record could not be read (missing file, truncated record, wrong record type)."""


@dataclass(frozen=True)
class WarcRef:
    """Where a page's response record is: `file` relative to the archive database's folder (absolute when outside it)."""

    file: str
    offset: int


class WarcWriter:
    """Appends fetched pages to rotating `PREFIX-YYYYMMDDHHMMSS-RUN-NNNNN.warc.gz` files in `directory`.

    `base_dir` is the folder WarcRef paths are relative to; by default the
    parent of `directory` (the archive database's folder when `directory` is the
    default `warc/` beside it).
    """

    def __init__(
        self,
        directory: Path,
        *,
        prefix: str = "crawl",
        max_bytes: int = 100 * 1024 * 1024,
        run_id: int | None = None,
        base_dir: Path | None = None,
    ) -> None:
        self.directory = Path(directory)
        self.prefix = prefix
        self.max_bytes = max_bytes
        self.run_id = run_id
        self.base_dir = Path(base_dir) if base_dir is not None else self.directory.parent
        self.started = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
        self.serial = 0
        self.path: Path | None = None
        self._ref_file: str | None = None  # `path` as WarcRef names it, resolved once per file, not per record
        self._file: BinaryIO | None = None
        self._writer: IsalGzipWARCWriter | None = None
        self.files: list[Path] = []  # every file this writer created, in order

    def write_page(self, page: FetchedPage) -> WarcRef:
        """Write the response and request records of `page`; return where the response record starts."""
        return self.append(page_records(page))

    def append(self, records: bytes) -> WarcRef:
        """Append records serialised by `page_records` (e.g. in an extraction worker), response first."""
        if self._file is None or self._file.tell() >= self.max_bytes:
            self._open_next_file()
        offset = self._file.tell()
        self._file.write(records)
        self._file.flush()
        return WarcRef(self._ref_file, offset)

    def close(self) -> None:
        """Flush and fsync the open file; the writer can still write afterwards (it opens a new file)."""
        if self._file is None:
            return
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        self._file = self._writer = None

    def __enter__(self) -> "WarcWriter":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # -- files --------------------------------------------------------
    def _open_next_file(self) -> None:
        self.close()
        self.directory.mkdir(parents=True, exist_ok=True)
        while True:  # never overwrite: another writer may share the folder and the second
            name = f"{self.prefix}-{self.started}-{self.run_id or 0}-{self.serial:05d}.warc.gz"
            self.serial += 1
            try:
                self._file = open(self.directory / name, "xb")
                break
            except FileExistsError:
                continue
        self.path = self.directory / name
        self._ref_file = self._ref_path(self.path)
        self.files.append(self.path)
        self._writer = IsalGzipWARCWriter(self._file, gzip=True, warc_version=WARC_VERSION)
        info = {
            "software": SOFTWARE,
            "format": f"WARC File Format {WARC_VERSION}",
            "run-id": self.run_id,
            "payload": "decoded bodies: Content-Encoding/Transfer-Encoding removed, originals in X-Archive-Orig-*",
        }
        self._writer.write_record(self._writer.create_warcinfo_record(name, info))
        self._file.flush()

    def _ref_path(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.base_dir.resolve()).as_posix()
        except ValueError:
            return str(path.resolve())


def page_records(page: FetchedPage) -> bytes:
    """The gzipped response and request records of one page, ready to append to any WARC file.

    Pure and picklable, so the compression (the costly part) runs in an extraction worker.
    """
    out = io.BytesIO()
    writer = IsalGzipWARCWriter(out, gzip=True, warc_version=WARC_VERSION)
    response = writer.create_warc_record(
        page.url,
        "response",
        payload=io.BytesIO(page.body),
        length=len(page.body),
        warc_headers_dict={"WARC-Date": warc_date(page.fetched_at)},
        http_headers=response_http_headers(page),
    )
    request = writer.create_warc_record(
        page.url, "request", warc_headers_dict={"WARC-Date": warc_date(page.fetched_at)},
        http_headers=request_http_headers(page),
    )
    writer.write_request_response_pair(request, response)  # response first, then request
    return out.getvalue()


def warc_date(fetched_at: str) -> str:
    """WARC-Date (UTC, `Z`) for an ISO 8601 fetch time; a naive time is taken as UTC."""
    moment = datetime.fromisoformat(fetched_at)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    use_micros = moment.microsecond != 0
    return datetime_to_iso_date(moment.astimezone(timezone.utc).replace(tzinfo=None), use_micros=use_micros)


def response_http_headers(page: FetchedPage) -> StatusAndHeaders:
    """Status line and headers describing the stored (decoded) body."""
    headers: list[tuple[str, str]] = []
    for name, value in page.response_headers.items():
        if name.lower() in TRANSFER_HEADERS:
            headers.append((f"X-Archive-Orig-{name}", value))
        else:
            headers.append((name, value))
    if page.content_type and not any(n.lower() == "content-type" for n, _ in headers):
        headers.append(("Content-Type", page.content_type))
    headers.append(("Content-Length", str(len(page.body))))
    return StatusAndHeaders(status_line(page.status), headers, protocol="HTTP/1.1")


def status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def request_http_headers(page: FetchedPage) -> StatusAndHeaders:
    """`GET path HTTP/1.1` with the headers Scrapy sent (Host added when missing)."""
    parts = urlsplit(page.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = list(page.request_headers.items())
    if not any(n.lower() == "host" for n, _ in headers):
        headers.insert(0, ("Host", parts.netloc))
    return StatusAndHeaders(f"GET {target} HTTP/1.1", headers, is_http_request=True)


def read_response(path: Path, offset: int) -> tuple[bytes, dict[str, str], str]:
    """Body bytes, HTTP headers and target URI of the response record at `offset` of `path`.

    The body is the payload as stored (decoded, for records of `WarcWriter`) and is
    checked against the record's payload digest, so a truncated record is an error,
    never a silently short body. Repeated headers are joined with ", ". Raises
    `WarcError` when the file is missing or the record is truncated, corrupt or not a response.
    """
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            record = next(iter(ArchiveIterator(fh)), None)
            if record is None or record.rec_type != "response" or record.http_headers is None:
                kind = record.rec_type if record is not None else "nothing"
                raise WarcError(f"no HTTP response record at {path}:{offset} (found {kind})")
            body = record.raw_stream.read()
            check_payload(body, record.rec_headers.get_header("WARC-Payload-Digest"), f"{path}:{offset}")
            headers: dict[str, str] = {}
            for name, value in record.http_headers.headers:
                headers[name] = f"{headers[name]}, {value}" if name in headers else value
            uri = record.rec_headers.get_header("WARC-Target-URI")
    except FileNotFoundError:
        raise WarcError(f"missing WARC file {path}") from None
    except WarcError:
        raise
    except Exception as exc:  # warcio/zlib raise assorted types on truncated or corrupt data
        raise WarcError(f"unreadable WARC record at {path}:{offset}: {exc!r}") from exc
    return body, headers, uri


def check_payload(body: bytes, digest: str | None, where: str) -> None:
    """Raise `WarcError` unless `body` matches the `algo:base32` (or hex) payload digest."""
    if not digest or ":" not in digest:
        return
    algorithm, expected = digest.split(":", 1)
    try:
        actual = hashlib.new(algorithm.lower(), body).digest()
    except ValueError:
        return  # an algorithm we cannot check
    if expected.upper() not in (base64.b32encode(actual).decode(), actual.hex().upper()):
        raise WarcError(f"truncated or corrupt response at {where}: payload digest mismatch")
