"""Near-duplicate detection: MinHash signatures of word shingles, indexed by LSH band tables.

Signatures are datasketch MinHashes with a pinned scheme ("affine32"), seed and hash function
(sha1-based, not Python's salted `hash`), so a signature computed today equals one computed in
another process or after a restart. They are b-bit MinHashes: the low 16 bits of each 32-bit
minimum, stored as little-endian uint16 (256 bytes at 128 permutations; archives of schema 5 and
older stored all 32 bits, and `compact_signature` converts those exactly). Two different minima
agree in their low 16 bits by chance with probability 2^-16, so a pair's estimate differs from the
32-bit one (by 1/128) with probability under 0.2%: the near-duplicate decisions are those of the
32-bit values, in half the bytes on disk and in memory.

The index keeps its own band tables (dict per band: band key -> keys) instead of datasketch's
MinHashLSH: rebuilding from stored bytes is then slicing and hashing bytes, 20-40x faster at start-up
than re-creating MinHash objects for MinHashLSH (12.7 s for 100k signatures, measured). A band key
is Python's hash of the band's bytes cut to 60 bits, an int of 32 bytes instead of a bytes object
of 59: with the 16-bit values the index takes 40% less memory than with bytes of 32-bit values
(105 instead of 175 MiB for 100k signatures, tracemalloc). Two different bands share a key with
probability 2^-60, and every candidate is verified with the estimated Jaccard similarity, so hash
and LSH false positives are dropped. The band layout comes from datasketch's own optimiser for the
threshold.

Pass the article body, not title + body: outlets re-headline agency copy, and on a 260-word story a
new headline alone lowers the similarity by about 0.08 (see tests/text/test_neardup.py).

A text without words has the "empty" signature; it is neither indexed nor matched, since all empty
texts would otherwise be near-duplicates of each other.
"""
from __future__ import annotations

import tomllib
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from crawler.text.identity import shingles

if TYPE_CHECKING:
    from datasketch import MinHash

SIGNATURE_DTYPE = np.dtype("<u2")  # the low 16 bits of each minimum (b-bit MinHash)
FULL_SIGNATURE_DTYPE = np.dtype("<u4")  # the 32-bit minima archives of schema version <= 5 stored
MINHASH_SCHEME = "affine32"
MINHASH_SEED = 20240601  # fixed forever: changing it invalidates every stored signature
BAND_KEY_MASK = (1 << 60) - 1
BAND_LAYOUTS = Path(__file__).parent.parent / "data" / "minhash_bands.toml"
# datasketch starts every minimum at 2^32 - 1, so a text without shingles keeps them all: its low 16 bits.
EMPTY_MINIMUM = 0xFFFF
# datasketch is imported only where a signature is computed (the extraction workers): importing it imports
# scipy (~1.2 s of CPU), which the crawl process, which only indexes and queries signatures, does without.


@cache
def known_band_layouts() -> dict[tuple[float, int], tuple[int, int]]:
    with open(BAND_LAYOUTS, "rb") as fh:
        entries = tomllib.load(fh)["layout"]
    return {(e["threshold"], e["num_perm"]): (e["bands"], e["rows"]) for e in entries}


@cache
def band_layout(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band) minimising false positives + false negatives, as MinHashLSH picks them."""
    known = known_band_layouts().get((threshold, num_perm))
    if known is not None:
        return known
    from datasketch.lsh import _optimal_param

    return _optimal_param(threshold, num_perm, 0.5, 0.5)


def empty_signature(num_perm: int) -> bytes:
    """The signature of a text without words (datasketch's untouched MinHash)."""
    return np.full(num_perm, EMPTY_MINIMUM, dtype=SIGNATURE_DTYPE).tobytes()


def compact_signature(full: bytes | memoryview) -> bytes:
    """A stored 32-bit signature (schema <= 5) as the 16-bit one `NearDupIndex.signature` now gives."""
    return (np.frombuffer(full, dtype=FULL_SIGNATURE_DTYPE) & 0xFFFF).astype(SIGNATURE_DTYPE).tobytes()


def minhash_signature(minhash: "MinHash") -> bytes:
    return (minhash.hashvalues & 0xFFFF).astype(SIGNATURE_DTYPE).tobytes()


class NearDupIndex:
    def __init__(self, threshold: float = 0.8, num_perm: int = 128, shingle_size: int = 5) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError("threshold must be in (0, 1]")
        self.threshold = threshold
        self.num_perm = num_perm
        self.shingle_size = shingle_size
        bands, rows = band_layout(threshold, num_perm)
        width = rows * SIGNATURE_DTYPE.itemsize
        self._band_slices = [slice(b * width, (b + 1) * width) for b in range(bands)]
        # Per band: band key -> first key, and (rare) band key -> further keys. Holding only
        # ints keeps the big dicts untracked by the garbage collector; one list value would
        # make a full collection walk every entry (measured: ~5x slower lookups at 100k).
        self._tables: list[dict[int, int]] = [{} for _ in range(bands)]
        self._collisions: list[dict[int, tuple[int, ...]]] = [{} for _ in range(bands)]
        self._signatures: dict[int, bytes] = {}
        self._empty = empty_signature(num_perm)
        self._permutations = None  # datasketch's, drawn from the seed once (~0.4 ms a MinHash otherwise)

    def _new_minhash(self) -> "MinHash":
        from datasketch import MinHash

        minhash = MinHash(num_perm=self.num_perm, seed=MINHASH_SEED, scheme=MINHASH_SCHEME,
                          permutations=self._permutations)
        self._permutations = minhash.permutations
        return minhash

    def signature(self, text: str) -> bytes:
        """Serialisable (b-bit) MinHash of the text's normalised word shingles."""
        minhash = self._new_minhash()
        minhash.update_batch([s.encode("utf-8") for s in shingles(text, self.shingle_size)])
        return minhash_signature(minhash)

    def add(self, key: int, signature: bytes) -> None:
        """Index a signature under its archive key (the article id).

        Adding a key again replaces its signature: a new version of an article is matched by
        its current text only, as the archive keeps one signature per article.
        """
        signature = self._checked(signature)
        self._add(key, signature, self._band_keys(signature))

    def load(self, items: Iterable[tuple[int, bytes]]) -> None:
        """Bulk rebuild from stored (key, signature) pairs, e.g. at start-up."""
        for key, signature in items:
            self.add(key, signature)

    def query(self, signature: bytes) -> list[int]:
        """Keys whose estimated Jaccard similarity with `signature` is at least the threshold."""
        signature = self._checked(signature)
        if signature == self._empty:
            return []
        candidates: set[int] = set()
        for table, collisions, band_key in zip(self._tables, self._collisions, self._band_keys(signature)):
            first = table.get(band_key)
            if first is not None:
                candidates.add(first)
                candidates.update(collisions.get(band_key, ()))
        return sorted(k for k in candidates if self.similarity(signature, self._signatures[k]) >= self.threshold)

    def similarity(self, first: bytes, second: bytes) -> float:
        """Estimated Jaccard similarity of two signatures (share of equal values)."""
        a = np.frombuffer(first, dtype=SIGNATURE_DTYPE)
        b = np.frombuffer(second, dtype=SIGNATURE_DTYPE)
        return float(np.count_nonzero(a == b)) / self.num_perm

    def __len__(self) -> int:
        return len(self._signatures)

    def __contains__(self, key: object) -> bool:
        return key in self._signatures

    def _band_keys(self, signature: bytes) -> list[int]:
        """The signature's band keys: Python's hash of each band's bytes, kept to 60 bits (a 32-byte int).
        The hash is salted per process, which is fine: band keys are never stored."""
        return [hash(signature[band]) & BAND_KEY_MASK for band in self._band_slices]

    def _add(self, key: int, signature: bytes, band_keys: list[int]) -> None:
        if key in self._signatures:
            self._remove(key)
        self._signatures[key] = signature
        if signature == self._empty:
            return
        for table, collisions, band_key in zip(self._tables, self._collisions, band_keys):
            if table.setdefault(band_key, key) != key:
                collisions[band_key] = collisions.get(band_key, ()) + (key,)

    def _remove(self, key: int) -> None:
        signature = self._signatures.pop(key)
        if signature == self._empty:
            return
        for table, collisions, band_key in zip(self._tables, self._collisions, self._band_keys(signature)):
            others = collisions.pop(band_key, ())
            if table[band_key] == key:
                if others:
                    table[band_key], others = others[0], others[1:]
                else:
                    del table[band_key]
            else:
                others = tuple(k for k in others if k != key)
            if others:
                collisions[band_key] = others

    def _checked(self, signature: bytes | bytearray | memoryview) -> bytes:
        signature = bytes(signature)  # SQLite BLOBs may come back as memoryview
        expected = self.num_perm * SIGNATURE_DTYPE.itemsize
        if len(signature) != expected:
            raise ValueError(f"signature has {len(signature)} bytes, expected {expected} ({self.num_perm} x uint16)")
        return signature
