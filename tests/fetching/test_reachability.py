"""Which download failures mean "not reachable from here", and that stderr hears of them once per site."""
from __future__ import annotations

import logging

from scrapy.exceptions import CannotResolveHostError, DownloadConnectionRefusedError, DownloadTimeoutError
from twisted.internet.error import DNSLookupError

from crawler.fetching.reachability import PerRequestUnreachable, unreachable_reason


def raised_from(outer: type[Exception], inner: Exception) -> Exception:
    try:
        try:
            raise inner
        except Exception as exc:
            raise outer("wrapped") from exc
    except Exception as wrapped:
        return wrapped


def test_dns_refused_and_timeouts_are_unreachable_and_other_failures_are_not():
    assert unreachable_reason(CannotResolveHostError("nosuch.invalid")) == "DNS lookup failed"
    assert unreachable_reason(DNSLookupError("nosuch.invalid")) == "DNS lookup failed"
    assert unreachable_reason(DownloadConnectionRefusedError("111")) == "connection refused"
    assert unreachable_reason(DownloadTimeoutError("30 s")) == "timed out"
    assert unreachable_reason(raised_from(RuntimeError, DNSLookupError("x"))) == "DNS lookup failed"
    assert unreachable_reason(ValueError("bad gzip")) is None
    assert unreachable_reason(None) is None


def record(name: str, *, args=None, exc: BaseException | None = None) -> logging.LogRecord:
    rec = logging.LogRecord(name, logging.ERROR, __file__, 1, "Gave up retrying %(reason)s", args, None)
    if exc is not None:
        rec.exc_info = (type(exc), exc, None)
    return rec


def test_the_console_filter_drops_per_request_unreachable_records_only():
    keep = PerRequestUnreachable().filter
    retry = "scrapy.downloadermiddlewares.retry"
    assert not keep(record(retry, args=({"reason": DownloadConnectionRefusedError("111")},)))
    assert not keep(record("scrapy.downloadermiddlewares.robotstxt", exc=CannotResolveHostError("x")))
    assert keep(record(retry, args=({"reason": "500 Internal Server Error"},)))
    assert keep(record("news", exc=CannotResolveHostError("x")))  # not a per-request logger: kept
