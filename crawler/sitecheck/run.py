"""Run a check: one Scrapy crawl of the probe spider over the chosen catalog entries, then the judgement.

`check_sites` is the Python twin of `python -m crawler sites --check`. Like every crawl it runs the
Twisted reactor, which starts once per process: call it once per process (the CLI does).
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from crawler.discovery.catalog import DEFAULT_CATALOG, Site, load_catalog
from crawler.fetching.reachability import quiet_unreachable
from crawler.sitecheck.report import CheckResult
from crawler.sitecheck.verdict import CheckRules, assess, check_rules

# A check reads and judges; it archives nothing, and needs no progress line or shutdown prompt.
CHECK_SETTINGS = {"ITEM_PIPELINES": {}, "EXTENSIONS": {}, "LOG_LEVEL": "WARNING", "WARC_ENABLED": False}


def check_sites(sites: list[Site], *, articles: int = 3, settings: dict[str, Any] | None = None,
                rules: CheckRules | None = None) -> CheckResult:
    """Probe `sites` politely (robots.txt, User-Agent, delays) and judge each one."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from crawler.sitecheck.probe import SiteCheckSpider

    rules = rules or check_rules()
    project = get_project_settings()
    for name, value in {**CHECK_SETTINGS, **(settings or {})}.items():
        project.set(name, value, priority="cmdline")
    checked_at = datetime.now(timezone.utc).replace(microsecond=0)
    process = CrawlerProcess(project)
    quiet_unreachable()  # the verdict says it once per site
    crawler = process.create_crawler(SiteCheckSpider)
    process.crawl(crawler, sites=sites, articles=articles, child_sitemaps=rules.child_sitemaps)
    process.start()
    user_agent = project.get("ROBOTSTXT_USER_AGENT") or project.get("USER_AGENT")
    probes = crawler.spider.probes
    reports = [assess(site, probes[site.name], user_agent, rules, checked_at) for site in sites]
    return CheckResult(checked_at.isoformat(), reports)


def resolve_check_sites(names: list[str], *, base_url: str | None = None,
                        catalog_path: Path | str = DEFAULT_CATALOG) -> list[Site]:
    """The named entries (every entry when none is named; locally served ones only with `base_url`)."""
    from crawler.discovery.sites import resolve_sites

    catalog = load_catalog(catalog_path)
    if not names:
        names = [name for name, site in catalog.items() if base_url or not site.is_local]
    return resolve_sites(names, base_url=base_url, catalog=catalog)


def check_catalog(names: list[str], *, base_url: str | None = None, catalog_path: Path | str = DEFAULT_CATALOG,
                  articles: int = 3, settings: dict[str, Any] | None = None) -> CheckResult:
    """Check catalog entries by name; raises `CatalogError` for unknown names or a missing base URL."""
    from crawler.run.runner import LOCAL_SITE_SETTINGS

    sites = resolve_check_sites(names, base_url=base_url, catalog_path=catalog_path)
    local = dict(LOCAL_SITE_SETTINGS) if base_url else {}
    return check_sites(sites, articles=articles, settings={**local, **(settings or {})})


def verification_entries(result: CheckResult) -> dict[str, dict[str, str]]:
    """What `--write` records per site: not the unreachable ones (their entry was not judged; what an
    earlier check recorded stays)."""
    from crawler.sitecheck.verdict import UNREACHABLE

    return {r.site: {"status": r.status, "verdict": r.verdict, "checked": result.checked_at}
            for r in result.reports if r.status != UNREACHABLE}
