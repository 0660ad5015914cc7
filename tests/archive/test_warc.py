"""WARC storage of fetched pages: byte-identical round trips, record structure, rotation, crash safety."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.warc import WarcError, WarcWriter, read_response
from crawler.items import FetchedPage
from tests.conftest import REAL_PAGES

ARABIC_HTML = "<html><head><title>خبر</title></head><body><h1>غزة تحت القصف</h1><p>قال مراسل الجزيرة إن…</p></body></html>"


def page(path: str, body: bytes, *, content_type: str = "text/html; charset=utf-8", **extra) -> FetchedPage:
    return FetchedPage(
        url=f"http://127.0.0.1:8000{path}",
        site="sample",
        status=200,
        body=body,
        content_type=content_type,
        fetched_at="2026-11-25T10:30:00+00:00",
        request_headers={"User-Agent": "ArabicNewsArchiver/0.1", "Accept-Encoding": "gzip"},
        response_headers={"Content-Type": content_type, "Content-Encoding": "gzip", "Content-Length": "17"},
        **extra,
    )


def records(path: Path) -> list:
    """Every record of a WARC file with its payload read and digests verified (raises on mismatch)."""
    found = []
    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh, check_digests="raise"):
            record.payload = record.content_stream().read()
            found.append(record)
    return found


def test_arabic_pages_round_trip_byte_identical(tmp_path):
    utf8 = page("/news/1", ARABIC_HTML.encode("utf-8"))
    cp1256 = page("/news/2?ref=home", ARABIC_HTML.encode("cp1256"), content_type="text/html; charset=windows-1256")
    with WarcWriter(tmp_path / "warc", run_id=7) as writer:
        refs = [writer.write_page(utf8), writer.write_page(cp1256)]

    assert refs[0].file.startswith("warc/crawl-") and refs[0].file.endswith("-7-00000.warc.gz")
    assert refs[0].offset > 0 and refs[1].offset > refs[0].offset  # warcinfo comes first
    for ref, original in zip(refs, (utf8, cp1256)):
        body, headers, uri = read_response(tmp_path / ref.file, ref.offset)
        assert body == original.body
        assert uri == original.url
        assert headers["Content-Type"] == original.content_type
        # Scrapy decoded the body: what is stored must not claim gzip, and the length is the stored one.
        assert "Content-Encoding" not in headers
        assert headers["X-Archive-Orig-Content-Encoding"] == "gzip"
        assert headers["Content-Length"] == str(len(original.body))
    assert read_response(tmp_path / refs[1].file, refs[1].offset)[0].decode("cp1256") == ARABIC_HTML


def test_real_dev_page_round_trips(tmp_path):
    html = (REAL_PAGES / "akhbarelyom-2020.html").read_bytes()
    with WarcWriter(tmp_path / "warc") as writer:
        ref = writer.write_page(page("/news/newdetails/3126898", html))
    assert read_response(tmp_path / ref.file, ref.offset)[0] == html


def test_record_structure(tmp_path):
    with WarcWriter(tmp_path / "warc", run_id=3) as writer:
        ref = writer.write_page(page("/news/1", ARABIC_HTML.encode("utf-8")))
    info, response, request = records(tmp_path / ref.file)

    assert info.rec_type == "warcinfo"
    assert b"software: arabic-news-archiver" in info.payload and b"run-id: 3" in info.payload
    assert response.rec_type == "response" and request.rec_type == "request"
    assert response.rec_headers.get_header("WARC-Date") == "2026-11-25T10:30:00Z"
    assert request.rec_headers.get_header("WARC-Date") == "2026-11-25T10:30:00Z"
    assert request.rec_headers.get_header("WARC-Concurrent-To") == response.rec_headers.get_header("WARC-Record-ID")
    assert response.rec_headers.get_header("WARC-Payload-Digest").startswith("sha1:")
    assert response.http_headers.get_statuscode() == "200"
    assert request.http_headers.protocol == "GET" and request.http_headers.get_header("Host") == "127.0.0.1:8000"
    assert request.http_headers.get_header("User-Agent") == "ArabicNewsArchiver/0.1"


def test_rotates_past_max_bytes_with_warcinfo_in_each_file(tmp_path):
    pages = [page(f"/news/{i}", os.urandom(6000)) for i in range(6)]  # incompressible: ~6 KB per record
    with WarcWriter(tmp_path / "warc", max_bytes=10_000) as writer:
        refs = [writer.write_page(p) for p in pages]

    files = sorted({ref.file for ref in refs})
    assert len(files) == 3  # a file takes pages until it has passed 10 KB: two per file
    for name in files:
        assert records(tmp_path / name)[0].rec_type == "warcinfo"
    for ref, original in zip(refs, pages):
        assert read_response(tmp_path / ref.file, ref.offset)[0] == original.body


def test_truncated_file_keeps_earlier_records(tmp_path):
    pages = [page(f"/news/{i}", os.urandom(5000)) for i in range(3)]
    with WarcWriter(tmp_path / "warc") as writer:
        refs = [writer.write_page(p) for p in pages]
    path = tmp_path / refs[0].file
    data = path.read_bytes()
    path.write_bytes(data[: refs[2].offset + 2500])  # a crash in the middle of the third response

    for ref, original in zip(refs[:2], pages):
        assert read_response(path, ref.offset)[0] == original.body
    with pytest.raises(WarcError):
        read_response(path, refs[2].offset)


def test_missing_file_and_wrong_offset_are_warc_errors(tmp_path):
    with WarcWriter(tmp_path / "warc") as writer:
        ref = writer.write_page(page("/news/1", b"<html></html>"))
    with pytest.raises(WarcError, match="missing"):
        read_response(tmp_path / "warc" / "nope.warc.gz", 0)
    with pytest.raises(WarcError):
        read_response(tmp_path / ref.file, 0)  # the warcinfo record, not a response


def test_writers_never_overwrite_each_others_files(tmp_path):
    first, second = WarcWriter(tmp_path / "warc", run_id=1), WarcWriter(tmp_path / "warc", run_id=1)
    second.started = first.started  # same second, same run: the file names would collide
    ref_a = first.write_page(page("/a", b"<p>a</p>"))
    ref_b = second.write_page(page("/b", b"<p>b</p>"))
    first.close(), second.close()
    assert ref_a.file != ref_b.file
    assert read_response(tmp_path / ref_a.file, ref_a.offset)[0] == b"<p>a</p>"


def test_refs_outside_the_base_folder_are_absolute(tmp_path):
    with WarcWriter(tmp_path / "elsewhere", base_dir=tmp_path / "db") as writer:
        ref = writer.write_page(page("/a", b"<p>a</p>"))
    assert Path(ref.file).is_absolute()
    assert read_response(Path(ref.file), ref.offset)[0] == b"<p>a</p>"


def test_every_record_is_its_own_standard_gzip_member(tmp_path):
    """ISA-L deflates the records: the file must still be plain gzip, one member per record, that zlib
    (not only warcio) decompresses member by member, with the response starting at its WarcRef offset."""
    import zlib

    html = (REAL_PAGES / "akhbarelyom-2020.html").read_bytes()
    with WarcWriter(tmp_path / "warc") as writer:
        ref = writer.write_page(page("/news/newdetails/3126898", html))
    data = (tmp_path / ref.file).read_bytes()
    members, starts, position = [], [], 0
    while position < len(data):
        inflater = zlib.decompressobj(zlib.MAX_WBITS + 16)
        members.append(inflater.decompress(data[position:]))
        assert inflater.eof, "a truncated gzip member"
        starts.append(position)
        position = len(data) - len(inflater.unused_data)
    assert len(members) == 3  # warcinfo, response, request
    assert [m.split(b"\r\n", 1)[0] for m in members] == [b"WARC/1.1"] * 3
    assert starts[1] == ref.offset
    assert b"WARC-Type: response" in members[1] and members[1].rstrip(b"\r\n").endswith(html.rstrip(b"\r\n"))
    assert len(data) < 0.3 * len(html)  # still compressed (ISA-L level 2: ~0.22 of an Arabic news page)
