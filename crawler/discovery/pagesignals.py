"""Does a page fetched as a listing carry an article? Cheap signals read from the parsed response.

The spider asks this of every listing page it fetches, so that an article whose URL did not look
like one (an ad-hoc site's `/news/7.html`, `/node/7`) is extracted from the response already in
hand. The rules (schema.org types, meta names, text-block thresholds) live in
`crawler/data/discovery.toml`; extraction still has the last word (`NotAnArticle`).
"""
from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from parsel import Selector

RULES_PATH = Path(__file__).parent.with_name("data") / "discovery.toml"


@dataclass(frozen=True)
class SignalRules:
    jsonld_types: frozenset[str]
    og_types: frozenset[str]
    published_metas: tuple[str, ...]
    block_min_paragraphs: int
    block_min_characters: int
    block_max_link_share: float


@cache
def signal_rules(path: Path = RULES_PATH) -> SignalRules:
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)["article_signals"]
    return SignalRules(
        jsonld_types=frozenset(raw["jsonld_types"]),
        og_types=frozenset(t.lower() for t in raw["og_types"]),
        published_metas=tuple(raw["published_metas"]),
        block_min_paragraphs=int(raw["block_min_paragraphs"]),
        block_min_characters=int(raw["block_min_characters"]),
        block_max_link_share=float(raw["block_max_link_share"]),
    )


def article_signals(page: Selector, rules: SignalRules | None = None) -> list[str]:
    """Names of the article signals `page` carries (empty for a plain listing): `json-ld:TYPE`,
    `og:type`, `published-meta`, `text-block`."""
    rules = rules or signal_rules()
    found = [f"json-ld:{t}" for t in sorted(jsonld_types(page) & rules.jsonld_types)]
    og_type = (page.xpath("string(//meta[@property='og:type']/@content)").get() or "").strip().lower()
    if og_type in rules.og_types:
        found.append("og:type")
    if any(page.xpath(f"//meta[@property='{name}' or @name='{name}' or @itemprop='{name}'][@content]")
           for name in rules.published_metas):
        found.append("published-meta")
    if has_dominant_text_block(page, rules):
        found.append("text-block")
    return found


def jsonld_types(page: Selector) -> set[str]:
    """@type values of the top-level JSON-LD objects and their @graph members (nested objects are not the page)."""
    types: set[str] = set()
    for script in page.xpath("//script[@type='application/ld+json']/text()").getall():
        try:
            data = json.loads(script)
        except (ValueError, RecursionError):  # not JSON, or nested deeper than the parser recurses
            continue
        for node in top_level_nodes(data):
            kind = node.get("@type")
            types.update(k for k in (kind if isinstance(kind, list) else [kind]) if isinstance(k, str))
    return types


def top_level_nodes(data: object) -> list[dict]:
    items = data if isinstance(data, list) else [data]
    nodes = []
    for item in items:
        if isinstance(item, dict):
            nodes.append(item)
            graph = item.get("@graph")
            nodes += [g for g in (graph if isinstance(graph, list) else []) if isinstance(g, dict)]
    return nodes


def has_dominant_text_block(page: Selector, rules: SignalRules) -> bool:
    """A headline and one element holding several paragraphs of running (not link) text."""
    if not (page.xpath("normalize-space(//h1)").get() or "").strip():
        return False
    for block in page.xpath(f"//*[count(p) >= {rules.block_min_paragraphs}]"):
        characters = 0
        for paragraph in block.xpath("p"):
            text = paragraph.xpath("normalize-space(.)").get() or ""
            link_text = "".join(paragraph.xpath(".//a//text()").getall()).strip()
            if text and len(link_text) < rules.block_max_link_share * len(text):
                characters += len(text)
        if characters >= rules.block_min_characters:
            return True
    return False
