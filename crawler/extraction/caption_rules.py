"""The caption habits of `data/captions.toml` in force, compiled once per set of habits.

`caption_rules()` groups the `[[habit]]` entries by `kind` into the patterns `images` and `captions`
use. It is cached on the ids of the habits in force, so a leave-one-family-out run
(`rulebook.holding_out`) gets rules without that family's single-family habits.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from crawler.extraction.rulebook import Habit, habits

CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
DIGIT_BOUNDARY = re.compile(r"(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])")
NEVER = re.compile(r"(?!x)x")


@dataclass(frozen=True)
class CaptionRules:
    caption_tags: frozenset[str]
    caption_class: re.Pattern
    described_by: bool
    caption_attributes: tuple[str, ...]
    credit_class: re.Pattern
    hidden_class: re.Pattern
    jsonld_keys: tuple[str, ...]
    jsonld_credit_keys: tuple[str, ...]
    og_alt_metas: tuple[str, ...]
    foreign_class: re.Pattern
    foreign_tags: frozenset[str]
    chrome_words: re.Pattern
    chrome_max_side: int
    lightbox_attributes: tuple[str, ...]
    lightbox_class: re.Pattern
    lightbox_rel: re.Pattern


def class_parts(el) -> str:
    """Class and id as lowercase kebab parts: `ArticleImageCaption td_x` → `article-image-caption td-x`,
    `cnn_stryimg640caption` → `cnn-stryimg-640-caption`."""
    raw = f"{el.get('class', '')} {el.get('id', '')}"
    return DIGIT_BOUNDARY.sub("-", CAMEL_BOUNDARY.sub("-", raw)).lower().replace("_", "-")


def words_pattern(words: list[str]) -> re.Pattern:
    """Whole kebab parts: `caption` matches `wp-caption-text` but `cap` does not match `capital`."""
    if not words:
        return NEVER
    alternatives = "|".join(sorted((re.escape(w.lower().replace("_", "-")) for w in words), key=len, reverse=True))
    return re.compile(r"(?:^|[\s-])(?:%s)(?=$|[\s-])" % alternatives)


def caption_rules() -> CaptionRules:
    in_force = tuple(habits("captions"))
    return _compiled(in_force)


@lru_cache(maxsize=16)
def _compiled(in_force: tuple[Habit, ...]) -> CaptionRules:
    def of(kind: str) -> list[Habit]:
        return [h for h in in_force if h.get("kind") == kind]

    def gather(kind: str, key: str) -> list:
        return [value for h in of(kind) for value in h.get(key, [])]

    chrome = of("chrome-image")
    return CaptionRules(
        caption_tags=frozenset(gather("caption-element", "tags")),
        caption_class=words_pattern(gather("caption-element", "class_words")),
        described_by=bool(of("described-by")),
        caption_attributes=tuple(dict.fromkeys(gather("caption-attribute", "attributes"))),
        credit_class=words_pattern(gather("credit-element", "class_words")),
        hidden_class=words_pattern(gather("hidden-label", "class_words")),
        jsonld_keys=tuple(dict.fromkeys(gather("json-ld-image", "keys"))),
        jsonld_credit_keys=tuple(dict.fromkeys(gather("json-ld-image", "credit_keys"))),
        og_alt_metas=tuple(dict.fromkeys(gather("og-image-alt", "metas"))),
        foreign_class=words_pattern(gather("foreign-container", "class_words")),
        foreign_tags=frozenset(gather("foreign-container", "tags")),
        chrome_words=words_pattern(gather("chrome-image", "words")),
        chrome_max_side=max((h.get("max_side", 0) for h in chrome), default=0),
        lightbox_attributes=tuple(gather("lightbox-link", "attributes")),
        lightbox_class=words_pattern(gather("lightbox-link", "class_words")),
        lightbox_rel=words_pattern(gather("lightbox-link", "rel_words")),
    )
