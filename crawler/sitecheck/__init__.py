"""`python -m crawler sites --check`: is each catalog entry still right about its live site?

    from crawler.sitecheck import check_catalog
    result = check_catalog(["sample"], base_url="http://127.0.0.1:8000")
    result.exit_code, result.to_dict(), print(result.text())

`probe` fetches (a polite Scrapy spider), `verdict` judges (pure functions), `report` formats,
`overrides` keeps the user's record of the last check (`--write`).
"""
from crawler.sitecheck.overrides import default_overrides_path, load_verifications, record_verifications
from crawler.sitecheck.report import CheckResult
from crawler.sitecheck.run import check_catalog, check_sites, verification_entries

__all__ = [
    "CheckResult", "check_catalog", "check_sites", "default_overrides_path", "load_verifications",
    "record_verifications", "verification_entries",
]
