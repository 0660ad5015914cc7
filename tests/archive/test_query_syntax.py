"""The query syntax (archive.query) read once for the CLI, the page and archive.fts.search, on a real archive:
all words, "phrases", OR, -word, prefix*, site:/section:, filters, facets, paging, date sort, near-duplicates,
and hostile input (a 100 kB query, a limit of 10**30) refused in one line before any work."""
from __future__ import annotations

import pytest

from archive.fts import Filters, match_expression, search, term_forms
from archive.stems import light_stem
from archive.query import MAX_QUERY_CHARS, Term, parse
from archive.readonly import open_readonly
from archive.snippets import snippet
from archive.store import Archive, FetchInfo
from crawler.errors import UsageError
from crawler.extraction import Article, Caption
from tests.conftest import run_cli

# (site, section, published, title, body, captions, cluster)
ROWS = [
    ("aljazeera", "اقتصاد", "2020-04-24T10:00:00+03:00", "أسعار النفط تهبط", "تراجعت أسعار النفط في الأسواق العالمية اليوم.", True, 1),
    ("aljazeera", "اقتصاد", "2020-05-02T10:00:00+03:00", "الدولار يرتفع", "ارتفع سعر الدولار أمام العملات الأخرى.", False, None),
    ("bbc_arabic", "سياسة", "2020-05-03T10:00:00+03:00", "هدنة في غزة", "أعلن الطرفان وقف إطلاق النار في غزة مساء الأحد.", True, None),
    ("bbc_arabic", "اقتصاد", "2020-05-04T10:00:00+03:00", "النفط السعودي", "قالت السعودية إن إنتاج النفط سيبقى ثابتا، والاقتصاديون يتوقعون الاستقرار.", False, None),
    ("alarabiya", "اقتصاد", "2020-04-25T09:00:00+03:00", "النفط يهبط مجددا", "تراجعت أسعار النفط في الأسواق العالمية اليوم مرة أخرى.", True, 1),
    ("alarabiya", "شؤون دولية", "2020-06-01T09:00:00+03:00", "إطلاق قمر صناعي", "أعلنت الوكالة إطلاق قمر صناعي جديد، ثم وقف البث.", False, None),
]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("query") / "archive.db"
    store = Archive(path)
    for n, (site, section, published, title, body, captioned, cluster) in enumerate(ROWS, start=1):
        item = Article(url=f"https://{site}.example/{n}", title=title, body=body, section=section, published=published,
                       language="ar", captions=[Caption(f"صورة {n}", "رويترز")] if captioned else [], extractor="test")
        fetch = FetchInfo(site=site, run_id=None, fetched_at=published[:10] + "T12:00:00+00:00")
        assert store.insert_article(item, item.url, f"h{n}", fetch, cluster_id=cluster) == n
    store.commit()
    store.close()
    return path


@pytest.fixture
def conn(db):
    connection = open_readonly(db)
    yield connection
    connection.close()


def titles(hits) -> set[str]:
    return {hit.title for hit in hits}


# ---------------------------------------------------------------- the parser


def test_parse_reads_every_form_of_the_syntax():
    query = parse('النفط OR الدولار "وقف إطلاق النار" -السعودية اقتصاد* site:aljazeera section:"شؤون دولية"')
    assert query.groups == ((Term(("النفط",)), Term(("الدولار",))), (Term(("وقف", "اطلاق", "النار")),),
                            (Term(("اقتصاد",), prefix=True),))
    assert query.excluded == (Term(("السعوديه",)),)
    assert query.sites == ("aljazeera",) and query.sections == ("شؤون دولية",)


def test_repeated_words_are_one_term():
    assert parse("غزة " * 200).groups == ((Term(("غزه",)),),)


@pytest.mark.parametrize("bad, why", [
    ("OR النفط", "OR needs a word"), ("النفط OR", "OR needs a word"), ("النفط OR -الدولار", "OR needs a word"),
    ("-النفط", "only -words"), ('"وقف إطلاق', "not closed"), ("ن*", "at least 2 letters"), ("author:x", "unknown search field"),
    ("site:", "needs a value"), ("", "no word"), ("x" * (MAX_QUERY_CHARS + 1), "at most 1,000"),
    (" ".join(f"كلمة{i}" for i in range(40)), "more than 30 different terms"),
])
def test_a_bad_query_is_one_line_that_says_why(bad, why):
    with pytest.raises(UsageError, match=why) as error:
        parse(bad)
    assert "\n" not in str(error.value) and len(str(error.value)) < 200


def test_the_expression_is_quoted_fts5_whatever_the_input():
    def any_form(word: str) -> str:
        return "(" + " OR ".join(f'"{form}"' for form in term_forms(word)) + ")"
    oil = any_form("النفط")
    assert oil.startswith('("النفط" OR "نفط" OR ') and '"والنفط"' in oil and '"بنفط"' in oil
    assert match_expression('النفط") OR (x') == f'({oil} OR "x")'
    assert match_expression('النفط") (x NEAR') == f'{oil} AND "x" AND {any_form("near")}'


def test_a_word_asks_for_exactly_the_words_whose_light_stem_it_or_its_stem_is():
    """What the index's stems column matched until schema 9: a word D matches `word` when D is the word or
    its stem, or light_stem(D) is one of them."""
    vocabulary = ["كتاب", "الكتاب", "والكتاب", "بالكتاب", "للكتاب", "وكتاب", "كتابة", "مكتبة", "الكتب", "تاب"]
    for word in ("كتاب", "الكتاب", "والكتاب"):
        wanted = {word, light_stem(word)}
        expected = {d for d in vocabulary if d in wanted or light_stem(d) in wanted}
        assert {d for d in vocabulary if d in term_forms(word)} == expected


# ---------------------------------------------------------------- searching


def test_or_finds_either_word(conn):
    assert titles(search(conn, "النفط OR الدولار")) == {"أسعار النفط تهبط", "الدولار يرتفع", "النفط السعودي", "النفط يهبط مجددا"}


def test_all_words_is_the_default_and_spelling_is_folded(conn):
    assert titles(search(conn, "اسعار النفط")) == {"أسعار النفط تهبط", "النفط يهبط مجددا"}


def test_a_phrase_needs_its_words_together(conn):
    assert titles(search(conn, "وقف إطلاق")) == {"هدنة في غزة", "إطلاق قمر صناعي"}
    assert titles(search(conn, '"وقف إطلاق النار"')) == {"هدنة في غزة"}


def test_minus_excludes_and_prefix_expands(conn):
    assert titles(search(conn, "النفط -السعودية")) == {"أسعار النفط تهبط", "النفط يهبط مجددا"}
    assert "النفط السعودي" in titles(search(conn, "اقتصادي*"))  # والاقتصاديون through its light stem


def test_site_and_section_in_the_query_and_as_filters(conn):
    assert titles(search(conn, "النفط site:bbc_arabic")) == {"النفط السعودي"}
    assert titles(search(conn, "النفط site:bbc_arabic site:alarabiya")) == {"النفط السعودي", "النفط يهبط مجددا"}
    assert titles(search(conn, 'إطلاق section:"شؤون دولية"')) == {"إطلاق قمر صناعي"}
    narrowed = search(conn, "النفط OR الدولار", filters=Filters(month="2020-04", captions=True))
    assert titles(narrowed) == {"أسعار النفط تهبط", "النفط يهبط مجددا"}
    assert titles(search(conn, "النفط", filters=Filters(since="2020-04-25", until="2020-05-03"))) == {"النفط يهبط مجددا"}


def test_facets_count_every_ranked_match(conn):
    results = search(conn, "النفط OR الدولار", facets=True)
    assert dict(results.facets["site"]) == {"aljazeera": 2, "bbc_arabic": 1, "alarabiya": 1}
    assert dict(results.facets["section"]) == {"اقتصاد": 4}
    assert results.facets["month"] == [("2020-05", 2), ("2020-04", 2)]
    assert dict(results.facets["captions"]) == {True: 2, False: 2}
    assert dict(results.facets["language"]) == {"ar": 4}


def test_pages_and_date_sort(conn):
    newest = search(conn, "النفط OR الدولار", sort="date")
    assert [h.published[:10] for h in newest] == ["2020-05-04", "2020-05-02", "2020-04-25", "2020-04-24"]
    pages = [search(conn, "النفط OR الدولار", sort="date", limit=3, offset=o) for o in (0, 3, 6)]
    assert [len(p) for p in pages] == [3, 1, 0] and all(p.ranking.ranked == 4 for p in pages)
    assert [h.article_id for p in pages for h in p] == [h.article_id for h in newest]


def test_a_hit_names_the_other_sites_of_its_near_duplicates(conn):
    (first,) = search(conn, "اسعار النفط site:aljazeera")
    assert first.other_sites == ["alarabiya"] and first.also_on[0]["title"] == "النفط يهبط مجددا"


def test_snippets_highlight_or_prefix_and_phrase_terms_only():
    assert snippet("النفط OR الدولار -الأسواق", ["تراجعت أسعار النفط في الأسواق"]) == "تراجعت أسعار [النفط] في الأسواق"
    assert snippet("اقتصاد*", ["يتوقع الاقتصاديون الاستقرار"]) == "يتوقع [الاقتصاديون] الاستقرار"
    assert snippet('"x', ["نص"]) == "نص"  # a query that cannot be read highlights nothing and does not fail


@pytest.mark.parametrize("kwargs, why", [
    ({"limit": 10**30}, "between 1 and 1,000"), ({"limit": 0}, "between 1 and 1,000"),
    ({"offset": -1}, "offset"), ({"sort": "popularity"}, "unknown sort"),
    ({"filters": Filters(since="yesterday")}, "not an ISO date"), ({"filters": Filters(month="2020")}, "YYYY-MM"),
])
def test_bad_search_arguments_are_usage_errors(conn, kwargs, why):
    with pytest.raises(UsageError, match=why):
        search(conn, "النفط", **kwargs)


# ---------------------------------------------------------------- the CLI


def test_cli_reads_the_syntax_and_refuses_hostile_input_in_one_line(db):
    result = run_cli("search", "النفط OR الدولار", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "4 hit(s)" in result.stderr and "الدولار يرتفع" in result.stdout
    for argv in (["search", "غزة " * 14_000], ["search", "النفط", "--limit", str(10**30)], ["search", "OR"]):
        result = run_cli(*argv, "--db", str(db))
        assert result.returncode == 2 and result.stderr.startswith("error: "), result.stderr[-500:]
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
