"""Unreachable is a verdict of its own: the site could not be reached from this machine at all.

A DNS name that does not resolve, a refused connection, a connect or read that times out, a
network with no route: none of these says anything about the catalog entry or the site's
layout, so the crawl reports them as one line per site (`SITE: unreachable from here: …`)
instead of a traceback per request, and `sites --check` never writes `broken` for them.
`unreachable_reason` names the cause of a download failure, or None for any other failure
(an HTTP error, a bad response: those are the site's doing and judged as before).
"""
from __future__ import annotations

import logging

from scrapy import exceptions as scrapy_errors
from twisted.internet import error as tx_errors

# The download errors (Scrapy's wrappers and Twisted's own, which retries and older handlers
# still pass around) that mean "not reachable from here", with the words a person reads.
REASONS: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    ((scrapy_errors.CannotResolveHostError, tx_errors.DNSLookupError), "DNS lookup failed"),
    ((scrapy_errors.DownloadConnectionRefusedError, tx_errors.ConnectionRefusedError), "connection refused"),
    ((scrapy_errors.DownloadTimeoutError, tx_errors.TimeoutError, tx_errors.TCPTimedOutError), "timed out"),
    ((tx_errors.NoRouteError,), "no route to host"),
    ((tx_errors.ConnectError,), "cannot connect"),
)

# Loggers whose records about such failures are one per request (and some carry a traceback).
PER_REQUEST_LOGGERS = ("scrapy.downloadermiddlewares.retry", "scrapy.downloadermiddlewares.robotstxt",
                       "scrapy.core.scraper", "scrapy.core.engine")


def unreachable_reason(error: BaseException | None) -> str | None:
    """Why the host could not be reached, when `error` (or what it was raised from) says so."""
    seen = 0
    while error is not None and seen < 5:
        for types, reason in REASONS:
            if isinstance(error, types):
                return reason
        error, seen = error.__cause__ or error.__context__, seen + 1
    return None


class PerRequestUnreachable(logging.Filter):
    """Keeps Scrapy's per-request records of unreachable hosts off a handler (stderr): the run's end
    says it once per site. The log file still has every one of them."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith(PER_REQUEST_LOGGERS):
            return True
        if record.exc_info and unreachable_reason(record.exc_info[1]):
            return False
        reason = record.args.get("reason") if isinstance(record.args, dict) else None
        return not (isinstance(reason, BaseException) and unreachable_reason(reason))



def quiet_unreachable() -> None:
    """Drop those records at their loggers (for a check, which keeps no log file: its verdict says it)."""
    for name in PER_REQUEST_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, PerRequestUnreachable) for f in logger.filters):
            logger.addFilter(PerRequestUnreachable())
