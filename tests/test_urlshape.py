"""URL shapes: ids and slugs masked the same way wherever the project learns what article URLs look like."""
from __future__ import annotations

import re

import pytest

from crawler.urlshape import merge_shapes, shape_regex, suggest_pattern, url_shape


@pytest.mark.parametrize("url, shape", [
    ("https://x.net/news/123.html", "/news/{id}.html"),
    ("https://x.net/sport/2024/3/15/big-win", "/sport/{id}/{id}/{id}/{slug}"),
    ("https://www.skynewsarabia.com/middle-east/1712345-some-slug", "/middle-east/{id}-{slug}"),
    ("https://www.bbc.com/arabic/articles/c1234567890o", "/arabic/articles/c{id}o"),
    ("https://www.aljazeera.net/news/pages/0a1b2c3d-1111-2222-3333-444455556666", "/news/pages/{hex}"),
    ("https://x.net/a/%D8%AA%D9%82%D8%B1%D9%8A%D8%B1-%D8%AC%D8%AF%D9%8A%D8%AF", "/a/{slug}"),
    ("https://x.net/details.php?id=55", "/details.php?id={id}"),
    ("https://x.net/section/politics/", "/section/politics/"),
    ("https://x.net/", "/"),
])  # fmt: skip
def test_url_shape_masks_ids_and_slugs_but_keeps_sections(url, shape):
    assert url_shape(url) == shape


def test_shapes_differing_in_one_literal_merge_into_a_word():
    assert merge_shapes(["/sport/{id}/{slug}", "/culture/{id}/{slug}"]) == "/{word}/{id}/{slug}"
    assert merge_shapes(["/news/{id}.html"]) == "/news/{id}.html"


def test_suggested_pattern_covers_the_commonest_shape_and_says_how_much():
    urls = [f"https://x.net/news/{n}.html" for n in (1, 22, 333)] + ["https://x.net/about", "https://x.net/video/9"]
    suggestion = suggest_pattern(urls)
    assert suggestion.shape == "/news/{id}.html" and (suggestion.matches, suggestion.of) == (3, 5)
    assert re.search(suggestion.pattern, "https://other.org/news/4567.html?utm_source=x")
    assert not re.search(suggestion.pattern, "https://x.net/news/latest.html")
    assert suggest_pattern([]) is None


def test_shape_regex_with_a_query_needs_the_parameter():
    pattern = shape_regex(url_shape("https://x.net/details.php?id=55"))
    assert re.search(pattern, "https://x.net/details.php?id=7")
    assert not re.search(pattern, "https://x.net/details.php")
