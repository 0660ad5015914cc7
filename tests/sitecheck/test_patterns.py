"""Article patterns learned from URL shapes (crawler.sitecheck.patterns over crawler.discovery.shapes.url_shape)."""
from __future__ import annotations

import re

from crawler.sitecheck.patterns import merge_shapes, shape_regex, suggest_pattern


def test_shapes_differing_in_one_constant_segment_merge_into_a_word():
    assert merge_shapes(["/sport/{n}/{slug}", "/culture/{n}/{slug}"]) == "/{word}/{n}/{slug}"
    assert merge_shapes(["/news/{n}.html"]) == "/news/{n}.html"


def test_suggested_pattern_covers_the_commonest_shape_and_says_how_much():
    urls = [f"https://x.net/news/{n}.html" for n in (1, 22, 333)] + ["https://x.net/about", "https://x.net/video/9"]
    suggestion = suggest_pattern(urls)
    assert suggestion.shape == "/news/{n}.html" and (suggestion.matches, suggestion.of) == (3, 5)
    assert re.search(suggestion.pattern, "https://other.org/news/4567.html?utm_source=x")
    assert not re.search(suggestion.pattern, "https://x.net/news/latest.html")
    assert suggest_pattern([]) is None


def test_sections_are_learned_as_any_word_and_dates_as_numbers():
    urls = [f"https://x.net/{section}/2024/3/{day}/story-{day}" for section in ("sport", "economy") for day in (1, 2)]
    suggestion = suggest_pattern(urls)
    assert suggestion.shape.startswith("/{word}/{n}/{n}/{n}/") and suggestion.matches == 4
    assert re.search(suggestion.pattern, "https://x.net/culture/2025/12/31/a-new-story-77")
    assert not re.search(suggestion.pattern, "https://x.net/culture/")


def test_a_query_shape_needs_its_parameters_in_any_order():
    pattern = shape_regex("/details.php?cat={n}&id={n}")
    assert re.search(pattern, "https://x.net/details.php?id=7&cat=2")
    assert re.search(pattern, "https://x.net/details.php?cat=2&id=7#top")
    assert not re.search(pattern, "https://x.net/details.php?id=7")
    assert not re.search(pattern, "https://x.net/details.php")
