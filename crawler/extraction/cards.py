"""Teaser cards of other stories (related, most read, more news), known by how they are built.

A card block is an element holding several short headline links, each to another article of the same
site, whose text is mostly those links (a thumbnail, a date or a section label may stand beside each):
whatever its classes say, and wherever it stands, after the body or beside it. What such a block
shows belongs to other stories: it never feeds captions, authors or sources. The blocks are set aside
while those are read and put back after, so the body and the listing-page test see the page whole.
"""
from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from lxml import etree

from crawler.extraction.page import TextLengths, text_of

LINKS = etree.XPath("//body//a[@href]")
MIN_CARDS = 3  # fewer headline links are an "اقرأ أيضا" line, not a block of cards
MIN_HEADLINE_WORDS, MAX_HEADLINE_WORDS = 3, 25
MIN_LINK_SHARE = 0.4  # of the block's text in its headline links (a thumbnail caption, a date, a blurb beside each): below, article text with links
CARD_ROW_SHARE = 0.8  # of a row's children that are cards (a heading or a credit line may stand among them)
MAX_CARD_CHARS = 300  # a card is a headline and a few words; longer, it is a paragraph of the article
MAX_CLIMB = 60  # ancestors climbed from a link (deeply wrapped pages)


@lru_cache(maxsize=4096)
def link_target(site: str, href: str) -> tuple[str, str, str] | None:
    """(scheme, host without www., path without trailing /) of a link on `site`, None for an address that
    does not parse. Memoised: a site's menus and most-read cards repeat the same addresses on every page."""
    try:
        target = urlsplit(urljoin(site + "/", href))
        host = (target.hostname or "").removeprefix("www.")  # raises on a broken address such as `http://[x`
    except ValueError:
        return None  # an address that does not parse links to no article
    return target.scheme, host, target.path.rstrip("/")


def headline_chars(a, page: tuple[str, str]) -> int | None:
    """The length of a link's text when it reads as a headline and its address is another page of the
    same site, else None."""
    text = text_of(a)
    if not MIN_HEADLINE_WORDS <= len(text.split()) <= MAX_HEADLINE_WORDS:
        return None
    target = link_target(page[0], a.get("href", "").strip())
    if target is None:
        return None
    scheme, host, path = target
    same_site = scheme in ("http", "https") and host == page[0].split("//", 1)[-1]
    return len(text) if same_site and len(path) > 1 and path != page[1] else None


def card_blocks(tree, url: str) -> list:
    """The outermost blocks made of MIN_CARDS or more headline links to other articles of the site."""
    parts = urlsplit(url)
    page = (f"{parts.scheme}://{(parts.hostname or '').removeprefix('www.')}", parts.path.rstrip("/"))
    links = [(a, chars) for a in LINKS(tree) if (chars := headline_chars(a, page)) is not None]
    if len(links) < MIN_CARDS:
        return []
    counts: dict = {}  # ancestor → [headline links inside, characters of their text]
    for a, chars in links:
        for depth, ancestor in enumerate(a.iterancestors()):
            if ancestor.tag in ("body", "html") or depth >= MAX_CLIMB:
                break
            tally = counts.setdefault(ancestor, [0, 0])
            tally[0] += 1
            tally[1] += chars
    verdicts: dict = {}
    length = TextLengths().length  # nothing changes the tree meanwhile: each text node is read once

    def is_cards(block) -> bool:
        if block not in verdicts:
            count, chars = counts.get(block, (0, 0))
            verdicts[block] = (count >= MIN_CARDS and block.find(".//h1") is None
                               and (chars >= MIN_LINK_SHARE * length(block) or is_card_row(block, counts, length)))
        return verdicts[block]

    return [block for block in counts if is_cards(block) and not (block.getparent() is not None and is_cards(block.getparent()))]


def is_card_row(block, counts: dict, length: Callable[..., int]) -> bool:
    """Repeated short children, nearly each one holding a headline link: a row of cards, however much
    text (a thumbnail caption, a blurb, a byline of that story) stands beside each link. `length` is
    the `len(text_of(el))` of card_blocks' TextLengths."""
    children = [c for c in block if isinstance(c.tag, str) and length(c)]
    with_link = [c for c in children if c in counts or (c.tag == "a" and c.get("href"))]
    return (len(with_link) >= MIN_CARDS and len(with_link) >= CARD_ROW_SHARE * len(children)
            and all(length(c) <= MAX_CARD_CHARS for c in with_link))


@contextmanager
def cards_set_aside(tree, url: str):
    """Detach the card blocks for the duration of the `with` (tails kept in place), then put them back."""
    removed = []
    for block in card_blocks(tree, url):
        parent = block.getparent()
        if parent is None:
            continue
        tail, block.tail = block.tail, None
        placeholder = parent.makeelement("cardplaceholder", {})  # same element class as the tree
        placeholder.tail = tail
        parent.replace(block, placeholder)
        removed.append((placeholder, block, tail))
    try:
        yield len(removed)
    finally:
        for placeholder, block, tail in removed:
            block.tail = tail
            placeholder.getparent().replace(placeholder, block)
