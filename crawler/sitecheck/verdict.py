"""Judging a probed site: every problem found, each with what to do about it, and one verdict.

Pure functions of a `SiteProbe` and the catalog entry: no network, so every rule is tested directly.
`broken` means a crawl of the entry as written archives nothing (or nothing right); `degraded`
means it works but something in the entry or on the site needs a person's attention.
"""
from __future__ import annotations

import ipaddress
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cache
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from protego import Protego

from crawler.discovery.catalog import Site
from crawler.sitecheck.facts import Listed, SiteProbe, UrlProbe
from crawler.discovery.shapes import url_shape
from crawler.sitecheck.patterns import suggest_pattern
from crawler.discovery.announcements import parse_when

RULES_FILE = Path(__file__).resolve().parent.parent / "data" / "sitecheck.toml"
BROKEN, DEGRADED, UNREACHABLE = "broken", "degraded", "unreachable"
UNREACHABLE_PREFIX = "unreachable from here"  # how probe.describe_failure begins a DNS/refused/timeout error
PERMANENT_REDIRECTS = {301, 308}
FIELDS = ("title", "date", "body", "caption", "source", "author")
ITEMS = {"robots": "sitemaps", "sitemap": "entries", "feed": "items", "page": "article links"}


@dataclass(frozen=True)
class CheckRules:
    stale_days: int = 7
    min_pattern_share: float = 0.5
    misses_shown: int = 5
    child_sitemaps: int = 3


@cache
def check_rules(path: Path = RULES_FILE) -> CheckRules:
    with open(path, "rb") as fh:
        return CheckRules(**tomllib.load(fh))


@dataclass
class Problem:
    level: str  # broken, unreachable or degraded
    message: str


@dataclass
class SiteReport:
    site: str
    problems: list[Problem]
    probe: SiteProbe
    pattern: dict[str, Any] = field(default_factory=dict)

    @property
    def status(self) -> str:
        levels = {p.level for p in self.problems}
        for level in (BROKEN, UNREACHABLE, DEGRADED):
            if level in levels:
                return level
        return "ok"

    @property
    def verdict(self) -> str:
        """`ok`, or `broken: …` / `degraded: …` with the first problem of that level."""
        if self.status == "ok":
            return "ok"
        worst = [p for p in self.problems if p.level == self.status]
        more = f" (+{len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        if self.status == UNREACHABLE:  # its message begins "unreachable from here"
            return f"{worst[0].message}{more}"
        return f"{self.status}: {worst[0].message}{more}"


def assess(site: Site, probe: SiteProbe, user_agent: str, rules: CheckRules | None = None,
           now: datetime | None = None) -> SiteReport:
    """Every problem of one probed site, the worst first."""
    rules = rules or check_rules()
    now = now or datetime.now(timezone.utc)
    pattern = pattern_summary(site, probe.listed, rules.misses_shown)
    if unreachable := unreachable_problem(probe):  # nothing answered: the entry cannot be judged from here
        return SiteReport(site.name, [unreachable], probe, pattern)
    robots = robots_problems(site, probe, user_agent)
    shut_out = any(p.level == BROKEN for p in robots)
    # One cause, one message: a site that shuts the crawler out lists nothing, and each of its URLs fails.
    discovery = [] if shut_out else discovery_problems(probe)
    per_url = [] if shut_out or discovery else [p for u in probe.urls for p in url_problems(u, probe, rules, now)]
    problems = robots + discovery + per_url + pattern_problems(pattern, probe, rules) + article_problems(site, probe)
    problems.sort(key=lambda p: p.level != BROKEN)
    return SiteReport(site.name, problems, probe, pattern)


def unreachable_problem(probe: SiteProbe) -> Problem | None:
    """`unreachable` when every robots.txt and catalog discovery URL failed to connect at all."""
    tried = [r.error for r in probe.robots.values()] + [u.error for u in probe.urls if u.found_in == "catalog"]
    if not tried or not all(error and error.startswith(UNREACHABLE_PREFIX) for error in tried):
        return None
    reasons = sorted({error[len(UNREACHABLE_PREFIX):].split(":", 1)[0].strip(" ()") for error in tried})
    hosts = sorted({urlsplit(r.url).hostname for r in probe.robots.values()} |
                   {urlsplit(u.url).hostname for u in probe.urls})
    return Problem(UNREACHABLE, f"{UNREACHABLE_PREFIX} ({', '.join(reasons)}: {', '.join(hosts)}): the entry cannot "
                                "be judged from this machine; check its DNS, network or proxy, or run the check "
                                "where the site is reachable (nothing is recorded for it)")


# -- robots.txt -------------------------------------------------------


def robots_problems(site: Site, probe: SiteProbe, user_agent: str) -> list[Problem]:
    """Broken when robots.txt disallows every discovery URL of an origin (its home page when it has none)."""
    problems = []
    agent = user_agent.split("/")[0]
    for robots in probe.robots.values():
        if not robots.text:
            continue
        parser = Protego.parse(robots.text)
        origin = robots.url.removesuffix("/robots.txt")
        wanted = [u.url for u in probe.urls if u.url.startswith(origin + "/") and u.kind != "robots"] or [origin + "/"]
        blocked = list(dict.fromkeys(u for u in wanted if not parser.can_fetch(u, user_agent)))
        if not blocked:
            continue
        paths = ", ".join(urlsplit(u).path or "/" for u in blocked)
        if len(blocked) == len(set(wanted)):
            problems.append(Problem(BROKEN, f"robots.txt ({robots.url}) disallows {agent} from {paths}: a polite crawl "
                                            "fetches nothing there; ask the site for access, or remove the entry"))
        else:
            problems.append(Problem(DEGRADED, f"robots.txt ({robots.url}) disallows {agent} from {paths}: "
                                              "drop those URLs from the catalog entry"))
    return problems


# -- discovery URLs ---------------------------------------------------


def works(url: UrlProbe) -> bool:
    return url.error is None and url.status is not None and url.status < 400 and bool(url.parseable)


def discovery_problems(probe: SiteProbe) -> list[Problem]:
    """Broken when no catalog discovery URL works, or when the working ones list no article."""
    catalog = [u for u in probe.urls if u.found_in == "catalog"]
    if catalog and not any(works(u) for u in catalog):
        statuses = {u.status for u in catalog} | {r.status for r in probe.robots.values()}
        if statuses == {403}:
            return [Problem(BROKEN, "every URL answers 403 Forbidden, robots.txt included: the site refuses this "
                                    "crawler (its address or User-Agent) or sits behind a consent wall; open a URL "
                                    "from a browser on this network, then ask the site or drop the entry")]
        failures = "; ".join(f"{u.url} {what_failed(u)}" for u in catalog)
        return [Problem(BROKEN, f"no discovery URL works ({failures}): fix the entry's sitemaps, feeds and start_urls")]
    if not probe.listed and not probe.page_links and any(works(u) for u in probe.urls):
        return [Problem(BROKEN, "no sitemap, feed or start page lists an article: find the site's current sitemap "
                                "(robots.txt) or feed (its pages' <link rel=alternate>)")]
    return []


def url_problems(url: UrlProbe, probe: SiteProbe, rules: CheckRules, now: datetime) -> list[Problem]:
    if url.error == "disallowed by robots.txt":
        return []  # reported once, with the robots.txt rule
    if url.error or (url.status or 0) >= 400:
        return [Problem(DEGRADED, f"{url.kind} {url.url} {what_failed(url)}{failure_advice(url, probe)}")]
    problems = []
    moved = [code for code in url.redirects if code in PERMANENT_REDIRECTS]
    if moved and url.found_in == "catalog":
        problems.append(Problem(DEGRADED, f"{url.kind} {url.url} moved permanently ({moved[0]}) to {url.final_url}: "
                                          "put the new URL in the catalog"))
    if url.parseable is False:
        problems.append(Problem(DEGRADED, f"{url.kind} {url.url} is not a {url.kind} (it answers "
                                          f"{url.content_type or 'no content type'}): a consent, login or error page? "
                                          "open it in a browser"))
    elif url.entries == 0 and url.kind != "robots":
        problems.append(Problem(DEGRADED, empty_message(url)))
    age = age_days(url.newest, now)
    if age is not None and rules.stale_days and age > rules.stale_days and not is_loopback(url.url):
        problems.append(Problem(DEGRADED, f"{url.kind} {url.url}: newest entry is {age:.0f} days old "
                                          f"({url.newest[:10]}): it may be abandoned; look for a current one"))
    return problems


def what_failed(url: UrlProbe) -> str:
    if url.error:
        return f"is {url.error}" if url.error.startswith(("unreachable", "disallowed")) else f"failed: {url.error}"
    if url.status is not None and url.status >= 400:
        try:
            return f"answers {url.status} {HTTPStatus(url.status).phrase}"
        except ValueError:
            return f"answers {url.status}"
    return "is not parseable" if url.parseable is False else "works"


def failure_advice(url: UrlProbe, probe: SiteProbe) -> str:
    if url.kind == "sitemap":
        known = {u.url for u in probe.urls}
        elsewhere = [u.url for u in probe.urls if u.found_in.endswith("/robots.txt") and u.url != url.url]
        from_robots = [s for s in robots_sitemaps(probe) if s not in known] + elsewhere
        if from_robots:
            return f": robots.txt lists {', '.join(dict.fromkeys(from_robots))}; use that instead"
        return ": remove it, or find the current sitemap on the site"
    if url.status == 403:
        return ": the site refuses this crawler here (or wants a consent cookie)"
    if url.kind == "feed":
        return ": find the current feed (the site's <link rel=alternate> or RSS page)"
    return ": fix or remove it in the catalog"


def robots_sitemaps(probe: SiteProbe) -> list[str]:
    return [line.split(":", 1)[1].strip() for r in probe.robots.values() for line in r.text.splitlines()
            if line.lower().startswith("sitemap:")]


def empty_message(url: UrlProbe) -> str:
    if url.kind == "page":
        return f"start page {url.url} links no URL the article pattern accepts"
    return f"{url.kind} {url.url} lists no {ITEMS[url.kind]}: the site may have emptied or replaced it; find the current one"


def age_days(iso: str | None, now: datetime) -> float | None:
    when = parse_when(iso)
    return None if when is None else max(0.0, (now - when).total_seconds() / 86400)


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


# -- the article pattern ----------------------------------------------


def pattern_summary(site: Site, listed: list[Listed], shown: int) -> dict[str, Any]:
    """How the article pattern fares against the owned URLs the sitemaps and feeds list."""
    urls = list(dict.fromkeys(e.url for e in listed if site.owns(e.url)))
    misses = [u for u in urls if not site.is_article_url(u)]
    suggestion = suggest_pattern(misses)
    return {
        "article_pattern": site.article_pattern,
        "listed": len(urls),
        "matched": len(urls) - len(misses),
        "share": round((len(urls) - len(misses)) / len(urls), 3) if urls else None,
        "misses": misses[:shown],
        "miss_shapes": [url_shape(u) for u in misses[:shown]],
        "suggestion": None if suggestion is None else {
            "shape": suggestion.shape, "pattern": suggestion.pattern, "matches": suggestion.matches, "of": suggestion.of,
        },
    }


def pattern_problems(pattern: dict[str, Any], probe: SiteProbe, rules: CheckRules) -> list[Problem]:
    listed, matched, share = pattern["listed"], pattern["matched"], pattern["share"]
    if not listed or share >= rules.min_pattern_share:
        return []
    advice = ""
    if pattern["suggestion"]:
        s = pattern["suggestion"]
        advice = f"; they look like {s['shape']}: try article_pattern = '{s['pattern']}' (accepts {s['matches']} of {s['of']} misses)"
    example = f" (e.g. {pattern['misses'][0]})" if pattern["misses"] else ""
    if matched == 0:
        return [Problem(BROKEN, f"article_pattern matches none of the {listed} URLs the sitemaps and feeds list{example}{advice}")]
    return [Problem(DEGRADED, f"article_pattern matches only {matched} of {listed} listed URLs ({share:.0%}){example}{advice}")]


# -- sample articles --------------------------------------------------


def article_fill(probe: SiteProbe) -> dict[str, Any]:
    extracted = [a for a in probe.articles if a.extracted]
    return {
        "wanted": probe.articles_wanted,
        "requested": len(probe.articles),
        "fetched": sum(1 for a in probe.articles if a.status is not None and a.status < 400),
        "extracted": len(extracted),
        "fill": {f: sum(1 for a in extracted if a.fields.get(f)) for f in FIELDS},
        "languages": sorted({a.language or "unknown" for a in extracted}),
    }


def article_problems(site: Site, probe: SiteProbe) -> list[Problem]:
    articles = probe.articles
    if not articles:
        return []
    failed = [a for a in articles if not a.extracted]
    reasons = "; ".join(f"{a.url}: {a.error or f'HTTP {a.status}'}" for a in failed[:3])
    if len(failed) == len(articles):
        return [Problem(BROKEN, f"none of the {len(articles)} sample articles could be extracted ({reasons}): "
                                "check the article pattern, then the extraction hints")]
    problems = []
    if failed:
        problems.append(Problem(DEGRADED, f"{len(failed)} of {len(articles)} sample articles failed ({reasons})"))
    fill = article_fill(probe)
    for name in ("title", "body", "date"):
        if fill["fill"][name] < fill["extracted"]:
            problems.append(Problem(DEGRADED, f"no {name} extracted on {fill['extracted'] - fill['fill'][name]} of "
                                              f"{fill['extracted']} sample articles: add extraction hints for {site.name}"))
    other = [lang for lang in fill["languages"] if lang != site.language]
    if other:
        problems.append(Problem(DEGRADED, f"sample articles are in {', '.join(other)}, the catalog says {site.language}: "
                                          "is the entry pointing at the right edition?"))
    return problems
