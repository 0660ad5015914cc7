"""Site health flags: a first run that fetched or found nothing is not `ok`."""
from __future__ import annotations

from crawler.run.health import assess

FOUND = {"counts": {"discovered": 12, "extracted": 12, "pages": 20}, "fill_rates": {}}


def test_a_first_run_that_fetched_nothing_is_flagged_with_the_cause():
    assert assess({"pages": 0, "known": 0}, {}, []) == ["nothing fetched"]
    flags = assess({"pages": 0, "known": 0, "unreachable": 3, "unreachable_reason": "DNS lookup failed"}, {}, [])
    assert flags == ["nothing fetched: unreachable from here (DNS lookup failed)"]


def test_no_article_link_is_flagged_on_a_first_run_too_and_says_how_it_compares():
    assert assess({"pages": 4, "discovered": 0}, {}, []) == ["no article links discovered (first run)"]
    assert assess({"pages": 4, "discovered": 0}, {}, [FOUND]) == ["no article links discovered (previous runs found some)"]


def test_a_run_that_found_articles_all_known_is_healthy():
    assert assess({"pages": 5, "discovered": 12, "known": 12}, {}, [FOUND]) == []
