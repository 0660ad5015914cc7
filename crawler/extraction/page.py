"""Reading a parsed page: visible text, meta tags, JSON-LD objects, canonical URL and the site's own names."""
from __future__ import annotations

import json
import re
from urllib.parse import urljoin, urlsplit

from lxml import etree

from crawler.text.arabic import WHITESPACE, clean_text, strip_invisible
from crawler.extraction.article import ExtractionHints
from crawler.extraction.attribution import normalized

ARTICLE_TYPES = {
    "newsarticle", "article", "reportagenewsarticle", "blogposting", "analysisnewsarticle",
    "opinionnewsarticle", "backgroundnewsarticle", "livebposting", "liveblogposting", "reviewnewsarticle",
}  # fmt: skip
# XPath expressions compiled once per process (el.xpath(str) compiles on every call).
# libxml2's HTML parser reads <script> and <style> as raw text, never with child elements: a text node
# inside one is its direct child, so `parent::` says what `ancestor::` did at one step instead of the depth.
VISIBLE_TEXT = etree.XPath(".//text()[not(parent::script or parent::style)]", smart_strings=False)
METAS = etree.XPath("//meta[@content]")
JSONLD_SCRIPTS = etree.XPath("//script[@type='application/ld+json']")
CANONICAL_HREFS = etree.XPath("//link[@rel='canonical']/@href", smart_strings=False)
LINKS = etree.XPath("//a[@href]")
IMAGE_ALTS = etree.XPath(".//img/@alt", smart_strings=False)
UNREAD_TAGS = ("script", "style")
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")  # as clean_text splits paragraphs
# Scripts other than JSON data (JSON-LD, which trafilatura's baseline and forum test read) and styles.
CODE_BLOCKS = etree.XPath("//script[not(contains(@type, 'json'))] | //style")


def text_of(el) -> str:
    """Visible text of an element (script and style contents left out), whitespace cleaned."""
    if len(el) == 0 and isinstance(el.tag, str) and el.tag not in UNREAD_TAGS:
        return clean_text(el.text or "")  # a leaf (never inside a script, see VISIBLE_TEXT): its own text is all
    return clean_text(" ".join(VISIBLE_TEXT(el)))


# The length of `text_of` from a piece of text: (characters from its first to its last visible letter once
# cleaned, newlines in its leading whitespace, newlines in its trailing whitespace), or (None, newlines)
# for a piece that is all whitespace.
Shape = tuple


def piece_shape(text: str) -> Shape:
    if text.isspace():  # indentation between tags, most text nodes of a page
        return None, text.count("\n")
    text = strip_invisible(text)
    inner = text.strip()
    if not inner:
        return None, text.count("\n")
    if "\n" not in text:
        return len(WHITESPACE.sub(" ", inner)), 0, 0
    lead = text[: len(text) - len(text.lstrip())].count("\n")
    trail = text[len(text.rstrip()):].count("\n")
    # clean_text makes each inner whitespace run one space, or "\n\n" where it holds two newlines or more
    return len(WHITESPACE.sub(" ", inner)) + len(PARAGRAPH_BREAK.findall(inner)), lead, trail


def joined_shape(a: Shape | None, b: Shape | None) -> Shape | None:
    """The shape of `a + " " + b`: the space merges the whitespace at their meeting into one run."""
    if a is None or b is None:
        return b if a is None else a
    if a[0] is None:
        return (None, a[1] + b[1]) if b[0] is None else (b[0], a[1] + b[1], b[2])
    if b[0] is None:
        return a[0], a[1], a[2] + b[1]
    return a[0] + b[0] + (2 if a[2] + b[1] >= 2 else 1), a[1], b[2]


class TextLengths:
    """`len(text_of(el))` for many nested elements of a tree that does not change meanwhile, each text node
    read once: the XPath of `text_of` reads a block's whole subtree again for every ancestor asked about,
    and clean_text runs its regexes over all of it again."""

    def __init__(self) -> None:
        self.shapes: dict = {}  # element -> shape of its visible text nodes joined by " " (None: it has none)

    def length(self, el) -> int:
        shape = self.shape(el)
        return 0 if shape is None or shape[0] is None else shape[0]

    def shape(self, el) -> Shape | None:
        shapes = self.shapes
        if el not in shapes:
            # Children before parents (reversed document order), subtrees already read skipped, no recursion
            # (pages nest deep): the first call, on the largest block, reads the whole of it in one pass.
            pending = [node for node in el.iter() if node not in shapes]
            for node in reversed(pending):
                shapes[node] = self._own_shape(node)
        return shapes[el]

    def _own_shape(self, node) -> Shape | None:
        if not isinstance(node.tag, str) or node.tag in UNREAD_TAGS:
            return None  # a script's or style's text is not read (and they hold no elements, see VISIBLE_TEXT)
        shape = piece_shape(node.text) if node.text else None
        for child in node:
            if isinstance(child.tag, str):
                shape = joined_shape(shape, self.shapes.get(child))
            if child.tail:
                shape = joined_shape(shape, piece_shape(child.tail))
        return shape


def drop(el) -> None:
    """Remove an element but keep its tail text (lxml.html's drop_tree does)."""
    if el.getparent() is not None:
        el.drop_tree()


def clear_code(tree) -> int:
    """Empty the page's scripts and styles once nothing reads them any more (the elements stay, so the
    markup keeps its shape): trafilatura drops them too, but only after copying the tree four or five
    times, tens of kB of script each time. The number of blocks emptied."""
    blocks = CODE_BLOCKS(tree)
    for block in blocks:
        block.text = None
    return len(blocks)


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


def parse_jsonld(text: str | None):
    try:
        return json.loads(text or "", strict=False)
    except (ValueError, RecursionError):
        return None  # broken JSON-LD is skipped, not fatal


def all_jsonld(tree) -> list[dict]:
    """Every JSON-LD object of the page, `@graph` and main-entity members included: parsed once per page."""
    return [obj for script in JSONLD_SCRIPTS(tree) for obj in flatten_jsonld(parse_jsonld(script.text))]


def article_jsonld(objects: list[dict]) -> list[dict]:
    """The objects of article types."""
    return [obj for obj in objects
            if any(isinstance(t, str) and t.lower() in ARTICLE_TYPES for t in as_list(obj.get("@type")))]


def read_jsonld(tree) -> list[dict]:
    """JSON-LD objects of article types (broken JSON is skipped, not fatal)."""
    return article_jsonld(all_jsonld(tree))


def as_list(value) -> list:
    """A JSON-LD value that may be one item, a list of them, or absent, as a list."""
    return value if isinstance(value, list) else [value] if value is not None else []


def jsonld_values(objects: list[dict], key: str) -> list:
    return [v for obj in objects for v in as_list(obj.get(key))]


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
