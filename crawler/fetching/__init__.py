"""Fetching: politeness and crawler traps as Scrapy downloader middlewares."""
