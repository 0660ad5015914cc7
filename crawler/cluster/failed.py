"""The cluster's failed list: what a node or the writer read from Redis and could not use.

A frontier entry or stream entry that is not data this cluster wrote (a pickle, garbage, a
request naming a method the spider does not offer, an item that does not fit its schema) is
never run and never blocks the run: it is logged with the reason and kept, raw, in the
`PREFIX:failed` stream (bounded), for an operator to look at with `XRANGE PREFIX:failed - +`.
"""
from __future__ import annotations

import logging

import redis

from crawler.cluster.keys import Keys

logger = logging.getLogger(__name__)

FAILED_MAX = 10_000  # entries kept (approximately): a hostile peer cannot fill Redis through it
SHOWN_BYTES = 60  # of the raw entry, in the log line


def set_aside(client: redis.Redis | redis.client.Pipeline, keys: Keys, source: str, data: bytes | None,
              reason: str, **context: str) -> None:
    """Log one unusable entry with its reason and keep it in the failed stream."""
    shown = repr(data[:SHOWN_BYTES]) if data else "-"
    logger.warning("skipping an entry of %s: %s (%s%s)", source, reason, shown, "…" if data and len(data) > SHOWN_BYTES else "")
    fields = {"source": source, "reason": reason[:500], "data": data or b"", **context}
    client.xadd(keys.failed, fields, maxlen=FAILED_MAX, approximate=True)
