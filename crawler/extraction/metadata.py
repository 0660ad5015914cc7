"""The article's fields other than body, captions, dates and authors: title, lead, section, tags, language."""
from __future__ import annotations

import re
import string
from itertools import chain, islice
from functools import lru_cache

from lxml import etree
from trafilatura.metadata import extract_title as trafilatura_title

from crawler.text.arabic import clean_text, count_arabic_letters, letter_counter
from crawler.extraction.article import ExtractionHints
from crawler.extraction.attribution import normalized, rules, starts_with_phrase
from crawler.extraction.page import first_meta, jsonld_values, text_of
from crawler.extraction.rulebook import habits

MAX_TITLE_WORDS = 60
TITLES = etree.XPath("//head/title")
H1S = etree.XPath("//h1")
WITH_CLASS = etree.XPath("//*[@class]")
# Letters Persian writes and Arabic does not (پ چ ژ گ, Persian kaf and yeh), against Arabic kaf and yeh;
# and Latin letters. Counted over a whole body, so by str.count per letter rather than a findall list.
count_persian_letters = letter_counter("\u067e\u0686\u0698\u06af\u06a9\u06cc")
count_kaf_yeh = letter_counter("\u0643\u064a")
count_latin_letters = letter_counter(string.ascii_letters)
ARABIC_SCRIPT_LANGUAGES = ("ar", "fa")


@lru_cache(maxsize=16)
def _class_pattern(file_stem: str, habit_ids: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(f"(?:{h['pattern']})" for h in habits(file_stem)) or "(?!)", re.I)


def class_pattern(file_stem: str) -> re.Pattern:
    """One regex of the `pattern`s of a data file's habits in force (rebuilt when a family is held out)."""
    return _class_pattern(file_stem, tuple(h.id for h in habits(file_stem)))


def strip_site_name(title: str, names: list[str], hints: ExtractionHints) -> str:
    """Drop ` | الجزيرة نت`, ` - CNNArabic.com` and the like."""
    for suffix in hints.title_suffixes:
        if title.endswith(suffix.strip()) and len(title) > len(suffix.strip()):
            title = title[: -len(suffix.strip())].rstrip(" |-–—")
    for sep in rules()["title_separators"]:
        if sep not in title:
            continue
        head, tail = title.rsplit(sep, 1)
        first, rest = title.split(sep, 1)
        if site_like(tail, names) or (sep.strip() in ("|", "||") and len(tail.split()) <= 6):
            return strip_site_name(head.strip(), names, hints)
        if site_like(first, names):
            return strip_site_name(rest.strip(), names, hints)
    return title


def site_like(segment: str, names: list[str]) -> bool:
    seg = normalized(segment).replace(" ", "")
    if not seg:
        return False
    if re.search(r"\.(com|net|org|info|tv|news)\b", seg):
        return True
    squashed = [n.replace(" ", "") for n in names if n]
    return any(n and (seg in n or n in seg) for n in squashed) and len(segment.split()) <= 6


def pick_title(tree, metas, jsonld, names: list[str], hints) -> tuple[str | None, object]:
    """Title without site name, and the <h1> it came from (a landmark for dates and bylines)."""
    raw = [
        *metas.get("og:title", []),
        *metas.get("twitter:title", []),
        *[h for h in jsonld_values(jsonld, "headline") if isinstance(h, str)],
        *[text_of(t) for t in TITLES(tree)],
    ]
    raw = [clean_text(t) for t in raw if t and clean_text(t)]
    raw_norm = [normalized(t) for t in raw]
    h1s = [h for h in H1S(tree) if 2 <= len(text_of(h).split()) <= 60]
    for h1 in h1s:
        key = normalized(text_of(h1))
        if any(key and key in t for t in raw_norm):
            return text_of(h1), h1
    cleaned = [c for c in (strip_site_name(t, names, hints) for t in raw) if c]
    if cleaned:
        return cleaned[0], (h1s[0] if h1s else None)
    if h1s:
        return text_of(h1s[0]), h1s[0]
    return title_floor(tree, names), None


def title_floor(tree, names: list[str]) -> str | None:
    """The floor (issue #25): when the page names no title we read, trafilatura's title (a lone one-word <h1>,
    a `post-title`/`entry-title` block, the first <h2>), unless it is the site's own name, a block heading
    or no title's size."""
    try:
        title = clean_text(trafilatura_title(tree) or "")
    except Exception:  # trafilatura raises many error types on odd pages: no title then, as before
        return None
    if not title or len(title.split()) > MAX_TITLE_WORDS or site_like(title, names):
        return None
    key = normalized(title)
    if starts_with_phrase(key, rules()["boilerplate_starts"]) or starts_with_phrase(key, rules()["block_headings"]):
        return None  # `الأكثر قراءة`, `اقرأ أيضا`: a block's heading, not the article's
    return title


def pick_lead(tree, metas, jsonld, title: str | None, names: list[str]) -> str | None:
    candidates = [
        *metas.get("description", []),
        *metas.get("og:description", []),
        *metas.get("twitter:description", []),
        *[d for d in jsonld_values(jsonld, "description") if isinstance(d, str)],
    ]
    summary_class = class_pattern("leads")
    # The first three elements of a lead class, looked for (and read) only when no meta candidate is taken.
    summaries = islice((el for el in WITH_CLASS(tree) if summary_class.search(el.get("class", ""))), 3)
    for text in chain(candidates, (text_of(el) for el in summaries)):
        text = clean_text(text)
        if len(text.split()) < 6 or site_like(text, names) or (title and normalized(text) == normalized(title)):
            continue
        return text
    return None


def section_and_tags(tree, metas, jsonld) -> tuple[str | None, list[str]]:
    section = first_meta(metas, "article:section")
    if not section:
        sections = [s for s in jsonld_values(jsonld, "articleSection") if isinstance(s, str)]
        section = sections[0] if sections else None
    tags: list[str] = []
    raw_tags = metas.get("article:tag", []) or metas.get("news_keywords", []) or metas.get("keywords", [])
    raw_tags += [k for k in jsonld_values(jsonld, "keywords") if isinstance(k, str)]
    for value in raw_tags:
        for tag in re.split(r"\s*[,،]\s*", value):
            tag = clean_text(tag)
            if tag and tag not in tags:
                tags.append(tag)
    return (clean_text(section) if section else None), tags


def language_of(tree, metas, body: str) -> str | None:
    """The declared language; between Arabic and Persian (declared or not) the text decides."""
    lang = (tree.get("lang") or tree.get("xml:lang") or first_meta(metas, "og:locale", "content-language") or "").strip()
    lang = lang.replace("_", "-").split("-")[0].lower()
    if lang and lang not in ARABIC_SCRIPT_LANGUAGES:
        return lang
    if count_persian_letters(body) > count_kaf_yeh(body):
        return "fa"
    arabic, latin = count_arabic_letters(body), count_latin_letters(body)
    if arabic and arabic >= latin:
        return "ar"
    return lang or None
