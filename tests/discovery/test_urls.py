"""Canonical URLs: one stable identity string per article, whatever link led to it."""
from __future__ import annotations

import tomllib

import pytest

from crawler.discovery.urls import RULES_FILE, canonicalize_url, is_tracking_param

AJ = ["aljazeera.net"]
SLUG_RAW = "https://www.aljazeera.net/news/2017/10/5/تقدم-للنظام-بدير-الزور"
SLUG_ENCODED = (
    "https://www.aljazeera.net/news/2017/10/5/"
    "%D8%AA%D9%82%D8%AF%D9%85-%D9%84%D9%84%D9%86%D8%B8%D8%A7%D9%85-%D8%A8%D8%AF%D9%8A%D8%B1-"
    "%D8%A7%D9%84%D8%B2%D9%88%D8%B1"
)
ARTICLE = "https://aljazeera.net/politics/2017/10/5/syria-clashes"


@pytest.mark.parametrize(
    "name", ["utm_source", "UTM_Campaign", "fbclid", "gclid", "yclid", "mc_cid", "mc_eid", "_ga", "igshid",
             "ref", "ref_src", "spm", "pk_kwd"],
)
def test_tracking_params(name: str) -> None:
    assert is_tracking_param(name)


@pytest.mark.parametrize("name", ["page", "id", "p", "q", "reference", "category", "amp"])
def test_content_params_are_not_tracking(name: str) -> None:
    assert not is_tracking_param(name)


def test_every_listed_name_is_tracking() -> None:
    with open(RULES_FILE, "rb") as fh:
        names = tomllib.load(fh)["tracking"]["names"]
    assert names and all(is_tracking_param(n) for n in names)


def test_drops_fragment_and_trackers_and_sorts_query() -> None:
    url = "https://www.example.com/news/item?utm_source=tw&id=42&fbclid=AbC&b=2&utm_medium=social&ref=rss#comments"
    assert canonicalize_url(url) == "https://www.example.com/news/item?b=2&id=42"


def test_lowercases_scheme_and_host_keeps_path_case_and_drops_default_ports() -> None:
    assert canonicalize_url("HTTPS://WWW.Example.COM:443/News/Item") == "https://www.example.com/News/Item"
    assert canonicalize_url("http://Example.com:80/A") == "http://example.com/A"
    assert canonicalize_url("http://example.com:8080/A") == "http://example.com:8080/A"


def test_local_test_site_urls_keep_ip_and_port() -> None:
    url = "http://127.0.0.1:54321/2024/3/7/article-slug?utm_source=rss#top"
    assert canonicalize_url(url, site_domains=["127.0.0.1"]) == "http://127.0.0.1:54321/2024/3/7/article-slug"
    assert canonicalize_url("http://[::1]:8080/a?b=1") == "http://[::1]:8080/a?b=1"


@pytest.mark.parametrize(
    "variant",
    [SLUG_RAW, SLUG_ENCODED, SLUG_ENCODED.lower(),
     SLUG_RAW + "#x", SLUG_RAW + "?utm_source=facebook"],
)
def test_arabic_slugs_have_one_percent_encoded_form(variant: str) -> None:
    assert canonicalize_url(variant) == SLUG_ENCODED


@pytest.mark.parametrize("host", ["m.aljazeera.net", "mobile.aljazeera.net", "amp.aljazeera.net",
                                  "www.aljazeera.net", "aljazeera.net", "M.AlJazeera.net"])
def test_host_aliases_fold_to_the_listed_domain(host: str) -> None:
    url = f"https://{host}/politics/2017/10/5/syria-clashes"
    assert canonicalize_url(url, site_domains=AJ) == ARTICLE


def test_host_aliases_fold_to_a_listed_www_host() -> None:
    assert canonicalize_url("https://m.example.com/a", site_domains=["www.example.com"]) == "https://www.example.com/a"


def test_hosts_are_not_folded_without_a_domain_list_or_outside_it() -> None:
    assert canonicalize_url("https://m.aljazeera.net/a") == "https://m.aljazeera.net/a"
    assert canonicalize_url("https://blogs.aljazeera.net/a", site_domains=AJ) == "https://blogs.aljazeera.net/a"
    assert canonicalize_url("https://m.example.com/a", site_domains=AJ) == "https://m.example.com/a"


@pytest.mark.parametrize(
    "variant",
    [
        "https://www.aljazeera.net/amp/politics/2017/10/5/syria-clashes",
        "https://www.aljazeera.net/politics/2017/10/5/syria-clashes/amp",
        "https://www.aljazeera.net/politics/2017/10/5/syria-clashes?output=amp",
        "https://www.aljazeera.net/politics/2017/10/5/syria-clashes?amp=1",
        "https://www.aljazeera.net/politics/2017/10/5/syria-clashes?amp",
        "https://amp.aljazeera.net/amp/politics/2017/10/5/syria-clashes?amp=1&utm_source=t.co",
    ],
)
def test_amp_versions_fold_to_the_article(variant: str) -> None:
    assert canonicalize_url(variant, site_domains=AJ) == ARTICLE


def test_amp_inside_a_path_or_other_output_values_are_kept() -> None:
    assert canonicalize_url("https://example.com/news/amp/x") == "https://example.com/news/amp/x"
    assert canonicalize_url("https://example.com/ampere/x") == "https://example.com/ampere/x"
    assert canonicalize_url("https://example.com/x?output=json") == "https://example.com/x?output=json"


def test_declared_canonical_on_the_same_site_wins() -> None:
    page = "https://m.aljazeera.net/amp/story/123?utm_source=x"
    assert canonicalize_url(page, declared_canonical=ARTICLE + "#top", site_domains=AJ) == ARTICLE
    # relative, and same registered domain without a domain list
    assert canonicalize_url(page, declared_canonical="/politics/2017/10/5/syria-clashes") == (
        "https://m.aljazeera.net/politics/2017/10/5/syria-clashes"
    )
    assert canonicalize_url("http://127.0.0.1:8000/a", declared_canonical="http://127.0.0.1:8000/b") == (
        "http://127.0.0.1:8000/b"
    )


@pytest.mark.parametrize(
    "declared",
    ["https://www.aljazeera.net/", "https://www.aljazeera.net", "/", "https://other-site.com/politics/x",
     "mailto:desk@aljazeera.net", "javascript:void(0)", ""],
)
def test_declared_canonical_elsewhere_or_homepage_is_ignored(declared: str) -> None:
    page = "https://www.aljazeera.net/politics/2017/10/5/syria-clashes"
    assert canonicalize_url(page, declared_canonical=declared, site_domains=AJ) == ARTICLE


def test_declared_canonical_on_another_local_server_is_ignored() -> None:
    url = "http://127.0.0.1:8000/a"
    assert canonicalize_url(url, declared_canonical="http://127.0.0.1:9000/b") == url


IDEMPOTENCE_CASES = [
    SLUG_RAW, SLUG_ENCODED, "HTTP://Example.COM:80", "https://example.com/a%20b/c+d?q=a+b&r=a%20b&z",
    "https://example.com/%7Euser/a%2Fb?x=%D8%B9%D8%B1%D8%A8%D9%8A", "https://example.com/amp/amp/x/amp/amp/",
    "https://m.aljazeera.net/amp?amp", "http://127.0.0.1:5000/?page=2&utm_source=x", "https://مثال.إختبار/خبر?ق=ع",
    "https://example.com/a;b?c=1;d=2&&e", "https://user@example.com:443/x/",
]


@pytest.mark.parametrize("url", IDEMPOTENCE_CASES)
@pytest.mark.parametrize("domains", [None, AJ, ["example.com"]])
def test_idempotent(url: str, domains: list[str] | None) -> None:
    once = canonicalize_url(url, site_domains=domains)
    assert canonicalize_url(once, site_domains=domains) == once
    assert once.isascii()
