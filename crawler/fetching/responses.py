"""What a fetched response becomes for the pipeline: a `FetchedPage`, its headers decoded."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from scrapy.http import Response

from crawler.items import FetchedPage


def fetched_page(
    response: Response, site: str, lastmod: str | None, known_id: int | None, via: list[str]
) -> FetchedPage:
    """The page of *site* in *response*; *via* are the redirect hops the spider followed itself."""
    headers = response.headers
    return FetchedPage(
        url=response.url,
        site=site,
        status=response.status,
        body=response.body,
        content_type=header(headers, b"Content-Type"),
        fetched_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        lastmod=lastmod,
        etag=header(headers, b"ETag"),
        last_modified=header(headers, b"Last-Modified"),
        redirect_urls=[*via, *response.meta.get("redirect_urls", [])],
        known_id=known_id,
        sitemap=response.meta.get("sitemap"),
        request_headers=decode_headers(response.request.headers) if response.request else {},
        response_headers=decode_headers(headers),
    )


def header(headers: Any, name: bytes) -> str | None:
    value = headers.get(name)
    return value.decode("latin-1") if value else None


def decode_headers(headers: Any) -> dict[str, str]:
    return {k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in headers.items()}
