"""Where the body's lines stand on the page: the article is one stretch of text, not the masthead or footer.

With class names that say nothing (or a CMS we never saw), the body finder may take a masthead line
(`الإشراف العام : … | رئيس التحرير : …`, above the headline) or the footer's tagline and credits along
with the article. Whatever the markup, those lines stand far from the article's own text: between them
and it lie menus, related stories and comments, text the body did not take. So each body line is found
in the page's visible text, the lines are cut into stretches wherever a long run of page text not
taken lies between two of them, and a stretch much smaller than the largest is dropped.

A line that cannot be found (trafilatura joined or split it) stays with the line before it.
"""
from __future__ import annotations

import re

from lxml import etree

SPACE = re.compile(r"\s+")
VISIBLE_TEXT = etree.XPath("//body//text()[not(parent::script) and not(parent::style) and not(parent::noscript)]",
                           smart_strings=False)
KEY_CHARS = 40  # how much of a line (spaces removed) is looked up in the page text
MIN_GAP_CHARS = 500  # page text between two lines (spaces removed) that cuts the body in two stretches...
GAP_BODY_SHARE = 0.5  # ...and no less than half the body's own length: a long article may hold a long block inside
MAX_STRAY_SHARE = 0.5  # a first or last stretch under half the largest one...
MAX_STRAY_LINE = 120  # ...made of short lines (on average) is the masthead or footer, not the article


def squashed(text: str) -> str:
    return SPACE.sub("", text)


def page_text(tree) -> str:
    return squashed("".join(VISIBLE_TEXT(tree)))


def positions(page: str, lines: list[str]) -> list[tuple[int, int] | None]:
    """(start, end) of each line in the page's visible text with spaces removed, in page order; None if not found."""
    found: list[tuple[int, int] | None] = []
    cursor = 0
    for line in lines:
        key = squashed(line)[:KEY_CHARS]
        start = page.find(key, cursor) if key else -1
        if start < 0:
            found.append(None)
            continue
        end = start + len(squashed(line))
        found.append((start, end))
        cursor = start + len(key)
    return found


def gap_limit(lines: list[str]) -> float:
    return max(MIN_GAP_CHARS, GAP_BODY_SHARE * sum(len(squashed(line)) for line in lines))


def stretches(lines: list[str], where: list[tuple[int, int] | None]) -> list[list[int]]:
    """Indexes of the lines cut into stretches at each long gap of page text not taken."""
    limit = gap_limit(lines)
    groups: list[list[int]] = []
    last_end = None
    for i, span in enumerate(where):
        if span is not None and last_end is not None and span[0] - last_end > limit:
            groups.append([])
        if not groups:
            groups.append([])
        groups[-1].append(i)
        if span is not None:
            last_end = span[1]
    return groups


def article_stretch(page: str, lines: list[str]) -> list[str]:
    """The lines without the stretches that stand far from the article's largest one and are much smaller;
    `page` is `page_text` of the tree before the body finder (trafilatura prunes the tree it reads)."""
    if len(lines) < 2:
        return lines
    where = positions(page, lines)
    groups = stretches(lines, where)
    if len(groups) < 2:
        return lines
    size = [sum(len(lines[i]) for i in g) for g in groups]
    main = groups[size.index(max(size))]
    spans = [where[i] for i in main if where[i] is not None]
    low, high = spans[0][0], spans[-1][1]
    stray = {i for g, s in zip((groups[0], groups[-1]), (size[0], size[-1]))
             if g is not main and s < MAX_STRAY_SHARE * max(size) and s < MAX_STRAY_LINE * len(g) for i in g}
    near = gap_limit(lines)
    for i in list(stray):
        key = squashed(lines[i])[:KEY_CHARS]
        if key and page.find(key, max(0, low - near), high + near) >= 0 and page.find(key, where[i][1] if where[i] else 0) >= 0:
            stray.discard(i)  # the line also stands inside the article (a teaser of this story above it repeated it)
    return [line for i, line in enumerate(lines) if i not in stray]
