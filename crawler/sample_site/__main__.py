"""Serve the sample site by hand: `python -m crawler.sample_site [--seed 7] [--articles 36] [--port 8000]`."""
from __future__ import annotations

import argparse
import time

from crawler.sample_site import SampleSite, serve


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--articles", type=int, default=36)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--layout", choices=["v1", "v2"], default="v1")
    parser.add_argument("--page-weight-kb", type=int, default=None)
    args = parser.parse_args()
    site = SampleSite(seed=args.seed, n_articles=args.articles, page_weight_kb=args.page_weight_kb)
    site.layout = args.layout
    with serve(site, port=args.port) as server:
        print(f"sample site ({len(site.expected['archivable_paths'])} articles) at {server.base_url}/  (Ctrl-C stops)")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
