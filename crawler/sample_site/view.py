"""What the page renderers (`crawler.sample_site.pages`, `crawler.sample_site.feeds`) read of a sample site.

A Protocol that `crawler.sample_site.site.SampleSite` satisfies, so the renderers do not import the site
module that imports them: no import cycle between the two files, not even one for type checkers.
"""
from __future__ import annotations

import random
from datetime import datetime
from typing import Protocol

from crawler.sample_site.content import SampleArticle


class SiteView(Protocol):
    title: str
    section_paths_names: list[str]
    newest_date: datetime
    amp_path: str
    amp_canonical_path: str
    tracking_path: str
    tracking_target: str
    redirect_path: str
    redirect_target: str
    private_paths: list[str]
    repeated_trap_path: str

    def article(self, path: str) -> SampleArticle: ...

    def newest(self, count: int) -> list[SampleArticle]: ...

    def related(self, article: SampleArticle) -> list[SampleArticle]: ...

    def sample_articles(self, rng: random.Random, count: int) -> list[SampleArticle]: ...

    def tags_of_section(self, section: str) -> list[tuple[str, str]]: ...
