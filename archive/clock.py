"""The archive's timestamps: UTC ISO strings, to the second, so SQLite compares and subtracts them."""
from __future__ import annotations

from datetime import datetime, timezone

from archive.known import parse_iso


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def utc_iso(value: str | None) -> str | None:
    """An ISO date in UTC (as `fetched_at` is), so SQLite compares and subtracts them; None when unreadable."""
    when = parse_iso(value)
    return when.astimezone(timezone.utc).isoformat(timespec="seconds") if when else None
