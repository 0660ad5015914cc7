"""What a crawl prints: cron gets one summary line, a terminal one progress line and the summary, the log file the rest."""
from __future__ import annotations

import os
import pty
import re
import subprocess
import sys

import pytest

from crawler.run.progress import CrawlProgress
from crawler.run.runner import EXIT_OK
from tests.conftest import ROOT

SUMMARY = re.compile(r"^run 1 finished \[sample\]: \d+ new, .* -> .*archive\.db$")
MAX_DEMO_LINES = 10


def ok(result):
    assert result.returncode == EXIT_OK, f"exit {result.returncode}\n{result.stdout}\n{result.stderr[-3000:]}"
    return result


@pytest.mark.xdist_group("shared-crawl")  # one worker, one shared crawl (tests/conftest.py)
def test_cron_output_is_one_summary_line_and_the_log_goes_beside_the_archive(shared_crawl):
    result = ok(shared_crawl.result)  # a plain `crawl` into a fresh archive, output captured as cron does
    assert result.stderr == ""
    assert SUMMARY.match(result.stdout.strip()) and len(result.stdout.splitlines()) == 1, result.stdout
    log = (shared_crawl.db.parent / "archive.log").read_text(encoding="utf-8")
    assert "Scrapy" in log and "started" in log  # Scrapy's banner and stats: in the file, not on the terminal
    assert "'downloader/request_count'" in log
    assert "run 1 finished" in log


def test_verbose_brings_the_full_log_back_to_stderr(crawl_sample, tmp_path):
    result = ok(crawl_sample("-v", "--log-file", str(tmp_path / "logs" / "crawl.log")))
    assert " INFO: " in result.stderr and "Scrapy" in result.stderr
    assert (tmp_path / "logs" / "crawl.log").stat().st_size > 0  # its directory was created
    assert not (crawl_sample.db.parent / "archive.log").exists()
    assert len(result.stdout.splitlines()) == 1


def run_on_a_terminal(*args: str) -> str:
    """Run `python -m crawler ARGS` with stdout and stderr on a pseudo-terminal; return what it showed."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "crawler", *args], cwd=ROOT, stdin=subprocess.DEVNULL,
                               stdout=follower, stderr=follower, env={**os.environ, "COLUMNS": "120"})
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert process.wait(timeout=240) == EXIT_OK, shown.decode(errors="replace")[-3000:]
    return shown.decode("utf-8")


def test_demo_on_a_terminal_shows_a_progress_bar_and_few_lines(tmp_path):
    shown = run_on_a_terminal("demo", "--db", str(tmp_path / "archive.db"))
    lines = shown.replace("\r\n", "\n").split("\n")
    assert len([line for line in lines if line.strip()]) <= MAX_DEMO_LINES, shown
    redraws = [part for line in lines for part in line.split("\r\x1b[K") if part]
    assert any(re.match(r"\[#*-*\] \d+/\d+ articles · \d+ pages · \d+ failures · [\d.]+ pages/s", p) for p in redraws), shown
    assert SUMMARY.match(redraws[-1].strip()), redraws[-1]
    assert "sample site serving at http://127.0.0.1:" in shown
    assert " INFO: " not in shown
    assert (tmp_path / "archive.log").read_text(encoding="utf-8").count(" INFO: ") > 10


def test_progress_line_counts_and_bar():
    stats = {
        "downloader/response_count": 30,
        "requested/articles": 20,
        "site/sample/fetched/status_200": 9,
        "site/sample/fetched/status_404": 1,
        "site/sample/failures/timeout": 2,
    }
    progress = CrawlProgress.from_stats(stats, seconds=10.0)
    assert progress.line() == "[##########----------] 10/20 articles · 30 pages · 2 failures · 3.0 pages/s"
    bounded = CrawlProgress.from_stats(stats, seconds=10.0, max_pages=40)
    assert bounded.fraction() == 0.75  # the bound that is nearer decides
    assert CrawlProgress.from_stats({}, seconds=0).line() == "0 articles · 0 pages · 0 failures · 0.0 pages/s"


def test_an_unreachable_site_is_one_line_on_stderr_no_traceback_and_exit_1(tmp_path):
    from tests.conftest import run_cli
    from tests.run.test_cli_errors import free_port

    result = run_cli("crawl", "sample", "--base-url", f"http://127.0.0.1:{free_port()}", "--db", str(tmp_path / "a.db"))
    assert result.returncode == 1, result.stderr[-3000:]
    assert result.stderr.splitlines() == [
        "error: sample: unreachable from here (connection refused, 3 requests): nothing fetched"], result.stderr
    assert len(result.stdout.splitlines()) == 1 and result.stdout.startswith("run 1 finished [sample]: 0 new")
    log = (tmp_path / "a.log").read_text(encoding="utf-8")
    assert "Connection was refused" in log  # every request's failure is still in the log file
