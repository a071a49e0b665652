"""articles/search_syntax.py: what a reader types, as each database is asked it (no database)."""

import pytest

from articles.search_syntax import (
    MAX_TERMS,
    SearchQuery,
    Term,
    fts5_match,
    highlighted,
    parse,
    tsquery_sql,
)


def test_words_are_all_required():
    query = parse("robot  arm")

    assert query.required == ((Term(("robot",)),), (Term(("arm",)),))
    assert fts5_match(query.required) == '"robot" AND "arm"'


def test_a_quoted_phrase_and_a_hyphenated_word_are_phrases():
    assert parse('"language model"').required == ((Term(("language", "model")),),)
    assert parse("self-driving").required == ((Term(("self", "driving")),),)
    assert fts5_match(parse("gpt-4o").required) == '"gpt 4o"'


def test_an_unclosed_quote_runs_to_the_end():
    assert parse('"deep learning').required == ((Term(("deep", "learning")),),)


def test_a_star_asks_for_a_prefix_of_one_word():
    assert parse("transform*").required == ((Term(("transform",), prefix=True),),)
    assert fts5_match(parse("transform*").required) == '"transform"*'
    assert parse("self-dri*").required == ((Term(("self", "dri")),),)


def test_minus_excludes_words_and_phrases():
    query = parse('ai -crypto -"web three"')

    assert query.required == ((Term(("ai",)),),)
    assert query.excluded == (Term(("crypto",)), Term(("web", "three")))


def test_or_in_capitals_joins_its_neighbours():
    query = parse("vision OR speech robots")

    assert query.required == ((Term(("vision",)), Term(("speech",))), (Term(("robots",)),))
    assert fts5_match(query.required) == '("vision" OR "speech") AND "robots"'
    assert parse("vision or speech").required == tuple(
        (Term((word,)),) for word in ("vision", "or", "speech")
    )


@pytest.mark.parametrize("text", ["OR robots", "robots OR", "robots OR -crypto"])
def test_a_dangling_or_is_ignored(text):
    assert parse(text).required == ((Term(("robots",)),),)


@pytest.mark.parametrize("text", ["", "   ", "!!!", "(((", '""', "-", "*", ":*", "OR"])
def test_text_without_words_is_an_empty_query(text):
    assert not parse(text)


def test_only_the_first_terms_are_kept_and_the_rest_counted():
    query = parse(" ".join(["a"] * 95))

    assert len(query.terms) == MAX_TERMS
    assert query.dropped == 95 - MAX_TERMS


def test_postgresql_gets_the_words_as_parameters_only():
    sql, params = tsquery_sql(parse('robots\' OR "x y" trans*').required, "cfg")

    assert sql == (
        "((phraseto_tsquery('cfg', %s) || phraseto_tsquery('cfg', %s)) && (to_tsquery('cfg', %s)))"
    )
    assert params == ["robots", "x y", "'trans':*"]


def test_highlighting_folds_case_accents_and_simple_word_forms():
    parts = highlighted("Über Robots, robotics & Zürich's", parse("uber robot zurich"))

    assert [part for part, matched in parts if matched] == ["Über", "Robots", "Zürich"]
    assert "".join(part for part, _ in parts) == "Über Robots, robotics & Zürich's"


def test_highlighting_a_prefix_marks_every_word_it_starts():
    parts = highlighted("Transformers transform", parse("transf*"))

    assert [part for part, matched in parts if matched] == ["Transformers", "transform"]


def test_an_empty_query_highlights_nothing():
    assert highlighted("Robots", SearchQuery()) == [("Robots", False)]
