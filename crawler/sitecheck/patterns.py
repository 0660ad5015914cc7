"""An article pattern learned from URLs, through their shapes (`crawler.discovery.shapes.url_shape`).

    suggest_pattern(["https://x.net/news/17.html", "https://x.net/news/9.html"])
    -> Suggestion(shape="/news/{n}.html", pattern="^https?://[^/?#]+/news/\\d+\\.html/?(?:[?#]|$)", ...)

The shapes are the ones the ad-hoc sites learn (numbers, ids and slugs masked); when the commonest
shapes differ only in a constant segment (the section), `{word}` stands for it.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from crawler.discovery.shapes import url_shape

# What each mask stands for in a regular expression; an unknown mask is any one segment.
MASK_REGEX = {"{n}": r"\d+", "{id}": r"[^/?#]*\d[^/?#]*", "{slug}": r"[^/?#]+", "{word}": r"[^/?#]+",
              "{v}": r"[^&#]*"}
MASK = re.compile(r"\{[a-z]+\}")


@dataclass(frozen=True)
class Suggestion:
    """A pattern learned from URLs: the shape it was built from, its regex, and how many URLs it accepts."""

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
        groups.setdefault(group_key(shape), Counter())[shape] += count
    best = max(groups.values(), key=lambda shapes: sum(shapes.values()))
    shape = merge_shapes(list(best))
    compiled = re.compile(pattern := shape_regex(shape))
    return Suggestion(shape, pattern, sum(1 for u in urls if compiled.search(u)), len(urls))


def group_key(shape: str) -> tuple:
    """Shapes with the same masks in the same places, whatever their constant segments, form one group."""
    path, _, query = shape.partition("?")
    return tuple(s if MASK.search(s) else "" for s in path.split("/")), query


def merge_shapes(shapes: list[str]) -> str:
    """One shape for shapes of one group: segments that differ between them become `{word}`."""
    columns = zip(*(shape.split("/") for shape in shapes))
    return "/".join(column[0] if len(set(column)) == 1 else "{word}" for column in columns)


def shape_regex(shape: str) -> str:
    """A regular expression (for `re.search` on absolute URLs) accepting URLs of this shape, any host."""
    path, _, query = shape.partition("?")
    body = rf"^https?://[^/?#]+{masked_regex(path.rstrip('/') or '/')}/?"
    if not query:
        return body + r"(?:[?#]|$)"
    # Query parameters in any order, each with its masked value.
    needs = "".join(rf"(?=(?:[^#]*&)?{masked_regex(pair)}(?:[&#]|$))" for pair in query.split("&"))
    return body + r"\?" + needs


def masked_regex(text: str) -> str:
    pieces, position = [], 0
    for match in MASK.finditer(text):
        pieces += [re.escape(text[position : match.start()]), MASK_REGEX.get(match.group(), r"[^/?#]+")]
        position = match.end()
    return "".join(pieces + [re.escape(text[position:])])
