"""Command-line pieces both CLIs build on (`crawler.cli` and `crawler.cluster.commands`): the archive
option, dates, the choice of sites and the usage exit code. Apart from both so neither imports the other.
"""
from __future__ import annotations

import argparse
from datetime import datetime

from crawler.urlpolicy import check_url as checked_http_url

DEFAULT_DB = "archive.db"
EXIT_USAGE = 2  # crawler.runner.EXIT_USAGE, without importing Scrapy before it is needed


def with_db(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Give a command the `--db PATH` every archive command takes."""
    parser.add_argument("--db", default=DEFAULT_DB, help=f"archive path (default {DEFAULT_DB})")
    return parser


def parse_since(value: str) -> datetime:
    from archive.known import parse_iso

    when = parse_iso(value)
    if when is None:
        raise argparse.ArgumentTypeError(f"not an ISO date: {value!r} (e.g. 2026-11-01)")
    return when


def resolve_crawl_sites(args: argparse.Namespace, catalog: dict) -> list:
    """The sites a crawl-like command names: SITE…, --all or --url, placed at --base-url when served locally."""
    from crawler.discovery import resolve_sites

    names = args.sites
    if args.all:
        names = [name for name, site in catalog.items() if args.base_url or not site.is_local]
    if args.base_url:
        checked_http_url(args.base_url)
    return resolve_sites(names, base_url=args.base_url, url=args.url and checked_http_url(args.url), catalog=catalog)
