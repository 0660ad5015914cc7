"""The bundled Arabic sample news site: served on 127.0.0.1 by `python -m crawler demo` and by the crawl tests.

    site = SampleSite(seed=7, n_articles=36)
    with serve(site) as server:
        server.base_url, server.requests, server.paths_requested()

Everything is generated from `random.Random(f"{name}:{seed}")` and the text pools in
`content.toml`, so two sites built with the same arguments answer with the same bytes
(for the same base URL). Pages are rendered on request, which keeps a 3000-article site cheap.

What a correct, polite crawler should end up with (all in `site.expected`):

* `archivable_paths` / `article_count`: the distinct articles it stores, exactly
  `n_articles` (+1 with `syndicate_from`). They include the 3 legacy windows-1256
  articles (`legacy_paths`, one with no charset anywhere: `no_charset_path`), the
  article that answers 500 once (`flaky_path`), the `/busy/...` article that answers
  429 + `Retry-After: 2` once (`retry_after_path`; note Scrapy's default
  RETRY_HTTP_CODES lacks 429), and the target of the `/go/YYYY/M/D/top-story` 301
  (`redirect_path` -> `redirect_target`). Every one is in `/sitemap-articles.xml` and
  in the section listings `/section/NAME[?page=N]` (8 a page); the newest 20 are in
  `/rss.xml` and `/sitemap-news.xml`.
* `duplicate_paths`: the same article again under tracking parameters
  (`tracking_path`, linked from the homepage) and as AMP (`amp_path`, linked from the
  homepage and by `<link rel="amphtml">`); both carry rel=canonical to the clean URL
  and must not be stored as extra articles.
* `not_found_path`: listed in the sitemap, answers 404. Nothing stored.
* `disallowed_paths`: `/private/...` article-looking links on the homepage; robots.txt
  disallows them, so a polite crawler never requests them.
* `trap_paths`: `/calendar/YYYY/MM` (links the next month forever, in every footer)
  and `/section/sport/sport/sport` (links one level deeper forever). Neither matches the
  catalog's article or listing pattern.
* `syndicated`: (this site's copy, the original path on `syndicate_from`), a copy with
  a different headline and lightly edited text: a cross-site near-duplicate.

Articles answer with `ETag` / `Last-Modified` and 304 to matching conditional
requests; `site.update_article(id)` changes the text and moves `updated`, the sitemap
lastmod, Last-Modified and the ETag. `site.layout = "v2"` switches to a redesign
(body in `<div class="para">`, no figure/figcaption and no caption printed, image and
date moved below the text, no article:published_time meta; JSON-LD kept). Legacy pages keep their old layout.
"""
from crawler.sample_site.content import SampleArticle
from crawler.sample_site.server import RequestRecord, SampleServer, serve
from crawler.sample_site.site import Request, Response, SampleSite

__all__ = ["Request", "RequestRecord", "Response", "SampleArticle", "SampleServer", "SampleSite", "serve"]
