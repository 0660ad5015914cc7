"""`python -m crawler sites --check`: catalog entries checked against real sites served on 127.0.0.1.

Each faulty site is the bundled sample site with one thing changed (a moved sitemap, an empty
feed, a robots.txt that shuts the crawler out, 403 everywhere), named by an entry of a test
catalog; each check runs the real CLI in a child process, as cron would.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime, timezone

import pytest

from crawler.discovery.catalog import Site
from crawler.sample_site import Response, SampleSite, serve
from crawler.sitecheck import load_verifications, record_verifications
from crawler.sitecheck.facts import ArticleProbe, Listed, RobotsFile, SiteProbe, UrlProbe
from crawler.sitecheck.verdict import CheckRules, assess
from tests.conftest import run_cli

SAMPLE_PATTERN = r"/\d{4}/\d{1,2}/\d{1,2}/[^/?#]+$"
ENTRY = """
[sites.{name}]
domains = ["{{host}}"]
sitemaps = ["{sitemap}"]
feeds = ["{{base}}/rss.xml"]
start_urls = ["{{base}}/"]
article_pattern = '{pattern}'
verified = "documented"
"""
ENTRIES = {
    "right": {},
    "moved_301": {"sitemap": "{base}/sitemap.xml"},
    "moved_404": {"sitemap": "{base}/sitemap.xml"},
    "empty_feed": {},
    "wrong_pattern": {"pattern": r"/story/\d+\.html$"},
    "robots_blocked": {},
    "forbidden": {},
}
EMPTY_RSS = ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>أخبار</title>'
             "<link>/</link><description>لا جديد</description></channel></rss>\n")


def text(status: int, body: str, content_type: str = "text/plain") -> Response:
    data = body.encode("utf-8")
    return Response(status, {"Content-Type": f"{content_type}; charset=utf-8", "Content-Length": str(len(data))}, data)


class FaultySite:
    """The sample site, except for the paths `faults` answers (path, base URL -> Response or None)."""

    def __init__(self, fault: Callable[[str, str], Response | None]) -> None:
        self.sample = SampleSite(seed=7)
        self.fault = fault

    def respond(self, request, base_url: str, previous_hits: int = 0) -> Response:
        answer = self.fault(request.path, base_url.rstrip("/"))
        return answer if answer is not None else self.sample.respond(request, base_url, previous_hits)


def moved_301(path: str, base: str) -> Response | None:
    if path == "/sitemap.xml":
        return Response(301, {"Location": f"{base}/maps/index.xml", "Content-Length": "0"})
    if path == "/maps/index.xml":
        return Response(301, {"Location": f"{base}/sitemap-articles.xml", "Content-Length": "0"})
    return None


def moved_404(path: str, base: str) -> Response | None:
    if path == "/sitemap.xml":
        return text(404, "<h1>404</h1>", "text/html")
    if path == "/robots.txt":
        return text(200, f"User-agent: *\nDisallow: /private/\n\nSitemap: {base}/sitemap-articles.xml\n")
    return None


FAULTS: dict[str, Callable[[str, str], Response | None]] = {
    "right": lambda path, base: None,
    "moved_301": moved_301,
    "moved_404": moved_404,
    "empty_feed": lambda path, base: text(200, EMPTY_RSS, "application/rss+xml") if path == "/rss.xml" else None,
    "wrong_pattern": lambda path, base: None,
    "robots_blocked": lambda path, base: text(200, "User-agent: *\nDisallow: /\n") if path == "/robots.txt" else None,
    "forbidden": lambda path, base: text(403, "<h1>403 Forbidden</h1>", "text/html"),
}


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    path = tmp_path_factory.mktemp("sitecheck") / "sites.toml"
    tables = [
        ENTRY.format(name=name, sitemap=entry.get("sitemap", "{base}/robots.txt"),
                     pattern=entry.get("pattern", SAMPLE_PATTERN))
        for name, entry in ENTRIES.items()
    ]
    path.write_text("".join(tables), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def checks(catalog, tmp_path_factory):
    """Every test site served and checked once (`--json`), each in its own CLI run, as cron would run it."""
    overrides = tmp_path_factory.mktemp("config") / "verified.toml"
    results = {}
    for name, fault in FAULTS.items():
        with serve(FaultySite(fault)) as server:
            done = run_cli("sites", "--check", name, "--json", "--catalog", str(catalog), "--base-url",
                           server.base_url, "--write", "--overrides", str(overrides))
            paths = server.paths_requested()
        assert done.stdout, done.stderr[-3000:]
        results[name] = {"code": done.returncode, "report": json.loads(done.stdout), "paths": paths}
    results["overrides"] = overrides
    return results


def site_report(checks, name: str) -> dict:
    (report,) = checks[name]["report"]["sites"]
    assert report["site"] == name
    return report


def messages(report: dict) -> str:
    return " | ".join(p["message"] for p in report["problems"])


def test_a_right_site_is_ok_with_every_discovery_url_read_and_articles_extracted(checks):
    report = site_report(checks, "right")
    assert checks["right"]["code"] == 0 and report["verdict"] == "ok", messages(report)
    kinds = {(u["kind"], u["format"]) for u in report["discovery"]}
    assert kinds >= {("robots", "robots.txt"), ("sitemap", "sitemap index"), ("sitemap", "urlset"), ("feed", "rss"),
                     ("page", "html")}
    assert all(u["status"] == 200 and u["parseable"] and u["entries"] > 0 for u in report["discovery"])
    assert report["pattern"]["share"] == 1.0 and report["pattern"]["listed"] > 30
    articles = report["articles"]
    assert articles["requested"] == 3 and articles["extracted"] == 3
    assert articles["fill"]["title"] == articles["fill"]["body"] == articles["fill"]["date"] == 3
    assert articles["languages"] == ["ar"]


def test_the_check_is_polite_robots_txt_first_and_nothing_disallowed(checks):
    paths = checks["right"]["paths"]
    assert paths[0] == "/robots.txt"
    assert not [p for p in paths if p.startswith("/private/")]
    assert len([p for p in paths if re.search(SAMPLE_PATTERN, p)]) == 3  # only the sample articles


def test_a_sitemap_moved_with_301_is_degraded_and_names_the_new_url(checks):
    report = site_report(checks, "moved_301")
    assert checks["moved_301"]["code"] == 3 and report["status"] == "degraded"
    (sitemap,) = [u for u in report["discovery"] if u["kind"] == "sitemap"]
    assert sitemap["redirects"] == [301, 301] and sitemap["final_url"].endswith("/sitemap-articles.xml")
    assert re.search(r"moved permanently \(301\) to http://127\.0\.0\.1:\d+/sitemap-articles\.xml: put the new URL",
                     report["verdict"])


def test_a_sitemap_gone_404_is_degraded_and_points_at_the_one_robots_txt_lists(checks):
    report = site_report(checks, "moved_404")
    assert checks["moved_404"]["code"] == 3
    assert re.search(r"sitemap http://\S+/sitemap\.xml answers 404 Not Found: robots\.txt lists "
                     r"http://\S+/sitemap-articles\.xml; use that instead", report["verdict"]), report["verdict"]


def test_an_empty_feed_is_degraded(checks):
    report = site_report(checks, "empty_feed")
    assert checks["empty_feed"]["code"] == 3
    (feed,) = [u for u in report["discovery"] if u["kind"] == "feed"]
    assert feed["parseable"] and feed["entries"] == 0
    assert re.search(r"^degraded: feed http://\S+/rss\.xml lists no items", report["verdict"])


def test_a_pattern_matching_nothing_listed_is_broken_with_a_pattern_that_would(checks):
    report = site_report(checks, "wrong_pattern")
    assert checks["wrong_pattern"]["code"] == 1 and report["status"] == "broken"
    pattern = report["pattern"]
    assert pattern["matched"] == 0 and pattern["listed"] > 30 and len(pattern["misses"]) == 5
    suggestion = pattern["suggestion"]
    assert suggestion["shape"] == "/{word}/{n}/{n}/{n}/{id}"
    assert suggestion["matches"] == suggestion["of"] == pattern["listed"]
    expected = SampleSite(seed=7).expected["archivable_paths"]
    assert all(re.search(suggestion["pattern"], "http://127.0.0.1:9" + path) for path in expected)
    assert not re.search(suggestion["pattern"], "http://127.0.0.1:9/section/politics")
    assert "article_pattern matches none of the" in report["verdict"] and suggestion["pattern"] in report["verdict"]


def test_a_robots_txt_shutting_the_crawler_out_is_broken_and_nothing_else_is_fetched(checks):
    report = site_report(checks, "robots_blocked")
    assert checks["robots_blocked"]["code"] == 1
    assert re.search(r"^broken: robots\.txt \(\S+\) disallows ArabicNewsArchiver from .*ask the site for access",
                     report["verdict"])
    assert set(checks["robots_blocked"]["paths"]) == {"/robots.txt"}


def test_403_to_everything_is_broken_and_says_the_site_refuses_the_crawler(checks):
    report = site_report(checks, "forbidden")
    assert checks["forbidden"]["code"] == 1
    assert all(u["status"] == 403 for u in report["discovery"]) and report["robots"][0]["status"] == 403
    assert report["verdict"].startswith("broken: every URL answers 403 Forbidden, robots.txt included")


def test_json_document_keeps_its_documented_keys(checks):
    for name in FAULTS:
        document = checks[name]["report"]
        assert set(document) == {"version", "checked_at", "exit_code", "sites"} and document["version"] == 1
        assert document["exit_code"] == checks[name]["code"]
        (site,) = document["sites"]
        assert set(site) == {"site", "status", "verdict", "problems", "robots", "discovery", "pattern", "articles"}
        assert site["status"] in ("ok", "degraded", "broken") and site["verdict"].startswith(site["status"])
        assert all(set(p) == {"level", "message"} for p in site["problems"])
        assert set(site["pattern"]) == {"article_pattern", "listed", "matched", "share", "misses", "miss_shapes",
                                        "suggestion"}
        assert {"wanted", "requested", "fetched", "extracted", "fill", "languages", "samples"} == set(site["articles"])


def test_write_records_verdicts_that_sites_then_shows(checks, catalog):
    overrides = checks["overrides"]
    listing = run_cli("sites", "--catalog", str(catalog), "--overrides", str(overrides))
    assert listing.returncode == 0, listing.stderr
    lines = {line.split()[0]: line for line in listing.stdout.splitlines()}
    assert re.search(r"verified: checked \d{4}-\d\d-\d\d: ok \(catalog: documented\)$", lines["right"])
    assert re.search(r"verified: checked \d{4}-\d\d-\d\d: broken \(catalog: documented\)$", lines["forbidden"])
    rows = {row["name"]: row for row in json.loads(run_cli("sites", "--json", "--catalog", str(catalog),
                                                           "--overrides", str(overrides)).stdout)}
    assert rows["empty_feed"]["check"]["status"] == "degraded"
    assert rows["empty_feed"]["check"]["verdict"].startswith("degraded: feed")


def test_an_unknown_site_is_a_one_line_usage_error(catalog):
    done = run_cli("sites", "--check", "no_such_site", "--catalog", str(catalog))
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "unknown site(s) no_such_site" in done.stderr
    negative = run_cli("sites", "--check", "right", "--articles", "-1", "--catalog", str(catalog), "--base-url",
                       "http://127.0.0.1:9")
    assert negative.returncode == 2, negative.stderr
    assert negative.stderr.strip().startswith("error: argument --articles: must be 0 or more, not -1"), negative.stderr


@pytest.mark.xdist_group("sitecheck-sample-entry")  # needs neither module fixture: free to run on the other worker
def test_the_bundled_sample_entry_served_healthy_is_ok(sample_server):
    done = run_cli("sites", "--check", "sample", "--base-url", sample_server.base_url)
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    assert done.stdout.splitlines()[0] == "sample: ok"
    assert re.search(r"articles +3 of 3 fetched, 3 extracted: title 3/3", done.stdout)


# -- the rules, on probes built by hand (no network) ------------------------------------------------------------

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
UA = "ArabicNewsArchiver/0.1 (+https://example.org)"


def news_site(**changes) -> Site:
    entry = {"domains": ["news.example"], "article_pattern": r"^https://news\.example/a/\d+$",
             "sitemaps": ["https://news.example/sitemap.xml"], "feeds": ["https://news.example/rss.xml"]}
    return Site(name="news", **{**entry, **changes})


def healthy_probe(newest: str = "2026-12-01T06:00:00+00:00", host: str = "https://news.example") -> SiteProbe:
    probe = SiteProbe("news", articles_wanted=1)
    probe.robots[host] = RobotsFile(f"{host}/robots.txt", status=200, text="User-agent: *\nDisallow: /private/\n")
    probe.urls = [UrlProbe(f"{host}/sitemap.xml", "sitemap", status=200, parseable=True, format="urlset", entries=2,
                           newest=newest),
                  UrlProbe(f"{host}/rss.xml", "feed", status=200, parseable=True, format="rss", entries=1, newest=newest)]
    probe.listed = [Listed(f"{host}/a/{n}", newest, f"{host}/sitemap.xml", "sitemap") for n in (1, 2)]
    fields = {"title": True, "date": True, "body": True, "caption": False, "source": False, "author": False}
    probe.articles = [ArticleProbe(f"{host}/a/1", status=200, language="ar", fields=fields)]
    return probe


def judged(probe: SiteProbe, site: Site | None = None):
    return assess(site or news_site(), probe, UA, CheckRules(), NOW)


def test_a_healthy_probe_is_ok():
    assert judged(healthy_probe()).verdict == "ok"


def test_a_stale_feed_is_degraded_but_local_fixtures_are_not_judged_on_dates():
    stale = judged(healthy_probe(newest="2026-10-01T00:00:00+00:00"))
    assert stale.status == "degraded"
    assert "sitemap https://news.example/sitemap.xml: newest entry is 62 days old (2026-10-01)" in stale.verdict
    local = healthy_probe(newest="2017-10-03T00:00:00+00:00", host="http://127.0.0.1:8000")
    site = news_site(article_pattern=r"/a/\d+$", domains=["127.0.0.1"])
    assert judged(local, site).verdict == "ok"


def test_a_sitemap_that_answers_a_web_page_is_degraded_with_what_it_answered():
    probe = healthy_probe()
    probe.urls[0] = UrlProbe("https://news.example/sitemap.xml", "sitemap", status=200, parseable=False,
                             content_type="text/html; charset=utf-8")
    report = judged(probe)
    assert report.verdict.startswith("degraded: sitemap https://news.example/sitemap.xml is not a sitemap "
                                     "(it answers text/html; charset=utf-8): a consent, login or error page?")


def test_a_pattern_missing_most_listed_urls_is_degraded_with_a_suggestion():
    probe = healthy_probe()
    probe.listed += [Listed(f"https://news.example/story/{n}.html", None, "x", "sitemap") for n in range(5)]
    report = judged(probe)
    assert report.status == "degraded" and report.pattern["share"] == round(2 / 7, 3)
    assert "matches only 2 of 7 listed URLs (29%)" in report.verdict
    assert report.pattern["suggestion"]["shape"] == "/story/{n}.html"


def test_robots_txt_disallowing_one_discovery_url_is_degraded_not_broken():
    probe = healthy_probe()
    probe.robots["https://news.example"].text = "User-agent: *\nDisallow: /rss.xml\n"
    report = judged(probe)
    assert report.verdict == ("degraded: robots.txt (https://news.example/robots.txt) disallows ArabicNewsArchiver "
                              "from /rss.xml: drop those URLs from the catalog entry")


def test_sample_articles_failing_extraction_or_in_another_language():
    probe = healthy_probe()
    probe.articles.append(ArticleProbe("https://news.example/a/2", status=200, error="not an article: listing page"))
    report = judged(probe)
    assert "1 of 2 sample articles failed (https://news.example/a/2: not an article: listing page)" in report.verdict
    probe.articles = [probe.articles[1]]
    assert judged(probe).verdict.startswith("broken: none of the 1 sample articles could be extracted")
    english = healthy_probe()
    english.articles[0].language = "en"
    assert "sample articles are in en, the catalog says ar" in judged(english).verdict


def test_the_verification_file_merges_entries_and_survives_odd_text(tmp_path):
    path = tmp_path / "conf" / "sites.toml"
    record_verifications({"a": {"status": "ok", "verdict": "ok", "checked": "2026-12-01T00:00:00+00:00"}}, path)
    odd = 'degraded: feed "x" lists no items\\ — خبر'
    record_verifications({"b.c": {"status": "degraded", "verdict": odd, "checked": "2026-12-02T00:00:00+00:00"}}, path)
    entries = load_verifications(path)
    assert set(entries) == {"a", "b.c"} and entries["b.c"]["verdict"] == odd
    assert load_verifications(tmp_path / "missing.toml") == {}


# -- unreachable from here: a verdict of its own, never recorded as broken ---------------------------------------


def unreachable_probe(reason: str = "DNS lookup failed") -> SiteProbe:
    probe = SiteProbe("news", articles_wanted=1)
    error = f"unreachable from here ({reason}): news.example"
    probe.robots["https://news.example"] = RobotsFile("https://news.example/robots.txt", error=error)
    probe.urls = [UrlProbe("https://news.example/sitemap.xml", "sitemap", error=error),
                  UrlProbe("https://news.example/rss.xml", "feed", error=error)]
    return probe


def test_a_site_nothing_of_which_answers_is_unreachable_not_broken_and_not_recorded():
    from crawler.sitecheck.report import EXIT_UNREACHABLE, CheckResult
    from crawler.sitecheck.run import verification_entries

    report = judged(unreachable_probe())
    assert report.status == "unreachable"
    assert report.verdict.startswith("unreachable from here (DNS lookup failed: news.example)"), report.verdict
    assert "fix the entry" not in report.verdict
    result = CheckResult(NOW.isoformat(), [report, judged(healthy_probe())])
    assert result.exit_code == EXIT_UNREACHABLE
    assert list(verification_entries(result)) == ["news"] and verification_entries(result)["news"]["status"] == "ok"


def test_one_url_unreachable_among_working_ones_is_judged_as_before():
    probe = healthy_probe()
    probe.urls.append(UrlProbe("https://cdn.example/feed.xml", "feed", error="unreachable from here (timed out): x"))
    assert judged(probe).status != "unreachable"


@pytest.mark.xdist_group("sitecheck-refused")  # needs neither module fixture: free to run on the other worker
def test_sites_check_of_a_site_refusing_connections_says_unreachable_and_writes_nothing_for_it(tmp_path):
    from tests.run.test_cli_errors import free_port

    overrides = tmp_path / "sites.toml"
    result = run_cli("sites", "--check", "sample", "--base-url", f"http://127.0.0.1:{free_port()}", "--write",
                     "--overrides", str(overrides), timeout=120)
    assert result.returncode == 69, result.stderr[-3000:]
    assert result.stdout.startswith("sample: unreachable from here (connection refused: 127.0.0.1)"), result.stdout
    assert "Traceback" not in result.stderr and "ERROR" not in result.stderr, result.stderr
    assert "not recorded, unreachable from here: sample" in result.stderr
    assert "sample" not in load_verifications(overrides)
