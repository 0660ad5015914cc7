"""Image captions and their photo credits, for the article's own images (see `images`).

Bare trafilatura drops captions. For each own image the caption is looked for where CMSs put it
(the habits of `data/captions.toml`): its figure's `<figcaption>`, the element its
`aria-describedby` names, an element whose class says caption beside it (before or after, up to
three levels out), a caption attribute on the image, its enlarging link or its slide, its JSON-LD
ImageObject, and `og:image:alt`. An img's `alt` or `title` alone is no caption (a reader does not
see it); it stays `Caption.alt`. The credit is split off the text (`credits`), or read alone from a
copyright element by the image. Captions
whose image is not in the markup (scripts load it) come from figcaptions and structured data.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from crawler.text.arabic import clean_text
from crawler.extraction.article import Caption
from crawler.extraction.attribution import normalized
from crawler.extraction.caption_lines import credit_child, credit_line, credited_line, shown_alt
from crawler.extraction.caption_rules import CaptionRules, caption_rules, class_parts
from crawler.extraction.credits import credit_alone, split_credit
from crawler.extraction.images import (
    PageShape,
    enclosing_link,
    image_url,
    in_foreign_block,
    is_lightbox,
    own_images,
)
from crawler.extraction.page import all_jsonld
from crawler.extraction.structured import StructuredImages, image_key, is_caption_value

__all__ = ["extract_captions", "split_credit"]

INNER_WITH_CLASS = etree.XPath(".//*[@class]")
INNER_IMAGES = etree.XPath(".//img|.//amp-img")
IN_FIGURE = etree.XPath("ancestor::figure[1]")
BY_ID = etree.XPath("//*[@id=$id]")
MAX_CAPTION_CHARS = 600
BESIDE_LEVELS = 3
MAX_BLOCK_CAPTION_CHARS = 150  # a figure's text; longer is a paragraph (the lead) beside the picture
NOT_A_BLOCK_CAPTION = re.compile(r"https?:|www\.|\d{5,}")  # addresses and story numbers: page chrome
MIN_BLOCK_CAPTION_WORDS = 3
INNER_HEADINGS = etree.XPath("self::h1|self::h2|self::h3|self::h4|.//h1|.//h2|.//h3|.//h4|.//h5|.//h6")  # how far above the image a caption's sibling may sit
BESIDE_SIBLINGS = 2  # how many siblings on each side are looked at
MARKUP_TAG = re.compile(r"<[^>]*>")
SKIPPED_SIBLINGS = ("br", "script", "style", "noscript")
# Wrappers that only carry the picture (libxml2 even nests <img> inside <source>): not a level out.
IMAGE_WRAPPERS = ("picture", "source", "a")
CREDIT_LEFTOVERS = " ©|/-–—:،"  # what separated a caption from the credit element taken out of it


@dataclass
class PageContext:
    """What every image's caption search needs: rules, own images, title, hinted elements, structured data."""

    rules: CaptionRules
    base_url: str
    title: str | None
    images: list
    shape: PageShape
    hinted: list
    structured: StructuredImages
    own_names: frozenset[str] = frozenset()  # the site's own names (normalised): `… - عكاظ` is a credit
    used: list = field(default_factory=list)  # caption and credit elements taken (dropped from the body)

    def __post_init__(self) -> None:
        self.image_set = set(self.images)
        self.core = self.shape.core


def extract_captions(
    tree,
    base_url: str,
    *,
    caption_xpath: str | None = None,
    title: str | None = None,
    metas: dict | None = None,
    site_names: list[str] | None = None,
    jsonld: list[dict] | None = None,
) -> tuple[list[Caption], list]:
    """Captions of the article's own images, and the caption elements (to keep them out of the body).

    `jsonld` is every JSON-LD object of the page (`page.all_jsonld`), when the caller has parsed them already."""
    rules = caption_rules()
    images, shape = own_images(tree, base_url, rules)
    hinted = [el for el in tree.xpath(caption_xpath) if isinstance(el, etree._Element)] if caption_xpath else []
    structured = StructuredImages(all_jsonld(tree) if jsonld is None else jsonld, metas or {}, rules, base_url)
    ctx = PageContext(rules, base_url, title, images, shape, hinted, structured, frozenset(site_names or ()))
    captions = [c for c in (caption_of(img, ctx) for img in images) if c is not None]
    captions += loose_captions(tree, ctx)
    captions += structured.leftovers(title, {image_key(image_url(img, base_url)) for img in images}, ctx.own_names)
    return unique(captions), ctx.used


def caption_of(img, ctx: PageContext) -> Caption | None:
    url = image_url(img, ctx.base_url)
    alt = clean_text(img.get("alt") or "")
    element = next((el for el in finders(img, ctx) if el is not None), None)
    text, credit = caption_parts(element, ctx.rules) if element is not None else ("", None)
    if element is not None:
        ctx.used.append(element)
        if credit is None:
            text, credit = credit_child(element, text, ctx.own_names) or (text, None)
    if not text:
        # never the img's alt or title alone: a reader does not see them (data/captions.toml)
        text = attribute_caption(img, ctx) or ctx.structured.caption_for(url, ctx.title) or ""
    if text and credit is None:
        text, credit = split_credit(text, ctx.own_names)
    if credit is None:
        credit = credit_beside(img, ctx) or ctx.structured.credit_for(url) or shown_credit(img, ctx)
    if not text and not credit:
        return None
    if credit is None and alt:
        credit = split_credit(alt)[1]  # an English agency alt credits the caption it stands beside
    return Caption(text=text, credit=credit, image_url=url, alt=alt if alt and normalized(alt) != normalized(text) else None)


def finders(img, ctx: PageContext):
    """The places a caption element may be, nearest habit first (lazily: the first found wins)."""
    yield figcaption_of(img, ctx)
    yield described_by(img, ctx)
    yield beside(img, ctx, is_caption_element)
    yield block_caption(img, ctx)
    yield shown_alt(img, ctx.core)  # the markup-independent signals of caption_lines, after every habit
    yield credited_line(img, ctx.core, ctx.title, ctx.structured.is_summary, ctx.own_names)


def block_caption(img, ctx: PageContext):
    """Whatever the classes: the nearest block around the image that holds visible text, when that text
    is short, is no headline or link list, and the block holds no other own image nor the article text.
    That is how a figure looks, with or without <figure>."""
    node, level = img, 0
    while level < BESIDE_LEVELS:
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html") or parent in ctx.core or holds_other_image(parent, img, ctx):
            return None
        level += parent.tag not in IMAGE_WRAPPERS and len(parent) > 1
        node = parent
        text = clean_text(node.text_content())
        if not text:
            continue
        if len(text) > MAX_BLOCK_CAPTION_CHARS or INNER_HEADINGS(node) or len(text.split()) < MIN_BLOCK_CAPTION_WORDS \
                or NOT_A_BLOCK_CAPTION.search(text):
            return None
        if any(is_credit_element(el, ctx) or ctx.rules.hidden_class.search(class_parts(el)) for el in INNER_WITH_CLASS(node)):
            return None  # a credit or a screen-reader label the markup names: the credit search reads it
        linked = sum(len(clean_text(a.text_content())) for a in node.iter("a") if a.get("href") and not is_lightbox(a, ctx.rules))
        if linked * 2 > len(text) or not is_caption_value(text, ctx.title) or ctx.structured.is_summary(text):
            return None
        return node
    return None


def figcaption_of(img, ctx: PageContext):
    """The caption element of the image's own figure (a figure holding no other own image)."""
    figure = next(iter(IN_FIGURE(img)), None)
    if figure is None or holds_other_image(figure, img, ctx):
        return None
    return next((el for el in figure.iter(*ctx.rules.caption_tags) if img not in el.iter()), None) if ctx.rules.caption_tags else None


def described_by(img, ctx: PageContext):
    """`<img aria-describedby="caption-attachment-12">` → the element with that id (WordPress core)."""
    ids = (img.get("aria-describedby") or "").split() if ctx.rules.described_by else []
    for el_id in ids:
        found = next(iter(BY_ID(img, id=el_id)), None)
        if found is not None and len(clean_text(found.text_content())) <= MAX_CAPTION_CHARS:
            return found
    return None


def beside(img, ctx: PageContext, wanted):
    """The nearest element `wanted` accepts beside the image: a sibling of the image or of one of its
    wrappers (up to BESIDE_LEVELS out), or inside such a sibling; never past a wrapper holding another image."""
    node, level = img, 0
    while level < BESIDE_LEVELS:
        for sibling in siblings_near(node):
            found = match_in(sibling, img, ctx, wanted)
            if found is not None:
                return found
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html") or parent in ctx.core or holds_other_image(parent, img, ctx):
            return None
        level += parent.tag not in IMAGE_WRAPPERS
        node = parent
    return None


def siblings_near(node) -> list:
    after = [s for s in node.itersiblings() if isinstance(s.tag, str) and s.tag not in SKIPPED_SIBLINGS][:BESIDE_SIBLINGS]
    before = [s for s in node.itersiblings(preceding=True) if isinstance(s.tag, str) and s.tag not in SKIPPED_SIBLINGS][:BESIDE_SIBLINGS]
    return after + before


def match_in(sibling, img, ctx: PageContext, wanted):
    if INNER_IMAGES(sibling) or sibling in ctx.core:
        return None  # another image's block, or the article text itself
    if wanted(sibling, ctx):
        return sibling
    if len(clean_text(sibling.text_content())) > MAX_CAPTION_CHARS:
        return None
    return next((el for el in INNER_WITH_CLASS(sibling) if wanted(el, ctx)), None)


def holds_other_image(el, img, ctx: PageContext) -> bool:
    return any(other is not img and other in ctx.image_set for other in INNER_IMAGES(el))


def is_caption_element(el, ctx: PageContext) -> bool:
    if el.tag in ctx.rules.caption_tags or el in ctx.hinted:
        return True
    if el.tag in ("img", "amp-img", "figure", "a") or not ctx.rules.caption_class.search(class_parts(el)):
        return False
    return not ctx.structured.is_summary(el.text_content())  # `.article-desc` under the image: the summary


def is_credit_element(el, ctx: PageContext) -> bool:
    return bool(ctx.rules.credit_class.search(class_parts(el)))


def credit_beside(img, ctx: PageContext) -> str | None:
    element = beside(img, ctx, is_credit_element)
    figure = next(iter(IN_FIGURE(img)), None)
    if element is None and figure is not None and not holds_other_image(figure, img, ctx):
        element = next((el for el in INNER_WITH_CLASS(figure) if is_credit_element(el, ctx)), None)
    credit = credit_alone(caption_parts(element, ctx.rules)[0]) if element is not None else None
    if credit:
        ctx.used.append(element)
    return credit


def shown_credit(img, ctx: PageContext) -> str | None:
    """A credit alone by the image, known by what it says, not its class (caption_lines.credit_line)."""
    element, credit = credit_line(img, ctx.core, ctx.own_names)
    if element is not None and element not in ctx.used:
        ctx.used.append(element)
        return credit
    return None


def caption_parts(el, rules: CaptionRules) -> tuple[str, str | None]:
    """Visible text without screen-reader labels (`Image caption`, `مصدر الصورة`), and the credit of a
    copyright element nested in it (`<figcaption>… <span class="credit">رويترز</span>`). Walked without
    recursion: however deep the markup, a caption never costs the article."""
    parts: list[str] = []
    credits: list[str] = []
    stack: list[tuple[list[str], bool]] = []  # per open element: where its text goes, whether it is hidden
    for event, node in etree.iterwalk(el, events=("start", "end")):
        if event == "end":
            stack.pop()
            if node is not el and node.tail and not stack[-1][1]:
                stack[-1][0].append(node.tail)
            continue
        into, hidden = stack[-1] if stack else (parts, False)
        if not isinstance(node.tag, str) or node.tag in ("script", "style"):
            hidden = True
        else:
            node_parts = class_parts(node)
            hidden = hidden or bool(rules.hidden_class.search(node_parts))
            into = credits if node is not el and rules.credit_class.search(node_parts) else into
        stack.append((into, hidden))
        if node.text and not hidden:
            into.append(node.text)
    text = clean_text(" ".join(parts))
    if len(text) > MAX_CAPTION_CHARS:
        return "", None
    if not credits:
        return text, None
    return text.strip(CREDIT_LEFTOVERS), credit_alone(" ".join(credits))  # `… © <span>رويترز</span>`


def attribute_caption(img, ctx: PageContext) -> str | None:
    """A caption attribute on the image, on its enlarging link, or on the slide holding it."""
    holders = [img]
    link = enclosing_link(img)
    if link is not None and is_lightbox(link, ctx.rules):
        holders.append(link)
    holders += [a for a in list(img.iterancestors())[:3] if a.tag != "a" and a not in ctx.core]
    for holder in holders:
        for attr in ctx.rules.caption_attributes:
            value = clean_text(MARKUP_TAG.sub(" ", holder.get(attr) or ""))  # data-sub-html holds markup
            if value and is_caption_value(value, ctx.title):
                return value
    return None


def loose_captions(tree, ctx: PageContext) -> list[Caption]:
    """Caption elements of images the markup does not hold (lazy scripts): figcaptions and hinted elements
    with no image in their block; a block whose images were all judged not the article's is skipped."""
    found = []
    candidates = [*ctx.hinted, *(el for tag in ctx.rules.caption_tags for el in tree.iter(tag))]
    for el in candidates:
        if el in ctx.used or not loose_candidate(el, ctx):
            continue
        text, credit = caption_parts(el, ctx.rules)
        ctx.used.append(el)
        if text and credit is None:
            text, credit = split_credit(text, ctx.own_names)
        if text or credit:
            found.append(Caption(text=text, credit=credit))
    return found


def loose_candidate(el, ctx: PageContext) -> bool:
    if not isinstance(el.tag, str) or el in ctx.core or any(u in el.iterancestors() or el in u.iterancestors() for u in ctx.used):
        return False
    if el in ctx.hinted:
        return True
    if in_foreign_block(el, ctx.rules, ctx.core) or ctx.shape.after_article(el):
        return False
    block = next(iter(IN_FIGURE(el)), None)
    block = el.getparent() if block is None else block
    return block is not None and not INNER_IMAGES(block) and enclosing_link(el) is None


def unique(captions: list[Caption]) -> list[Caption]:
    """One caption per text (a structured copy of a visible caption adds nothing) and per credit-only image."""
    kept: list[Caption] = []
    for caption in captions:
        key = caption_key(caption)
        if any(key == k or (caption.text and len(key) > 10 and key in k) for k in map(caption_key, kept)):
            continue
        kept.append(caption)
    return kept


def caption_key(caption: Caption) -> str:
    return normalized(caption.text) if caption.text else f"image:{caption.image_url}:{caption.credit}"
