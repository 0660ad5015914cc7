"""`python -m crawler`: a thin shell over functions a researcher can import too."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone
from pathlib import Path

DEFAULT_DB = "archive.db"


def parse_since(value: str) -> datetime:
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date: {value!r} (e.g. 2026-11-01)") from None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m crawler", description="Crawl and archive Arabic news.")
    commands = parser.add_subparsers(dest="command", required=True)

    def with_db(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--db", default=DEFAULT_DB, help=f"archive path (default {DEFAULT_DB})")
        return p

    demo = with_db(commands.add_parser("demo", help="serve the bundled sample site on 127.0.0.1 and crawl it"))
    demo.add_argument("--articles", type=int, default=36, help="articles on the sample site")
    demo.set_defaults(handler=cmd_demo)

    crawl = with_db(commands.add_parser("crawl", help="crawl catalog sites (or any URL) into the archive"))
    crawl.add_argument("sites", nargs="*", help="catalog names (see `sites`)")
    crawl.add_argument("--all", action="store_true", help="every catalog site")
    crawl.add_argument("--url", help="crawl a site that is not in the catalog (discovers robots.txt sitemaps)")
    crawl.add_argument("--base-url", help="where a locally served catalog site ({base}) lives")
    crawl.add_argument("--refresh", action="store_true", help="fetch archived articles again (conditional requests)")
    crawl.add_argument("--since", type=parse_since, help="skip entries announced before this date")
    crawl.add_argument("--max-articles", type=int, default=0, help="stop requesting articles after N")
    crawl.add_argument("--max-pages", type=int, default=0, help="stop after N responses")
    crawl.add_argument("--log-file", help="also log to this rotating file")
    crawl.add_argument("--fail-on-health", action="store_true", help="exit 3 when a site's health is flagged")
    crawl.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="a Scrapy setting")
    crawl.set_defaults(handler=cmd_crawl)

    extract = commands.add_parser("extract", help="extract one saved page and print the article as JSON")
    extract.add_argument("file", type=Path)
    extract.add_argument("--url", required=True, help="the URL the page was fetched from")
    extract.add_argument("--site", help="apply this catalog site's extraction hints")
    extract.set_defaults(handler=cmd_extract)

    sites = commands.add_parser("sites", help="list the site catalog")
    sites.add_argument("--json", action="store_true")
    sites.set_defaults(handler=cmd_sites)

    search = with_db(commands.add_parser("search", help="Arabic full-text search of the archive"))
    search.add_argument("query")
    search.add_argument("--site")
    search.add_argument("--since", help="published on or after (ISO date)")
    search.add_argument("--limit", type=int, default=20)
    search.set_defaults(handler=cmd_search)
    return parser


def cmd_demo(args: argparse.Namespace) -> int:
    from crawler.catalog import get_site
    from crawler.runner import LOCAL_SITE_SETTINGS
    from crawler.sample_site import SampleSite, serve

    site = SampleSite(n_articles=args.articles)
    with serve(site) as server:
        print(f"sample site serving at {server.base_url}", file=sys.stderr)
        return crawl_and_report(
            [get_site("sample").with_base_url(server.base_url)], args.db, settings=dict(LOCAL_SITE_SETTINGS)
        )


def cmd_crawl(args: argparse.Namespace) -> int:
    from crawler.catalog import CatalogError, load_catalog
    from crawler.runner import EXIT_USAGE, LOCAL_SITE_SETTINGS

    try:
        sites = resolve_crawl_sites(args, load_catalog())
    except (CatalogError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    settings = dict(LOCAL_SITE_SETTINGS) if args.base_url else {}
    for assignment in args.set:
        name, _, value = assignment.partition("=")
        settings[name] = value
    return crawl_and_report(
        sites, args.db, refresh=args.refresh, since=args.since, max_articles=args.max_articles,
        max_pages=args.max_pages, log_file=args.log_file, fail_on_health=args.fail_on_health, settings=settings,
    )


def resolve_crawl_sites(args: argparse.Namespace, catalog: dict) -> list:
    from crawler.catalog import resolve_sites

    names = args.sites
    if args.all:
        names = [name for name, site in catalog.items() if args.base_url or not site.is_local]
    return resolve_sites(names, base_url=args.base_url, url=args.url, catalog=catalog)


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
    from crawler.extraction import extract
    from crawler.items import NotAnArticle

    hints = get_site(args.site).hints if args.site else None
    try:
        article = extract(args.file.read_bytes(), args.url, hints=hints)
    except NotAnArticle as exc:
        print(f"not an article: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(article.to_dict(), ensure_ascii=False, indent=2))
    return 0


def cmd_sites(args: argparse.Namespace) -> int:
    from crawler.catalog import load_catalog

    catalog = load_catalog()
    if args.json:
        print(json.dumps([site.summary() for site in catalog.values()], ensure_ascii=False, indent=2))
        return 0
    for site in catalog.values():
        discovery = len(site.sitemaps) + len(site.feeds) + len(site.start_urls)
        print(f"{site.name:<18} {','.join(site.domains):<32} {discovery:>2} discovery URLs  verified: {site.verified}")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from archive.fts import search
    from archive.readonly import open_readonly

    conn = open_readonly(args.db)
    try:
        hits = search(conn, args.query, site=args.site, since=args.since, limit=args.limit)
    finally:
        conn.close()
    for hit in hits:
        print(f"{hit.published or '-':<25} {hit.site:<10} {hit.title}\n    {hit.url}\n    {hit.snippet}")
    print(f"{len(hits)} hit(s)", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)
