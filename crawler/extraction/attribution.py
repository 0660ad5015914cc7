"""Who an article comes from: source lines, datelines, trailing agency credits and bylines.

Agency spellings and their canonical names live in `data/agencies.toml`, byline prefixes
and source-line prefixes in `data/extraction.toml`; everything is matched on
`crawler.text.arabic.normalize`d text.
"""
from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

from crawler.text.arabic import ARABIC_SCRIPT, clean_text, normalize
from crawler.extraction.article import Source

DATA_DIR = Path(__file__).with_name("data")
MAX_SOURCE_NAME_WORDS = 5
MIN_AUTHOR_WORDS, MAX_AUTHOR_WORDS = 2, 5
# Anything but letters, marks, spaces and the dots, hyphens and apostrophes of names (`د. أحمد`, `O'Brien`).
LATIN_LETTER = re.compile(r"[A-Za-z]")
NOT_IN_A_NAME = re.compile(r"[^\w\s.'’\-ـ\u200c\u200d]|[\d_]")
MAX_DATELINE_PLACE = 50
NAME_SEPARATORS = re.compile(r"\s*(?:\+|،|,|;|؛|/|&|\s[-–—]\s)\s*")
# "و" glued to the next name: `رويترز وأسوشيتد برس`, `محمد علي وأحمد حسن`.
CONJUNCTION = re.compile(r"\s+و(?=\S)")
DASHES = "-–—ـ"
DASH_CLASS = r"\-–—ـ"  # for use inside [...]


@lru_cache(maxsize=1)
def rules() -> dict:
    with open(DATA_DIR / "extraction.toml", "rb") as fh:
        return tomllib.load(fh)


MEMO_MAX_CHARS = 300  # longer texts (body paragraphs) rarely repeat: not worth cache memory


@lru_cache(maxsize=8192)
def _normalized_short(text: str) -> str:
    return normalize(text)


def normalized(text: str) -> str:
    """`normalize`, memoised for short texts: menus, labels, bylines and rule phrases recur on every page."""
    return _normalized_short(text) if len(text) <= MEMO_MAX_CHARS else normalize(text)


@lru_cache(maxsize=1)
def normalized_rules() -> dict[str, list[str]]:
    """The phrase lists of `rules()` normalised once per process (for `in` / `startswith` tests)."""
    return {key: [normalize(p) for p in value] for key, value in rules().items() if isinstance(value, list)}


@lru_cache(maxsize=1)
def byline_prefixes_longest_first() -> list[str]:
    """Normalised byline prefixes, longest (before normalising) first, as parse_byline tries them."""
    return [normalize(p) for p in sorted(rules()["byline_prefixes"], key=len, reverse=True)]


@lru_cache(maxsize=1)
def agency_index() -> dict[str, str]:
    """normalised spelling → canonical name."""
    with open(DATA_DIR / "agencies.toml", "rb") as fh:
        agencies = tomllib.load(fh)["agency"]
    return {normalize(name): entry["canonical"] for entry in agencies for name in entry["names"]}


def canonical_agency(name: str) -> str | None:
    """`رويترز` → `Reuters`, `أ ف ب` → `AFP`; None for names not in the data file."""
    key = normalized(name).strip(" ()[]«»\"'.:" + DASHES)
    key = re.sub(r"^(وكاله|وكالة)\s+", "", key) if key not in agency_index() else key
    return agency_index().get(key)


def is_agency(name: str) -> bool:
    return canonical_agency(name) is not None


@lru_cache(maxsize=1)
def dateline_places() -> frozenset[str]:
    """The cities and countries of `data/extraction.toml` that open datelines, normalised."""
    return frozenset(normalized_rules()["dateline_places"])


def is_dateline_place(text: str) -> bool:
    """`أبوظبي`, `القاهرة`: a place a dateline names; never a source and never an author."""
    return normalized(text).strip(" .()«»:" + DASHES) in dateline_places()


def split_names(text: str, *, keep_conjunction_part, check_first: bool = False) -> list[str]:
    """Split `A + B`, `A، B`, `A وB` into names; a glued `و` splits only when `keep_conjunction_part`
    accepts the pieces after it (and the first one too with `check_first`)."""
    names: list[str] = []
    for part in NAME_SEPARATORS.split(text):
        pieces = CONJUNCTION.split(part)
        checked = pieces if check_first else pieces[1:]
        if len(pieces) > 1 and all(keep_conjunction_part(p) for p in checked):
            names.extend(pieces)
        else:
            names.append(part)
    return [n.strip(" .()[]«»\"'" + DASHES) for n in names if n.strip(" .()[]«»\"'" + DASHES)]


def sources_from_names(names: list[str]) -> list[Source]:
    seen: set[str] = set()
    sources = []
    for name in names:
        name = clean_text(name)
        if not name or len(name.split()) > MAX_SOURCE_NAME_WORDS or normalized(name) in seen:
            continue
        seen.add(normalized(name))
        sources.append(Source(name=name, canonical=canonical_agency(name)))
    return sources


@lru_cache(maxsize=32)
def phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern:
    alternatives = "|".join(re.escape(normalize(p)) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?:{alternatives})(?=[\s:：\-–—.…]|$)")  # `اقرأ أيضا..` too


def starts_with_phrase(norm_text: str, phrases) -> str | None:
    """The phrase (normalised) that `norm_text` starts with as whole words, if any."""
    match = phrase_pattern(tuple(phrases)).match(norm_text)
    return match.group(0) if match else None


SOURCE_LINE = re.compile(r"^\s*(?P<prefix>[^:：]{2,15})\s*[:：]\s*(?P<names>.+)$")


def parse_source_line(text: str) -> list[Source] | None:
    """`المصدر : الجزيرة + وكالات` → [الجزيرة, وكالات]; None when the text is not a source line."""
    if ":" not in text and "：" not in text:
        return None  # no separator, no source line: spares clean_text on every body paragraph
    text = clean_text(text)
    match = SOURCE_LINE.match(text)
    if not match or len(text) > 120:
        return None
    if not starts_with_phrase(normalized(match.group("prefix")), rules()["source_prefixes"]):
        return None
    names = split_names(match.group("names"), keep_conjunction_part=is_agency)
    return sources_from_names(names) or None


PAREN_DATELINE = re.compile(r"^(?P<place>[^()\n]{0,%d}?)\s*\((?P<names>[^()]{2,40})\)\s*[%s:]" % (MAX_DATELINE_PLACE, DASH_CLASS))
DASH_DATELINE = re.compile(
    r"^(?P<place>[^\n%s]{2,%d}?)\s*[%s]+\s*(?P<names>[^%s\n]{2,40}?)\s*(?:[%s:]|$)"
    % (DASH_CLASS, MAX_DATELINE_PLACE, DASH_CLASS, DASH_CLASS, DASH_CLASS)
)


def parse_dateline(paragraph: str) -> list[Source]:
    """`دمشق، سوريا (CNN) --` or `القاهرة - رويترز -` at the start of the first paragraph."""
    head = clean_text(paragraph).lstrip("| ")[:120]  # `| ` when a layout table was read as text
    match = PAREN_DATELINE.match(head)
    if match and len(match.group("place").split()) <= 4:
        names = split_names(match.group("names"), keep_conjunction_part=is_agency)
        if all(len(n.split()) <= 3 for n in names):
            # `دبي (الرياض) -`: a city in the parentheses is where the story was filed, not who sent it.
            return sources_from_names([n for n in names if is_agency(n) or not is_dateline_place(n)])
    match = DASH_DATELINE.match(head)
    if match and len(match.group("place").split()) <= 4:
        names = split_names(match.group("names"), keep_conjunction_part=is_agency)
        # Without parentheses only known agencies count: `القاهرة - أكد الوزير` is no dateline.
        if names and all(is_agency(n) for n in names):
            return sources_from_names(names)
    return []


# `دبي - البيان أعلنت`, `أبوظبي: «الخليج» عاد`: a place (one or two words), a separator, then the outlet.
PLACE_THEN_OUTLET = re.compile(r"^(?P<place>[^\s%s:：،«»()\d]+(?:\s[^\s%s:：،«»()\d]+)?)\s*[%s:：،]+\s*«?(?P<rest>.+)" % ((DASH_CLASS,) * 3))
# `سبق- الرياض: أعلنت`: the outlet, a dash, the place and a colon.
OUTLET_THEN_PLACE = re.compile(r"^«?(?P<outlet>[^%s:：]{2,30}?)»?\s*[%s]+\s*(?P<place>[^\s%s:：]+(?:\s[^\s%s:：]+)?)\s*[:：]" % ((DASH_CLASS,) * 4))
MAX_OUTLET_WORDS = 3


def parse_outlet_dateline(paragraph: str, site_names: list[str]) -> list[Source]:
    """A place and an outlet (a known one, or the site's own name) opening the text, without the
    closing dash `parse_dateline` needs: `دبي - البيان أعلنت ...`, `سبق- الرياض: أعلنت ...`."""
    head = clean_text(paragraph).lstrip("| ")[:100]
    own = {normalized(n).replace(" ", "") for n in site_names if n}

    def outlet(name: str) -> bool:
        name = name.strip(" «»\"'")
        return bool(name) and (is_agency(name) or normalized(name).replace(" ", "") in own)

    match = OUTLET_THEN_PLACE.match(head)
    if match and outlet(match.group("outlet")):
        return sources_from_names([match.group("outlet").strip(" «»")])
    match = PLACE_THEN_OUTLET.match(head)
    if match:
        words = match.group("rest").replace("»", " » ").split()
        for count in range(MAX_OUTLET_WORDS, 0, -1):
            name = " ".join(words[:count])
            if "»" not in name and outlet(name):
                return sources_from_names([name])
    return []


OUTLET_DASH = re.compile(r"^(?P<name>[^%s:：()]{2,40}?)\s+[%s]+\s+\S" % (DASH_CLASS, DASH_CLASS))


@lru_cache(maxsize=1)
def wrote_pattern() -> re.Pattern:
    verbs = "|".join(re.escape(v) for v in sorted(rules()["wrote_formulas"], key=len, reverse=True))
    return re.compile(rf"^(?P<name>[^:：]{{3,50}}?)\s*(?:{verbs})\s*[:：]")


@lru_cache(maxsize=1)
def known_outlets() -> tuple[re.Pattern, dict[str, str]]:
    """A regex of every normalised agency spelling (longest first) and each one's spelling in the data file."""
    with open(DATA_DIR / "agencies.toml", "rb") as fh:
        spelled = {normalize(n): n for entry in tomllib.load(fh)["agency"] for n in entry["names"]}
    alternatives = "|".join(re.escape(n) for n in sorted(spelled, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)"), spelled


def outlet_name(text: str) -> str | None:
    """The text when it names an outlet: a known one, or one led by an outlet word (`روزنامه جوان`)."""
    text = clean_text(text).strip(" :：،,.«»" + DASHES)
    if not text or len(text.split()) > MAX_SOURCE_NAME_WORDS:
        return None
    led = len(text.split()) >= 2 and starts_with_phrase(normalized(text), rules()["outlet_words"])
    return text if is_agency(text) or led else None


def known_outlet_in(text: str) -> str | None:
    pattern, spelled = known_outlets()
    match = pattern.search(normalized(text))
    return spelled[match.group(0)] if match else None


def parse_opening_credit(paragraph: str) -> list[Source]:
    """The outlet an opening line credits: `به گزارش خبرگزاری آریا،`, `روزنامه جوان نوشت:`, `خبرگزاری آریا - ...`."""
    text = clean_text(paragraph)[:200]
    formula = starts_with_phrase(normalized(text), rules()["report_formulas"])
    if formula:
        clause = " ".join(re.split(r"[،,:：]", text, maxsplit=1)[0].split()[len(formula.split()) :])
        name = outlet_name(clause) or known_outlet_in(clause)
        return sources_from_names([name]) if name else []
    wrote = wrote_pattern().match(text)
    if wrote and outlet_name(wrote.group("name")):
        return sources_from_names([outlet_name(wrote.group("name"))])
    dashed = OUTLET_DASH.match(text)
    if dashed and is_agency(dashed.group("name")):  # only known outlets: `قناة السويس - ...` is a place
        return sources_from_names([dashed.group("name")])
    return []


TRAILING_PAREN = re.compile(r"\s*\((?P<names>[^()]{2,60})\)\s*\.?\s*$")


def parse_trailing_attribution(paragraph: str) -> tuple[str, list[Source]]:
    """A last paragraph that is (or ends with) known agencies: `(رويترز)`, `- أ ف ب`, `الفرنسية + رويترز`.

    Returns the paragraph without the credit and the sources found.
    """
    text = clean_text(paragraph)
    bare = text.strip(" ()." + DASHES)
    if len(bare) <= 60:
        names = split_names(bare, keep_conjunction_part=is_agency)
        if names and all(is_agency(n) for n in names):
            return "", sources_from_names(names)
    match = TRAILING_PAREN.search(text)
    if match:
        names = split_names(match.group("names"), keep_conjunction_part=is_agency)
        if names and all(is_agency(n) for n in names):
            return text[: match.start()].rstrip(), sources_from_names(names)
    return text, []


def looks_like_name(text: str) -> bool:
    """A person's name: 2-5 words of letters (a dot after an initial or title, a hyphen, an apostrophe),
    at least two of them longer than one letter; never a URL, a number or a handle."""
    words = text.split()
    if not MIN_AUTHOR_WORDS <= len(words) <= MAX_AUTHOR_WORDS or NOT_IN_A_NAME.search(text):
        return False
    if ARABIC_SCRIPT.search(text) and LATIN_LETTER.search(text):
        return False  # `محمد حسين Role`: a name and a label read together, not one name
    return sum(1 for w in words if len(w.strip(".'’-")) > 1) >= MIN_AUTHOR_WORDS


def strip_byline_prefix(text: str) -> str:
    """`كتب: أحمد علي` → `أحمد علي` (prefixes from the data file)."""
    text = clean_text(text).strip(" :-–—|")
    norm = normalized(text)
    for p in byline_prefixes_longest_first():
        if norm.startswith(p) and (len(norm) == len(p) or not norm[len(p)].isalnum()):
            # normalize keeps length for plain letters, but strip by words to be safe with tashkeel.
            return " ".join(text.split()[len(p.split()) :]).lstrip(" :：-–—")
    return text


def parse_byline(text: str) -> list[str]:
    """`بقلم: أحمد علي ومحمد حسن` → ["أحمد علي", "محمد حسن"]; prefixes from the data file are stripped."""
    text = strip_byline_prefix(text)
    # A glued "و" splits only between full names: `وليد` and `وائل` start with it too.
    names = split_names(text, keep_conjunction_part=lambda part: len(part.split()) >= 2, check_first=True)
    return [n for n in (clean_text(n) for n in names) if looks_like_name(n)]
