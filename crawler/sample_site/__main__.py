"""Serve the sample site by hand: `python -m crawler.sample_site [--seed 7] [--articles 36] [--port 8000]
[--live-every SECONDS]` (live: a new article, in the news sitemap and the feed, every SECONDS)."""
from __future__ import annotations

import argparse
import contextlib
import sys
import time

from crawler.run.options import positive_seconds
from crawler.sample_site import SampleSite, serve
from crawler.sample_site.live import LivePublisher


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m crawler.sample_site", description=__doc__)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--articles", type=int, default=36)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--layout", choices=["v1", "v2"], default="v1")
    parser.add_argument("--page-weight-kb", type=int, default=None)
    parser.add_argument("--live-every", type=positive_seconds, metavar="SECONDS",
                        help="publish a new article (news sitemap and feed updated) every SECONDS")
    args = parser.parse_args()
    site = SampleSite(seed=args.seed, n_articles=args.articles, page_weight_kb=args.page_weight_kb)
    site.layout = args.layout
    live = LivePublisher(site, args.live_every) if args.live_every else contextlib.nullcontext()
    with serve(site, port=args.port) as server, live:
        mode = f", a new one every {args.live_every:g} s" if args.live_every else ""
        print(f"sample site ({len(site.expected['archivable_paths'])} articles{mode}) at {server.base_url}/  "
              "(Ctrl-C stops)", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    sys.exit(0)


if __name__ == "__main__":
    main()
