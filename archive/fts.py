"""Arabic full-text search: a contentless FTS5 index over the *normalised* text of each article.

Stored text keeps its tashkeel and letter forms; the index holds the postings of
`crawler.arabic.normalize` of it (and no copy of any text: `content=''`), and
queries are normalised the same way, so `اسرائيل` finds `إسرائيل` and `الجـزيرة`
finds `الجزيرة`. A fifth column holds light stems (leading conjunctions,
prepositions and the article stripped) so `الجزيرة` also finds `والجزيرة` and
`بالجزيرة`. Snippets are cut from the published text (`archive.snippets`).

A contentless index forgets a row only when told the exact values it indexed, so
`unindex_article` recomputes them from the stored text: changing `normalize` or
`light_stem` therefore needs a migration that rebuilds the index (`rebuild_fts`).
"""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

from archive.snippets import snippet
from archive.stems import light_stem
from crawler.arabic import normalize, tokens
from crawler.errors import UsageError


def stems_of(*texts: str | None) -> str:
    """The light stems that differ from their word (a word that is its own stem is indexed once, as itself)."""
    return stems_of_normalized(*(normalize(text) for text in texts if text))


WORD = re.compile(r"\w+")  # the tokens of `crawler.arabic.tokens`, taken from text normalised already


def stems_of_normalized(*texts: str) -> str:
    """`stems_of` for texts that went through `normalize` (it is not run twice over a body)."""
    words = (word for text in texts for word in WORD.findall(text))
    return " ".join(stem for word in words if (stem := light_stem(word)) != word)


@dataclass(frozen=True)
class SearchText:
    """The normalised columns of one article's index row (computable in an extraction worker)."""

    title: str
    lead: str
    body: str
    captions: str
    stems: str


def search_text(title: str | None, lead: str | None, body: str, captions: list[str]) -> SearchText:
    columns = (normalize(title or ""), normalize(lead or ""), normalize(body), normalize("\n".join(captions)))
    return SearchText(*columns, stems_of_normalized(*columns))


FTS_COLUMNS = "title, lead, body, captions, stems"
BM25_WEIGHTS = "10.0, 4.0, 1.0, 2.0, 0.5"  # title, lead, body, captions, stems


def index_article(conn: sqlite3.Connection, article_id: int, text: SearchText) -> None:
    """Add the index row of a new article (call inside the writing transaction)."""
    conn.execute(
        f"INSERT INTO articles_fts (rowid, {FTS_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
        (article_id, text.title, text.lead, text.body, text.captions, text.stems),
    )


def stored_search_text(conn: sqlite3.Connection, article_id: int) -> SearchText | None:
    """The index row of an archived article, recomputed from its stored text and captions."""
    row = conn.execute("SELECT title, lead, body FROM articles WHERE id = ?", (article_id,)).fetchone()
    if row is None:
        return None
    captions = [c for (c,) in conn.execute("SELECT text FROM captions WHERE article_id = ? ORDER BY id", (article_id,))]
    return search_text(*row, captions)


def unindex_article(conn: sqlite3.Connection, article_id: int, text: SearchText | None = None) -> None:
    """Remove an article's index row; call before its stored text or captions change. `text`: that row,
    when the caller computed it from the stored text already."""
    if text is None:
        text = stored_search_text(conn, article_id)
    if text is None:
        return
    conn.execute(
        f"INSERT INTO articles_fts (articles_fts, rowid, {FTS_COLUMNS}) VALUES ('delete', ?, ?, ?, ?, ?, ?)",
        (article_id, text.title, text.lead, text.body, text.captions, text.stems),
    )


def index_all_articles(conn: sqlite3.Connection) -> None:
    """Index every article into an empty index (the migrations that create one)."""
    for (article_id,) in conn.execute("SELECT id FROM articles ORDER BY id").fetchall():
        index_article(conn, article_id, stored_search_text(conn, article_id))


def rebuild_fts(conn: sqlite3.Connection) -> None:
    """Empty the index and index every article again (after a change of normalisation rules)."""
    conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('delete-all')")
    index_all_articles(conn)


@dataclass
class SearchHit:
    article_id: int
    url: str
    site: str
    title: str | None
    published: str | None
    snippet: str
    rank: float


def match_expression(query: str) -> str:
    """Turn a user query into a safe FTS5 expression: every word must match, as written or by its light stem
    (a document word equal to the stem, or whose own stem, in the `stems` column, is equal to it)."""
    terms = [part for token in tokens(query) for part in token.split("_") if part]  # `_` separates FTS5 tokens
    if not terms:
        raise UsageError("empty search query")
    parts = []
    for term in terms:
        stem = light_stem(term)
        parts.append(f'("{term}" OR "{stem}")' if stem != term else f'"{term}"')
    return " AND ".join(parts)


# FTS5 cannot prune by score: `ORDER BY bm25() LIMIT 20` scores every match, so a common word costs as many
# scorings as it has articles. It walks a doclist newest-first cheaply, though, so by default only the
# WINDOW most recently archived matches (the highest ids: ids grow with archival time) are scored.
DEFAULT_WINDOW = 5_000
# With --site/--since, at most this many of the newest matches are examined for WINDOW that pass, so a
# rare site or an old --since does not cost a check (a row lookup, ~3 us, for --since) per match.
SCAN_LIMIT = 10_000
COUNT_LIMIT = 100_000  # beyond a full window, matches are counted up to here ("more than 100,000")
# Published dates are local (up to +14 h) and clocks skew: an article published on or after `since`
# was first archived no earlier than this before `since`.
SINCE_MARGIN = timedelta(days=2)


@dataclass(frozen=True)
class Ranking:
    """Which matches the hits were ranked among: every one, or the most recently archived ones."""

    ranked: int  # matches scored (those passing the filters)
    window: int | None  # at most this many were scored; None: exhaustive
    scan_cut: bool  # with filters: the SCAN_LIMIT newest matches were examined, older ones were not
    filters: str = ""  # e.g. " on site aljazeera published since 2026-01-01"
    matches: int | None = None  # matches of the query in the whole archive, ignoring filters (None: not counted)
    more: bool = False  # the count stopped at COUNT_LIMIT: there are more than `matches`

    @property
    def complete(self) -> bool:
        """Every match passing the filters was ranked."""
        if self.window is None or self.matches == self.ranked and not self.more:
            return True
        return self.ranked < self.window and not self.scan_cut

    def notice(self) -> str:
        """One line for the reader: what the ranking covered."""
        if self.complete:
            return f"ranked all {self.ranked:,} matches{self.filters}"
        total = f"more than {self.matches:,}" if self.more else f"{self.matches:,}"
        if not self.filters:
            return f"ranked among the {self.window:,} most recently archived of {total} matches"
        if self.ranked == self.window:
            return (f"ranked among the {self.window:,} most recently archived matches{self.filters}; older ones "
                    f"were not ranked ({total} matches without the filters)")
        return (f"ranked the {self.ranked:,} matches{self.filters} among the {SCAN_LIMIT:,} most recently "
                f"archived of {total} matches; older ones were not examined")


class SearchResults(list):
    """The hits (a list of SearchHit, best first) and their `ranking`."""

    def __init__(self, hits: list[SearchHit], ranking: Ranking) -> None:
        super().__init__(hits)
        self.ranking = ranking


def search(
    conn: sqlite3.Connection,
    query: str,
    *,
    site: str | None = None,
    since: str | None = None,
    limit: int = 20,
    window: int | None = DEFAULT_WINDOW,
    exhaustive: bool = False,
) -> SearchResults:
    """Ranked hits (best first), each with a snippet of its published text around the matched words.

    bm25 ranks the `window` most recently archived matches that pass the filters (`exhaustive=True` or
    `window=None`: every match, at a cost that grows with the matches); `.ranking` says which were ranked.
    """
    expression = match_expression(query)
    if window is not None and window < 1:
        raise UsageError("the search window must be 1 or more matches")
    window = None if exhaustive else window
    rows, ranking = ranked_ids(conn, expression, site, since, limit, window)
    if not ranking.complete:
        matches, more = count_matches(conn, expression)
        ranking = replace(ranking, matches=matches, more=more)
    return SearchResults([hit(conn, query, article_id, rank) for article_id, rank in rows], ranking)


def ranked_ids(conn: sqlite3.Connection, expression: str, site: str | None, since: str | None, limit: int,
               window: int | None) -> tuple[list[tuple[int, float]], Ranking]:
    """(id, rank) of the best `limit` among the matches scored, and what was scored."""
    where, params, scan_cut = "articles_fts MATCH ?", [expression], False
    if (site or since) and window:  # bounds on ids: exhaustive ranking makes no assumption on them
        low = first_id_archived_since(conn, since) if since else 0
        low, scan_cut = scan_floor(conn, expression, low)
        where += " AND articles_fts.rowid >= ?"
        params.append(low)
    # Inside the scan, so a window holds `window` matches that pass the filters.
    if site:  # the site's ids from the covering index (site, fetched_at): no row lookup per match
        where += " AND +articles_fts.rowid IN (SELECT id FROM articles WHERE site = ?"
        params.append(site)
        if window:  # fetched_at >= first_seen, which grows with the id: only the ids of the scan
            where += (" AND fetched_at >= COALESCE((SELECT first_seen FROM articles WHERE id >= ? ORDER BY id LIMIT 1),"
                      " '') AND id >= ?")
            params += [low, low]
        where += ")"
    if since:
        where += (" AND EXISTS (SELECT 1 FROM articles a WHERE a.id = articles_fts.rowid"
                  " AND COALESCE(a.published, a.fetched_at) >= ?)")
        params.append(since)
    scan = f"SELECT rowid AS id, bm25(articles_fts, {BM25_WEIGHTS}) AS rank FROM articles_fts WHERE {where}"
    if window:
        scan += " ORDER BY rowid DESC LIMIT ?"
        params.append(window)
    # Counting in the ranking statement (count(*) OVER ()) buffers every scored row: twice the time of an
    # exhaustive top-N sort, which a second walk without scoring avoids (unless it needs a row per match).
    count_apart = window is None and not since
    over = "" if count_apart else ", count(*) OVER ()"
    rows = conn.execute(f"SELECT id, rank{over} FROM ({scan}) ORDER BY rank LIMIT ?", [*params, limit]).fetchall()
    if count_apart:
        ranked = conn.execute(f"SELECT count(*) FROM articles_fts WHERE {where}", params).fetchone()[0]
    else:
        ranked = rows[0][2] if rows else 0
    if scan_cut and ranked == window:
        scan_cut = False  # the window filled up before the scan's end: the window, not the scan, cut
    return [(r[0], r[1]) for r in rows], Ranking(ranked, window, scan_cut, filter_text(site, since))


def filter_text(site: str | None, since: str | None) -> str:
    return (f" on site {site}" if site else "") + (f" published since {since}" if since else "")


def scan_floor(conn: sqlite3.Connection, expression: str, low: int) -> tuple[int, bool]:
    """The lowest id among the SCAN_LIMIT newest matches at or above `low`, and whether that cut any off."""
    floor, examined = conn.execute(
        "SELECT min(rowid), count(*) FROM (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? AND rowid >= ?"
        " ORDER BY rowid DESC LIMIT ?)", (expression, low, SCAN_LIMIT)).fetchone()
    return (floor, True) if examined == SCAN_LIMIT else (low, False)


def count_matches(conn: sqlite3.Connection, expression: str) -> tuple[int, bool]:
    """Matches of `expression` in the whole index, counted up to COUNT_LIMIT (no scoring: a doclist walk)."""
    (count,) = conn.execute(
        "SELECT count(*) FROM (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? LIMIT ?)",
        (expression, COUNT_LIMIT + 1)).fetchone()
    return min(count, COUNT_LIMIT), count > COUNT_LIMIT


def first_id_archived_since(conn: sqlite3.Connection, since: str) -> int:
    """The lowest id first archived at or after `since` - SINCE_MARGIN (0 when `since` is no ISO date).

    Ids grow with archival time (`first_seen`) and an article is archived after it is published, so no
    article published since `since` has a lower id: a binary search over ids, ~20 primary-key lookups.
    """
    try:
        when = datetime.fromisoformat(since)
    except ValueError:
        return 0
    if when.tzinfo is not None:
        when = when.astimezone(timezone.utc).replace(tzinfo=None)
    threshold = (when - SINCE_MARGIN).isoformat(timespec="seconds")
    # Two statements: SQLite reads min() or max() of the rowid from the b-tree's ends, not both at once.
    low = conn.execute("SELECT COALESCE(min(id), 0) FROM articles").fetchone()[0]
    high = conn.execute("SELECT COALESCE(max(id), 0) + 1 FROM articles").fetchone()[0]
    while low < high:
        middle = (low + high) // 2
        row = conn.execute("SELECT id, first_seen FROM articles WHERE id >= ? ORDER BY id LIMIT 1", (middle,)).fetchone()
        if row is None or row[1] is None or row[1] >= threshold:
            high = middle
        else:
            low = row[0] + 1
    return low


def hit(conn: sqlite3.Connection, query: str, article_id: int, rank: float) -> SearchHit:
    """A hit with its snippet: texts are read for the hits only, never for every match."""
    url, site, title, published, lead, body = conn.execute(
        "SELECT url, site, title, published, lead, body FROM articles WHERE id = ?", (article_id,)).fetchone()
    captions = [c for (c,) in conn.execute("SELECT text FROM captions WHERE article_id = ? ORDER BY id", (article_id,))]
    return SearchHit(article_id, url, site, title, published, snippet(query, [body, lead, title, *captions]), rank)
