"""What the served search page shows, without Datasette: the form read from the URL, the hits dressed for
reading (local date in Arabic, snippet marks, near-duplicates), facets with their links, pages, the notice.

The Datasette plugin (archive/datasette/plugins/arabic_archive.py) calls `search_page` through
`execute_fn` and renders the result with templates/search.html; everything here is plain sqlite3 and
plain values, so tests read it directly. Every value that came from a crawled page stays text: the
template escapes it, and only http(s) URLs become links (`http_url`).
"""
from __future__ import annotations

import math
import urllib.parse
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date

from archive.fts import DEFAULT_WINDOW, MAX_OFFSET, SORTS, Filters, SearchResults, search
from crawler.errors import UsageError

PAGE_SIZE = 20
MARK_START, MARK_END = "\ue000", "\ue001"  # around matched words in a snippet; turned into <mark> after escaping
FACET_SHOWN = 12  # values listed per facet (the most frequent; months: the newest)
EASTERN = str.maketrans("0123456789,", "٠١٢٣٤٥٦٧٨٩٬")
FORM_FIELDS = ("q", "site", "section", "month", "language", "captions", "since", "until", "sort", "page", "all")
FACET_LABELS = {  # Arabic first, English second, as the page reads
    "site": ("الموقع", "site"), "section": ("القسم", "section"), "month": ("الشهر", "month"),
    "language": ("اللغة", "language"), "captions": ("تعليقات الصور", "captions"),
}
CAPTION_VALUES = {True: ("بتعليقات صور", "with captions"), False: ("بلا تعليقات صور", "without captions")}


def eastern_digits(value: Any) -> str:
    """A number or a text with Arabic-Indic digits (٢٠٢٠), thousands with ٬."""
    text = f"{value:,}" if isinstance(value, int) else str(value)
    return text.translate(EASTERN)


def arabic_date(iso: str | None) -> str | None:
    """`٢٤ أبريل ٢٠٢٠` for 2020-04-24T..+03:00: the date where it was published (its own offset)."""
    if not iso:
        return None
    try:
        day = datetime.fromisoformat(iso).date()
    except ValueError:
        return None
    return eastern_digits(format_date(day, "d MMMM y", locale="ar"))


def arabic_month(month: str) -> str:
    """`أبريل ٢٠٢٠` for 2020-04."""
    try:
        first = date.fromisoformat(month + "-01")
    except ValueError:
        return month
    return eastern_digits(format_date(first, "MMMM y", locale="ar"))


def language_name(code: str) -> str:
    """`العربية` for ar, `الفارسية` for fa (CLDR); the code itself when CLDR does not know it."""
    try:
        return Locale.parse(code.replace("-", "_")).get_display_name("ar") or code
    except (ValueError, TypeError, UnknownLocaleError):
        return code


def http_url(url: Any) -> str | None:
    """`url` when it is an http(s) URL a link may point to; None otherwise (javascript:, data:, junk)."""
    if not isinstance(url, str):
        return None
    stripped = url.strip()
    scheme = urllib.parse.urlsplit(stripped).scheme.lower() if stripped else ""
    return stripped if scheme in ("http", "https") and "://" in stripped[:8] else None


@dataclass(frozen=True)
class SearchForm:
    """The search page's parameters, as read from its URL."""

    q: str = ""
    site: str = ""
    section: str = ""
    month: str = ""
    language: str = ""
    captions: str = ""  # "yes" / "no" / ""
    since: str = ""
    until: str = ""
    sort: str = "relevance"
    page: int = 1
    all: bool = False  # rank every match instead of the newest DEFAULT_WINDOW

    @classmethod
    def from_args(cls, args: dict[str, str]) -> "SearchForm":
        """From query-string values (the first of each); UsageError for a page or sort that cannot be read."""
        values = {name: (args.get(name) or "").strip() for name in FORM_FIELDS}
        try:
            page = int(values["page"] or 1)
        except ValueError:
            raise UsageError(f"page is not a number: {values['page'][:20]!r}") from None
        if not 1 <= page <= MAX_OFFSET // PAGE_SIZE:
            raise UsageError(f"page must be between 1 and {MAX_OFFSET // PAGE_SIZE:,}")
        sort = values["sort"] or "relevance"
        if sort not in SORTS:
            raise UsageError(f"unknown sort {sort[:20]!r}; choose relevance or date")
        if values["captions"] not in ("", "yes", "no"):
            raise UsageError("captions is yes or no")
        return cls(values["q"], values["site"], values["section"], values["month"], values["language"],
                   values["captions"], values["since"], values["until"], sort, page, values["all"] == "1")

    def filters(self) -> Filters:
        return Filters(
            sites=(self.site,) if self.site else (), sections=(self.section,) if self.section else (),
            since=self.since or None, until=self.until or None, language=self.language or None,
            month=self.month or None, captions={"yes": True, "no": False}.get(self.captions))

    def params(self, **changes: Any) -> dict[str, str]:
        """The non-empty parameters of this form with `changes` applied (page back to 1 unless changed)."""
        form = replace(self, **{"page": 1, **changes})
        values = {name: getattr(form, name) for name in FORM_FIELDS}
        values["all"] = "1" if form.all else ""
        values["page"] = "" if form.page == 1 else str(form.page)
        values["sort"] = "" if form.sort == "relevance" else form.sort
        return {name: str(value) for name, value in values.items() if value not in ("", None)}

    def link(self, base: str, **changes: Any) -> str:
        return base + "?" + urllib.parse.urlencode(self.params(**changes))


@dataclass
class PageHit:
    id: int
    title: str
    site: str
    section: str | None
    date_text: str | None
    date_iso: str | None
    url: str
    link: str | None  # the URL when it is http(s)
    snippet: list[tuple[str, bool]]  # (text, matched) pieces
    also_on: list[dict]
    other_sites: list[str]


@dataclass
class FacetValue:
    label: str
    label_en: str
    count: str
    link: str
    active: bool


@dataclass
class SearchPage:
    form: SearchForm
    error: str | None = None
    hits: list[PageHit] = field(default_factory=list)
    total: int = 0
    total_text: str = ""
    notice: str = ""
    notice_ar: str = ""
    complete: bool = True
    rank_all_link: str | None = None
    facets: list[tuple[str, str, list[FacetValue]]] = field(default_factory=list)
    pages: list[tuple[str, str | None]] = field(default_factory=list)  # (label, link or None for this page)
    active: list[tuple[str, str]] = field(default_factory=list)  # (label, link removing it)
    exports: list[tuple[str, str]] = field(default_factory=list)  # (format, link)


def search_page(conn, form: SearchForm, base: str, export_base: str) -> SearchPage:
    """The page for `form`: hits, facets, pages and notice; `error` (one line) when the query cannot be read."""
    page = SearchPage(form)
    if not form.q:
        return page
    try:
        results = search(conn, form.q, filters=form.filters(), sort=form.sort, limit=PAGE_SIZE,
                         offset=(form.page - 1) * PAGE_SIZE, window=None if form.all else DEFAULT_WINDOW,
                         facets=True, marks=(MARK_START, MARK_END))
    except UsageError as error:
        page.error = str(error)
        return page
    fill(page, results, base, export_base)
    return page


def fill(page: SearchPage, results: SearchResults, base: str, export_base: str) -> None:
    form = page.form
    page.hits = [page_hit(hit, base) for hit in results]
    page.total = results.ranking.ranked
    page.total_text = eastern_digits(page.total)
    page.complete = results.ranking.complete
    page.notice = results.ranking.notice()
    page.notice_ar = arabic_notice(results)
    if not page.complete:
        page.rank_all_link = form.link(base, all=True)
    page.facets = facet_lists(form, results.facets, base)
    page.pages = pager(form, page.total, base)
    page.active = active_filters(form, base)
    page.exports = [(fmt, form.link(export_base, page=1) + f"&format={fmt}") for fmt in ("jsonl", "csv", "parquet")]


def arabic_notice(results: SearchResults) -> str:
    ranking = results.ranking
    if ranking.complete:
        return f"رُتّبت كل النتائج ({eastern_digits(ranking.ranked)}) حسب الصلة بالبحث"
    total = ("أكثر من " if ranking.more else "") + eastern_digits(ranking.matches or 0)
    return (f"رُتّبت أحدث {eastern_digits(ranking.window or 0)} نتيجة مؤرشفة فقط من أصل {total} نتيجة"
            " (البحث شائع جدا لترتيبه كله في الوقت المتاح)")


def page_hit(hit, base: str) -> PageHit:
    pieces, text = [], hit.snippet
    while text:
        start = text.find(MARK_START)
        if start < 0:
            pieces.append((text, False))
            break
        end = text.find(MARK_END, start)
        end = len(text) if end < 0 else end
        if start:
            pieces.append((text[:start], False))
        pieces.append((text[start + 1:end], True))
        text = text[end + 1:]
    when = hit.published or hit.fetched_at
    return PageHit(hit.article_id, hit.title or "(بلا عنوان)", hit.site, hit.section, arabic_date(when), when,
                   hit.url, http_url(hit.url), pieces, hit.also_on, hit.other_sites)


def facet_lists(form: SearchForm, facets: dict[str, list[tuple]], base: str) -> list[tuple[str, str, list[FacetValue]]]:
    lists = []
    for name, (label, label_en) in FACET_LABELS.items():
        values = []
        for value, count in facets.get(name, [])[:FACET_SHOWN]:
            if name == "captions":
                text, text_en = CAPTION_VALUES[value]
                param = "yes" if value else "no"
            elif name == "month":
                text, text_en, param = arabic_month(value), value, value
            elif name == "language":
                text, text_en, param = language_name(str(value)), str(value), str(value)
            else:
                text, text_en, param = str(value), "", str(value)
            active = getattr(form, name) == param
            values.append(FacetValue(text, text_en, eastern_digits(count), form.link(base, **{name: "" if active else param}), active))
        if values:
            lists.append((label, label_en, values))
    return lists


def pager(form: SearchForm, total: int, base: str) -> list[tuple[str, str | None]]:
    """Links to the neighbouring pages, the first and the last (at most MAX_OFFSET deep)."""
    last = max(1, min(math.ceil(total / PAGE_SIZE), MAX_OFFSET // PAGE_SIZE))
    if last == 1:
        return []
    shown = sorted({1, last, *range(max(1, form.page - 2), min(last, form.page + 2) + 1)})
    pages: list[tuple[str, str | None]] = []
    if form.page > 1:
        pages.append(("‹ السابقة", form.link(base, page=form.page - 1)))
    previous = 0
    for number in shown:
        if number - previous > 1:
            pages.append(("…", None))
        pages.append((eastern_digits(number), None if number == form.page else form.link(base, page=number)))
        previous = number
    if form.page < last:
        pages.append(("التالية ›", form.link(base, page=form.page + 1)))
    return pages


def active_filters(form: SearchForm, base: str) -> list[tuple[str, str]]:
    labels = {"site": "الموقع", "section": "القسم", "month": "الشهر", "language": "اللغة", "captions": "تعليقات الصور",
              "since": "من", "until": "إلى"}
    active = []
    for name, label in labels.items():
        value = getattr(form, name)
        if value:
            shown = arabic_month(value) if name == "month" else {"yes": "نعم", "no": "لا"}.get(value, value) if name == "captions" else value
            active.append((f"{label}: {shown}", form.link(base, **{name: ""})))
    return active
