"""The `watch` command's options and handler (kept beside the other commands' by `crawler.cli`)."""
from __future__ import annotations

import argparse
import sys

from crawler.run.options import positive_seconds


def add_watch_parser(commands, with_db) -> None:
    watch = with_db(commands.add_parser(
        "watch", help="poll the sites' news sitemaps and feeds and archive new articles as they appear (until SIGTERM)"))
    watch.add_argument("sites", nargs="*", help="catalog names (see `sites`)")
    watch.add_argument("--all", action="store_true", help="every catalog site")
    watch.add_argument("--every", type=positive_seconds, default=60.0, metavar="SECONDS",
                       help="poll a site at most this often (default 60; less often when it publishes less)")
    watch.add_argument("--base-url", help="where a locally served catalog site ({base}) lives")
    watch.add_argument("--log-file", help="the full log, rotating (default: beside the archive, ARCHIVE.log)")
    watch.add_argument("-v", "--verbose", action="store_true", help="the full log on stderr too")
    watch.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="a Scrapy setting")
    watch.set_defaults(handler=cmd_watch, url=None)


def cmd_watch(args: argparse.Namespace) -> int:
    from crawler.discovery.catalog import load_catalog
    from crawler.run.options import resolve_crawl_sites
    from crawler.errors import UsageError
    from crawler.run.lock import ArchiveBusy
    from crawler.run.runner import EXIT_BUSY, LOCAL_SITE_SETTINGS
    from crawler.live.watch import run_watch, watch_exit_code

    if args.all and args.sites:
        raise UsageError("name sites or give --all, not both")
    sites = resolve_crawl_sites(args, load_catalog())
    if not sites:
        raise UsageError("name the sites to watch, or --all")
    settings = dict(LOCAL_SITE_SETTINGS) if args.base_url else {}
    for assignment in args.set:
        name, equals, value = assignment.partition("=")
        if not (name and equals):
            raise UsageError(f"-s wants NAME=VALUE, not {assignment!r}")
        settings[name] = value
    try:
        result = run_watch(sites, args.db, every=args.every, settings=settings, log_file=args.log_file,
                           verbose=args.verbose)
    except ArchiveBusy as exc:
        print(f"busy: {exc}", file=sys.stderr)
        return EXIT_BUSY
    print(result.summary_line(args.db), flush=True)
    return watch_exit_code(result)
