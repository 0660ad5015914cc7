"""URL shapes: an article URL's path and query with its ids and slugs masked.

After a run, the shapes of the URLs that turned out to be articles are recorded per site in the
archive (`url_shapes`); the next run calls a link of a learned shape an article, so a site found
through its pages is crawled as cheaply as a catalog site. Two URLs have the same shape when
they differ only in numbers and slugs:

    /news/17.html            -> /news/{n}.html
    /?p=42                   -> /?p={n}
    /node/9                  -> /node/{n}
    /ar/politics/talks-12    -> /ar/politics/{id}
    /2024/03/15/some-story   -> /{n}/{n}/{n}/{slug}
"""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlsplit

DIGITS = re.compile(r"\d+")
EXTENSION = re.compile(r"^(?P<stem>.+?)(?P<ext>\.[A-Za-z][A-Za-z0-9]{0,4})$")
SLUG_MARKS = re.compile(r"[-_\s]|[^\x00-\x7f]")  # word separators, non-ASCII (Arabic) letters
LONG_WORD = 20  # a single word this long is a slug, not a section name


def url_shape(url: str) -> str:
    """The shape of `url` (scheme, host and fragment ignored)."""
    parts = urlsplit(url)
    segments = [segment_shape(s) for s in parts.path.split("/") if s]
    path = "/" + "/".join(segments)
    if len(segments) and parts.path.endswith("/"):
        path += "/"
    query = "&".join(f"{key}={value_shape(value)}" for key, value in sorted(parse_qsl(parts.query)))
    return f"{path}?{query}" if query else path


def segment_shape(segment: str) -> str:
    match = EXTENSION.match(segment)
    stem, ext = (match["stem"], match["ext"]) if match else (segment, "")
    stem = unquote(stem)  # %D8%B9 holds no number: judge the letters it encodes
    if stem.isdigit():
        return "{n}" + ext
    if DIGITS.search(stem):
        return "{id}" + ext  # a number joined to words: slug-123, a-68512345, 20240315-title
    if SLUG_MARKS.search(stem) or len(stem) >= LONG_WORD:
        return "{slug}" + ext
    return segment  # a constant word: a section, `news`, `node`


def value_shape(value: str) -> str:
    return "{n}" if value.isdigit() else "{v}"
