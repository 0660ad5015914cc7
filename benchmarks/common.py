"""Helpers shared by the crawl benchmarks: a warm sample site, a crawl run as a measured child process,
process-tree RSS from /proc, and the machine description every benchmark prints.

Benchmarks are run by hand (`python benchmarks/NAME.py`); each ends with `ratio=X.XX target=Y.YY`.
"""
from __future__ import annotations

import os
import platform
import resource
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from crawler.sample_site import SampleSite  # noqa: E402
from crawler.sample_site.site import Request, Response  # noqa: E402

# Loopback crawl settings on top of LOCAL_SITE_SETTINGS (which `--base-url` applies): no throttling,
# enough requests in flight to keep both cores busy, and no INFO log lines to format.
BENCH_CRAWL_SETTINGS = {"CONCURRENT_REQUESTS_PER_DOMAIN": "16", "AUTOTHROTTLE_ENABLED": "False", "LOG_LEVEL": "WARNING"}


def ratio_line(ratio: float, target: float) -> str:
    return f"ratio={ratio:.2f} target={target:.2f}"


def machine_line() -> str:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"machine: {os.cpu_count()} cores ({model}), Python {platform.python_version()}, load average {load}"


def children_cpu_seconds() -> float:
    """User + system CPU of this process's terminated, waited-for children (and their waited descendants)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# -- the sample site ------------------------------------------------------------------------------------------

def memoize_responses(site: SampleSite) -> dict[tuple[str, str], Response]:
    """Serve repeated unconditional GETs from a cache, so the server's CPU is HTTP handling, not page rendering.

    Only 200 answers to requests without validators are cached: conditional requests still get their 304.
    """
    cache: dict[tuple[str, str], Response] = {}
    render = site.respond

    def respond(request: Request, base_url: str, previous_hits: int = 0) -> Response:
        conditional = request.header("If-None-Match") or request.header("If-Modified-Since")
        key = (request.method, request.target)
        if not conditional and key in cache:
            return cache[key]
        response = render(request, base_url, previous_hits)
        if not conditional and response.status == 200:
            cache[key] = response
        return response

    site.respond = respond  # type: ignore[method-assign]
    return cache


def article_pages(site: SampleSite, base_url: str) -> list[tuple[str, bytes]]:
    """(url, body) of every article page, rendered once through `site.respond` (which warms a memo cache).

    Rendered as a repeat visit (previous_hits=1), so the fail-once fault paths answer 200 too.
    """
    pages = []
    for article in site.articles:
        response = site.respond(Request("GET", article.path, {}), base_url, 1)
        pages.append((base_url + article.path, response.body))
    return pages


# -- a crawl as a child process -------------------------------------------------------------------------------

@dataclass
class CrawlMeasure:
    returncode: int
    wall_seconds: float
    cpu_seconds: float  # crawl process + its extraction workers
    server_cpu_seconds: float  # this process (the sample server threads) during the crawl
    stdout: str
    stderr: str
    articles: int  # rows in the archive after the run
    counts: dict = field(default_factory=dict)  # crawl_runs.counts of the run


def crawl_command(base_url: str, db: Path, settings: dict[str, str], profile: Path | None = None) -> list[str]:
    runner = [sys.executable, "-m", "cProfile", "-o", str(profile)] if profile else [sys.executable]
    command = [*runner, "-m", "crawler", "crawl", "sample", "--base-url", base_url, "--db", str(db)]
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    return command


def run_crawl_process(
    base_url: str,
    db: Path,
    settings: dict[str, str] | None = None,
    *,
    profile: Path | None = None,
    on_start: Callable[[int], None] | None = None,
    timeout: float = 3600,
) -> CrawlMeasure:
    """Crawl the sample site at `base_url` into `db` in a child process; measure wall and CPU seconds.

    `on_start(pid)` runs in a thread while the crawl runs (e.g. an RSS sampler) and should return when
    the process is gone.
    """
    command = crawl_command(base_url, db, {**BENCH_CRAWL_SETTINGS, **(settings or {})}, profile)
    cpu_before, own_before = children_cpu_seconds(), time.process_time()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watcher = threading.Thread(target=on_start, args=(process.pid,), daemon=True) if on_start else None
    if watcher:
        watcher.start()
    stdout, stderr = process.communicate(timeout=timeout)
    wall = time.perf_counter() - started
    cpu, own = children_cpu_seconds() - cpu_before, time.process_time() - own_before
    if watcher:
        watcher.join()
    articles, counts = archive_summary(db)
    return CrawlMeasure(process.returncode, wall, cpu, own, stdout, stderr, articles, counts)


def archive_summary(db: Path) -> tuple[int, dict]:
    import json

    if not db.exists():
        return 0, {}
    conn = sqlite3.connect(db)
    try:
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        row = conn.execute("SELECT counts FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        conn.close()
    return articles, json.loads(row[0] or "{}") if row else {}


def check_crawl(measure: CrawlMeasure) -> None:
    """Stop the benchmark with the child's output when the crawl failed: figures of a broken run mean nothing."""
    if measure.returncode != 0:
        sys.stderr.write(measure.stdout + measure.stderr)
        raise SystemExit(f"crawl exited with {measure.returncode}")


# -- memory of a process tree ---------------------------------------------------------------------------------

def process_tree(pid: int) -> list[int]:
    """`pid` and all its descendants, from the parent ids in /proc/*/stat."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # exited meanwhile
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])  # the name may contain spaces and parentheses
        parents.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(parents.get(current, []))
    return tree


def rss_kb(pid: int) -> int:
    """VmRSS of one process in kB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_kb(pid: int) -> tuple[int, int, int]:
    """(RSS of `pid` alone, RSS of `pid` and its descendants, in kB; processes in the tree)."""
    own, tree = rss_kb(pid), process_tree(pid)
    return own, own + sum(rss_kb(child) for child in tree if child != pid), len(tree)
