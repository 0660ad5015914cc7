"""`extract()`: one page in, one `Article` out, every step of extraction in the order it runs.

`extract` is the crawler's hot path (called in a process pool and by offline re-extraction): the
page is decoded once (`decoding`), parsed once with lxml (`huge_tree`, so deep DOMs survive) and
the same tree serves metadata (`page`, `metadata`), dates (`page_dates`), captions (`captions`),
source lines (`attribution`) and finally the body (`body`, via trafilatura). Nothing here imports Scrapy.
"""
from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

import trafilatura
from lxml import etree

from crawler.text.arabic import count_arabic_letters
from crawler.extraction.article import Article, ExtractionHints, NotAnArticle
from crawler.extraction.attribution import normalized
from crawler.extraction.body_span import article_stretch, page_text
from crawler.extraction.body import (
    TRAFILATURA_OPTIONS,
    body_from_trafilatura,
    body_from_xpath,
    clean_paragraphs,
    clearly_shorter,
    floor_body,
    looks_like_listing,
    remove_boilerplate_blocks,
    runs_to_paragraphs,
)
from crawler.extraction.bylines import choose_authors, owner_names, pick_byline
from crawler.extraction.cards import cards_set_aside
from crawler.extraction.captions import extract_captions
from crawler.extraction.decoding import check_bytes, decode_page, parse_tree
from crawler.extraction.images import absolute
from crawler.extraction.metadata import (
    language_of,
    pick_lead,
    pick_title,
    section_and_tags,
)
from crawler.extraction.page import (
    all_jsonld,
    article_jsonld,
    canonical_url,
    clear_code,
    drop,
    first_meta,
    jsonld_values,
    read_metas,
    site_names,
)
from crawler.extraction.page_dates import fallback_dates, page_zone, structured_dates
from crawler.extraction.zones import resolve_zone
from crawler.extraction.sources import find_source_lines, merge_sources, opening_sources
from crawler.extraction.visibility import drop_hidden_blocks

__version__ = "0.1"
DATA_DIR = Path(__file__).with_name("data")
MIN_BODY_CHARS = 80
ALL_IMAGE_ALTS = etree.XPath("//img/@alt", smart_strings=False)


# Every rule file beside the extractor decides what it returns (crawl rules live in crawler/data/).
EXTRACTION_RULE_FILES = tuple(sorted(p.name for p in DATA_DIR.glob("*.toml")))


def settings_hash() -> str:
    """Hash of the rule data and trafilatura options: stored with every article for provenance."""
    digest = hashlib.sha1(repr(sorted(TRAFILATURA_OPTIONS.items())).encode())
    for path in sorted(DATA_DIR / name for name in EXTRACTION_RULE_FILES):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:8]


EXTRACTOR_ID = f"arabic-news/{__version__} trafilatura/{trafilatura.__version__} settings={settings_hash()}"


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


def drop_matching(tree, xpaths) -> None:
    for xpath in xpaths:
        for el in tree.xpath(xpath):
            drop(el)


def _extract(html: bytes, url: str, *, fetched_at, content_type, hints: ExtractionHints) -> Article:
    check_bytes(html, content_type)
    decoded = decode_page(html, content_type)
    text, tree = decoded.text, parse_tree(decoded.text, decoded.utf8)
    runs_to_paragraphs(tree)  # `text<br><br>text` read as paragraphs by every step below (dates, captions, body)
    metas, jsonld_objects = read_metas(tree), all_jsonld(tree)
    drop_hidden_blocks(tree)  # nothing a reader never sees feeds captions, bylines, sources or the body
    jsonld = article_jsonld(jsonld_objects)
    names = site_names(metas, url, hints, tree)
    title, h1 = pick_title(tree, metas, jsonld, names, hints)
    published, updated, date_source = structured_dates(tree, metas, jsonld, fetched_at)
    owners = names + owner_names(metas, jsonld_objects)  # the site and whoever publishes it: never an author
    section, tags = section_and_tags(tree, metas, jsonld)
    with cards_set_aside(tree, url) as set_aside:  # other stories' teaser cards feed no byline, caption or source
        byline = pick_byline(tree, metas, jsonld, hints, url, owners, h1)
        drop_matching(tree, hints.remove_xpaths)
        captions, caption_elements = extract_captions(tree, url, caption_xpath=hints.caption_xpath, title=title, metas=metas,
                                                      site_names=names, jsonld=jsonld_objects)
        line_sources, source_elements = find_source_lines(tree)
    if set_aside:
        drop_matching(tree, hints.remove_xpaths)  # the catalog's removals inside the cards put back

    if published is None:
        published, updated, date_source = fallback_dates(tree, h1, url, text, fetched_at, hints)
    if published is not None and (published.naive or updated is not None and updated.naive):
        published, updated, zone_source = resolve_zone(published, updated, hints, page_zone(tree, metas, jsonld))
    else:
        zone_source = published.zone_source if published else None

    alt_texts = {normalized(a) for a in ALL_IMAGE_ALTS(tree) if a.strip()}
    for el in caption_elements + source_elements:
        drop(el)
    page = page_text(tree)  # before the body finder, which prunes the tree
    largest_dropped = remove_boilerplate_blocks(tree)
    paragraphs = body_from_xpath(tree, hints.body_xpath) if hints.body_xpath else []
    body_source = "site-xpath"
    if not paragraphs:
        clear_code(tree)  # from here on only text_of (which skips them) and trafilatura (which drops them) read the tree
        paragraphs, body_source = body_from_trafilatura(tree, url), "extractor"
    drop_texts = {normalized(c.text) for c in captions} | {normalized(c.alt) for c in captions if c.alt} | alt_texts
    drop_texts |= {normalized(t) for t in (title, section) if t}  # the section's name stands above the title as a link
    arabic_page = count_arabic_letters(" ".join(paragraphs)) > 50
    cleaned = clean_paragraphs(paragraphs, drop_texts, arabic_page, names)
    body_length = sum(len(p) for p in cleaned[0])
    if body_length < MIN_BODY_CHARS or largest_dropped > body_length:
        # Our cleaning may have taken the article with a block it dropped: bare trafilatura is the floor.
        floor_lines, floor_source = floor_body(parse_tree(text), url)
        floor = clean_paragraphs(floor_lines, drop_texts, arabic_page, names)
        if clearly_shorter(cleaned[0], floor[0]):
            cleaned, body_source = floor, floor_source
    paragraphs, body_sources, byline_texts = cleaned
    paragraphs = article_stretch(page, paragraphs)  # no masthead or footer line standing far from the article
    body = "\n\n".join(paragraphs)

    has_article_markup = bool(jsonld) or first_meta(metas, "og:type") == "article" or published is not None and date_source in ("json-ld", "meta")
    if len(body) < MIN_BODY_CHARS:
        raise NotAnArticle(f"no article body ({len(body)} characters of text)")
    if looks_like_listing(tree, has_article_markup, paragraphs):
        raise NotAnArticle("listing page: headline-link teasers and no article text outside them")

    lead = pick_lead(tree, metas, jsonld, title, names)
    dateline = opening_sources(paragraphs, lead, names)
    images = [c.image_url for c in captions if c.image_url]
    for image in [*metas.get("og:image", []), *[i for i in jsonld_values(jsonld, "image") if isinstance(i, str)]]:
        address = absolute(url, image)  # None for an address that does not parse: skipped, not fatal
        if address and address not in images:
            images.append(address)
    return Article(
        url=url,
        canonical_url=canonical_url(tree, metas, url),
        title=title,
        lead=lead,
        body=body,
        captions=captions,
        sources=merge_sources(dateline, body_sources, line_sources, byline.sources),
        authors=choose_authors(byline, byline_texts, owners, url, [section, *tags]),
        published=published.iso() if published else None,
        updated=updated.iso() if updated else None,
        date_source=date_source if published else None,
        date_precision=published.precision if published else None,
        date_zone_source=zone_source,
        section=section,
        tags=tags,
        images=images,
        language=language_of(tree, metas, body),
        body_source=body_source,
        extractor=EXTRACTOR_ID,
    )
