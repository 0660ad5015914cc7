"""Content identity: an exact-duplicate hash and word shingles for near-duplicate detection.

`content_hash` hashes the body only, as the space-joined `crawler.text.arabic.tokens` of it: spelling
variants (tashkeel, tatweel, hamza/alef, yaa/alef maqsura, taa marbuta), invisible bidi marks,
Eastern digits, punctuation and whitespace do not change it. The title does not take part: agencies'
copies of one story are often re-headlined by each outlet, and the same body under a new headline is
the same article. The title is used only when the body has no words (video or photo pages), so such
pages do not all share the hash of the empty string.
"""
from __future__ import annotations

import hashlib

from crawler.text.arabic import tokens




def content_hash(title: str | None, body: str) -> str:
    """Hex sha256 of the normalised words of `body` (of `title` when the body has none)."""
    words = tokens(body or "") or tokens(title or "")
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()


def shingles(text: str, size: int = 5) -> set[str]:
    """Overlapping `size`-word shingles of the normalised text; a text shorter than `size` is one shingle."""
    if size < 1:
        raise ValueError("shingle size must be at least 1")
    words = tokens(text)
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}
