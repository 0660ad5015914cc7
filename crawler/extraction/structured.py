"""Captions a page states in its data rather than its markup: JSON-LD image objects and og:image:alt.

A JSON-LD `ImageObject` (an article's `image`, or one in `@graph`, as Yoast writes it) carries a
`caption` or `description` and sometimes a credit; `og:image:alt` describes the share image. Both
are matched to the markup's images by file name (`photo-750x375.jpg` is `photo.jpg`); what matches
no image in the markup still counts, with the structured image's address. A value that repeats the
title or is a bare word is not a caption.
"""
from __future__ import annotations

import re
from urllib.parse import unquote

from crawler.text.arabic import clean_text
from crawler.extraction.article import Caption
from crawler.extraction.attribution import normalized
from crawler.extraction.caption_rules import CaptionRules
from crawler.extraction.credits import split_credit
from crawler.extraction.images import absolute
from crawler.extraction.page import as_list

IMAGE_NAME = re.compile(r"([^/=?&]+?)(?:-\d{2,5}x\d{2,5})?\.(?:jpe?g|png|gif|webp|avif)", re.I)
SUMMARY_METAS = ("description", "og:description", "twitter:description")
OWNER_TYPES = {"Person", "Organization", "NewsMediaOrganization", "Corporation", "WebSite"}
IMAGE_KEYS = ("image", "associatedMedia", "primaryImageOfPage", "thumbnail")
MAX_CAPTION_CHARS = 600
MIN_SENTENCE_WORDS = 3
OG_ALT_MIN_WORDS = 6  # a label of a few words names the picture, it does not caption it
TITLE_OVERLAP = 0.7  # share of a value's words found in the title beyond which it repeats the title
FILE_NAME = re.compile(r"^[\w.-]+$|\.(?:jpe?g|png|gif|webp)\b", re.I)


def image_key(url: str | None) -> str | None:
    """An image's file name without size suffix: the same picture under its resized addresses."""
    if not url:
        return None
    names = IMAGE_NAME.findall(unquote(url))
    return names[-1].lower() if names else None


def words(text: str) -> list[str]:
    return normalized(text).split()


def repeats_title(text: str, title: str | None) -> bool:
    """`alt` equal to the title, a piece of it, or mostly its words."""
    if not title:
        return False
    value, headline = normalized(text).strip(" .…"), normalized(title)
    if not value or value in headline or headline in value:
        return True
    own = set(words(text))
    return bool(own) and len(own & set(words(title))) / len(own) >= TITLE_OVERLAP


def is_caption_value(value: str, title: str | None, min_words: int = 2) -> bool:
    """A caption, not a file name, a bare word or the article's title."""
    if len(value) > MAX_CAPTION_CHARS or FILE_NAME.search(value) or len(value.split()) < min_words:
        return False
    return not repeats_title(value, title)


def text_value(value) -> str:
    if isinstance(value, dict):
        value = value.get("name") or value.get("text") or ""
    if isinstance(value, list):
        value = " ".join(text_value(v) for v in value)
    return clean_text(value) if isinstance(value, str) else ""


class StructuredImages:
    """JSON-LD image objects and og:image:alt of one page, each used at most once."""

    def __init__(self, jsonld: list[dict], metas: dict, rules: CaptionRules, base_url: str) -> None:
        self.rules = rules
        self.base_url = base_url
        self.entries: list[dict] = [e for e in self.jsonld_images(jsonld) if e["caption"] or e["credit"]] if rules.jsonld_keys else []
        self.og_image = next(iter(metas.get("og:image", [])), None)
        self.og_alt = next((metas[m][0] for m in rules.og_alt_metas if metas.get(m)), None)
        self.og_used = False
        # CMSs fill an image's description with the page's: that is a summary, not a caption.
        self.summaries = {normalized(v) for key in SUMMARY_METAS for v in metas.get(key, [])}

    def is_summary(self, text: str) -> bool:
        """The page's description (og:description...), which CMSs also print under the lead image."""
        return normalized(clean_text(text)) in self.summaries

    def describes_image(self, value: str, title: str | None, min_words: int) -> bool:
        return is_caption_value(value, title, min_words) and not self.is_summary(value)

    def jsonld_images(self, objects: list[dict]) -> list[dict]:
        """Image objects of the article or its page (every JSON-LD object, `page.all_jsonld`): inline, or in
        `@graph` and named by `@id` (Yoast). People's and organisations' images (avatars, logos, whose
        caption is a name) are left out."""
        by_id = {obj["@id"]: obj for obj in objects if isinstance(obj.get("@id"), str) and is_image(obj)}
        found = []
        for obj in objects:
            if OWNER_TYPES & set(as_list(obj.get("@type"))):
                continue
            for image in (i for key in IMAGE_KEYS for i in as_list(obj.get(key))):
                image = by_id.get(image.get("@id"), image) if isinstance(image, dict) and not is_image(image) else image
                if isinstance(image, dict) and is_image(image) and image not in found:
                    found.append(image)
        return [self.entry(image) for image in found]

    def entry(self, image: dict) -> dict:
        url = text_value(image.get("url") or image.get("contentUrl") or "")
        caption = next((text_value(image.get(k)) for k in self.rules.jsonld_keys if text_value(image.get(k))), "")
        credit = next((text_value(image.get(k)) for k in self.rules.jsonld_credit_keys if text_value(image.get(k))), "")
        return {"url": absolute(self.base_url, url) if url else None, "caption": caption, "credit": credit or None, "used": False}

    def matching(self, url: str | None) -> dict | None:
        key = image_key(url)
        return next((e for e in self.entries if not e["used"] and key and image_key(e["url"]) == key), None)

    def caption_for(self, url: str | None, title: str | None) -> str | None:
        """The structured caption of the markup image at `url`, if the data describes it."""
        entry = self.matching(url)
        if entry is not None and self.describes_image(entry["caption"], title, MIN_SENTENCE_WORDS):
            entry["used"] = True
            return entry["caption"]
        if not self.og_used and image_key(url) and image_key(url) == image_key(self.og_image) and self.og_sentence(title):
            self.og_used = True
            return self.og_alt
        return None

    def credit_for(self, url: str | None) -> str | None:
        entry = next((e for e in self.entries if image_key(url) and image_key(e["url"]) == image_key(url)), None)
        return entry["credit"] if entry is not None else None

    def og_sentence(self, title: str | None) -> bool:
        return bool(self.og_alt and self.og_image) and self.describes_image(self.og_alt, title, OG_ALT_MIN_WORDS)

    def leftovers(self, title: str | None, shown: set[str | None], own_names: frozenset[str] = frozenset()) -> list[Caption]:
        """Structured captions of images the markup does not show (a script draws the lead image);
        `shown` holds the keys of the markup's own images, whose captions were settled in the markup."""
        captions = []
        for entry in self.entries:
            if entry["used"] or image_key(entry["url"]) in shown - {None}:
                continue
            if self.describes_image(entry["caption"], title, MIN_SENTENCE_WORDS):
                entry["used"] = True
                text, credit = split_credit(entry["caption"], own_names)
                captions.append(Caption(text=text, credit=credit or entry["credit"], image_url=entry["url"]))
        if not self.og_used and image_key(self.og_image) not in shown - {None} and self.og_sentence(title):
            self.og_used = True
            text, credit = split_credit(self.og_alt, own_names)
            captions.append(Caption(text=text, credit=credit, image_url=absolute(self.base_url, self.og_image) if self.og_image else None))
        return captions


def is_image(obj) -> bool:
    return isinstance(obj, dict) and "ImageObject" in as_list(obj.get("@type"))

