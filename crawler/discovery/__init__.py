"""Discovery: which sites a crawl covers (the catalog), what their sitemaps, feeds and listings
announce, which URLs are articles, the frontier, canonical URLs."""
