"""Command-line pieces both CLIs build on (`crawler.cli` and `crawler.cluster.commands`), apart from both
so neither imports the other: the archive option, dates, the choice of sites, the usage exit code, and
option values checked where they are parsed, so every command refuses bad ones the same way.

Each checker here is an argparse `type=`: it returns the value, or raises `argparse.ArgumentTypeError`
whose message `OneLineParser` prints as one `error: …` line with exit code 2. `known_site` is for the
commands that read an archive: a site name is good when the catalog or the archive knows it.
"""
from __future__ import annotations

import argparse
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from crawler.errors import UsageError
from crawler.discovery.urlpolicy import check_url as checked_http_url

DEFAULT_DB = "archive.db"
EXIT_USAGE = 2  # crawler.run.runner.EXIT_USAGE, without importing Scrapy before it is needed
MAX_PORT = 65535


def whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None


def at_least(minimum: int) -> Callable[[str], int]:
    """A whole number >= `minimum` (0 for counts where 0 means "no limit", 1 where 0 makes no sense)."""

    def parse(text: str) -> int:
        value = whole_number(text)
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be {minimum} or more, not {value}")
        return value

    parse.__name__ = f"at_least_{minimum}"  # argparse names the type in its own messages
    return parse


non_negative = at_least(0)
positive = at_least(1)


def port(text: str) -> int:
    """A TCP port to listen on: 1 to 65535."""
    value = whole_number(text)
    if not 1 <= value <= MAX_PORT:
        raise argparse.ArgumentTypeError(f"not a TCP port: {value} (1 to {MAX_PORT})")
    return value


def seconds(text: str) -> float:
    """A duration in seconds, 0 or more."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be 0 seconds or more, not {text}")
    return value


def positive_seconds(text: str) -> float:
    """A duration in seconds, more than 0 (an interval: 0 would poll without pause)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be more than 0 seconds: {text!r}")
    return value


def http_url(text: str) -> str:
    """An absolute http(s) URL."""
    try:
        return checked_http_url(text)
    except UsageError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def known_site(site: str | None, conn: sqlite3.Connection, catalog_path: str | Path | None = None) -> str | None:
    """`site` itself when the catalog or the archive knows it (or it is None), else a UsageError.

    An archive can hold sites the catalog no longer has (an ad-hoc `--url` crawl, a removed entry),
    so both are asked; a typo then is an error, not an empty result."""
    if site is None:
        return None
    from crawler.discovery.catalog import DEFAULT_CATALOG, load_catalog

    catalog = load_catalog(catalog_path or DEFAULT_CATALOG)
    if site in catalog:
        return site
    archived = [name for (name,) in conn.execute("SELECT DISTINCT site FROM articles ORDER BY site")]
    if site in archived:
        return site
    hint = f"; the archive has {', '.join(archived[:10])}" if archived else "; the archive has no article yet"
    raise UsageError(f"unknown site {site!r}: not in the catalog nor in the archive{hint}")


def with_db(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Give a command the `--db PATH` every archive command takes."""
    parser.add_argument("--db", default=DEFAULT_DB, help=f"archive path (default {DEFAULT_DB})")
    return parser


def add_crawl_limits(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The options that bound one run, for `crawl` and `cluster run`/`seed` alike (one wording, one check).

    A cluster applies them to the run, not to each node: its nodes count articles and pages in Redis."""
    parser.add_argument("--recheck-days", type=non_negative, default=0, metavar="N",
                        help="fetch archived articles first seen in the last N days again (edits, removals)")
    parser.add_argument("--max-articles", type=non_negative, default=0, metavar="N",
                        help="stop requesting articles after N (0: no limit)")
    parser.add_argument("--max-pages", type=non_negative, default=0, metavar="N",
                        help="stop after N responses (0: no limit)")
    return parser


def parse_since(value: str) -> datetime:
    from archive.known import parse_iso

    when = parse_iso(value)
    if when is None:
        raise argparse.ArgumentTypeError(f"not an ISO date: {value!r} (e.g. 2026-11-01)")
    return when


def resolve_crawl_sites(args: argparse.Namespace, catalog: dict) -> list:
    """The sites a crawl-like command names: SITE…, --all or --url, placed at --base-url when served locally."""
    from crawler.discovery.sites import resolve_sites

    names = args.sites
    if args.all:
        names = [name for name, site in catalog.items() if args.base_url or not site.is_local]
    if args.base_url:
        checked_http_url(args.base_url)
    return resolve_sites(names, base_url=args.base_url, url=args.url and checked_http_url(args.url), catalog=catalog)
