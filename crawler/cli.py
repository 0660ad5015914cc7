"""`python -m crawler`: a thin shell over functions a researcher can import too."""
from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

from crawler.errors import UsageError, checked_http_url

DEFAULT_DB = "archive.db"
EXIT_USAGE = 2  # crawler.runner.EXIT_USAGE, without importing Scrapy before it is needed


class OneLineParser(argparse.ArgumentParser):
    """Bad options are reported like every other usage error: one line, exit 2 (see `--help` for usage)."""

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


# The demo serves the sample site on one port, so its URLs (and a second run's incremental
# savings) stay the same from run to run.
DEMO_PORT = 8765


def parse_since(value: str) -> datetime:
    from crawler.known import parse_iso

    when = parse_iso(value)
    if when is None:
        raise argparse.ArgumentTypeError(f"not an ISO date: {value!r} (e.g. 2026-11-01)")
    return when


def utc_iso(when: datetime | None) -> str | None:
    """An ISO string comparable with the archive's UTC times (`fetched_at`); a date without zone is UTC."""
    if when is None:
        return None
    return (when.astimezone(timezone.utc) if when.tzinfo else when).isoformat()


def iso_date_text(value: str) -> str:
    """An ISO date given as text (for twins that take the string), checked."""
    parse_since(value)
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="python -m crawler", description="Crawl and archive Arabic news.")
    commands = parser.add_subparsers(dest="command", required=True)

    def with_db(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--db", default=DEFAULT_DB, help=f"archive path (default {DEFAULT_DB})")
        return p

    demo = with_db(commands.add_parser("demo", help="serve the bundled sample site on 127.0.0.1 and crawl it"))
    demo.add_argument("--articles", type=int, default=36, help="articles on the sample site")
    demo.add_argument("--port", type=int, default=DEMO_PORT, help="port for the sample site (a free one if taken)")
    demo.set_defaults(handler=cmd_demo)

    crawl = with_db(commands.add_parser("crawl", help="crawl catalog sites (or any URL) into the archive"))
    crawl.add_argument("sites", nargs="*", help="catalog names (see `sites`)")
    crawl.add_argument("--all", action="store_true", help="every catalog site")
    crawl.add_argument("--url", help="crawl a site that is not in the catalog (discovers robots.txt sitemaps)")
    crawl.add_argument("--base-url", help="where a locally served catalog site ({base}) lives")
    crawl.add_argument("--refresh", action="store_true", help="fetch archived articles again (conditional requests)")
    crawl.add_argument("--recheck-days", type=int, default=0, metavar="N",
                       help="fetch archived articles first seen in the last N days again (edits, removals)")
    crawl.add_argument("--since", type=parse_since, help="skip entries announced before this date")
    crawl.add_argument("--max-articles", type=int, default=0, help="stop requesting articles after N")
    crawl.add_argument("--max-pages", type=int, default=0, help="stop after N responses")
    crawl.add_argument("--log-file", help="the full log, rotating (default: beside the archive, ARCHIVE.log)")
    crawl.add_argument("--fail-on-health", action="store_true", help="exit 3 when a site's health is flagged")
    crawl.add_argument("-v", "--verbose", action="store_true", help="the full log on stderr too")
    crawl.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="a Scrapy setting")
    crawl.set_defaults(handler=cmd_crawl)

    extract = commands.add_parser("extract", help="extract one saved page and print the article as JSON")
    extract.add_argument("file", type=Path)
    extract.add_argument("--url", required=True, help="the URL the page was fetched from")
    extract.add_argument("--site", help="apply this catalog site's extraction hints")
    extract.set_defaults(handler=cmd_extract)

    sites = commands.add_parser("sites", help="list the site catalog, or check entries against their live sites")
    sites.add_argument("names", nargs="*", metavar="SITE", help="with --check: the entries to check (default all)")
    sites.add_argument("--json", action="store_true")
    sites.add_argument("--check", action="store_true", help="fetch each entry's discovery URLs and a few articles")
    sites.add_argument("--articles", type=int, default=3, metavar="N", help="articles fetched per site (default 3)")
    sites.add_argument("--base-url", help="where a locally served catalog site ({base}) lives")
    sites.add_argument("--write", action="store_true", help="record each verdict in the local verification file")
    sites.add_argument("--overrides", type=Path, help="the local verification file (default: see README)")
    sites.add_argument("--catalog", type=Path, help="another catalog file (default the bundled crawler/sites.toml)")
    sites.set_defaults(handler=cmd_sites)

    from archive.fts import DEFAULT_WINDOW

    search = with_db(commands.add_parser("search", help="Arabic full-text search of the archive"))
    search.add_argument("query")
    search.add_argument("--site")
    search.add_argument("--since", type=iso_date_text, help="published on or after (ISO date)")
    search.add_argument("--limit", type=int, default=20)
    search.add_argument("--window", type=int, default=DEFAULT_WINDOW, metavar="K",
                        help=f"rank among the K most recently archived matches (default {DEFAULT_WINDOW:,})")
    search.add_argument("--all", action="store_true", dest="exhaustive",
                        help="rank every match (slower on common words in a large archive)")
    search.set_defaults(handler=cmd_search)

    export = with_db(commands.add_parser("export", help="export articles with captions and sources"))
    export.add_argument("--format", required=True, choices=["jsonl", "csv", "parquet"])
    export.add_argument("--site")
    export.add_argument("--since", help="published (or fetched) on or after this ISO date")
    export.add_argument("--until", help="published (or fetched) on or before this ISO date")
    export.add_argument("--out", type=Path, help="output file (default articles[-SITE]-DATE.FORMAT)")
    export.add_argument("--versions", action="store_true", help="include every earlier version's text")
    export.set_defaults(handler=cmd_export)

    stats = with_db(commands.add_parser("stats", help="articles per site/day/section, runs, fill-rates, health"))
    stats.add_argument("--days", type=int, default=14)
    stats.add_argument("--json", action="store_true")
    stats.add_argument("--report", type=Path, metavar="DIR",
                       help="write an HTML report with charts (and PNG pictures of them) into DIR")
    stats.set_defaults(handler=cmd_stats)

    reextract = with_db(commands.add_parser("reextract", help="re-run extraction over stored raw pages (offline)"))
    reextract.add_argument("--site")
    reextract.add_argument("--since", type=parse_since, help="only articles fetched on or after this date (UTC)")
    reextract.set_defaults(handler=cmd_reextract)

    serve = with_db(commands.add_parser("serve", help="browse the archive in Datasette (read-only)"))
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8001)
    serve.add_argument("--open", action="store_true", help="open a web browser")
    serve.set_defaults(handler=cmd_serve)

    from crawler.cluster.commands import add_cluster_parser
    from crawler.watch_cli import add_watch_parser

    add_watch_parser(commands, with_db)

    add_cluster_parser(commands, with_db, parse_since)
    return parser


def cmd_demo(args: argparse.Namespace) -> int:
    from crawler.catalog import get_site
    from crawler.logs import default_log_file
    from crawler.runner import LOCAL_SITE_SETTINGS
    from crawler.sample_site import SampleSite, serve

    site = SampleSite(n_articles=args.articles)
    try:
        server = serve(site, port=args.port)
    except OSError:  # taken: any free port still works, but a later demo run will see new URLs
        server = serve(site)
    with server:
        print(f"sample site serving at {server.base_url}; full log in {default_log_file(args.db)}", file=sys.stderr)
        sites = [get_site("sample").with_base_url(server.base_url)]
        return crawl_and_report(sites, args.db, settings=dict(LOCAL_SITE_SETTINGS))


def cmd_crawl(args: argparse.Namespace) -> int:
    from crawler.catalog import load_catalog
    from crawler.runner import LOCAL_SITE_SETTINGS

    sites = resolve_crawl_sites(args, load_catalog())
    settings = dict(LOCAL_SITE_SETTINGS) if args.base_url else {}
    if args.recheck_days:
        settings["RECHECK_DAYS"] = args.recheck_days
    for assignment in args.set:
        name, equals, value = assignment.partition("=")
        if not (name and equals):
            raise UsageError(f"-s wants NAME=VALUE, not {assignment!r}")
        settings[name] = value
    return crawl_and_report(
        sites, args.db, refresh=args.refresh, since=args.since, max_articles=args.max_articles,
        max_pages=args.max_pages, log_file=args.log_file, fail_on_health=args.fail_on_health, settings=settings,
        verbose=args.verbose,
    )


def resolve_crawl_sites(args: argparse.Namespace, catalog: dict) -> list:
    from crawler.discovery import resolve_sites

    names = args.sites
    if args.all:
        names = [name for name, site in catalog.items() if args.base_url or not site.is_local]
    if args.base_url:
        checked_http_url(args.base_url)
    return resolve_sites(names, base_url=args.base_url, url=args.url and checked_http_url(args.url), catalog=catalog)


def crawl_and_report(sites: list, db: str, *, fail_on_health: bool = False, **options) -> int:
    from crawler.lock import ArchiveBusy
    from crawler.runner import EXIT_BUSY, run_crawl

    try:
        result = run_crawl(sites, db, **options)
    except ArchiveBusy as exc:
        print(f"busy: {exc}", file=sys.stderr)
        return EXIT_BUSY
    print(result.summary_line(db))
    return result.exit_code(fail_on_health)


def cmd_extract(args: argparse.Namespace) -> int:
    from crawler.catalog import get_site
    from crawler.errors import read_input_file
    from crawler.extraction import NotAnArticle, extract

    hints = get_site(args.site).hints if args.site else None
    page = read_input_file(args.file)
    try:
        article = extract(page, checked_http_url(args.url), hints=hints)
    except NotAnArticle as exc:
        print(f"not an article: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(article.to_dict(), ensure_ascii=False, indent=2))
    return 0


def cmd_sites(args: argparse.Namespace) -> int:
    from crawler.catalog import DEFAULT_CATALOG, load_catalog
    from crawler.sitecheck.overrides import load_verifications, verification_text

    if args.check:
        return cmd_sites_check(args)
    if args.names or args.write:
        raise UsageError("naming sites and --write go with --check")
    try:
        catalog = load_catalog(args.catalog or DEFAULT_CATALOG)  # a bad entry: CatalogError, a UsageError
    except OSError as exc:
        raise UsageError(str(exc)) from None
    checks = load_verifications(args.overrides)
    if args.json:
        rows = [{**site.summary(), "check": checks.get(site.name)} for site in catalog.values()]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for site in catalog.values():
        discovery = len(site.sitemaps) + len(site.feeds) + len(site.start_urls)
        verified = verification_text(site.verified, checks.get(site.name))
        print(f"{site.name:<18} {','.join(site.domains):<32} {discovery:>2} discovery URLs  verified: {verified}")
    return 0


def cmd_sites_check(args: argparse.Namespace) -> int:
    from crawler.catalog import DEFAULT_CATALOG
    from crawler.sitecheck import check_catalog, record_verifications, verification_entries

    if args.articles < 0:
        raise UsageError("--articles must be 0 or more")
    try:
        result = check_catalog(args.names, base_url=args.base_url, catalog_path=args.catalog or DEFAULT_CATALOG,
                               articles=args.articles)
    except (OSError, ValueError) as exc:  # UsageErrors (unknown site, bad catalog) and a missing catalog file
        raise UsageError(str(exc)) from None
    print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) if args.json else result.text())
    if args.write:
        path = record_verifications(verification_entries(result), args.overrides)
        print(f"verdicts recorded in {path}", file=sys.stderr)
    return result.exit_code


def cmd_search(args: argparse.Namespace) -> int:
    from archive.fts import search
    from archive.readonly import open_readonly

    conn = open_readonly(args.db)
    try:
        hits = search(conn, args.query, site=args.site, since=args.since, limit=args.limit, window=args.window,
                      exhaustive=args.exhaustive)
    finally:
        conn.close()
    for hit in hits:
        print(f"{hit.published or '-':<25} {hit.site:<10} {hit.title}\n    {hit.url}\n    {hit.snippet}")
    hint = "" if hits.ranking.complete else " (--all ranks every match)"
    print(f"{len(hits)} hit(s); {hits.ranking.notice()}{hint}", file=sys.stderr)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from archive.export import default_export_path, export_articles, terminal_progress
    from archive.readonly import open_readonly

    conn = open_readonly(args.db)
    progress = terminal_progress()
    try:
        result = export_articles(
            conn, args.out or default_export_path(args.format, args.site), args.format, site=args.site,
            since=args.since, until=args.until, include_versions=args.versions, progress=progress,
        )
    finally:
        conn.close()
        if progress:
            progress.finish()
    print(f"{result.rows} articles -> {result.path} (card: {result.card_path})")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from archive.readonly import open_readonly
    from archive.stats import archive_stats, format_stats

    conn = open_readonly(args.db)
    try:
        if args.report:
            return write_stats_report(conn, args)
        stats = archive_stats(conn, days=args.days)
    finally:
        conn.close()
    print(json.dumps(stats, ensure_ascii=False, indent=2) if args.json else format_stats(stats))
    return 0


def write_stats_report(conn, args: argparse.Namespace) -> int:
    from archive.report import write_report

    report = write_report(conn, args.report, days=args.days, source=args.db)
    pictures = f", {len(report.pictures)} PNG" if report.pictures else ", no PNG (no headless Chromium)"
    print(f"report -> {report.html} ({len(report.charts)} charts{pictures})")
    return 0


def cmd_reextract(args: argparse.Namespace) -> int:
    import logging

    from archive.reextract import reextract
    from crawler.lock import ArchiveBusy, ArchiveLock
    from crawler.runner import EXIT_BUSY

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    try:
        with ArchiveLock(args.db):
            result = reextract(Path(args.db), site=args.site, since=utc_iso(args.since))
    except ArchiveBusy as exc:
        print(f"busy: {exc}", file=sys.stderr)
        return EXIT_BUSY
    print(f"re-extracted {result.seen}: {result.changed} changed, {result.unchanged} unchanged, {result.failed} failed")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from archive.browse import run_server

    return run_server(Path(args.db), args.host, args.port, open_browser=args.open)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except UsageError as exc:  # the one place bad input becomes a message: every command, one line, exit 2
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `... | head`: the reader has all it wants; no traceback at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
