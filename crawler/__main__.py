import sys

from crawler.cli import main

if __name__ == "__main__":  # extraction workers are spawned processes that import this module
    sys.exit(main())
