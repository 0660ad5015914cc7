"""What a failed request counts as: a decision (robots.txt, the trap guard), a missing listing, an
unreachable host, or a failure."""
from __future__ import annotations

import logging
from typing import Any

from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.fetching.reachability import unreachable_reason


def failure_outcome(
    failure: Failure, kind: str, logger: logging.Logger | logging.LoggerAdapter[Any]
) -> tuple[str, str | None]:
    """The stat key (under `site/NAME/`) a failed *kind* request counts under, logged on *logger*, and the
    unreachable reason when the host could not be reached (said once per site at the run's end)."""
    url = failure.request.url  # type: ignore[attr-defined]
    if failure.check(IgnoreRequest):
        logger.debug("not fetched: %s (%s)", url, failure.getErrorMessage())
        return "skipped/ignored", None
    if kind == "discovery" and failure.check(HttpError) and failure.value.response.status in (404, 410):
        # A page linked like a listing that does not exist (e.g. /about on an ad-hoc site).
        logger.info("no such listing page: %s", url)
        return "skipped/missing_listing", None
    if reason := unreachable_reason(failure.value):
        logger.info("%s request failed, host unreachable (%s): %s", kind, reason, url)
        return f"failures/{kind}", reason
    logger.warning("%s request failed: %s (%s)", kind, url, failure.getErrorMessage())
    return f"failures/{kind}", None
