"""Publication dates of Arabic news pages: structured values, URLs and visible Arabic text.

Month names (MSA, Levantine/Iraqi, Maghrebi, Hijri) come from `data/months.toml` and are
matched on `crawler.text.arabic.normalize`d text, so Eastern digits and spelling variants need no
special case. dateparser is only used, lazily, for relative forms the data file does not cover.
A date is never invented: month-only text gives month precision, and nothing gives a
made-up 1 January. `FoundDate.precision` says what the value carries: `month`, `day`, `hour`
(a relative `منذ ساعتين`), `minute` or `second` (a printed time, with or without seconds).
Solar Hijri dates (Iranian pages: `۱۳۹۹/۰۲/۲۱`, `2 تیر 1399`) are converted, never read as year 1399.
A time printed without an offset is a naive value (the publisher's local time, never taken as UTC):
`FoundDate.in_zone` gives it the site's zone once the extractor knows it (`zones.resolve_zone`).
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

from crawler.text.arabic import normalize

DATA_FILE = Path(__file__).with_name("data") / "months.toml"
WORDS_FILE = Path(__file__).with_name("data") / "date_words.toml"
MAX_LEFTOVER_WORDS = 1  # a date line may keep one unknown word (a city, a stray label) beside its date
MIN_YEAR = 1990  # older years in page text are history, not publication dates
MIN_HIJRI_YEAR, MAX_HIJRI_YEAR = 1400, 1500
# Solar Hijri years of plausible publication dates (1369 = 1990); lunar Hijri years of the same span start at 1410.
MIN_SOLAR_YEAR, MAX_SOLAR_YEAR = 1300, 1409
PRECISIONS = ("month", "day", "hour", "minute", "second")  # coarsest first
SHORT_TIMESTAMP = 25


@dataclass(frozen=True)
class FoundDate:
    value: datetime  # aware when the page printed an offset (or it was counted from the fetch time), else naive
    precision: str  # one of PRECISIONS
    zone_source: str | None = None  # "page" (an offset printed), "fetch" (relative), None (naive: zone unknown yet)

    @property
    def naive(self) -> bool:
        return self.value.tzinfo is None

    def in_zone(self, zone, source: str) -> "FoundDate":
        """The same wall-clock time in `zone` (a tzinfo), its offset now known from `source`."""
        if not self.naive:
            return self
        return FoundDate(self.value.replace(tzinfo=zone), self.precision, source)

    @property
    def has_day(self) -> bool:
        """Whether the value names a whole day (or something finer)."""
        return PRECISIONS.index(self.precision) >= PRECISIONS.index("day")

    def iso(self) -> str:
        return self.value.isoformat()


@lru_cache(maxsize=1)
def month_tables() -> dict:
    with open(DATA_FILE, "rb") as fh:
        raw = tomllib.load(fh)

    def folded(table: dict) -> dict:
        return {normalize(name): value for name, value in table.items()}

    return {key: folded(raw[key]) for key in ("gregorian", "hijri", "solar_hijri", "relative_units", "relative_words")}


@lru_cache(maxsize=1)
def date_words() -> dict[str, list[str]]:
    """The word lists of `data/date_words.toml`, normalised."""
    with open(WORDS_FILE, "rb") as fh:
        raw = tomllib.load(fh)
    return {key: [normalize(w).lower() for w in words] for key, words in raw.items()}


@lru_cache(maxsize=1)
def date_word_pattern() -> re.Pattern:
    """Every word of date_words.toml, whole words only, longest first."""
    words = {w for key in ("weekdays", "published_prefixes", "updated_prefixes", "connectors") for w in date_words()[key]}
    return re.compile(rf"(?<!\w)(?:{alternation(words)})(?!\w)")


def is_date_line(text: str, *, now: datetime | None = None) -> bool:
    """Whether a short block is a date and nothing else: `الجمعة 24 نيسان / أبريل 2020 09:22 مساءً`,
    `نشر في: 2020/12/25 - 1:59 ص`, `آخر تحديث ١٢ مايو ٢٠٢٤`. Once its dates, times, weekday names, prefixes
    and connecting words are removed at most MAX_LEFTOVER_WORDS words may remain."""
    if not text or len(text) > 150 or not parse_text_date(text, now=now):
        return False
    rest = normalize(text).lower()
    pats = patterns()
    for key in ("day_month_year", "month_day_year", "hijri", "solar", "ymd", "dmy", "month_year", "time", "offset", "relative"):
        rest = pats[key].sub(" ", rest)
    rest = date_word_pattern().sub(" ", rest)
    leftover = re.sub(r"[\W\d_]+", " ", rest).split()
    return len(leftover) <= MAX_LEFTOVER_WORDS


def alternation(names) -> str:
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))


@lru_cache(maxsize=1)
def patterns() -> dict[str, re.Pattern]:
    tables = month_tables()
    months = f"(?<!\\w)({alternation(tables['gregorian'])})(?!\\w)"
    # `نيسان / أبريل`, `آب/اغسطس`, `نيسان (أبريل)`: the second name of a Levantine double month.
    alt_month = f"(?:\\s*[/(]\\s*(?:{alternation(tables['gregorian'])})\\s*\\)?)?"
    hijri = f"(?<!\\w)({alternation(tables['hijri'])})(?!\\w)"
    solar = f"(?<!\\w)({alternation(tables['solar_hijri'])})(?!\\w)"
    units = alternation(tables["relative_units"])
    return {
        "day_month_year": re.compile(rf"(?<!\d)(\d{{1,2}})\s*(?:من\s+)?{months}{alt_month}\s*[,،]?\s*(\d{{4}})"),
        "month_day_year": re.compile(rf"{months}\s+(\d{{1,2}})\s*[,،]\s*(\d{{4}})"),
        "hijri": re.compile(rf"(?<!\d)(\d{{1,2}})\s+{hijri}\s*[,،]?\s*(\d{{4}})"),
        "solar": re.compile(rf"(?<!\d)(\d{{1,2}})\s+{solar}\s*[,،]?\s*(\d{{4}})"),
        "ymd": re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)"),
        "dmy": re.compile(r"(?<!\d)(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?!\d)"),
        "month_year": re.compile(rf"{months}{alt_month}\s*[,،]?\s*(\d{{4}})"),
        "time": re.compile(r"(?<!\d)(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(صباحا|مساء|ص|م|am|pm|ب\.?\s?ظ|ق\.?\s?ظ)?(?!\w)"),
        "offset": re.compile(r"(?:gmt|utc)\s*([+-])\s*(\d{1,2}):?(\d{2})?"),
        "relative": re.compile(rf"(?:منذ|قبل)\s+(?:(\d+)\s+)?({units})(?!\w)"),
    }


def valid_day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def plausible(d: date, now: datetime | None) -> bool:
    latest = (now or datetime.now(timezone.utc)).date() + timedelta(days=1)
    return MIN_YEAR <= d.year and d <= latest


def time_after(text: str, start: int) -> tuple[int, int, int, timezone | None, str] | None:
    """Hour, minute, second, UTC offset and precision printed just after a date (None if no time)."""
    window = text[start : start + 60]
    match = patterns()["time"].search(window)
    if not match:
        return None
    hour, minute, second = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
    marker = match.group(4)
    marker = (marker or "").replace(".", "").replace(" ", "")  # Persian ب.ظ (afternoon) / ق.ظ (morning)
    if marker in ("م", "مساء", "pm", "بظ") and hour < 12:
        hour += 12
    elif marker in ("ص", "صباحا", "am", "قظ") and hour == 12:
        hour = 0
    if hour > 23 or minute > 59 or second > 59:
        return None
    offset = patterns()["offset"].search(window[match.end() :])
    tz = None
    if offset:
        sign = -1 if offset.group(1) == "-" else 1
        hours, minutes = int(offset.group(2)), int(offset.group(3) or 0)
        if hours <= 14 and minutes < 60:
            tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
    return hour, minute, second, tz, ("second" if match.group(3) else "minute")


def at_day(d: date, text: str, end: int) -> FoundDate:
    """The day, at the time printed after it if any (then the precision is that time's)."""
    hour, minute, second, tz, precision = time_after(text, end) or (0, 0, 0, None, "day")
    value = datetime(d.year, d.month, d.day, hour, minute, second, tzinfo=tz)
    return FoundDate(value, precision, "page" if tz else None)


def day_candidates(text: str):
    """(match, date) pairs for every full day form in normalised text."""
    pats, months = patterns(), month_tables()["gregorian"]
    for m in pats["day_month_year"].finditer(text):
        yield m, valid_day(int(m.group(3)), months[m.group(2)], int(m.group(1)))
    for m in pats["month_day_year"].finditer(text):
        yield m, valid_day(int(m.group(3)), months[m.group(1)], int(m.group(2)))
    for m in pats["ymd"].finditer(text):
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
        solar = MIN_SOLAR_YEAR <= year <= MAX_SOLAR_YEAR
        yield m, solar_to_gregorian(year, month, day) if solar else valid_day(year, month, day)
    for m in pats["dmy"].finditer(text):
        first, second = int(m.group(1)), int(m.group(2))
        # Arabic pages print day/month/year; month/day/year only when that is impossible.
        d = valid_day(int(m.group(3)), second, first) or valid_day(int(m.group(3)), first, second)
        yield m, d
    for m in pats["solar"].finditer(text):
        yield m, solar_to_gregorian(int(m.group(3)), month_tables()["solar_hijri"][m.group(2)], int(m.group(1)))


def hijri_candidates(text: str):
    """Lunar Hijri days: read only when no Gregorian day is printed beside them (conversions differ by a day)."""
    for m in patterns()["hijri"].finditer(text):
        yield m, hijri_to_gregorian(int(m.group(3)), month_tables()["hijri"][m.group(2)], int(m.group(1)))


def hijri_to_gregorian(year: int, month: int, day: int) -> date | None:
    if not MIN_HIJRI_YEAR <= year <= MAX_HIJRI_YEAR:
        return None
    from hijridate import Hijri

    try:
        return Hijri(year, month, day).to_gregorian()
    except (ValueError, OverflowError):
        return None


def solar_to_gregorian(year: int, month: int, day: int) -> date | None:
    """Solar Hijri (Jalali) to Gregorian, by the standard 33-year-cycle arithmetic."""
    if not (MIN_SOLAR_YEAR <= year <= MAX_SOLAR_YEAR and 1 <= month <= 12 and 1 <= day <= (31 if month <= 6 else 30)):
        return None
    shifted = year + 1595
    days = -355668 + 365 * shifted + (shifted // 33) * 8 + ((shifted % 33) + 3) // 4 + day
    days += (month - 1) * 31 if month <= 6 else (month - 7) * 30 + 186
    return date.fromordinal(days - 365)


def first_plausible(candidates, now: datetime | None):
    """The earliest (match, date) in the text whose date is plausible, or None."""
    found = [(m, d) for m, d in candidates if d and plausible(d, now)]
    return min(found, key=lambda item: item[0].start()) if found else None


def parse_text_date(text: str, *, now: datetime | None = None) -> FoundDate | None:
    """The first plausible date in a short piece of visible Arabic (or ISO-ish) text."""
    if not text:
        return None
    norm = normalize(text)
    found = first_plausible(day_candidates(norm), now) or first_plausible(hijri_candidates(norm), now)
    if found:
        match, d = found
        return at_day(d, norm, match.end())
    relative = parse_relative(norm, now)
    if relative:
        return relative
    for m in patterns()["month_year"].finditer(norm):
        d = valid_day(int(m.group(2)), month_tables()["gregorian"][m.group(1)], 1)
        if d and plausible(d, now):
            return FoundDate(datetime(d.year, d.month, 1), "month")
    return None


# `منذ ساعتين` is good to the hour, `منذ يومين` to the day: the fetch time's minutes are not the article's.
RELATIVE_PRECISION = {"seconds": "minute", "minutes": "minute", "hours": "hour", "days": "day", "weeks": "day"}


def parse_relative(norm: str, now: datetime | None) -> FoundDate | None:
    """`منذ ساعتين`, `قبل 5 دقائق`, `أمس` relative to the fetch time (nothing without one)."""
    if now is None:
        return None
    now = now if now.tzinfo else now.replace(tzinfo=timezone.utc)
    tables = month_tables()
    match = patterns()["relative"].search(norm)
    if match:
        unit, count = tables["relative_units"][match.group(2)]
        count *= int(match.group(1) or 1)
        return FoundDate(now - timedelta(**{unit: count}), RELATIVE_PRECISION[unit], "fetch")
    for word, days in tables["relative_words"].items():
        # Only a short timestamp like `أمس 10:30`: `اليوم` is also in names such as `أخبار اليوم`.
        if len(norm) <= SHORT_TIMESTAMP and re.search(rf"(?<!\w){re.escape(word)}(?!\w)", norm):
            return FoundDate(now + timedelta(days=days), "day", "fetch")
    if re.search(r"(?<!\w)(منذ|قبل)(?!\w)", norm):
        return parse_with_dateparser(norm, now)
    return None


def parse_with_dateparser(norm: str, now: datetime) -> FoundDate | None:
    import dateparser  # slow to import: only for relative forms the data file misses

    snippet = norm[norm.find("منذ") if "منذ" in norm else norm.find("قبل") :][:40]
    settings = {
        "RELATIVE_BASE": now.replace(tzinfo=None),
        "PREFER_DATES_FROM": "past",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    value = dateparser.parse(snippet, languages=["ar"], settings=settings)
    return FoundDate(value.replace(tzinfo=now.tzinfo), "day", "fetch") if value else None


ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})(?:-(\d{2}))?(?:[T ](\d{2}):(\d{2})(:\d{2})?)?")


def parse_structured_date(value: str | None, *, now: datetime | None = None) -> FoundDate | None:
    """A JSON-LD / meta / <time datetime> value: ISO 8601 fast, Arabic text as a fallback."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip()
    iso = ISO_DATE.match(text)
    if iso:
        try:
            parsed = datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text else text)
        except ValueError:
            parsed = None
        if parsed is not None:
            precision = iso_precision(iso)
            if not plausible(parsed.date(), now):
                return None
            return FoundDate(parsed, precision, "page" if parsed.tzinfo else None)
        if iso.group(3):
            d = valid_day(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
            if d and plausible(d, now):
                return at_day(d, normalize(text), iso.end(3))
    return parse_text_date(text, now=now)


def iso_precision(iso: re.Match) -> str:
    """What an ISO value carries. CMSs pad: a bare midnight is a date without a time, `:00` seconds a
    time to the minute."""
    if iso.group(4) and (iso.group(4), iso.group(5), iso.group(6) or ":00") != ("00", "00", ":00"):
        return "second" if iso.group(6) and iso.group(6) != ":00" else "minute"
    return "day" if iso.group(3) else "month"


URL_DAY = re.compile(r"/((?:19|20)\d{2})/(?:[a-z_-]+/)?(\d{1,2})/(\d{1,2})(?:/|$|[-_])")
URL_DASHED_DAY = re.compile(r"/((?:19|20)\d{2})-(\d{2})-(\d{2})(?:/|$|[-_])")
URL_MONTH = re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/")


def date_from_url(url: str, *, now: datetime | None = None) -> FoundDate | None:
    """`/2017/10/3/slug`, `/2013/middle_east/8/3/`, `/2020-12-25-slug`: day precision; `/2024/03/`: month."""
    for pattern in (URL_DAY, URL_DASHED_DAY):
        match = pattern.search(url)
        if match:
            d = valid_day(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            if d and plausible(d, now):
                return FoundDate(datetime(d.year, d.month, d.day), "day")
    match = URL_MONTH.search(url)
    if match:
        d = valid_day(int(match.group(1)), int(match.group(2)), 1)
        if d and plausible(d, now):
            return FoundDate(datetime(d.year, d.month, 1), "month")
    return None


def trusted_htmldate(tree, raw_text: str, *, now: datetime | None = None) -> FoundDate | None:
    """htmldate's guess, unless it is the YYYY-01-01 it makes up from Arabic months it cannot read."""
    from htmldate import find_date

    try:
        found = find_date(tree, extensive_search=False, original_date=True, outputformat="%Y-%m-%d")
    except Exception:  # htmldate raises assorted errors on odd pages; a missing date is fine
        return None
    if not found:
        return None
    year, month, day = (int(part) for part in found.split("-"))
    if (month, day) == (1, 1) and not any(
        form in raw_text for form in (f"{year}-01-01", f"{year}/01/01", f"01/01/{year}", f"1/1/{year}")
    ):
        return None
    d = valid_day(year, month, day)
    if not d or not plausible(d, now):
        return None
    return FoundDate(datetime(year, month, day), "day")
