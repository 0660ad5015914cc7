"""Canonical article URLs: one stable string per article, used as an identity key.

Decisions (all idempotent: `canonicalize_url(canonicalize_url(u)) == canonicalize_url(u)`):

* Encoding: non-ASCII paths and queries (Arabic slugs) stay UTF-8 percent-encoded with
  upper-case hex (`/%D8%AA%D9%82...`), the RFC 3986 form that w3lib and Scrapy's `response.url`
  use; unreserved characters are decoded (`%7E` -> `~`). Hosts stay IDNA (punycode).
* Scheme and host are lower-cased, default ports (80/443) dropped, other ports kept (127.0.0.1:PORT
  works); path case and trailing slashes are kept (sites differ on whether they matter).
* Fragments, tracking parameters and AMP flags are dropped; the rest of the query is sorted.
* `/amp` as the first or last path segment is dropped: `/amp/politics/x` and `/politics/x/amp`
  both name `/politics/x`.
* Host aliases (`www.`, `m.`, `mobile.`, `amp.` + a listed domain, or the bare domain) fold to the
  domain *as written* in `site_domains`. Without `site_domains` the host is never folded, since
  nothing says which host is the main one. Note: a site listed as `aljazeera.net` gets keys on
  `https://aljazeera.net/...` even for `www.` pages; the key is for identity, not for fetching.
* `declared_canonical` (rel=canonical / og:url) replaces the URL only when it is on the same site
  (host under one of `site_domains`, or the same registered domain as `url`) and is not the homepage.

Rules (parameter names, alias prefixes) live in `crawler/data/tracking_params.toml`.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from urllib.parse import SplitResult, unquote, urljoin, urlsplit, urlunsplit

from courlan.urlutils import get_tldinfo
from w3lib.url import canonicalize_url as w3lib_canonicalize_url

RULES_FILE = Path(__file__).parent.with_name("data") / "tracking_params.toml"
DEFAULT_PORTS = {"http": 80, "https": 443}
# A crawl canonicalises the same URL several times (each listing, sitemap and feed that links it, the
# fetched page, its dedup): a bounded memo of recent URLs makes the repeats free (~0.1 ms each otherwise).
CANONICAL_MEMO_SIZE = 8192


@dataclass(frozen=True)
class UrlRules:
    tracking_names: frozenset[str]
    tracking_prefixes: tuple[str, ...]
    amp_flag_names: frozenset[str]
    amp_flag_values: dict[str, frozenset[str]]
    amp_path_segment: str
    host_alias_prefixes: tuple[str, ...]


@cache
def url_rules(path: Path = RULES_FILE) -> UrlRules:
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    lower = lambda values: frozenset(v.lower() for v in values)  # noqa: E731
    return UrlRules(
        tracking_names=lower(raw["tracking"]["names"]),
        tracking_prefixes=tuple(p.lower() for p in raw["tracking"]["prefixes"]),
        amp_flag_names=lower(raw["amp"]["flag_names"]),
        amp_flag_values={k.lower(): lower(v) for k, v in raw["amp"]["flag_values"].items()},
        amp_path_segment=raw["amp"]["path_segment"],
        host_alias_prefixes=tuple(p.lower() for p in raw["hosts"]["alias_prefixes"]),
    )


def is_tracking_param(name: str) -> bool:
    """True for query parameters that only carry attribution (utm_*, fbclid, ...)."""
    rules = url_rules()
    name = name.strip().lower()
    return name in rules.tracking_names or name.startswith(rules.tracking_prefixes)


def canonicalize_url(
    url: str,
    *,
    declared_canonical: str | None = None,
    site_domains: list[str] | None = None,
) -> str:
    """Return the canonical identity URL of an article page (see the module docstring)."""
    if declared_canonical and is_usable_canonical(url, declared_canonical, site_domains):
        url = urljoin(url, declared_canonical.strip())
    return _canonical_form(url, tuple(site_domains) if site_domains else ())


def is_usable_canonical(url: str, declared: str, site_domains: list[str] | None) -> bool:
    """A declared canonical counts only on the same site and when it is not the homepage.

    Sites often point rel=canonical at their homepage or at a partner site by mistake.
    """
    target = urlsplit(urljoin(url, declared.strip()))
    if target.scheme not in DEFAULT_PORTS or not target.hostname:
        return False
    if not target.path.strip("/") and not target.query:
        return False
    host = target.hostname.lower()
    on_listed_site = any(_host_under(host, d) for d in site_domains or [])
    return on_listed_site or _site_key(target) == _site_key(urlsplit(url))


@lru_cache(maxsize=CANONICAL_MEMO_SIZE)
def _canonical_form(url: str, site_domains: tuple[str, ...]) -> str:
    parts = urlsplit(w3lib_canonicalize_url(url.strip()))
    netloc = _netloc(parts, site_domains)
    return urlunsplit((parts.scheme, netloc, _drop_amp_path(parts.path), _clean_query(parts.query), ""))


def _netloc(parts: SplitResult, site_domains: tuple[str, ...]) -> str:
    host = (parts.hostname or "").lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    host = _fold_host_alias(host, site_domains)
    userinfo = parts.netloc.rpartition("@")[0]
    port = parts.port
    netloc = host if port is None or DEFAULT_PORTS.get(parts.scheme) == port else f"{host}:{port}"
    return f"{userinfo}@{netloc}" if userinfo else netloc


def _fold_host_alias(host: str, site_domains: tuple[str, ...]) -> str:
    prefixes = url_rules().host_alias_prefixes
    for domain in site_domains:
        domain = domain.lower()
        base = domain.removeprefix("www.")
        if host == base or any(host == f"{p}.{base}" for p in prefixes):
            return domain
    return host


def _clean_query(query: str) -> str:
    # Filter the already-canonical string pair by pair so its encoding stays untouched.
    pairs = [p for p in query.split("&") if p]
    return "&".join(p for p in pairs if not _is_dropped_param(p))


def _is_dropped_param(pair: str) -> bool:
    name, _, value = pair.partition("=")
    name, value = unquote(name).lower(), unquote(value).lower()
    rules = url_rules()
    if is_tracking_param(name) or name in rules.amp_flag_names:
        return True
    return value in rules.amp_flag_values.get(name, frozenset())


def _drop_amp_path(path: str) -> str:
    segment = url_rules().amp_path_segment
    segments = path.split("/")  # "/amp/a/b/" -> ["", "amp", "a", "b", ""]
    while len(segments) > 1 and segments[1] == segment:
        segments.pop(1)
    last = -2 if len(segments) > 2 and segments[-1] == "" else -1  # keep a trailing slash
    while len(segments) > 1 and segments[last] == segment:
        segments.pop(last)
    return "/" + "/".join(segments).lstrip("/")


def _host_under(host: str, domain: str) -> bool:
    domain = domain.lower()
    return host == domain or host.endswith("." + domain)


def _site_key(parts: SplitResult) -> str:
    """Registered domain (aljazeera.net for m.aljazeera.net); host:port for IPs and localhost."""
    return _host_site_key(parts.scheme, parts.netloc)


@lru_cache(maxsize=1024)  # a crawl meets few hosts; the public-suffix lookup costs ~0.3 ms
def _host_site_key(scheme: str, netloc: str) -> str:
    parts = urlsplit(f"{scheme}://{netloc}/")
    host = (parts.hostname or "").lower()
    _, registered = get_tldinfo(f"{scheme}://{host}/")
    return registered or f"{host}:{parts.port or DEFAULT_PORTS.get(scheme)}"
