"""Which images on a page are the article's own (its lead image and the images in its body).

Not the article's own: images in page chrome (nav, footer, sidebars, widgets, ads, author boxes),
logos, avatars, icons and tracking pixels, and teaser cards of other stories (related, most-read,
more-from-section). The signals are the page's own: the blocks around the image (class words of
`data/captions.toml`), whether the image sits in a link to another page, and whether it sits in a
card repeated beside sibling cards that each link elsewhere, and whether it stands after the article
(the smallest block holding the headline and the longest paragraph; a lead image above it stays).
The blocks that hold the headline or the longest paragraph are never foreign, whatever their class
says (`has-sidebar`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml import etree

from crawler.extraction.caption_rules import CAMEL_BOUNDARY, CaptionRules, class_parts

ALL_IMAGES = etree.XPath("//img|//amp-img")
HEADLINES = etree.XPath("//h1")
PARAGRAPHS = etree.XPath("//p")
CANONICAL_HREFS = etree.XPath("//link[@rel='canonical']/@href", smart_strings=False)
INNER_IMAGES = etree.XPath(".//img|.//amp-img")
INNER_LINKS = etree.XPath(".//a[@href]")
LINK_TEXT = etree.XPath("string()")
IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|avif|bmp|svg)(?:$|[?#])", re.I)
NON_PAGE_HREF = re.compile(r"^(?:#|javascript:|mailto:|tel:)", re.I)
WEB_ADDRESS = re.compile(r"^https?://[^/?#\s]", re.I)
CARD_LEVELS = 4  # how far above an image a teaser card may start
MIN_HEADLINE_CHARS = 15  # a card's link text this long reads as another story's headline


def absolute(base_url: str, href: str) -> str | None:
    """`urljoin` that gives None for an address it cannot parse (`http://[::1`) or that is not http(s)
    (`javascript:`, `data:`, `file:`): one bad link costs nothing, and only the web becomes a link."""
    try:
        joined = urljoin(base_url, href.strip())
    except ValueError:
        return None
    return joined if WEB_ADDRESS.match(joined) else None


def host_and_path(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    return f"{parts.netloc}{parts.path}".rstrip("/")


def image_url(img, base_url: str) -> str | None:
    """The image's address (lazy-loading attributes first), absolute."""
    for attr in ("data-src", "data-lazy-src", "data-original", "src"):
        value = (img.get(attr) or "").strip()
        if value and not value.startswith("data:") and "empty" not in value.rsplit("/", 1)[-1]:
            return absolute(base_url, value)
    srcset = (img.get("srcset") or img.get("data-srcset") or "").strip()
    return absolute(base_url, srcset.split(",")[0].split()[0]) if srcset else None


def url_parts(url: str) -> str:
    """`/Uploads/Ads/AdsHome.gif` → `uploads-ads-ads-home-gif`, for whole-word matching."""
    return re.sub(r"[^a-z0-9]+", "-", CAMEL_BOUNDARY.sub("-", url).lower())


def anchors(tree) -> list:
    """The headline and the longest paragraph: two points the article itself surely holds."""
    found = HEADLINES(tree)[:1]
    paragraphs = [(len(p.text_content()), p) for p in PARAGRAPHS(tree)]
    if paragraphs:
        found.append(max(paragraphs, key=lambda pair: pair[0])[1])
    return found


def core_blocks(points: list) -> set:
    """The anchors' ancestors: the article itself, never foreign whatever their class says."""
    return {ancestor for point in points for ancestor in point.iterancestors()}


def article_region(points: list):
    """The smallest block holding the headline and the longest paragraph, or None when that is the
    whole page (a headline far from the text says nothing about where the article is)."""
    if len(points) < 2:
        return None
    body_side = set(points[1].iterancestors()) | {points[1]}
    region = next((a for a in (points[0], *points[0].iterancestors()) if a in body_side), None)
    return None if region is None or region.tag in ("body", "html") else region


def after_region(img, region, order: dict) -> bool:
    """Below or beside the article (sidebars, related blocks, footers); a lead image above it stays."""
    if region is None or region in img.iterancestors():
        return False
    return order.get(img, 0) > order.get(region, 0)


def in_foreign_block(el, rules: CaptionRules, core: set) -> bool:
    for ancestor in el.iterancestors():
        if ancestor.tag in ("html", "body") or ancestor in core:
            continue
        if ancestor.tag == "head" or ancestor.tag in rules.foreign_tags or rules.foreign_class.search(class_parts(ancestor)):
            return True
    return False


def is_chrome_image(img, rules: CaptionRules, base_url: str) -> bool:
    """Logos, avatars, icons, flags, ads and pixels, by their address, class or size."""
    src = image_url(img, base_url) or ""
    if rules.chrome_words.search(url_parts(src.split("#")[0].split("//", 1)[-1].partition("/")[2])):
        return True
    if rules.chrome_words.search(class_parts(img)):
        return True
    sides = [int(v) for v in (img.get("width", ""), img.get("height", "")) if v.strip().isdigit()]
    return bool(sides) and min(sides) <= rules.chrome_max_side


def same_page(href: str, page_urls: set[str]) -> bool:
    return host_and_path(href) in page_urls


def is_lightbox(link, rules: CaptionRules) -> bool:
    """A link that enlarges the image (fancybox, lightbox, the image file itself), not another page."""
    return (
        any(link.get(attr) is not None for attr in rules.lightbox_attributes)
        or bool(rules.lightbox_class.search(class_parts(link)))
        or bool(rules.lightbox_rel.search((link.get("rel") or "").lower()))
    )


def links_elsewhere(link, base_url: str, page_urls: set[str], rules: CaptionRules) -> bool:
    href = (link.get("href") or "").strip()
    if not href or NON_PAGE_HREF.match(href) or is_lightbox(link, rules):
        return False
    target = absolute(base_url, href)
    return target is not None and not IMAGE_FILE.search(target) and not same_page(target, page_urls)


def enclosing_link(img):
    return next(img.iterancestors("a"), None)


def in_teaser_card(img, base_url: str, page_urls: set[str], rules: CaptionRules, core: set) -> bool:
    """Inside a link to another page, or a card (repeated beside its siblings) headed by one."""
    link = enclosing_link(img)
    if link is not None and links_elsewhere(link, base_url, page_urls, rules):
        return True
    card = img
    for _ in range(CARD_LEVELS):
        card = card.getparent()
        if card is None or card in core:
            return False
        if headline_link_elsewhere(card, base_url, page_urls, rules) and has_sibling_card(card):
            return True
    return False


def headline_link_elsewhere(card, base_url: str, page_urls: set[str], rules: CaptionRules) -> bool:
    return any(
        len(LINK_TEXT(a).strip()) >= MIN_HEADLINE_CHARS and links_elsewhere(a, base_url, page_urls, rules)
        for a in INNER_LINKS(card)
    )


def has_sibling_card(card) -> bool:
    """Another element with the same tag and class beside it, holding an image too: a list of cards."""
    parent = card.getparent()
    if parent is None:
        return False
    signature = (card.tag, card.get("class"))
    return any(s is not card and (s.tag, s.get("class")) == signature and INNER_IMAGES(s) for s in parent)


def page_addresses(tree, base_url: str) -> set[str]:
    """This page's own addresses (its URL and canonical), host + path, for telling links elsewhere apart."""
    urls = {base_url, *(absolute(base_url, h.strip()) for h in CANONICAL_HREFS(tree) if h.strip())}
    return {host_and_path(u) for u in urls if u}


@dataclass
class PageShape:
    """Where the article is: its core blocks and its region (with document order, to tell what follows it)."""

    core: set
    region: object | None
    order: dict

    def after_article(self, el) -> bool:
        return after_region(el, self.region, self.order)


def page_shape(tree) -> PageShape:
    points = anchors(tree)
    region = article_region(points)
    return PageShape(core_blocks(points), region, {el: i for i, el in enumerate(tree.iter())} if region is not None else {})


def own_images(tree, base_url: str, rules: CaptionRules) -> tuple[list, PageShape]:
    """The article's own images in document order (one per address), and where the article is."""
    shape = page_shape(tree)
    core = shape.core
    page_urls = page_addresses(tree, base_url)
    found, seen = [], set()
    for img in ALL_IMAGES(tree):
        url = image_url(img, base_url)
        if url is None or url in seen or img.getparent() is not None and img.getparent().tag == "noscript":
            continue
        if shape.after_article(img) or in_foreign_block(img, rules, core) or is_chrome_image(img, rules, base_url):
            continue
        if in_teaser_card(img, base_url, page_urls, rules, core):
            continue
        seen.add(url)
        found.append(img)
    return found, shape
