"""The result of `sites --check`: the stable JSON document (README, "Checking the catalog") and the text report."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crawler.sitecheck.verdict import BROKEN, DEGRADED, FIELDS, UNREACHABLE, ITEMS, SiteReport, age_days, article_fill

JSON_VERSION = 1
EXIT_OK, EXIT_BROKEN, EXIT_DEGRADED = 0, 1, 3  # as `crawl`: 1 a site fails entirely, 3 a health flag
EXIT_UNREACHABLE = 69  # EX_UNAVAILABLE: a site could not be reached from this machine at all


@dataclass
class CheckResult:
    checked_at: str  # ISO 8601, UTC
    reports: list[SiteReport]

    @property
    def exit_code(self) -> int:
        statuses = {r.status for r in self.reports}
        for status, code in ((BROKEN, EXIT_BROKEN), (UNREACHABLE, EXIT_UNREACHABLE), (DEGRADED, EXIT_DEGRADED)):
            if status in statuses:
                return code
        return EXIT_OK

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": JSON_VERSION,
            "checked_at": self.checked_at,
            "exit_code": self.exit_code,
            "sites": [site_dict(r, self.checked_at) for r in self.reports],
        }

    def text(self) -> str:
        return "\n".join(site_text(r, self.checked_at) for r in self.reports)


def site_dict(report: SiteReport, checked_at: str) -> dict[str, Any]:
    probe = report.probe
    return {
        "site": report.site,
        "status": report.status,
        "verdict": report.verdict,
        "problems": [{"level": p.level, "message": p.message} for p in report.problems],
        "robots": [{"url": r.url, "status": r.status, "error": r.error} for r in probe.robots.values()],
        "discovery": [{**u.to_dict(), "newest_age_days": rounded_age(u.newest, checked_at)} for u in probe.urls],
        "pattern": report.pattern,
        "articles": {**article_fill(probe), "samples": [a.to_dict() for a in probe.articles]},
    }


def rounded_age(newest: str | None, checked_at: str) -> float | None:
    from crawler.discovery.announcements import parse_when

    age = age_days(newest, parse_when(checked_at))
    return None if age is None else round(age, 1)


def site_text(report: SiteReport, checked_at: str) -> str:
    lines = [f"{report.site}: {report.verdict}"]
    probed = {u.url for u in report.probe.urls}
    for robots in report.probe.robots.values():
        if robots.url not in probed:  # a catalog robots.txt is shown with the discovery URLs
            lines.append(f"  robots.txt {robots.url}  {robots.error or robots.status}")
    for url in report.probe.urls:
        lines.append(f"  {url.kind:<10} {url.url}  {url_state(url, checked_at)}")
    lines.append(f"  pattern    {pattern_text(report.pattern)}")
    lines.append(f"  articles   {articles_text(report)}")
    lines += [f"  ! {p.level}: {p.message}" for p in report.problems]
    return "\n".join(lines)


def url_state(url, checked_at: str) -> str:
    if url.error:
        return url.error
    parts = [str(url.status)]
    if url.redirects:
        parts.append(f"via {'+'.join(map(str, url.redirects))} -> {url.final_url}")
    parts.append(url.content_type or "no content type")
    if url.parseable is False:
        parts.append("NOT PARSEABLE")
    elif url.format:
        parts.append(f"{url.format}, {url.entries} {ITEMS[url.kind]}")
    if url.newest:
        parts.append(f"newest {url.newest[:10]} ({rounded_age(url.newest, checked_at):.0f} days ago)")
    if url.not_followed:
        parts.append(f"{url.not_followed} children not read")
    return ", ".join(parts)


def pattern_text(pattern: dict[str, Any]) -> str:
    if not pattern["listed"]:
        return "nothing listed to compare with"
    text = f"matches {pattern['matched']} of {pattern['listed']} listed URLs ({pattern['share']:.0%})"
    if pattern["misses"]:
        text += f"; misses e.g. {', '.join(dict.fromkeys(pattern['miss_shapes']))}"
    if pattern["suggestion"]:
        text += f"; suggested: {pattern['suggestion']['pattern']}"
    return text


def articles_text(report: SiteReport) -> str:
    fill = article_fill(report.probe)
    if not fill["requested"]:
        return "none to fetch"
    fields = ", ".join(f"{name} {fill['fill'][name]}/{fill['extracted']}" for name in FIELDS)
    return (f"{fill['fetched']} of {fill['requested']} fetched, {fill['extracted']} extracted: {fields}; "
            f"language {', '.join(fill['languages']) or '-'}")
