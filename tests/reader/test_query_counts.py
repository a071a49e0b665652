"""Pages run a small, constant number of queries however much they show (no N+1)."""

import pytest
from django.urls import reverse

from articles.models import RelatedLink
from tests.reader import fresh_cache  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.django_db

LIST_URL = reverse("articles:article_list")


def fill(make_article, make_provider, count):
    """`count` articles, each with its own provider, four topics, three images."""
    articles = [
        make_article(
            topics=[f"Topic {n % 7}", f"Topic {(n + 1) % 7}", f"Topic {(n + 2) % 7}", "AI"],
            images=3,
            provider=make_provider(),
            quality=50 + n,
            type="article",
        )
        for n in range(count)
    ]
    return articles


@pytest.mark.parametrize("count", [2, 20])
def test_the_list_runs_a_fixed_number_of_queries(
    client, make_article, make_provider, django_assert_max_num_queries, count
):
    """Each card's provider, topics and images come from one join and two prefetches, not a
    query per card; the facets are grouped queries, not one per choice (and are cached)."""
    fill(make_article, make_provider, count)

    # data version; topic counts, one pass for the other facets (it gives the total too),
    # the months; page, topics, images
    with django_assert_max_num_queries(7):
        cold = client.get(LIST_URL)
    # another page of the same results: the counts come from the cache
    with django_assert_max_num_queries(4):
        warm = client.get(LIST_URL, {"page": "1"})
    # the same URL again: the whole page comes from the cache
    with django_assert_max_num_queries(1):
        cached = client.get(LIST_URL)

    assert len(cold.context["page_obj"]) == len(warm.context["page_obj"]) == count
    assert cached.content == cold.content


@pytest.mark.parametrize("count", [2, 20])
def test_a_filtered_list_runs_a_fixed_number_of_queries(
    client, make_article, make_provider, django_assert_max_num_queries, count
):
    """The topic and provider choices are checked in one query each however many are given,
    and the filters are subqueries of the page query, not a query per article."""
    articles = fill(make_article, make_provider, count)
    params = {
        "topic": ["topic-0", "topic-1", "ai"],
        "provider": [article.provider.domain for article in articles],
        "quality_min": "50",
        "date_from": "2023-01-01",
        "q": "article",
        "has_image": "1",
    }

    # the topic and provider checks; data version; on SQLite, how many articles the search
    # matches (to choose its plan); topic counts, a pass for the other facets (it gives the
    # total too) plus one for each facet whose own filter is on (provider, quality, image),
    # the months; the page, its topics and images
    with django_assert_max_num_queries(13):
        response = client.get(LIST_URL, params)

    assert response.status_code == 200
    assert len(response.context["page_obj"]) == count


@pytest.mark.parametrize("count", [2, 20])
def test_the_detail_page_runs_a_fixed_number_of_queries(
    client, make_article, make_provider, django_assert_max_num_queries, count
):
    """Topics, images and related links (with each target's provider and whether we show it)
    are fetched once for the article, not once per item; "more on" / "more from" are one query
    each with their providers joined."""
    others = fill(make_article, make_provider, count)
    article = make_article(topics=[f"Topic {n}" for n in range(count)], images=count)
    for position, target in enumerate(others):
        RelatedLink.objects.create(article=article, target=target, position=position)

    # data version, the article with its provider, its topics, images, related links,
    # the taxonomy's depths (to pick the most specific topic; cached), more on, more from
    with django_assert_max_num_queries(8):
        response = client.get(article.get_absolute_url())

    assert len(response.context["related"]) == count
    assert len(response.context["topics"]) == count


@pytest.mark.parametrize("count", [2, 20])
def test_the_topic_and_provider_indexes_run_a_fixed_number_of_queries(
    client, make_article, make_provider, django_assert_max_num_queries, count
):
    """Article counts are one grouped query for all topics (or providers), not one per row."""
    fill(make_article, make_provider, count)

    with django_assert_max_num_queries(3):
        client.get(reverse("articles:topic_list"))
    with django_assert_max_num_queries(4):
        client.get(reverse("articles:provider_list"))


def test_a_staff_list_adds_only_the_session_and_user(
    admin_client, make_article, make_provider, django_assert_max_num_queries
):
    fill(make_article, make_provider, 20)
    admin_client.get(LIST_URL)

    with django_assert_max_num_queries(6):
        admin_client.get(LIST_URL)
