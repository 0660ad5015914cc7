"""URL shapes: an article URL with its ids and slugs masked, and a pattern learned from many shapes.

    url_shape("https://x.net/news/123.html")             -> "/news/{id}.html"
    url_shape("https://x.net/sport/2024/3/15/big-win")   -> "/sport/{id}/{id}/{id}/{slug}"
    suggest_pattern([...])                                -> "^https?://[^/?#]+/[^/?#]+/\\d+/..."

Shared by `sites --check` (a suggested article pattern learned from the URLs a pattern misses)
and by anything else that learns what a site's article URLs look like. Masking is per segment:
digits are `{id}`, hex ids (uuids) `{hex}`, words joined by hyphens or Arabic text `{slug}`;
when several shapes differ only in one literal segment (the section), `{word}` stands for it.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

DIGITS = re.compile(r"\d+")
HEX_ID = re.compile(r"^(?=[0-9a-f-]*\d)(?=[0-9a-f-]*[a-f])[0-9a-f]{8}[0-9a-f-]*$", re.IGNORECASE)
LEADING_ID = re.compile(r"^\d+[-_](?=.*[^\W\d_])")
SLUG = re.compile(r"[-_]|[^\x00-\x7f]")
EXTENSION = re.compile(r"\.(?:html?|php|aspx?|jsp|ece|cms|shtml)$", re.IGNORECASE)
# What each mask stands for in a suggested regular expression.
MASK_REGEX = {"{id}": r"\d+", "{hex}": r"[0-9a-fA-F-]{8,}", "{slug}": r"[^/?#]+", "{word}": r"[^/?#]+"}
MASKS = re.compile("|".join(map(re.escape, MASK_REGEX)))


def url_shape(url: str) -> str:
    """The URL's path (and query names) with ids and slugs masked; scheme and host are dropped."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    shaped = [_segment_shape(unquote(s), last=i == len(segments) - 1) for i, s in enumerate(segments)]
    shape = "/" + "/".join(shaped)
    if parts.path.endswith("/") and segments:
        shape += "/"
    if parts.query:
        shape += "?" + "&".join(_query_shape(pair) for pair in parts.query.split("&") if pair)
    return shape


def _segment_shape(segment: str, *, last: bool) -> str:
    stem, extension = _split_extension(segment) if last else (segment, "")
    if stem.isdigit():
        return "{id}" + extension
    if HEX_ID.match(stem):
        return "{hex}" + extension
    if match := LEADING_ID.match(stem):  # /1712345-some-slug
        return "{id}" + match.group()[-1] + "{slug}" + extension
    if SLUG.search(stem) and (last or not stem.isascii()):
        return "{slug}" + extension
    return DIGITS.sub("{id}", stem) + extension


def _split_extension(segment: str) -> tuple[str, str]:
    match = EXTENSION.search(segment)
    return (segment[: match.start()], match.group()) if match else (segment, "")


def _query_shape(pair: str) -> str:
    name, _, value = pair.partition("=")
    return f"{name}={_segment_shape(unquote(value), last=False) if value else ''}"


@dataclass(frozen=True)
class Suggestion:
    """A pattern learned from URLs: the shape it was built from, its regex, and how many URLs it covers."""

    shape: str
    pattern: str
    matches: int
    of: int


def suggest_pattern(urls: list[str]) -> Suggestion | None:
    """The regex of the shape most of `urls` share (sections merged into `{word}`); None for no URLs."""
    if not urls:
        return None
    groups: dict[tuple, Counter[str]] = {}
    for shape, count in Counter(url_shape(u) for u in urls).items():
        groups.setdefault(_group_key(shape), Counter())[shape] += count
    best = max(groups.values(), key=lambda shapes: sum(shapes.values()))
    shape = merge_shapes(list(best))
    pattern = shape_regex(shape)
    compiled = re.compile(pattern)
    return Suggestion(shape, pattern, sum(1 for u in urls if compiled.search(u)), len(urls))


def _group_key(shape: str) -> tuple:
    """Shapes with the same masks in the same places, whatever their literal segments, form one group."""
    path, _, query = shape.partition("?")
    return tuple(s if MASKS.search(s) else "" for s in path.split("/")), query


def merge_shapes(shapes: list[str]) -> str:
    """One shape for shapes of one group: segments that differ between them become `{word}`."""
    split = [shape.split("/") for shape in shapes]
    merged = [column[0] if len(set(column)) == 1 else "{word}" for column in zip(*split)]
    return "/".join(merged)


def shape_regex(shape: str) -> str:
    """A regular expression (for `re.search` on absolute URLs) that accepts URLs of this shape."""
    path, _, query = shape.partition("?")
    body = _masked_regex(path.rstrip("/") or "/")
    if query:
        return rf"^https?://[^/?#]+{body}/?\?{_masked_regex(query)}(?:[&#]|$)"
    return rf"^https?://[^/?#]+{body}/?(?:[?#]|$)"


def _masked_regex(text: str) -> str:
    pieces, position = [], 0
    for match in MASKS.finditer(text):
        pieces += [re.escape(text[position : match.start()]), MASK_REGEX[match.group()]]
        position = match.end()
    return "".join(pieces + [re.escape(text[position:])])
