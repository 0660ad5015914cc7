"""Arabic full-text search: ranked hits over the contentless FTS5 index of normalised text.

Stored text keeps its tashkeel and letter forms; the index (`archive.ftsindex`) holds the postings
of `crawler.text.arabic.normalize` of it, and queries are normalised the same way, so `اسرائيل`
finds `إسرائيل` and `الجـزيرة` finds `الجزيرة`. A query word also asks for its light stem and
every word whose light stem either is (leading conjunctions, prepositions and the article:
`archive.stems`), so `الجزيرة` also finds `جزيرة`, `والجزيرة` and `بالجزيرة`. Snippets are cut from
the published text (`archive.snippets`); what narrows a search besides its words is `archive.filters`.
"""
from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone

from archive.filters import DATE_OF, Filters, checked_filters, placeholders, row_conditions
from archive.ftsindex import BM25_WEIGHTS, SearchText, index_article, rebuild_fts, search_text, unindex_article
from archive.query import Query, Term
from archive.query import parse as parse_query
from archive.snippets import snippet
from archive.stems import PROCLITICS, light_stem, proclitic_forms
from crawler.errors import UsageError

# Importable from here as before the split (README, export, the reading room, callers of the index).
__all__ = ["DEFAULT_WINDOW", "Filters", "MAX_OFFSET", "SORTS", "SearchHit", "SearchResults", "SearchText", "checked_filters",
           "first_id_archived_since", "index_article", "match_expression", "parse_query", "rebuild_fts", "row_conditions",
           "search", "search_text", "unindex_article"]


@dataclass
class SearchHit:
    article_id: int
    url: str
    site: str
    title: str | None
    published: str | None
    snippet: str
    rank: float
    section: str | None = None
    language: str | None = None
    fetched_at: str | None = None
    also_on: list[dict] = field(default_factory=list)  # the other articles of its near-duplicate cluster

    @property
    def other_sites(self) -> list[str]:
        """The other sites that carry this article (its near-duplicates), by name."""
        return sorted({other["site"] for other in self.also_on} - {self.site})


def match_expression(query: str | Query) -> str:
    """A user query (see `archive.query`) as a safe FTS5 expression over the normalised index: every word
    matches as written, as its light stem, or as a word whose light stem is either (`term_forms`); a
    prefix also after a proclitic group; phrases, OR groups and -exclusions as the syntax says."""
    parsed = parse_query(query) if isinstance(query, str) else query
    groups = [" OR ".join(term_expression(t) for t in group) for group in parsed.groups]
    wanted = " AND ".join(f"({g})" if len(group) > 1 else g for g, group in zip(groups, parsed.groups))
    if not parsed.excluded:
        return wanted
    return f"({wanted}) NOT ({' OR '.join(term_expression(t) for t in parsed.excluded)})"


def term_expression(term: Term) -> str:
    words = term.words
    if term.prefix and len(words) == 1:  # a stem starting so, after any proclitic group
        return "(" + " OR ".join(f'"{form}" *' for form in (words[0], *(p + words[0] for p in PROCLITICS))) + ")"
    if term.prefix:
        return f'"{" ".join(words)}" *'
    if len(words) > 1:
        return f'"{" ".join(words)}"'
    forms = term_forms(words[0])
    return f'"{forms[0]}"' if len(forms) == 1 else "(" + " OR ".join(f'"{form}"' for form in forms) + ")"


def term_forms(word: str) -> tuple[str, ...]:
    """The index words a query word matches: itself, its light stem, and each word whose light stem is one
    of those two (what the index's stems column matched until schema 9, now asked for at query time)."""
    stem = light_stem(word)
    return tuple(dict.fromkeys((word, stem, *proclitic_forms(word), *proclitic_forms(stem))))


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


SORTS = ("relevance", "date")
MAX_LIMIT = 1000  # hits per call: a page of results, not a dump (that is `export --query`)
MAX_OFFSET = 100_000  # how deep paging goes
FACETS = ("site", "section", "month", "language", "captions")


class SearchResults(list):
    """The hits (a list of SearchHit, best first) and their `ranking`; `facets` when asked for:
    {facet: [(value, count), ...]} over every ranked match (site, section, month, language, captions)."""

    def __init__(self, hits: list[SearchHit], ranking: Ranking, query: Query | None = None,
                 facets: dict[str, list[tuple]] | None = None) -> None:
        super().__init__(hits)
        self.ranking = ranking
        self.query = query
        self.facets = facets or {}


def search(
    conn: sqlite3.Connection,
    query: str | Query,
    *,
    site: str | None = None,
    since: str | None = None,
    limit: int = 20,
    window: int | None = DEFAULT_WINDOW,
    exhaustive: bool = False,
    filters: Filters | None = None,
    sort: str = "relevance",
    offset: int = 0,
    facets: bool = False,
    marks: tuple[str, str] = ("[", "]"),
) -> SearchResults:
    """Ranked hits (best first, or newest first with sort="date"), each with a snippet of its published
    text around the matched words. `query` follows the syntax of `archive.query`; `filters` narrow it
    further (`site` and `since` are shorthands for two of them); `offset` skips hits for paging;
    `marks` go around the matched words of a snippet.

    bm25 ranks the `window` most recently archived matches that pass the filters (`exhaustive=True` or
    `window=None`: every match, at a cost that grows with the matches); `.ranking` says which were ranked.
    """
    parsed = parse_query(query) if isinstance(query, str) else query
    check_paging(limit, offset, sort)
    if window is not None and window < 1:
        raise UsageError("the search window must be 1 or more matches")
    filters = merged_filters(parsed, filters or Filters(), site, since)
    expression = match_expression(parsed)
    window = None if exhaustive else window
    scan = candidate_scan(conn, expression, filters, window)
    rows, ranking = ranked_ids(conn, scan, filters, limit, offset, sort)
    if not ranking.complete:
        matches, more = count_matches(conn, expression)
        ranking = replace(ranking, matches=matches, more=more)
    counts = facet_counts(conn, scan) if facets else None
    hits = [hit(conn, parsed, article_id, rank, marks) for article_id, rank in rows]
    return SearchResults(hits, ranking, parsed, counts)


def check_paging(limit: int, offset: int, sort: str) -> None:
    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise UsageError(f"the number of hits must be between 1 and {MAX_LIMIT:,} (got {str(limit)[:30]})")
    if not isinstance(offset, int) or not 0 <= offset <= MAX_OFFSET:
        raise UsageError(f"the offset must be between 0 and {MAX_OFFSET:,} (got {str(offset)[:30]})")
    if sort not in SORTS:
        raise UsageError(f"unknown sort {sort[:30]!r}; choose one of {', '.join(SORTS)}")


def merged_filters(parsed: Query, filters: Filters, site: str | None, since: str | None) -> Filters:
    """The query's site:/section: joined with the other filters (a site named in both must be both)."""
    sites = tuple(dict.fromkeys(s for s in (*filters.sites, *([site] if site else ()), *parsed.sites)))
    sections = tuple(dict.fromkeys((*filters.sections, *parsed.sections)))
    return checked_filters(replace(filters, sites=sites, sections=sections, since=since or filters.since))


@dataclass(frozen=True)
class Scan:
    """The statement selecting (id, rank) of the matches that are ranked, and what bounded it."""

    sql: str
    params: list
    window: int | None
    scan_cut: bool


def candidate_scan(conn: sqlite3.Connection, expression: str, filters: Filters, window: int | None) -> Scan:
    where, params, scan_cut = "articles_fts MATCH ?", [expression], False
    if filters and window:  # bounds on ids: exhaustive ranking makes no assumption on them
        low = first_id_archived_since(conn, filters.since) if filters.since else 0
        low, scan_cut = scan_floor(conn, expression, low)
        where += " AND articles_fts.rowid >= ?"
        params.append(low)
    # Inside the scan, so a window holds `window` matches that pass the filters.
    if filters.sites:  # the sites' ids from the covering index (site, fetched_at): no row lookup per match
        where += f" AND +articles_fts.rowid IN (SELECT id FROM articles WHERE site IN ({placeholders(filters.sites)})"
        params += filters.sites
        if window:  # fetched_at >= first_seen, which grows with the id: only the ids of the scan
            where += (" AND fetched_at >= COALESCE((SELECT first_seen FROM articles WHERE id >= ? ORDER BY id LIMIT 1),"
                      " '') AND id >= ?")
            params += [low, low]
        where += ")"
    conditions, values = row_conditions(filters)
    if conditions:
        where += f" AND EXISTS (SELECT 1 FROM articles a WHERE a.id = articles_fts.rowid AND {' AND '.join(conditions)})"
        params += values
    sql = f"SELECT rowid AS id, bm25(articles_fts, {BM25_WEIGHTS}) AS rank FROM articles_fts WHERE {where}"
    if window:
        sql += " ORDER BY rowid DESC LIMIT ?"
        params.append(window)
    return Scan(sql, params, window, scan_cut)


def ranked_ids(conn: sqlite3.Connection, scan: Scan, filters: Filters, limit: int, offset: int,
               sort: str) -> tuple[list[tuple[int, float]], Ranking]:
    """(id, rank) of the hits `offset` to `offset + limit` among the matches scored, and what was scored."""
    window = scan.window
    # Counting in the ranking statement (count(*) OVER ()) buffers every scored row: twice the time of an
    # exhaustive top-N sort, which a second walk without scoring avoids (unless it needs a row per match).
    count_apart = window is None and not row_conditions(filters)[0] and sort == "relevance"
    over = "" if count_apart else ", count(*) OVER ()"
    if sort == "date":  # newest first: the article's date needs its row
        sql = (f"SELECT s.id, s.rank{over} FROM ({scan.sql}) s JOIN articles a ON a.id = s.id"
               f" ORDER BY {DATE_OF} DESC, s.id DESC LIMIT ? OFFSET ?")
    else:
        sql = f"SELECT id, rank{over} FROM ({scan.sql}) ORDER BY rank LIMIT ? OFFSET ?"
    rows = conn.execute(sql, [*scan.params, limit, offset]).fetchall()
    if count_apart:
        ranked = conn.execute(f"SELECT count(*) FROM ({scan.sql})", scan.params).fetchone()[0]
    elif rows:
        ranked = rows[0][2]
    else:  # a page past the last hit: count without the page
        ranked = conn.execute(f"SELECT count(*) FROM ({scan.sql})", scan.params).fetchone()[0] if offset else 0
    scan_cut = scan.scan_cut and ranked != window  # the window filled up before the scan's end: the window cut
    return [(r[0], r[1]) for r in rows], Ranking(ranked, window, scan_cut, filters.describe())


def facet_counts(conn: sqlite3.Connection, scan: Scan) -> dict[str, list[tuple]]:
    """How many of the ranked matches fall in each site, section, month, language and caption state."""
    counts: dict[str, Counter] = {name: Counter() for name in FACETS}
    rows = conn.execute(
        f"SELECT a.site, a.section, substr({DATE_OF}, 1, 7), a.language,"
        f" EXISTS (SELECT 1 FROM captions c WHERE c.article_id = a.id)"
        f" FROM ({scan.sql}) s JOIN articles a ON a.id = s.id", scan.params)
    for row in rows:
        for name, value in zip(FACETS, row):
            if value not in (None, ""):
                counts[name][bool(value) if name == "captions" else value] += 1
    ordered = {name: sorted(counter.items(), key=lambda item: (-item[1], str(item[0]))) for name, counter in counts.items()}
    ordered["month"].sort(key=lambda item: item[0], reverse=True)  # months read as a calendar, newest first
    return ordered


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


CLUSTER_SHOWN = 20  # other articles of a near-duplicate cluster listed with a hit


def hit(conn: sqlite3.Connection, query: Query, article_id: int, rank: float,
        marks: tuple[str, str] = ("[", "]")) -> SearchHit:
    """A hit with its snippet and its near-duplicates: texts are read for the hits only, never for every match."""
    url, site, title, published, lead, body, section, language, fetched_at, cluster_id = conn.execute(
        "SELECT url, site, title, published, lead, body, section, language, fetched_at, cluster_id"
        " FROM articles WHERE id = ?", (article_id,)).fetchone()
    captions = [c for (c,) in conn.execute("SELECT text FROM captions WHERE article_id = ? ORDER BY id", (article_id,))]
    also_on = []
    if cluster_id is not None:
        also_on = [{"id": i, "site": s, "title": t} for i, s, t in conn.execute(
            "SELECT id, site, title FROM articles WHERE cluster_id = ? AND id != ? ORDER BY id LIMIT ?",
            (cluster_id, article_id, CLUSTER_SHOWN))]
    text = snippet(query, [body, lead, title, *captions], start=marks[0], end=marks[1])
    return SearchHit(article_id, url, site, title, published, text, rank, section, language, fetched_at, also_on)
