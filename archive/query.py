"""The search query syntax, parsed once for the CLI `search`, the served search page, `archive.fts.search`
and `export --query`.

    النفط الدولار              all words (the default)
    "وقف إطلاق النار"          an exact phrase (its words next to each other, in this order)
    النفط OR الدولار           either word (also `أو`); binds tighter than the spaces around it
    -السعودية                  no article with this word (also -"a phrase", -prefix*)
    اقتصاد*                    any word starting with these letters (at least 2)
    site:aljazeera             only this catalog site (repeat for any of several)
    section:سياسة              only this section (section:"شؤون دولية" for a name with a space)

Words are folded as the index folds them (`crawler.text.arabic.normalize`: hamza/alef, yaa, taa marbuta,
tashkeel, tatweel, digits), so every spelling finds every other. A query that cannot be read raises
`UsageError` with one line that says why; nothing here touches a database.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.text.arabic import tokens
from crawler.errors import UsageError

MAX_QUERY_CHARS = 1000  # a query is typed by a person; longer input is refused before any work
MAX_TERMS = 30  # distinct terms: bounds the index expression and the snippet's regular expression
MIN_PREFIX = 2  # letters before `*`: a one-letter prefix would expand to most of the vocabulary
OR_WORDS = ("OR", "أو")
FIELDS = ("site", "section")

# One piece of a query: an optional `-`, then a field, a quoted phrase (maybe unclosed) or a bare word.
PIECE = re.compile(r'(?P<neg>-)?(?:(?P<field>[A-Za-z]+):(?P<value>"[^"]*"?|\S*)|(?P<phrase>"[^"]*"?)|(?P<word>\S+))')


@dataclass(frozen=True)
class Term:
    """Normalised words that must appear in this order (one word, or a phrase); `prefix`: the last is a prefix."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class Query:
    """All `groups` must match (a group matches when any of its terms does); no `excluded` term may."""

    groups: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...] = ()
    sites: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()

    @property
    def wanted(self) -> tuple[Term, ...]:
        """The terms looked for (what a snippet highlights)."""
        return tuple(term for group in self.groups for term in group)


@dataclass
class Piece:
    negated: bool
    field: str | None = None
    value: str | None = None
    term: Term | None = None
    is_or: bool = False


def parse(text: str) -> Query:
    """The query `text` read by the syntax above; UsageError (one line) when it cannot be read."""
    if len(text) > MAX_QUERY_CHARS:
        raise UsageError(f"the search query is {len(text):,} characters long; at most {MAX_QUERY_CHARS:,} are read")
    pieces = [piece for match in PIECE.finditer(text) if (piece := read_piece(match)) is not None]
    groups, excluded, sites, sections = join_groups(pieces)
    if not groups:
        raise UsageError("empty search query: no word to look for" + (" (only -words)" if excluded else ""))
    if len({*(t for g in groups for t in g), *excluded}) > MAX_TERMS:
        raise UsageError(f"the search query has more than {MAX_TERMS} different terms")
    return Query(tuple(dict.fromkeys(groups)), tuple(dict.fromkeys(excluded)), tuple(dict.fromkeys(sites)),
                 tuple(dict.fromkeys(sections)))


def read_piece(match: re.Match) -> Piece | None:
    negated = bool(match["neg"])
    if match["field"] is not None:
        field = match["field"].lower()
        if field not in FIELDS:
            raise UsageError(f"unknown search field {match['field']}: (use site: or section:)")
        value = match["value"]
        if value.startswith('"'):
            value = closed_phrase(value)
        if negated:
            raise UsageError(f"-{field}: is not supported; use {field}: for the one you want")
        if not value.strip():
            raise UsageError(f"{field}: needs a value, e.g. {field}:NAME")
        return Piece(False, field=field, value=value.strip())
    if match["phrase"] is not None:
        words = query_words(closed_phrase(match["phrase"]))
        return Piece(negated, term=Term(words)) if words else None
    word = match["word"]
    if word in OR_WORDS and not negated:
        return Piece(False, is_or=True)
    return word_piece(word, negated)


def query_words(text: str) -> tuple[str, ...]:
    """The normalised words of `text` as the index splits them (`_` is a word character to \\w, not to FTS5)."""
    return tuple(part for token in tokens(text) for part in token.split("_") if part)


def closed_phrase(quoted: str) -> str:
    if len(quoted) < 2 or not quoted.endswith('"'):
        raise UsageError(f'a phrase opened with " is not closed: {quoted[:40]}')
    return quoted[1:-1]


def word_piece(word: str, negated: bool) -> Piece | None:
    prefix = word.endswith("*")
    words = query_words(word.rstrip("*"))
    if not words:
        if prefix:
            raise UsageError("* ends a prefix: put at least 2 letters before it (e.g. اقتصاد*)")
        return None  # punctuation alone (، or -) looks for nothing
    if prefix and len(words[-1]) < MIN_PREFIX:
        raise UsageError(f"a prefix needs at least {MIN_PREFIX} letters before *: {word}")
    return Piece(negated, term=Term(words, prefix))  # `al-jazeera` is the phrase "al jazeera", as FTS5 reads it


def join_groups(pieces: list[Piece]) -> tuple[list[tuple[Term, ...]], list[Term], list[str], list[str]]:
    """Group the terms joined by OR; set the excluded terms and the field filters apart."""
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    filters: dict[str, list[str]] = {field: [] for field in FIELDS}
    joining = False  # the previous piece was OR
    for i, piece in enumerate(pieces):
        if piece.is_or:
            if joining or not groups or i == 0 or not can_join(pieces[i - 1]):
                raise UsageError("OR needs a word to look for on each side (e.g. النفط OR الدولار)")
            joining = True
            continue
        if joining and not can_join(piece):
            raise UsageError("OR needs a word to look for on each side (e.g. النفط OR الدولار)")
        if piece.field:
            filters[piece.field].append(piece.value)
        elif piece.negated:
            excluded.append(piece.term)
        elif joining:
            groups[-1].append(piece.term)
        else:
            groups.append([piece.term])
        joining = False
    if joining:
        raise UsageError("OR needs a word to look for on each side (e.g. النفط OR الدولار)")
    return [tuple(dict.fromkeys(g)) for g in groups], excluded, filters["site"], filters["section"]


def can_join(piece: Piece) -> bool:
    return piece.term is not None and not piece.negated
