"""Every benchmark still runs end to end with a tiny --n, so they cannot rot between hand runs.

Only the shape of the output is checked (the last line is `ratio=X.XX target=Y.YY`), never a speed.
Each one is its own xdist group (tests/schedule.toml), so the fourteen spread over both workers.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
RATIO_LINE = re.compile(r"^ratio=\d+\.\d\d target=\d+\.\d\d$")


def run_benchmark(name: str, *args: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / name), *args], capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip().splitlines()


@pytest.mark.parametrize(
    "name, args, expected",
    [
        ("crawl_throughput.py", ["--n", "12", "--page-weight-kb", "20"], "limit (bare trafilatura.extract"),
        ("memory.py", ["--n", "12", "--page-weight-kb", "20", "--interval", "0.2"], "peak: tree"),
        ("incremental.py", ["--n", "12"], "second crawl:"),
        ("archive_growth.py", ["--n", "300", "--rounds", "1", "--batch", "5"], "near-dup index start-up"),
        ("extraction_speed.py", ["--n", "12", "--rounds", "1"], "dev pages:"),
        ("neardup_lookup.py", ["--n", "2000"], ""),
        ("archive_size.py", ["--n", "150"], "articles_fts_data"),
        ("reextract_throughput.py", ["--n", "16", "--page-weight-kb", "20"], "our extractor alone"),
        ("crawl_vs_naive.py", ["--n", "12", "--page-weight-kb", "20", "--runs", "1"], "naive run 1"),
        ("crawl_cpu.py", ["--n", "12", "--page-weight-kb", "20", "--transfer-pages", "4"], "worker: extract"),
        ("frontier_memory.py", ["--n", "60", "--small", "20", "--per-sitemap", "20"], "bytes per extra URL"),
        ("search_latency.py", ["--n", "300", "--repeats", "1"], "p95"),
        ("watch_live.py", ["--seconds", "3", "--publish-every", "1", "--every", "1", "--quiet", "2"],
         "requests per quiet poll"),
        pytest.param("cluster_scaling.py", ["--n", "12", "--nodes", "1", "--writer-n", "20", "--page-weight-kb", "20"],
                     "writer from a full stream", marks=pytest.mark.skipif(shutil.which("redis-server") is None,
                                                                            reason="needs redis-server")),
    ],
)
def test_benchmark_runs_and_ends_with_a_ratio(name: str, args: list[str], expected: str) -> None:
    lines = run_benchmark(name, *args)
    assert RATIO_LINE.match(lines[-1]), lines[-1]
    assert any(expected in line for line in lines), "\n".join(lines)
