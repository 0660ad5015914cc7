"""Search snippets in the article's own published words.

The index (`articles_fts`) is contentless: it holds no text, only the postings of
the *normalised* words. A snippet is therefore cut from the stored text in
`articles`, as published (hamza, taa marbuta, tashkeel, tatweel kept). Each query
term becomes a regular expression over the published spelling: every letter
accepts the letters `crawler.text.arabic.normalize` folds into it (ا accepts أ إ آ ٱ,
ه accepts ة, 0 accepts ٠ ۰...), tashkeel/tatweel may sit between letters, and a
leading proclitic group may precede the light stem, mirroring how the index
matches (`term OR stems:stem`).
"""
from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from typing import TYPE_CHECKING

from archive.stems import PROCLITICS, light_stem
from crawler.text.arabic import EASTERN_DIGITS, LETTER_FOLDS, TASHKEEL

if TYPE_CHECKING:
    from archive.query import Query

# Characters that normalise away inside a word: tashkeel, tatweel and invisible controls.
INWORD = TASHKEEL.pattern[1:-1] + "\u0640\u200b-\u200f\u202a-\u202e\u2066-\u2069\u061c\ufeff\u00ad"
WORD_CHAR = rf"[\w{INWORD}]"
WORD = re.compile(rf"{WORD_CHAR}+")
DEFAULT_WORDS = 12


def _variants() -> dict[str, str]:
    """Normalised character -> every character that folds into it (itself included)."""
    found: dict[str, set[str]] = defaultdict(set)
    for table in (LETTER_FOLDS, EASTERN_DIGITS):
        for source, target in table.items():
            found[chr(target) if isinstance(target, int) else target].add(chr(source))
    return {target: "".join(sorted(chars | {target})) for target, chars in found.items()}


VARIANTS = _variants()


def spelling_pattern(normalised: str) -> str:
    """A regex matching `normalised` as it may be published."""
    letters = (f"[{re.escape(VARIANTS.get(c, c))}]" for c in normalised)
    return f"[{INWORD}]*".join(letters)


@lru_cache(maxsize=256)
def query_pattern(query: "str | Query") -> re.Pattern[str] | None:
    """One regex for every term a query looks for: a word as written or a proclitic group + its light stem,
    a prefix followed by any letters, each word of a phrase. None for a query that cannot be read (its
    error is the search's to report) or looks for nothing. The parser bounds the terms, so the regex too."""
    from archive.query import parse

    try:
        parsed = parse(query) if isinstance(query, str) else query
    except ValueError:
        return None
    prefixes = "|".join(spelling_pattern(p) + f"[{INWORD}]*" for p in PROCLITICS)
    alternatives: dict[str, None] = {}  # ordered and without repeats: a phrase may repeat a word
    for term in parsed.wanted:
        for i, word in enumerate(term.words):
            if term.prefix and i == len(term.words) - 1:
                alternatives[f"(?:{prefixes})?{spelling_pattern(word)}{WORD_CHAR}*"] = None
                continue
            alternatives[spelling_pattern(word)] = None
            alternatives[f"(?:{prefixes})?{spelling_pattern(light_stem(word))}"] = None
    if not alternatives:
        return None
    body = "|".join(f"(?:{a})" for a in alternatives)
    return re.compile(rf"(?<!{WORD_CHAR})(?:{body})[{INWORD}]*(?!{WORD_CHAR})", re.IGNORECASE)


def snippet(query: "str | Query", texts: list[str | None], *, start: str = "[", end: str = "]",
            ellipsis: str = " … ", words: int = DEFAULT_WORDS) -> str:
    """About `words` published words around the densest matches of `query` in the first of `texts`
    (title, lead, body, captions...) that matches best, with matched words between `start` and `end`."""
    pattern = query_pattern(query)
    best: tuple[int, str, list[re.Match]] | None = None
    for text in texts:
        if not text:
            continue
        matches = list(pattern.finditer(text)) if pattern else []
        distinct = len({m.group().lower() for m in matches})
        if best is None or distinct > best[0]:
            best = (distinct, text, matches)
    if best is None:
        return ""
    _, text, matches = best
    return cut(text, matches, start, end, ellipsis, words)


def cut(text: str, matches: list[re.Match], start: str, end: str, ellipsis: str, words: int) -> str:
    spans = [m.span() for m in WORD.finditer(text)]
    if not spans:
        return ""
    hit_starts = {m.start() for m in matches}
    hit_words = [i for i, (s, _) in enumerate(spans) if s in hit_starts]
    first = window_start(hit_words, len(spans), words)
    last = min(len(spans), first + words)
    pieces, cursor = [], spans[first][0]
    for i in range(first, last):
        s, e = spans[i]
        pieces.append(text[cursor:s])
        pieces.append(f"{start}{text[s:e]}{end}" if i in hit_words else text[s:e])
        cursor = e
    out = "".join(pieces)
    if first > 0:
        out = ellipsis.lstrip() + out
    if last < len(spans):
        out += ellipsis.rstrip()
    return out.replace("\n\n", " ")


def window_start(hit_words: list[int], total: int, words: int) -> int:
    """First word of the window holding the most hits (a little context before the first one)."""
    if not hit_words:
        return 0
    best_start, best_count = hit_words[0], 0
    for i, first_hit in enumerate(hit_words):
        count = sum(1 for w in hit_words[i:] if w < first_hit + words)
        if count > best_count:
            best_start, best_count = first_hit, count
    context = min(words // 4, best_start)
    return max(0, min(best_start - context, total - words))
