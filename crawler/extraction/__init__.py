"""Arabic-aware article extraction, usable on its own (no Scrapy): `extract(html_bytes, url)` → `Article`.

The one entry point is `from crawler.extraction import extract`; a page that holds no article raises
`NotAnArticle` with the reason. Inside, one module per concern, in the order a page goes through them:
`decoding` (bytes → text → lxml tree), `page` (meta, JSON-LD, visible text), `metadata` (title, lead,
section, tags, language), `bylines` (authors, and the outlets bylines credit), `page_dates` and `dates`
(which date, and parsing it), `captions` (with `images`: which images are the article's own;
`structured`: JSON-LD and og:image:alt captions; `credits`; `caption_rules`), `attribution` and
`sources` (source lines, datelines, reporting formulas, agencies), `body` (trafilatura and paragraph
hygiene), `extractor` (the steps put together). The rules are data in `data/*.toml` beside them.
"""
from crawler.extraction.article import (
    Article,
    Caption,
    ExtractionHints,
    NotAnArticle,
    Source,
)
from crawler.extraction.extractor import EXTRACTOR_ID, extract, settings_hash

__all__ = ["EXTRACTOR_ID", "Article", "Caption", "ExtractionHints", "NotAnArticle", "Source", "extract", "settings_hash"]
