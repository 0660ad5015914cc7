"""Many crawl nodes on Redis, one archive writer.

Nodes run the news spider with the scrapy-redis scheduler and dupefilter (the shared
frontier), fetch and extract, and add each result to a Redis stream; the one writer
consumes that stream with a consumer group and runs the dedup and archive stages
into SQLite. A seed opens a run and puts the discovery requests on the frontier.

Python twins of `python -m crawler cluster ...`: `run_writer`, `run_node`, `seed`,
`run_cluster`, `cluster_status`.
"""
