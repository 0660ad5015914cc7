"""Arabic light stems: one leading proclitic group (conjunction, preposition, article) stripped.

Both the index (`archive.fts`, the stems column and query terms) and the snippets (`archive.snippets`,
which highlight a stem's published spellings) read it, so it lives apart from both.
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
