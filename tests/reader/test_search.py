"""Article.objects.search(): full-text search on PostgreSQL, word matching on SQLite."""

import pytest
from django.db import connection
from django.urls import reverse

from articles.models import Article
from tests.reader import fresh_cache  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL full-text search"
)
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite fallback")


def found(query):
    return sorted(Article.objects.search(query).values_list("title", flat=True))


@pytest.mark.parametrize(
    "query",
    ['"unclosed', "a & b | !c", "(((", ":*", "-", "' OR 1=1 --", "%_\\", "ünïcödé 漢字"],
)
def test_any_text_is_a_valid_search(client, make_article, query):
    make_article("Something")

    response = client.get(reverse("articles:article_list"), {"q": query, "sort": "relevance"})

    assert response.status_code == 200


def test_a_blank_search_matches_everything(make_article):
    make_article("One")
    make_article("Two")

    assert found("   ") == ["One", "Two"]


@postgresql_only
def test_postgresql_matches_word_forms(make_article):
    make_article("New language model released")
    make_article("Fashion models on the runway", excerpt="Nothing about machines.")
    make_article("Unrelated")

    assert found("models") == ["Fashion models on the runway", "New language model released"]


@postgresql_only
def test_postgresql_understands_phrases_and_exclusions(make_article):
    make_article("Language model beats benchmark")
    make_article("Model of language acquisition")

    assert found('"language model"') == ["Language model beats benchmark"]
    assert found("language -benchmark") == ["Model of language acquisition"]


@postgresql_only
def test_postgresql_answers_from_the_gin_index(make_article):
    make_article("Index me")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")

        plan = Article.objects.search("index").explain()

    assert "article_search" in plan


@sqlite_only
def test_sqlite_matches_parts_of_words(make_article):
    make_article("Robotics startup")
    make_article("Unrelated")

    assert found("robot") == ["Robotics startup"]
