"""Arabic-aware article extraction: trafilatura for the body, our own rules for the rest.

`extract` is the crawler's hot path (called in a process pool and by offline
re-extraction): the page is decoded once (crawler.charset), parsed once with lxml
(`huge_tree` so 300-level DOMs survive) and the tree is handed to trafilatura.
Metadata, captions, source lines and bylines are read from the same tree first;
dates come from structured data without dateparser whenever the page has them.
Nothing here imports Scrapy.
"""
from __future__ import annotations

import hashlib
import json
import re
from copy import deepcopy
from datetime import datetime
from itertools import chain
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
import trafilatura
from lxml import etree

from crawler.arabic import clean_text
from crawler.attribution import (
    normalized,
    normalized_rules,
    parse_byline,
    parse_dateline,
    parse_source_line,
    parse_trailing_attribution,
    rules,
    starts_with_phrase,
)
from crawler.captions import extract_captions, split_credit
from crawler.charset import decode_html
from crawler.dates import (
    FoundDate,
    date_from_url,
    parse_structured_date,
    parse_text_date,
    trusted_htmldate,
)
from crawler.items import Article, ExtractionHints, NotAnArticle, Source

__version__ = "0.1"
DATA_DIR = Path(__file__).with_name("data")
TRAFILATURA_OPTIONS = dict(
    include_comments=False,
    include_tables=True,
    include_images=False,
    include_links=False,
    include_formatting=False,
    with_metadata=False,
    deduplicate=False,
    favor_precision=False,
)
ARTICLE_TYPES = {
    "newsarticle", "article", "reportagenewsarticle", "blogposting", "analysisnewsarticle",
    "opinionnewsarticle", "backgroundnewsarticle", "livebposting", "liveblogposting", "reviewnewsarticle",
}  # fmt: skip
BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"RIFF", b"\x00\x00\x01\x00", b"OggS", b"ID3")
NON_HTML_TYPES = re.compile(r"^(image|audio|video|font)/|^application/(pdf|zip|octet-stream|gzip|x-)", re.I)
FEED_TYPES = re.compile(r"^(application/(rss|atom)\+xml|application/xml|text/xml)", re.I)
# Bytes 0-8 and 14-31: control characters that text (even UTF-16's ASCII half) does not contain.
BINARY_CONTROL_BYTES = bytes(b for b in range(32) if b < 9 or 13 < b)
# Control characters (not tab/newline/CR) libxml2 rejects; in UTF-8 they are single bytes.
XML_ILLEGAL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13))
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")
MARKUP_START = re.compile(r"<(html|body|p|div|head|article|title)\b", re.I)
FEED_START = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(rss|feed|urlset|sitemapindex|rdf:RDF)\b", re.S)
MIN_BODY_CHARS = 80
MIN_ARTICLE_PARAGRAPH = 80
SHORT_META_LINE = 80
MIN_COUNTED_PARAGRAPH = 40
MIN_FREE_TEXT = 120  # article text outside teaser cards below which a page is a listing
# XPath expressions compiled once per process (el.xpath(str) compiles on every call).
VISIBLE_TEXT = etree.XPath(".//text()[not(ancestor::script) and not(ancestor::style)]", smart_strings=False)
METAS = etree.XPath("//meta[@content]")
JSONLD_SCRIPTS = etree.XPath("//script[@type='application/ld+json']")
CANONICAL_HREFS = etree.XPath("//link[@rel='canonical']/@href", smart_strings=False)
LINKS = etree.XPath("//a[@href]")
IMAGE_ALTS = etree.XPath(".//img/@alt", smart_strings=False)
TITLES = etree.XPath("//head/title")
H1S = etree.XPath("//h1")
WITH_CLASS = etree.XPath("//*[@class]")
AUTHOR_CANDIDATES = etree.XPath("//*[@class or @itemprop or @rel]")
IN_SIDE_BLOCK = etree.XPath("ancestor::*[contains(@class,'related') or contains(@class,'widget') or contains(@class,'sidebar')]")
TIME_DATETIMES = etree.XPath("//time[@datetime][not(ancestor::*[contains(@class,'related')])]/@datetime", smart_strings=False)
DATE_CANDIDATES = etree.XPath("//*[@class or @id or self::time]")
BOILERPLATE_HEADINGS = etree.XPath("//h2|//h3|//h4|//h5|//h6|//span|//strong|//b|//div[not(*)]|//p[not(*)]")
PARAGRAPHS = etree.XPath(".//p")
ANCHORS = etree.XPath(".//a")
BODY_TEXT_NODES = etree.XPath("//body//text()[not(ancestor::script) and not(ancestor::style)]")
TEXT_BLOCKS = etree.XPath(".//p|.//h2|.//h3|.//h4|.//li|.//blockquote")
IN_TEXT_BLOCK = etree.XPath("ancestor::p|ancestor::li|ancestor::blockquote")
HEADLINE_LINKS = etree.XPath("//h2[.//a]|//h3[.//a]|//h4[.//a]")
CONTENT_PARAGRAPHS = etree.XPath("//p[not(ancestor::footer or ancestor::header or ancestor::nav or ancestor::aside)]")
SIBLING_HEADLINE_LINKS = etree.XPath("../h2[.//a]|../h3[.//a]|../h4[.//a]")
ALL_IMAGE_ALTS = etree.XPath("//img/@alt", smart_strings=False)
DATE_CLASS = re.compile(r"date|time|publish|posted|tmstmp|timestamp|byline|meta", re.I)
AUTHOR_CLASS = re.compile(r"(?:^|[\s_-])(?:author|byline|writer|reporter|editor-name|meta_author|post-author)(?:$|[\s_-]|name)", re.I)
SUMMARY_CLASS = re.compile(r"(?:^|[\s_-])(?:summary|lead|excerpt|standfirst|article-desc|intro|subtitle|sub-title)(?:$|[\s_-])", re.I)
ARABIC_LETTER = re.compile("[\u0621-\u064a]")
LATIN_LETTER = re.compile("[A-Za-z]")


# The data files that decide what extraction returns (crawl rules such as traps.toml stay out).
EXTRACTION_RULE_FILES = ("agencies.toml", "extraction.toml", "months.toml")


def settings_hash() -> str:
    """Hash of the rule data and trafilatura options: stored with every article for provenance."""
    digest = hashlib.sha1(repr(sorted(TRAFILATURA_OPTIONS.items())).encode())
    for path in sorted(DATA_DIR / name for name in EXTRACTION_RULE_FILES):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:8]


EXTRACTOR_ID = f"arabic-news/{__version__} trafilatura/{trafilatura.__version__} settings={settings_hash()}"


# --- input checks and parsing -------------------------------------------------------------


def check_bytes(html: bytes, content_type: str | None) -> None:
    if not html or not html.strip():
        raise NotAnArticle("empty response")
    if html.lstrip().startswith(BINARY_MAGIC):
        raise NotAnArticle("binary content (file signature), not HTML")
    head = html[:4096]
    controls = len(head) - len(head.translate(None, BINARY_CONTROL_BYTES))
    if controls > len(head) // 100:
        raise NotAnArticle("binary content (control bytes), not HTML")
    if content_type and NON_HTML_TYPES.search(content_type.strip()) and b"<" not in head:
        raise NotAnArticle(f"content type {content_type.split(';')[0]} is not HTML")
    if FEED_START.match(head) or (content_type and FEED_TYPES.match(content_type.strip()) and b"<html" not in head.lower()):
        raise NotAnArticle("a feed or sitemap (XML), not an article page")


def parse_tree(text: str):
    """Parse once, tolerant of deep nesting and of encoding declarations inside a str."""
    if "<" not in text[:4096] or not MARKUP_START.search(text, 0, 200000):
        raise NotAnArticle("not HTML: no markup found")
    text = XML_DECLARATION.sub("", text)
    # Dropping control bytes after encoding equals dropping the characters before: faster on bytes.
    data = text.encode("utf-8", "replace").translate(None, XML_ILLEGAL_BYTES)
    parser = lxml.html.HTMLParser(encoding="utf-8", huge_tree=True, remove_comments=True, remove_pis=True)
    try:
        tree = lxml.html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError, etree.XMLSyntaxError) as exc:
        raise NotAnArticle(f"unparseable HTML: {exc}") from exc
    if tree is None or tree.find("body") is None:
        raise NotAnArticle("unparseable HTML: no body")
    return tree


UNREAD_TAGS = ("script", "style")


def text_of(el) -> str:
    """Visible text of an element (script and style contents left out), whitespace cleaned."""
    leaf = len(el) == 0 and isinstance(el.tag, str) and el.tag not in UNREAD_TAGS
    if leaf and next(el.iterancestors(*UNREAD_TAGS), None) is None:
        return clean_text(el.text or "")  # a leaf: its own text is all the XPath below would find
    return clean_text(" ".join(VISIBLE_TEXT(el)))


def drop(el) -> None:
    """Remove an element but keep its tail text (lxml.html's drop_tree does)."""
    if el.getparent() is not None:
        el.drop_tree()


# --- metadata -------------------------------------------------------------------------------


def read_metas(tree) -> dict[str, list[str]]:
    metas: dict[str, list[str]] = {}
    for meta in METAS(tree):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        value = clean_text(meta.get("content") or "")
        if key and value:
            metas.setdefault(key, []).append(value)
    return metas


def flatten_jsonld(node) -> list[dict]:
    if isinstance(node, list):
        return [obj for item in node for obj in flatten_jsonld(item)]
    if not isinstance(node, dict):
        return []
    found = [node]
    for key in ("@graph", "mainEntity", "mainEntityOfPage"):
        if isinstance(node.get(key), (list, dict)):
            found.extend(flatten_jsonld(node[key]))
    return found


def read_jsonld(tree) -> list[dict]:
    """JSON-LD objects of article types (broken JSON is skipped, not fatal)."""
    objects = []
    for script in JSONLD_SCRIPTS(tree):
        try:
            data = json.loads(script.text or "", strict=False)
        except (ValueError, RecursionError):
            continue
        for obj in flatten_jsonld(data):
            types = obj.get("@type")
            types = types if isinstance(types, list) else [types]
            if any(isinstance(t, str) and t.lower() in ARTICLE_TYPES for t in types):
                objects.append(obj)
    return objects


def jsonld_values(objects: list[dict], key: str) -> list:
    values = []
    for obj in objects:
        value = obj.get(key)
        values.extend(value if isinstance(value, list) else [value] if value is not None else [])
    return values


def first_meta(metas: dict[str, list[str]], *keys: str) -> str | None:
    for key in keys:
        if metas.get(key):
            return metas[key][0]
    return None


def same_site(url_a: str, url_b: str) -> bool:
    def site(url: str) -> str:
        labels = (urlsplit(url).hostname or "").lower().split(".")
        keep = 3 if len(labels) >= 3 and labels[-2] in {"com", "co", "net", "org", "gov", "edu", "ac"} else 2
        return ".".join(labels[-keep:])

    return bool(site(url_a)) and site(url_a) == site(url_b)


def canonical_url(tree, metas, url: str) -> str | None:
    for href in [*CANONICAL_HREFS(tree), first_meta(metas, "og:url")]:
        if href and href.strip():
            absolute = urljoin(url, href.strip())
            return absolute if same_site(absolute, url) else None
    return None


def home_link_names(tree, url: str) -> list[str]:
    """Texts (or logo alts) of links to the site root: the site's own name, as the page prints it."""
    parts = urlsplit(url)
    roots = {"/", f"{parts.scheme}://{parts.netloc}", f"{parts.scheme}://{parts.netloc}/"}
    names = []
    for link in LINKS(tree)[:200]:
        if link.get("href", "").strip() in roots:
            text = text_of(link) or " ".join(IMAGE_ALTS(link))
            if text and len(text.split()) <= 5:
                names.append(text)
    return names


def site_names(metas, url: str, hints: ExtractionHints, tree=None) -> list[str]:
    names = [*metas.get("og:site_name", []), *metas.get("application-name", []), *hints.title_suffixes]
    if tree is not None:
        names += home_link_names(tree, url)
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    names.append(host.split(".")[0] if host else "")
    return [normalized(n).strip(" |-") for n in names if n and n.strip()]


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
    cleaned = [strip_site_name(t, names, hints) for t in raw]
    if cleaned:
        return cleaned[0], (h1s[0] if h1s else None)
    if h1s:
        return text_of(h1s[0]), h1s[0]
    return None, None


def pick_lead(tree, metas, jsonld, title: str | None, names: list[str]) -> str | None:
    candidates = [
        *metas.get("description", []),
        *metas.get("og:description", []),
        *metas.get("twitter:description", []),
        *[d for d in jsonld_values(jsonld, "description") if isinstance(d, str)],
    ]
    summaries = [el for el in WITH_CLASS(tree) if SUMMARY_CLASS.search(el.get("class", ""))][:3]
    for text in chain(candidates, (text_of(el) for el in summaries)):  # text_of only when reached
        text = clean_text(text)
        if len(text.split()) < 6 or site_like(text, names) or (title and normalized(text) == normalized(title)):
            continue
        return text
    return None


def pick_authors(tree, metas, jsonld, hints, url) -> list[str]:
    host = (urlsplit(url).hostname or "").lower().replace(".", "")

    def usable(names: list[str]) -> list[str]:
        kept = []
        for name in names:
            squashed = normalized(name).replace(" ", "")
            if squashed and squashed not in host and name not in kept:
                kept.append(name)
        return kept

    if hints.author_xpath:
        found = [n for el in tree.xpath(hints.author_xpath) for n in parse_byline(el if isinstance(el, str) else text_of(el))]
        if usable(found):
            return usable(found)
    ld_names = []
    for author in jsonld_values(jsonld, "author"):
        if isinstance(author, dict) and author.get("@type") == "Organization":
            continue  # the publisher standing in for an author
        name = author.get("name") if isinstance(author, dict) else author
        if isinstance(name, str):
            ld_names.extend(parse_byline(name))
    if usable(ld_names):
        return usable(ld_names)
    for el in AUTHOR_CANDIDATES(tree):
        marker = f"{el.get('class', '')} {el.get('itemprop', '')} {el.get('rel', '')}"
        if AUTHOR_CLASS.search(marker) or "author" in (el.get("itemprop") or "") or el.get("rel") == "author":
            if IN_SIDE_BLOCK(el):
                continue
            text = text_of(el)
            if 0 < len(text) <= 80:
                names = usable(parse_byline(text))
                if names:
                    return names
    return usable([n for value in metas.get("author", []) for n in parse_byline(value)])


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
    lang = (tree.get("lang") or tree.get("xml:lang") or first_meta(metas, "og:locale", "content-language") or "").strip()
    if lang:
        return lang.replace("_", "-").split("-")[0].lower()
    arabic, latin = len(ARABIC_LETTER.findall(body)), len(LATIN_LETTER.findall(body))
    if arabic or latin:
        return "ar" if arabic >= latin else None
    return None


# --- dates ----------------------------------------------------------------------------------


def structured_dates(tree, metas, jsonld, now) -> tuple[FoundDate | None, FoundDate | None, str | None]:
    """(published, updated, source) from JSON-LD, meta tags and <time datetime>: no dateparser."""
    for source, published_values, updated_values in (
        ("json-ld", jsonld_values(jsonld, "datePublished"), jsonld_values(jsonld, "dateModified")),
        (
            "meta",
            [first_meta(metas, k) for k in ("article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate", "publish-date", "date", "dc.date.issued", "dc.date", "sailthru.date", "parsely-pub-date")],
            [first_meta(metas, k) for k in ("article:modified_time", "og:updated_time", "datemodified", "dc.date.modified")],
        ),
        ("time-tag", TIME_DATETIMES(tree)[:1], []),
    ):
        published = next((d for d in (parse_structured_date(v, now=now) for v in published_values if isinstance(v, str)) if d), None)
        if published:
            updated = next((d for d in (parse_structured_date(v, now=now) for v in updated_values if isinstance(v, str)) if d), None)
            return published, updated, source
    return None, None, None


def date_elements(tree, h1):
    """Short elements that look like timestamps, those after the headline first."""
    found = []
    for el in DATE_CANDIDATES(tree):
        if el.tag in ("script", "style", "body", "html") or not (el.tag == "time" or DATE_CLASS.search(class_and_id(el))):
            continue
        text = text_of(el)
        if 4 <= len(text) <= 150:
            found.append(el)
    if h1 is None:
        return found
    order = {el: i for i, el in enumerate(tree.iter())}
    h1_pos = order.get(h1, 0)
    return [el for el in found if order.get(el, 0) > h1_pos] + [el for el in found if order.get(el, 0) <= h1_pos]


def class_and_id(el) -> str:
    return f"{el.get('class', '')} {el.get('id', '')}"


def text_dates(tree, h1, now, hints) -> tuple[FoundDate | None, FoundDate | None]:
    """Visible Arabic timestamps: (published, updated) — `آخر تحديث` marks the latter."""
    markers = normalized_rules()["update_markers"]
    elements = list(tree.xpath(hints.date_xpath)) if hints.date_xpath else []
    elements += date_elements(tree, h1)
    published = updated = None
    for el in elements:
        text = el if isinstance(el, str) else text_of(el)
        found = parse_text_date(text, now=now)
        if not found:
            continue
        norm = normalized(text)
        if any(m in norm for m in markers):
            updated = updated or found
            continue
        published = published or found
        if published and updated:
            break
    return published, updated


# --- body -----------------------------------------------------------------------------------


def remove_boilerplate_blocks(tree) -> None:
    """Headings like `اقرأ أيضا` take their related-links block with them."""
    starts = rules()["boilerplate_starts"]
    for el in BOILERPLATE_HEADINGS(tree):
        text = text_of(el)
        if not text or len(text) > 40 or not starts_with_phrase(normalized(text), starts):
            continue
        block = el
        for ancestor in el.iterancestors():
            if ancestor.tag in ("body", "html", "article", "main") or holds_article_text(ancestor, block):
                break
            if link_density(ancestor) > 0.5:
                block = ancestor
        drop(block)


def holds_article_text(el, inner) -> bool:
    """Whether `el` has a real paragraph outside `inner`: climbing further would take the article along."""
    return any(
        len(text_of(p)) >= MIN_ARTICLE_PARAGRAPH and inner not in p.iterancestors() and p is not inner
        for p in PARAGRAPHS(el)
    )


def link_density(el) -> float:
    total = len(text_of(el))
    if not total:
        return 0.0
    return sum(len(text_of(a)) for a in ANCHORS(el)) / total


def find_source_lines(tree) -> tuple[list[Source], list]:
    """`المصدر : الجزيرة + وكالات` anywhere on the page (often outside the body container)."""
    prefixes = rules()["source_prefixes"]
    for node in BODY_TEXT_NODES(tree):
        stripped = node.strip()
        if not stripped or len(stripped) > 120 or not starts_with_phrase(normalized(stripped), prefixes):
            continue
        el = node.getparent()
        while el is not None and el.getparent() is not None and len(text_of(el.getparent())) <= 120:
            el = el.getparent()
        if el is None:
            continue
        sources = parse_source_line(text_of(el))
        if sources:
            return sources, [el]
    return [], []


def body_from_xpath(tree, xpath: str) -> list[str]:
    paragraphs = []
    for container in tree.xpath(xpath):
        blocks = TEXT_BLOCKS(container)
        blocks = [b for b in blocks if not IN_TEXT_BLOCK(b)]
        paragraphs.extend(text_of(b) for b in blocks or [container])
    return [p for p in paragraphs if p]


def body_from_trafilatura(tree, url: str) -> list[str]:
    try:
        doc = trafilatura.bare_extraction(tree, url=url, **TRAFILATURA_OPTIONS)
    except Exception:  # trafilatura/lxml raise many error types on odd pages: treat as no body
        return []
    text = getattr(doc, "text", None) if doc is not None else None
    return [line for line in (clean_text(l) for l in (text or "").split("\n")) if line]


def is_boilerplate(paragraph: str, norm: str) -> bool:
    """`norm` is `normalize(paragraph)`."""
    r = rules()
    if paragraph.count(" | ") >= 3 and len(paragraph) <= r["boilerplate_max_chars"]:
        return True  # a navigation bar flattened to text
    if len(paragraph) <= SHORT_META_LINE and re.search(r"\d", norm) and parse_text_date(paragraph):
        return True  # a timestamp line: it is stored as a date, not as text
    if len(paragraph) <= r["boilerplate_start_max_chars"] and starts_with_phrase(norm, r["boilerplate_starts"]):
        return True
    return len(paragraph) <= r["boilerplate_max_chars"] and any(m in norm for m in normalized_rules()["boilerplate_contains"])


def clean_paragraphs(paragraphs: list[str], drop_texts: set[str], arabic_page: bool) -> tuple[list[str], list[Source], list[str]]:
    """Remove boilerplate, captions, alt text, source lines and bylines; return (paragraphs, sources, authors)."""
    kept: list[str] = []
    sources: list[Source] = []
    authors: list[str] = []
    for paragraph in paragraphs:
        norm = normalized(paragraph)
        uncredited = split_credit(paragraph)[0]
        uncredited_norm = norm if uncredited == paragraph else normalized(uncredited)
        if norm in drop_texts or uncredited_norm in drop_texts or is_boilerplate(paragraph, norm):
            continue
        if arabic_page and not ARABIC_LETTER.search(paragraph) and re.search(r"AFP|Getty|REUTERS|Reuters|Photo|/", paragraph):
            continue  # English agency photo text leaking from alt attributes
        line_sources = parse_source_line(paragraph)
        if line_sources:
            sources.extend(line_sources)
            continue
        if len(paragraph) <= 60 and starts_with_phrase(norm, rules()["byline_prefixes"]):
            authors.extend(parse_byline(paragraph))
            continue
        kept.append(paragraph)
    if kept:
        last, trailing = parse_trailing_attribution(kept[-1])
        if trailing:
            sources.extend(trailing)
            kept[-1:] = [last] if last else []
    return kept, sources, authors


def merge_sources(*groups: list[Source]) -> list[Source]:
    merged: list[Source] = []
    for group in groups:
        for source in group:
            if all(normalized(source.name) != normalized(s.name) for s in merged):
                merged.append(source)
    return merged


def looks_like_listing(tree, has_article_markup: bool) -> bool:
    """Homepages and section pages: headline-link teaser cards and no real text outside them."""
    if has_article_markup or not HEADLINE_LINKS(tree):
        return False
    free_text = 0
    for paragraph in CONTENT_PARAGRAPHS(tree):
        length = len(text_of(paragraph))
        if length >= MIN_COUNTED_PARAGRAPH and not SIBLING_HEADLINE_LINKS(paragraph):
            free_text += length
    return free_text < MIN_FREE_TEXT


# --- entry point ----------------------------------------------------------------------------


def extract(
    html: bytes,
    url: str,
    *,
    fetched_at: datetime | None = None,
    content_type: str | None = None,
    hints: ExtractionHints | None = None,
) -> Article:
    """Extract one article; raises NotAnArticle (with a reason) for anything that is not one."""
    try:
        return _extract(html, url, fetched_at=fetched_at, content_type=content_type, hints=hints or ExtractionHints())
    except NotAnArticle:
        raise
    except (etree.LxmlError, ValueError, TypeError, UnicodeError, RecursionError, AttributeError) as exc:
        raise NotAnArticle(f"extraction failed: {type(exc).__name__}: {exc}") from exc


def _extract(html: bytes, url: str, *, fetched_at, content_type, hints: ExtractionHints) -> Article:
    check_bytes(html, content_type)
    text = decode_html(html, content_type)
    tree = parse_tree(text)
    metas, jsonld = read_metas(tree), read_jsonld(tree)
    names = site_names(metas, url, hints, tree)
    title, h1 = pick_title(tree, metas, jsonld, names, hints)
    published, updated, date_source = structured_dates(tree, metas, jsonld, fetched_at)
    authors = pick_authors(tree, metas, jsonld, hints, url)
    section, tags = section_and_tags(tree, metas, jsonld)

    for xpath in hints.remove_xpaths:
        for el in tree.xpath(xpath):
            drop(el)
    captions, caption_elements = extract_captions(tree, url, caption_xpath=hints.caption_xpath)
    line_sources, source_elements = find_source_lines(tree)

    if published is None:
        published, updated, date_source = fallback_dates(tree, h1, url, text, fetched_at, hints)

    alt_texts = {normalized(a) for a in ALL_IMAGE_ALTS(tree) if a.strip()}
    for el in caption_elements + source_elements:
        drop(el)
    remove_boilerplate_blocks(tree)
    paragraphs = body_from_xpath(tree, hints.body_xpath) if hints.body_xpath else []
    if not paragraphs:
        paragraphs = body_from_trafilatura(tree, url)
    drop_texts = {normalized(c.text) for c in captions} | {normalized(c.alt) for c in captions if c.alt} | alt_texts
    if title:
        drop_texts.add(normalized(title))
    arabic_page = len(ARABIC_LETTER.findall(" ".join(paragraphs))) > 50
    paragraphs, body_sources, byline_authors = clean_paragraphs(paragraphs, drop_texts, arabic_page)
    body = "\n\n".join(paragraphs)

    has_article_markup = bool(jsonld) or first_meta(metas, "og:type") == "article" or published is not None and date_source in ("json-ld", "meta")
    if len(body) < MIN_BODY_CHARS:
        raise NotAnArticle(f"no article body ({len(body)} characters of text)")
    if looks_like_listing(tree, has_article_markup):
        raise NotAnArticle("listing page: headline-link teasers and no article text outside them")

    dateline = parse_dateline(paragraphs[0]) if paragraphs else []
    images = [c.image_url for c in captions if c.image_url]
    for image in [*metas.get("og:image", []), *[i for i in jsonld_values(jsonld, "image") if isinstance(i, str)]]:
        absolute = urljoin(url, image)
        if absolute not in images:
            images.append(absolute)
    return Article(
        url=url,
        canonical_url=canonical_url(tree, metas, url),
        title=title,
        lead=pick_lead(tree, metas, jsonld, title, names),
        body=body,
        captions=captions,
        sources=merge_sources(dateline, body_sources, line_sources),
        authors=authors or byline_authors,
        published=published.iso() if published else None,
        updated=updated.iso() if updated else None,
        date_source=date_source if published else None,
        date_precision=published.precision if published else None,
        section=section,
        tags=tags,
        images=images,
        language=language_of(tree, metas, body),
        extractor=EXTRACTOR_ID,
    )


def fallback_dates(tree, h1, url, raw_text, now, hints) -> tuple[FoundDate | None, FoundDate | None, str | None]:
    """URL, then htmldate (validated), then visible Arabic text: the page had no structured date."""
    text_published, text_updated = text_dates(tree, h1, now, hints)
    from_url = date_from_url(url, now=now)
    if from_url and from_url.precision == "day":
        return from_url, text_updated, "url"
    guessed = trusted_htmldate(deepcopy(tree), raw_text, now=now)
    if guessed:
        return guessed, text_updated, "htmldate"
    if text_published:
        return text_published, text_updated, "text"
    if text_updated:
        return text_updated, None, "text"
    if from_url:
        return from_url, None, "url"
    return None, None, None
