"""Arabic light stems: one leading proclitic group (conjunction, preposition, article) stripped.

Both the search (`archive.fts`: a query word also asks for the words whose stem it is) and the snippets
(`archive.snippets`, which highlight a stem's published spellings) read it, so it lives apart from both.
"""
from __future__ import annotations

from functools import lru_cache

PROCLITICS = ("وال", "فال", "بال", "كال", "لل", "ال", "و", "ف", "ب", "ل", "ك")
MIN_STEM = 3


@lru_cache(maxsize=1 << 16)  # a news vocabulary repeats: most tokens of a page were stemmed before
def light_stem(token: str) -> str:
    """Strip one leading proclitic group when enough of the word remains."""
    for prefix in PROCLITICS:
        if token.startswith(prefix) and len(token) - len(prefix) >= MIN_STEM:
            return token[len(prefix):]
    return token


@lru_cache(maxsize=1 << 12)
def proclitic_forms(stem: str) -> tuple[str, ...]:
    """The words `light_stem` takes back to `stem`: a proclitic group before it that is the one stripped
    (وال before و: `والكتاب` is a form of `كتاب`, not of `الكتاب`)."""
    return tuple(prefix + stem for prefix in PROCLITICS if light_stem(prefix + stem) == stem)
