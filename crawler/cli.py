"""`python -m crawler`: a thin shell over functions a researcher can import too."""
from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

from crawler.errors import UsageError
from crawler.run.options import (
    DEFAULT_DB, EXIT_USAGE, add_crawl_limits, at_least, http_url, known_site, non_negative, parse_since, port,
    positive, resolve_crawl_sites, with_db,
)
from crawler.run.oserrors import EXIT_STORAGE, StorageFailed
from crawler.discovery.urlpolicy import check_url as checked_http_url


class OneLineParser(argparse.ArgumentParser):
    """Bad options are reported like every other usage error: one line `error: …`, exit 2."""

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"error: {message} (see `{self.prog} --help`)\n")


# The demo serves the sample site on one port, so its URLs (and a second run's incremental
# savings) stay the same from run to run.
DEMO_PORT = 8765


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

    demo = with_db(commands.add_parser("demo", help="serve the bundled sample site on 127.0.0.1 and crawl it"))
    from crawler.sample_site.site import MIN_ARTICLES

    demo.add_argument("--articles", type=at_least(MIN_ARTICLES), default=36, metavar="N",
                      help=f"articles on the sample site ({MIN_ARTICLES} or more, default 36)")
    demo.add_argument("--port", type=port, default=None,
                      help=f"port for the sample site (default: the one the archive knows, else {DEMO_PORT}; "
                           "a free one, said on stderr, if taken)")
    demo.set_defaults(handler=cmd_demo)

    crawl = with_db(commands.add_parser("crawl", help="crawl catalog sites (or any URL) into the archive"))
    crawl.add_argument("sites", nargs="*", help="catalog names (see `sites`)")
    crawl.add_argument("--all", action="store_true", help="every catalog site")
    crawl.add_argument("--url", type=http_url,
                       help="crawl a site that is not in the catalog (discovers robots.txt sitemaps)")
    crawl.add_argument("--base-url", type=http_url, help="where a locally served catalog site ({base}) lives")
    crawl.add_argument("--refresh", action="store_true", help="fetch archived articles again (conditional requests)")
    crawl.add_argument("--since", type=parse_since, help="skip entries announced before this date")
    add_crawl_limits(crawl)
    crawl.add_argument("--log-file", help="the full log, rotating (default: beside the archive, ARCHIVE.log)")
    crawl.add_argument("--fail-on-health", action="store_true", help="exit 3 when a site's health is flagged")
    crawl.add_argument("-v", "--verbose", action="store_true", help="the full log on stderr too")
    crawl.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="a Scrapy setting")
    crawl.set_defaults(handler=cmd_crawl)

    extract = commands.add_parser("extract", help="extract one saved page and print the article as JSON")
    extract.add_argument("file", type=Path, help="the saved HTML page")
    extract.add_argument("--url", required=True, help="the URL the page was fetched from")
    extract.add_argument("--site", help="apply this catalog site's extraction hints")
    extract.set_defaults(handler=cmd_extract)

    sites = commands.add_parser("sites", help="list the site catalog, or check entries against their live sites")
    sites.add_argument("names", nargs="*", metavar="SITE", help="with --check: the entries to check (default all)")
    sites.add_argument("--json", action="store_true", help="one JSON document instead of text")
    sites.add_argument("--check", action="store_true", help="fetch each entry's discovery URLs and a few articles")
    sites.add_argument("--articles", type=non_negative, default=3, metavar="N",
                       help="articles fetched per site (default 3)")
    sites.add_argument("--base-url", type=http_url, help="where a locally served catalog site ({base}) lives")
    sites.add_argument("--write", action="store_true", help="record each verdict in the local verification file")
    sites.add_argument("--overrides", type=Path, help="the local verification file (default: see README)")
    sites.add_argument("--catalog", type=Path, help="another catalog file (default the bundled crawler/sites.toml)")
    sites.set_defaults(handler=cmd_sites)

    from archive.fts import DEFAULT_WINDOW

    search = with_db(commands.add_parser("search", help="Arabic full-text search of the archive"))
    search.add_argument("query", help="words to find (Arabic spelling variants match each other)")
    search.add_argument("--site", help="only this site (a catalog or archived site name)")
    search.add_argument("--since", type=iso_date_text, help="published on or after (ISO date)")
    search.add_argument("--limit", type=positive, default=20, metavar="N", help="hits to print (default 20)")
    search.add_argument("--window", type=positive, default=DEFAULT_WINDOW, metavar="K",
                        help=f"rank among the K most recently archived matches (default {DEFAULT_WINDOW:,})")
    search.add_argument("--all", action="store_true", dest="exhaustive",
                        help="rank every match (slower on common words in a large archive)")
    search.set_defaults(handler=cmd_search)

    export = with_db(commands.add_parser("export", help="export articles with captions and sources"))
    export.add_argument("--format", required=True, choices=["jsonl", "csv", "parquet"], help="output format")
    export.add_argument("--site", help="only this site (a catalog or archived site name)")
    export.add_argument("--since", help="published (or fetched) on or after this ISO date")
    export.add_argument("--until", help="published (or fetched) on or before this ISO date")
    export.add_argument("--out", type=Path, help="output file (default articles[-SITE]-DATE.FORMAT)")
    export.add_argument("--versions", action="store_true", help="include every earlier version's text")
    export.add_argument("--query", help="only the articles this search matches (the syntax of `search`)")
    export.set_defaults(handler=cmd_export)

    stats = with_db(commands.add_parser("stats", help="articles per site/day/section, runs, fill-rates, health"))
    stats.add_argument("--days", type=positive, default=14, metavar="N", help="days of history shown (default 14)")
    stats.add_argument("--json", action="store_true", help="one JSON document instead of text")
    stats.add_argument("--report", type=Path, metavar="DIR",
                       help="write an HTML report with charts (and PNG pictures of them) into DIR")
    stats.set_defaults(handler=cmd_stats)

    reextract = with_db(commands.add_parser("reextract", help="re-run extraction over stored raw pages (offline)"))
    reextract.add_argument("--site", help="only this site's articles")
    reextract.add_argument("--since", type=parse_since, help="only articles fetched on or after this date (UTC)")
    reextract.set_defaults(handler=cmd_reextract)

    serve = with_db(commands.add_parser("serve", help="browse the archive in Datasette (read-only)"))
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=port, default=8001, help="port to listen on (default 8001)")
    serve.add_argument("--open", action="store_true", help="open a web browser")
    serve.set_defaults(handler=cmd_serve)

    from crawler.cluster.commands import add_cluster_parser
    from crawler.live.cli import add_watch_parser

    add_watch_parser(commands, with_db)

    add_cluster_parser(commands)
    return parser


def cmd_demo(args: argparse.Namespace) -> int:
    from crawler.discovery.catalog import get_site
    from crawler.run.logs import default_log_file
    from crawler.run.runner import LOCAL_SITE_SETTINGS
    from crawler.sample_site import SampleSite, serve

    site = SampleSite(n_articles=args.articles)
    wanted = args.port or archived_demo_port(args.db) or DEMO_PORT
    try:
        server = serve(site, port=wanted)
    except OSError:  # taken: any free port works; the archive remembers it, so the next demo asks for it first
        server = serve(site)
        fallback = server.base_url.rsplit(":", 1)[1]
        print(f"port {wanted} is taken: serving on port {fallback} instead, so this run fetches every article "
              f"as new (a rerun asks for port {fallback} again)", file=sys.stderr)
    with server:
        print(f"sample site serving at {server.base_url}; full log in {default_log_file(args.db)}", file=sys.stderr)
        sites = [get_site("sample").with_base_url(server.base_url)]
        return crawl_and_report(sites, args.db, settings=dict(LOCAL_SITE_SETTINGS))


def archived_demo_port(db: str) -> int | None:
    """The port of the sample site whose articles the archive holds: serving there again keeps the
    demo's promise that a rerun fetches no article page (its URLs include the port)."""
    from urllib.parse import urlsplit

    from archive.readonly import open_readonly

    if not Path(db).is_file():
        return None
    try:
        conn = open_readonly(db)
    except UsageError:  # not an archive: the crawl says so
        return None
    try:
        row = conn.execute("SELECT url FROM articles WHERE site = 'sample' ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        conn.close()
    return urlsplit(row[0]).port if row else None


def cmd_crawl(args: argparse.Namespace) -> int:
    from crawler.discovery.catalog import load_catalog
    from crawler.run.runner import LOCAL_SITE_SETTINGS

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


def crawl_and_report(sites: list, db: str, *, fail_on_health: bool = False, **options) -> int:
    from crawler.run.lock import ArchiveBusy
    from crawler.run.runner import EXIT_BUSY, run_crawl

    try:
        result = run_crawl(sites, db, **options)
    except ArchiveBusy as exc:
        print(f"error: busy: {exc}", file=sys.stderr)
        return EXIT_BUSY
    print(result.summary_line(db))
    for line in result.problems():
        print(f"error: {line}", file=sys.stderr)
    return result.exit_code(fail_on_health)


def cmd_extract(args: argparse.Namespace) -> int:
    from crawler.discovery.catalog import get_site
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
    from crawler.discovery.catalog import DEFAULT_CATALOG, load_catalog
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
    from crawler.discovery.catalog import DEFAULT_CATALOG
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
        entries = verification_entries(result)
        path = record_verifications(entries, args.overrides)
        left = [r.site for r in result.reports if r.site not in entries]
        note = f"; not recorded, unreachable from here: {', '.join(left)}" if left else ""
        print(f"verdicts recorded in {path}{note}", file=sys.stderr)
    return result.exit_code


def cmd_search(args: argparse.Namespace) -> int:
    from archive.fts import search
    from archive.readonly import open_readonly

    conn = open_readonly(args.db)
    try:
        known_site(args.site, conn)
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
    try:
        known_site(args.site, conn)
    except UsageError:
        conn.close()
        raise
    progress = terminal_progress()
    try:
        result = export_articles(
            conn, args.out or default_export_path(args.format, args.site), args.format, site=args.site,
            since=args.since, until=args.until, include_versions=args.versions, progress=progress, query=args.query,
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

    from archive.readonly import open_readonly
    from archive.reextract import reextract
    from crawler.run.lock import ArchiveBusy, ArchiveLock
    from crawler.run.runner import EXIT_BUSY

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    open_readonly(args.db).close()  # not an archive (an empty file...): one line, exit 2, no lock file beside it
    try:
        with ArchiveLock(args.db):
            result = reextract(Path(args.db), site=args.site, since=utc_iso(args.since))
    except ArchiveBusy as exc:
        print(f"error: busy: {exc}", file=sys.stderr)
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
    except StorageFailed as exc:  # disk full, read-only or failing (crawler/run/oserrors.py): one line, exit 74
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_STORAGE
    except BrokenPipeError:  # `... | head`: the reader has all it wants; no traceback at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
