"""What the archive knows of itself (`archive.known`), as the cluster shares it: the writer publishes
it in Redis when it opens a run, and nodes and the seed read it there, never from the SQLite file,
which lives on the writer's machine only.

Per site, replaced at each run's start:
- `known:SITE`, hash canonical URL -> archived state (JSON list): a node's skip decisions.
- `shapes:SITE`, set of the learned article URL shapes (`crawler.discovery.shapes`): a node reads
  them once when it joins the run, as a single machine does at its start.
- `not-articles:SITE`, set of the pages found not to be articles: asked per link (SISMEMBER).
- `recheck:SITE`, JSON list of [url, canonical URL] to fetch again (`--recheck-days`): the seed
  puts them on the frontier ahead of discovery.

What nodes learn travels the other way as the items themselves, over the JSON wire: the writer's
archive stage records a stored article's URL shape and remembers a page that is not an article,
as on one machine, so the next run's nodes know both.
"""
from __future__ import annotations

import json
import logging

import redis

from archive.known import KnownArticle, KnownArticles
from crawler.cluster.keys import Keys

logger = logging.getLogger(__name__)
PUBLISH_CHUNK = 1000


def encode_known(article: KnownArticle) -> str:
    return json.dumps([article.id, article.fetched_at, article.lastmod, article.etag, article.last_modified])


def decode_known(raw: bytes, site: str, url: str) -> KnownArticle | None:
    """A published known article; None (the URL is fetched as new, logged) for an entry no writer wrote."""
    try:
        fields = json.loads(raw)
        if not (isinstance(fields, list) and len(fields) == 5 and isinstance(fields[0], int)
                and all(f is None or isinstance(f, str) for f in fields[1:])):
            raise ValueError("not [id, fetched_at, lastmod, etag, last_modified]")
        return KnownArticle(*fields)
    except (UnicodeDecodeError, ValueError) as exc:
        logger.warning("ignoring the known-article entry of %s %s: %s", site, url[:200], exc)
        return None


def publish_known(client: redis.Redis, keys: Keys, known: KnownArticles, sites: list[str]) -> int:
    """Replace what is published of each of `sites` with `known`: archived URLs, discovery memory,
    re-checks. Returns the archived URLs published."""
    published = 0
    for site in sites:
        urls = list(known.by_site.get(site, {}).items())
        pipe = client.pipeline(transaction=True)
        pipe.delete(keys.known(site), keys.shapes(site), keys.not_articles(site), keys.recheck(site))
        for start in range(0, len(urls), PUBLISH_CHUNK):
            chunk = {url: encode_known(article) for url, article in urls[start:start + PUBLISH_CHUNK]}
            pipe.hset(keys.known(site), mapping=chunk)
        add_members(pipe, keys.shapes(site), sorted(known.shapes.get(site, ())))
        add_members(pipe, keys.not_articles(site), sorted(known.not_articles.get(site, ())))
        if known.recheck.get(site):
            pipe.set(keys.recheck(site), json.dumps([list(pair) for pair in known.recheck[site]]))
        pipe.execute()
        published += len(urls)
    return published


def add_members(pipe, key: str, members: list[str]) -> None:
    for start in range(0, len(members), PUBLISH_CHUNK):
        pipe.sadd(key, *members[start:start + PUBLISH_CHUNK])


def published_rechecks(client: redis.Redis, keys: Keys, site: str) -> list[tuple[str, str]]:
    """The (url, canonical URL) pairs the writer published for `site`; an entry no writer wrote is logged, skipped."""
    raw = client.get(keys.recheck(site))
    if not raw:
        return []
    try:
        pairs = json.loads(raw)
        if not (isinstance(pairs, list) and all(isinstance(p, list) and len(p) == 2
                                                and all(isinstance(u, str) for u in p) for p in pairs)):
            raise ValueError("not a list of [url, canonical URL]")
        return [(url, canonical) for url, canonical in pairs]
    except (UnicodeDecodeError, ValueError) as exc:
        logger.warning("ignoring the re-checks published for %s: %s", site, exc)
        return []


class RedisKnownArticles(KnownArticles):
    """The spider's `known` lookups, answered from what the writer published (one HGET or SISMEMBER
    each); the learned shapes, a handful per site, are read once per run (`load_run`)."""

    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        super().__init__()
        self.client = client
        self.keys = keys

    def load_run(self, sites: list[str]) -> None:
        """A new run of `sites`: its learned shapes, as the writer published them when it opened the run."""
        self.shapes = {site: {s.decode("utf-8", "replace") for s in self.client.smembers(self.keys.shapes(site))}
                       for site in sites}

    def get(self, site: str, canonical_url: str) -> KnownArticle | None:
        raw = self.client.hget(self.keys.known(site), canonical_url)
        return decode_known(raw, site, canonical_url) if raw else None

    def is_not_article(self, site: str, canonical_url: str) -> bool:
        return bool(self.client.sismember(self.keys.not_articles(site), canonical_url))

    def __bool__(self) -> bool:
        return True  # the spider keeps a truthy `known`; the count is in Redis, not here
