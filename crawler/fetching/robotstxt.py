"""robots.txt, for many requests waiting on one host's parser."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

if TYPE_CHECKING:
    from scrapy.robotstxt import RobotParser


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's RobotsTxtMiddleware, with every request that waited for a host's robots.txt checked.

    Requests that arrive while robots.txt is being fetched all await one Deferred through
    `asFuture`, which consumes its result: the first gets the parser, the others get None and
    are let through (a cluster node that takes discovered URLs off the frontier before its own
    robots.txt is in hits this every time). Once the fetch is over the parser is in `_parsers`.
    """

    async def robot_parser(self, request: Request) -> RobotParser | None:
        parser = await super().robot_parser(request)
        if parser is None:
            settled = self._parsers.get(urlparse_cached(request).netloc)
            if settled is not None and not isinstance(settled, Deferred):
                return settled
        return parser
