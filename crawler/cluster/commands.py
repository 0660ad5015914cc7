"""`python -m crawler cluster {writer,node,seed,run,status}`: the CLI shell over the cluster's twins."""
from __future__ import annotations

import argparse
import json
import logging
import sys

from crawler.cluster.keys import DEFAULT_PREFIX, EXIT_REDIS
from crawler.cluster.state import RUN_LEASE
from crawler.run.options import (
    add_crawl_limits, http_url, non_negative, parse_since, positive, resolve_crawl_sites, seconds, with_db,
)

DEFAULT_REDIS = "redis://127.0.0.1:6379/0"


def add_cluster_parser(commands) -> None:
    cluster = commands.add_parser("cluster", help="many crawl nodes on Redis, one archive writer")
    parts = cluster.add_subparsers(dest="part", required=True)

    def common(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--redis", default=DEFAULT_REDIS, help=f"Redis URL (default {DEFAULT_REDIS})")
        p.add_argument("--prefix", default=DEFAULT_PREFIX, help="prefix of the cluster's Redis keys")
        p.add_argument("-v", "--verbose", action="store_true", help="log at INFO level")
        return p

    def crawl_options(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("sites", nargs="*", help="catalog names (see `sites`)")
        p.add_argument("--all", action="store_true", help="every catalog site")
        p.add_argument("--url", type=http_url, help="a site that is not in the catalog")
        p.add_argument("--base-url", type=http_url, help="where a locally served catalog site ({base}) lives")
        p.add_argument("--refresh", action="store_true", help="fetch archived articles again")
        p.add_argument("--since", type=parse_since, help="skip entries announced before this date")
        add_crawl_limits(p)  # the same options as `crawl`, for the run across every node
        p.add_argument("--take-over-after", type=seconds, default=RUN_LEASE, metavar="SECONDS",
                       help=f"take over an open run that made no progress for this long (its writer or nodes "
                            f"died; default {RUN_LEASE:.0f})")
        return p

    writer = common(with_db(parts.add_parser("writer", help="the one process that writes the archive")))
    writer.set_defaults(handler=cmd_writer)

    node = common(parts.add_parser("node", help="a crawl node: fetch, extract, add to the stream"))
    node.add_argument("--workers", type=non_negative, default=0, help="extraction processes (0: one per core)")
    node.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="a Scrapy setting")
    node.set_defaults(handler=cmd_node)

    seed = crawl_options(common(parts.add_parser("seed", help="open a run and put its discovery requests on the frontier")))
    seed.add_argument("--no-wait", action="store_true", help="return once seeded, without waiting for the run's end")
    seed.add_argument("--db", default="(cluster)", help=argparse.SUPPRESS)  # only names the archive in the summary
    seed.set_defaults(handler=cmd_seed)

    run = crawl_options(common(with_db(parts.add_parser("run", help="writer, N local nodes and a seed in one command"))))
    run.add_argument("--nodes", type=positive, default=2, help="local crawl nodes (default 2)")
    run.add_argument("--workers", type=positive, default=1, help="extraction processes per node (default 1)")
    run.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="a Scrapy setting")
    run.set_defaults(handler=cmd_run, redis=None)  # no --redis: a private redis-server for this run

    status = common(parts.add_parser("status", help="frontier, nodes, stream lag, current run"))
    status.add_argument("--json", action="store_true", help="one JSON document instead of text")
    status.set_defaults(handler=cmd_status)


def configure_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s [%(name)s] %(levelname)s: %(message)s")


def settings_from(args: argparse.Namespace) -> dict[str, str]:
    from crawler.run.runner import LOCAL_SITE_SETTINGS

    settings = dict(LOCAL_SITE_SETTINGS) if getattr(args, "base_url", None) else {}
    settings["LOG_LEVEL"] = "INFO" if args.verbose else "WARNING"
    for assignment in args.set:
        name, _, value = assignment.partition("=")
        settings[name] = value
    return settings


def guarded(run) -> int:
    """The cluster's failures as exit codes: Redis gone 69, busy 75, usage 2."""
    import redis

    from crawler.discovery.catalog import CatalogError
    from crawler.cluster.redis_server import RedisUnavailable
    from crawler.cluster.run import PartFailed
    from crawler.cluster.seed import NoWriter, RunBusy, RunLost
    from crawler.cluster.writer import WriterBusy
    from crawler.run.lock import ArchiveBusy
    from crawler.run.oserrors import EXIT_STORAGE, StorageFailed
    from crawler.run.runner import EXIT_BUSY, EXIT_SITE_FAILED, EXIT_USAGE

    try:
        return run()
    except RedisUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REDIS
    except StorageFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_STORAGE
    except redis.RedisError as exc:
        print(f"error: lost Redis: {exc}; nothing archived is lost, seed the run again once Redis is back",
              file=sys.stderr)
        return EXIT_REDIS
    except (ArchiveBusy, WriterBusy, RunBusy) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BUSY
    except (CatalogError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (NoWriter, PartFailed, RunLost) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_SITE_FAILED


def cmd_writer(args: argparse.Namespace) -> int:
    from crawler.cluster.writer import run_writer

    configure_logging(args.verbose)
    return guarded(lambda: run_writer(args.db, args.redis, prefix=args.prefix))


def cmd_node(args: argparse.Namespace) -> int:
    from crawler.cluster.node import run_node

    return guarded(lambda: run_node(args.redis, workers=args.workers, prefix=args.prefix,
                                    settings=settings_from(args)))


def resolve(args: argparse.Namespace) -> list:
    from crawler.discovery.catalog import load_catalog

    return resolve_crawl_sites(args, load_catalog())


def report(result, db: str) -> int:
    print(result.summary_line(db))
    for line in result.problems():
        print(f"error: {line}", file=sys.stderr)
    return result.exit_code()


def limits_of(args: argparse.Namespace) -> dict[str, int]:
    return {"recheck_days": args.recheck_days, "max_articles": args.max_articles, "max_pages": args.max_pages}


def cmd_seed(args: argparse.Namespace) -> int:
    from crawler.cluster.seed import seed

    configure_logging(args.verbose)

    def run() -> int:
        result = seed(resolve(args), args.redis, prefix=args.prefix, refresh=args.refresh, since=args.since,
                      wait=not args.no_wait, take_over_after=args.take_over_after, **limits_of(args))
        if args.no_wait:
            print(f"run {result.run_id} seeded: {result.counts['requests']} discovery requests")
            return 0
        return report(result, args.db)

    return guarded(run)


def cmd_run(args: argparse.Namespace) -> int:
    from crawler.cluster.run import run_cluster

    configure_logging(args.verbose)

    def run() -> int:
        result = run_cluster(resolve(args), args.db, nodes=args.nodes, workers=args.workers, prefix=args.prefix,
                             redis_url=args.redis, settings=settings_from(args),
                             refresh=args.refresh, since=args.since, take_over_after=args.take_over_after,
                             **limits_of(args))
        return report(result, args.db)

    return guarded(run)


def cmd_status(args: argparse.Namespace) -> int:
    from crawler.cluster.status import cluster_status, format_status

    def run() -> int:
        status = cluster_status(args.redis, args.prefix)
        print(json.dumps(status, ensure_ascii=False, indent=2) if args.json else format_status(status))
        return 0

    return guarded(run)
