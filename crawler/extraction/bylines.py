"""Who wrote an article: the people a page names as its authors, and the outlets its bylines credit.

A byline is read from, in order: the site's author XPath (catalog hint), the visible byline element
(markup habits in `data/authors.toml`), JSON-LD `author`, then `<meta name="author">`: when meta and
the visible byline disagree, the visible one wins. Never an author: a file name or URL, the site's
own name, an outlet or agency (`أبوظبي - البيان`: a source), an organisation (`Arya Group`), a place
(`حسام أبو العلا - القاهرة`: the city is the dateline). Vocabulary is in `data/extraction.toml`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

from lxml import etree

from crawler.extraction.article import ExtractionHints, Source
from crawler.extraction.attribution import (
    DASH_CLASS,
    byline_prefixes_longest_first,
    is_agency,
    is_dateline_place,
    normalized,
    normalized_rules,
    parse_byline,
    sources_from_names,
    strip_byline_prefix,
)
from crawler.extraction.page import jsonld_values, text_of
from crawler.extraction.rulebook import habits

CANDIDATES = etree.XPath("//*[@class or @itemprop or @rel]")
# Bylines of other stories: teaser cards, widgets, sidebars, footers.
IN_SIDE_BLOCK = etree.XPath(
    "ancestor::*[self::footer or self::nav or self::aside or contains(@class,'related') or contains(@class,'widget')"
    " or contains(@class,'sidebar') or contains(@class,'most-read') or contains(@class,'more-news') or contains(@class,'comment')]"
)
MAX_BYLINE_CHARS = 80
BYLINE_BLOCK_LEVELS = 3  # co-authors' elements sit within this many levels of the first one
# `name - city`, `city - outlet`: a dash with spaces around it (names may hold a bare hyphen).
BYLINE_DASH = re.compile(rf"\s+[{DASH_CLASS}]+\s+|\s*[–—]\s*")
MIN_SITE_NAME_CHARS = 3
HEADER_LEVELS = 3  # how many blocks out from the headline a byline may stand
HEADER_AFTER, HEADER_BEFORE = 4, 2  # siblings looked at after and before
MAX_WRAPPER_STEPS = 40  # bare wrappers climbed at most (deeply wrapped pages)
MAX_HEADER_BLOCK_CHARS = 400  # a sibling longer than this is the body or a list of teasers
MAX_HEADER_CHARS = 800
HEADER_COAUTHOR_LEVELS = 2  # co-authors by the headline share the first one's block this many levels out
LEADING_DEPTH, LEADING_CHILDREN = 4, 3  # how far into the block holding the article text its opening byline is looked for  # a block longer than this holds the article text, not just its header
BRACKETED = re.compile(r"\s*[(«]([^()«»]{2,30})[)»]\s*")


@dataclass
class Byline:
    """The authors found, the outlets the byline credits, and whether a visible byline said so."""

    authors: list[str] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    visible: bool = False


@lru_cache(maxsize=32)
def _byline_patterns(kind: str, habit_ids: tuple[str, ...]) -> dict[str, re.Pattern]:
    by_attribute: dict[str, list[str]] = {}
    for habit in habits("authors"):
        if habit.get("kind", "byline") == kind:
            by_attribute.setdefault(habit["attribute"], []).append(habit["pattern"])
    return {attr: re.compile("|".join(f"(?:{p})" for p in pats), re.I) for attr, pats in by_attribute.items()}


def byline_patterns(kind: str = "byline") -> dict[str, re.Pattern]:
    """attribute → regex of the habits of a kind in force (keyed by ids: holding a family out changes them)."""
    return _byline_patterns(kind, tuple(h.id for h in habits("authors")))


def is_byline_element(el, patterns: dict[str, re.Pattern]) -> bool:
    """`patterns` is `byline_patterns(kind)` (looked up once per page, not per element)."""
    return any(pattern.search(el.get(attr) or "") for attr, pattern in patterns.items())


def squashed(text: str) -> str:
    return normalized(text).replace(" ", "")


@lru_cache(maxsize=1)
def organisation_pattern() -> re.Pattern:
    words = sorted(normalized_rules()["organisation_words"], key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:%s)(?!\w)" % "|".join(re.escape(w) for w in words))


def is_place(text: str) -> bool:
    return is_dateline_place(text)


def is_organisation(name: str) -> bool:
    return organisation_pattern().search(normalized(name)) is not None


def is_site_name(name: str, site_names: list[str], host: str) -> bool:
    """The site's own name (og:site_name, catalog, home link) or its domain, in any spacing."""
    key = squashed(name)
    if not key:
        return True
    if len(key) >= MIN_SITE_NAME_CHARS and key in host:
        return True
    own = [squashed(n) for n in site_names if len(squashed(n)) >= MIN_SITE_NAME_CHARS]
    return any(key == n or (len(key) >= 4 and (key in n or n in key)) for n in own)


def is_person(name: str, site_names: list[str], host: str) -> bool:
    return not (is_agency(name) or is_place(name) or is_organisation(name) or is_site_name(name, site_names, host))


def strip_bracketed_credits(text: str) -> tuple[str, list[str]]:
    """`عبدالله الغامدي (جدة)` → the name alone; `(واس)` goes to the outlets."""
    outlets: list[str] = []

    def credit(match: re.Match) -> str:
        inside = match.group(1).strip()
        if is_agency(inside):
            outlets.append(inside)
            return " "
        return " " if is_place(inside) else match.group(0)

    return BRACKETED.sub(credit, text).strip(), outlets


def read_byline(text: str, site_names: list[str], host: str) -> tuple[list[str], list[str]]:
    """(people, outlet names) in one byline: `كتب حسام أبو العلا - القاهرة` → ([حسام أبو العلا], []),
    `أبوظبي - البيان` → ([], [البيان])."""
    text, outlets = strip_bracketed_credits(strip_byline_prefix(text))
    parts = [p.strip() for p in BYLINE_DASH.split(text) if p.strip()]
    outlets += [p for p in parts if is_agency(p)]
    rest = [p for p in parts if not is_agency(p) and not is_place(p)]
    if len(rest) > 1:
        # `كتب A - B` names two people; `name - city` with a city we do not know leaves a one-word part.
        full = [p for p in rest if len(p.split()) >= 2]
        rest = full or [max(rest, key=lambda p: len(p.split()))]
    people: list[str] = []
    for name in (n for part in rest for n in parse_byline(part)):
        if is_agency(name):
            outlets.append(name)
        elif is_person(name, site_names, host) and name not in people:
            people.append(name)
    return people, outlets


OWNER_METAS = ("og:site_name", "application-name", "publisher", "article:publisher", "copyright", "dc.publisher")


def owner_names(metas, jsonld_objects: list[dict]) -> list[str]:
    """Who owns or publishes the site, as the page declares it: publisher/copyright metas, JSON-LD
    `publisher` and every Organization/WebSite object's name. Never an author of one of its pages."""
    names = [v for key in OWNER_METAS for v in metas.get(key, []) if "://" not in v]
    for obj in jsonld_objects:
        publishers = [p for p in jsonld_values([obj], "publisher") if isinstance(p, (dict, str))]
        names += [p.get("name") if isinstance(p, dict) else p for p in publishers]
        types = obj.get("@type")
        if is_organisation_type(types) or "WebSite" in (types if isinstance(types, list) else [types]):
            names.append(obj.get("name"))
    return [normalized(n).strip(" |-") for n in names if isinstance(n, str) and n.strip()]


def is_label(name: str, labels: list[str]) -> bool:
    """The page's own section or one of its tags (`أخبار مصر` printed where a byline stands)."""
    key = squashed(name)
    return any(key == squashed(label) for label in labels if label)


def is_organisation_type(types) -> bool:
    """`Organization`, `NewsMediaOrganization`, or a list holding one."""
    return any(isinstance(t, str) and t.endswith("Organization") for t in (types if isinstance(types, list) else [types]))


def jsonld_authors(jsonld, site_names: list[str], host: str) -> tuple[list[str], list[str]]:
    """Persons named in JSON-LD `author`; organisations count only as outlets (when they are one)."""
    people: list[str] = []
    outlets: list[str] = []
    for author in jsonld_values(jsonld, "author"):
        name = author.get("name") if isinstance(author, dict) else author
        if not isinstance(name, str):
            continue
        if isinstance(author, dict) and is_organisation_type(author.get("@type")):
            # Another outlet credited (not the site signing its own page) is a source.
            outlets += [name] if is_agency(name) and not is_site_name(name, site_names, host) else []
            continue
        found, credited = read_byline(name, site_names, host)
        people += [p for p in found if p not in people]
        outlets += credited
    return people, outlets


def innermost_byline_elements(tree, h1=None) -> list:
    """Byline elements of the article (not of teaser cards or comments) holding no other byline element.

    A block around the headline is the article's own, whatever its class says (`sidebar-right` layouts)."""
    around_h1 = set(h1.iterancestors()) if h1 is not None else set()
    patterns = byline_patterns()
    found = [
        el for el in CANDIDATES(tree)
        if is_byline_element(el, patterns) and all(block in around_h1 for block in IN_SIDE_BLOCK(el))
    ]
    holders = {ancestor for el in found for ancestor in el.iterancestors()}
    return [el for el in found if el not in holders]


def byline_block(elements: list, anchor, levels: int = BYLINE_BLOCK_LEVELS) -> list:
    """The anchor and the byline elements near it (co-authors), the `name` ones alone when there are any."""
    block = anchor
    if levels < 0:  # by the headline: -N levels, a bare wrapper around one element counting for none
        block = block_around(anchor, -levels)
    for _ in range(max(levels, 0)):
        block = block.getparent() if block.getparent() is not None and block.getparent().tag != "body" else block
    near = [el for el in elements if el is anchor or block in el.iterancestors()]
    name_patterns = byline_patterns("name")
    named = [el for el in near if is_byline_element(el, name_patterns)]
    return named or near


def short_blocks(el, depth: int) -> list:
    """`el` and its descendants when its text is a header's; else the same for its first children (the
    byline that opens the block holding the article text), down to `depth` levels."""
    if len(text_of(el)) <= MAX_HEADER_BLOCK_CHARS:
        return [el, *el.iterdescendants(etree.Element)]
    if depth <= 0:
        return []
    children = [c for c in el if isinstance(c.tag, str)][:LEADING_CHILDREN]
    return [found for child in children for found in short_blocks(child, depth - 1)]


def block_around(el, levels: int):
    """The ancestor `levels` blocks out, bare wrappers (one element inside) not counted."""
    block = el
    for _ in range(MAX_WRAPPER_STEPS):
        parent = block.getparent()
        if parent is None or parent.tag in ("body", "html") or levels <= 0:
            break
        levels -= len(parent) > 1
        block = parent
    return block


def header_zone(h1) -> list:
    """Elements standing by the headline: its siblings after (and just before) it, up to HEADER_LEVELS
    blocks out (a bare wrapper holding one element is no level), with their descendants; blocks longer
    than a header's (the body, a list of teasers) are not looked into."""
    zone: list = []
    node, level = h1, 0
    for _ in range(MAX_WRAPPER_STEPS):
        near = [*list(node.itersiblings())[:HEADER_AFTER], *list(node.itersiblings(preceding=True))[:HEADER_BEFORE]]
        for sibling in near:
            if isinstance(sibling.tag, str):
                zone += short_blocks(sibling, LEADING_DEPTH)
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html") or len(text_of(parent)) > MAX_HEADER_CHARS:
            break  # the block holding the article text: what stands beside it is not the header
        level += len(parent) > 1
        if level >= HEADER_LEVELS:
            break
        node = parent
    return zone


def opens_with_byline_word(norm_text: str, prefixes: list[str]) -> bool:
    return any(norm_text.startswith(p) and (len(norm_text) == len(p) or not norm_text[len(p)].isalnum()) for p in prefixes)


def header_bylines(zone: list) -> list:
    """Bylines shown by the headline, known by what they are rather than by class: a link to an author
    page, or a short line opening with a byline word (`كتب`, `بقلم`, `إعداد`)."""
    links = byline_patterns("link")
    prefixes = byline_prefixes_longest_first()
    found = []
    for el in zone:
        if el.tag == "a" and is_byline_element(el, links):
            found.append(el)
            continue
        text = text_of(el)
        if 0 < len(text) <= MAX_BYLINE_CHARS and opens_with_byline_word(normalized(text), prefixes):
            found.append(el)
    return found


def visible_byline(tree, site_names: list[str], host: str, h1=None) -> tuple[list[str], list[str]] | None:
    """People and outlets of the first byline block of the article that names someone: by the headline
    first, then wherever the markup says byline (outside teaser cards, widgets and comments)."""
    zone = header_zone(h1) if h1 is not None else []
    in_zone = set(zone)
    marked = innermost_byline_elements(tree, h1)
    return (
        byline_from(marked, [el for el in marked if el in in_zone], site_names, host)
        or byline_from(header := header_bylines(zone), header, site_names, host, levels=-HEADER_COAUTHOR_LEVELS)
        or byline_from(marked, [el for el in marked if el not in in_zone], site_names, host)
    )


def is_label_link(el, patterns: dict[str, re.Pattern]) -> bool:
    """`el` is, or only holds, a link to a section/tag page: a label printed where bylines stand."""
    links = [el] if el.tag == "a" else el.findall(".//a")
    return len(links) == 1 and is_byline_element(links[0], patterns) and text_of(links[0]) == text_of(el)


def byline_from(elements: list, anchors: list, site_names: list[str], host: str,
                levels: int = BYLINE_BLOCK_LEVELS) -> tuple[list[str], list[str]] | None:
    """People and outlets of the first anchor that names someone, with its co-authors among `elements`."""
    labels = byline_patterns("label")
    elements = [el for el in elements if not is_label_link(el, labels)]
    anchors = [el for el in anchors if not is_label_link(el, labels)]
    for anchor in anchors:
        text = text_of(anchor)
        if 0 < len(text) <= MAX_BYLINE_CHARS and any(read_byline(text, site_names, host)):
            break
    else:
        return None
    people: list[str] = []
    outlets: list[str] = []
    for el in byline_block(elements, anchor, levels):
        text = text_of(el)
        if 0 < len(text) <= MAX_BYLINE_CHARS:
            found, credited = read_byline(text, site_names, host)
            people += [p for p in found if p not in people]
            outlets += credited
    return (people, outlets) if people or outlets else None


def host_key(url: str) -> str:
    """The page's host name squashed (`www.albayan.ae` → `wwwalbayanae`), to recognise the site's own name."""
    return squashed(urlsplit(url).hostname or "").replace(".", "")


def pick_byline(tree, metas, jsonld, hints: ExtractionHints, url: str, site_names: list[str], h1=None) -> Byline:
    """Authors and byline-credited outlets of the page (see the module docstring for the order)."""
    host = host_key(url)
    ld_people, ld_outlets = jsonld_authors(jsonld, site_names, host)
    if hints.author_xpath:
        texts = [el if isinstance(el, str) else text_of(el) for el in tree.xpath(hints.author_xpath)]
        people = [p for t in texts for p in read_byline(t, site_names, host)[0]]
        if people:
            return Byline(people, sources_from_names(ld_outlets), visible=True)
    seen = visible_byline(tree, site_names, host, h1)
    if seen:
        return Byline(seen[0], sources_from_names(seen[1] + ld_outlets), visible=True)
    if ld_people:
        return Byline(ld_people, sources_from_names(ld_outlets))
    meta_people: list[str] = []
    for value in metas.get("author", []):
        meta_people += [p for p in read_byline(value, site_names, host)[0] if p not in meta_people]
    return Byline(meta_people, sources_from_names(ld_outlets))


def choose_authors(byline: Byline, text_bylines: list[str], site_names: list[str], url: str,
                   labels: list[str] = ()) -> list[str]:
    """A visible byline's people, else those of `كتب …` lines in the text, else JSON-LD's or meta's;
    never the page's own section or tags (`labels`)."""
    if byline.visible and byline.authors:
        return [a for a in byline.authors if not is_label(a, labels)]
    host = host_key(url)
    from_text: list[str] = []
    for text in text_bylines:
        from_text += [p for p in read_byline(text, site_names, host)[0] if p not in from_text]
    return [a for a in from_text or byline.authors if not is_label(a, labels)]
