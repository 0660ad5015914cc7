"""Text identity: Arabic normalisation and tokens, content hashes, near-duplicates (no Scrapy)."""
