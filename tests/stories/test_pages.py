"""What readers see of stories: the story page, the list's cards, the feed, the API."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from articles.cache import bump_data_version
from articles.models import ArticleStatus
from tests.reader import fresh_cache  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.django_db

LIST_URL = reverse("articles:article_list")


def test_the_story_page_shows_its_articles_oldest_first(client, make_story):
    story, articles = make_story(size=3)

    response = client.get(story.get_absolute_url())

    assert response.status_code == 200
    assert [a.pk for a in response.context["articles"]] == [a.pk for a in articles]
    assert response.context["source_count"] == 3
    assert "Three articles from three sources" in response.text
    assert reverse("feed_story", args=[story.pk]) in response.text


@pytest.mark.parametrize("size", [2, 20])
def test_the_story_page_runs_a_fixed_number_of_queries(
    client, make_story, django_assert_max_num_queries, size
):
    """Providers, topics and images of the timeline come from one join and two prefetches,
    not a query per article."""
    story, _ = make_story(size=size)
    # data version; story; articles with providers; topics; images
    with django_assert_max_num_queries(5):
        assert client.get(story.get_absolute_url()).status_code == 200


def test_a_reader_does_not_see_a_draft_in_a_story_nor_a_story_of_drafts(client, make_story):
    story, articles = make_story(size=2)
    articles[1].status = ArticleStatus.DRAFT
    articles[1].save()
    bump_data_version()  # as a staff edit does
    response = client.get(story.get_absolute_url())
    assert [a.pk for a in response.context["articles"]] == [articles[0].pk]

    articles[0].status = ArticleStatus.DRAFT
    articles[0].save()
    bump_data_version()
    assert client.get(story.get_absolute_url()).status_code == 404
    assert client.get(reverse("articles:story_detail", args=[999])).status_code == 404


def test_the_list_can_show_one_card_per_story_with_its_other_sources(
    client, make_story, make_article
):
    story, articles = make_story(size=3)
    alone = make_article("A lone article", published_at=datetime(2024, 1, 1, tzinfo=UTC))

    every = client.get(LIST_URL)
    one_each = client.get(LIST_URL, {"group": "story"})

    assert len(every.context["page_obj"].object_list) == 4
    cards = one_each.context["page_obj"].object_list
    assert [card.pk for card in cards] == [articles[2].pk, alone.pk]  # newest first
    card = cards[0].story_card
    assert card.more == 2
    assert [other.pk for other in card.others] == [articles[0].pk, articles[1].pk]
    assert "<summary>+2 sources</summary>" in one_each.text
    assert "<script" not in one_each.text.split("<main", 1)[1]
    assert one_each.context["total"] == 2


def test_every_article_mode_links_each_card_to_its_story(client, make_story):
    story, _ = make_story(size=2)
    response = client.get(LIST_URL)
    assert response.text.count(f'href="{story.get_absolute_url()}"') == 2


def test_the_one_card_list_keeps_the_filters(client, make_story, make_article):
    make_story(size=3, quality=90)
    low = make_article("Low quality news", quality=10)
    response = client.get(LIST_URL, {"group": "story", "quality_max": 20})
    assert [card.pk for card in response.context["page_obj"].object_list] == [low.pk]


def test_a_bad_group_value_is_a_clear_error(client):
    response = client.get(LIST_URL, {"group": "nonsense"})
    assert response.status_code == 400
    assert "“group” must be “story” or “article”" in response.text


@pytest.mark.parametrize("count", [2, 20])
def test_the_one_card_list_runs_a_fixed_number_of_queries(
    client, make_story, django_assert_max_num_queries, count
):
    """The other sources of every card on the page come from one query, not one per card
    (the rest: a cold list with its facets and month counts)."""
    for n in range(count):
        make_story(title=f"Event {n}", size=2)
    with django_assert_max_num_queries(9):
        assert client.get(LIST_URL, {"group": "story"}).status_code == 200


def test_a_story_has_its_own_feed(client, make_story):
    story, articles = make_story(size=2)
    response = client.get(reverse("feed_story", args=[story.pk]))
    assert response.status_code == 200
    assert response.text.count("<entry>") == 2
    assert client.get(reverse("feed_story", args=[999])).status_code == 404


def test_api_article_items_name_their_story(client, make_story, make_article):
    story, articles = make_story(size=2)
    alone = make_article("Alone")

    items = {item["id"]: item for item in client.get(reverse("api_articles")).json()["results"]}

    assert items[articles[0].pk]["story"]["id"] == story.pk
    assert items[articles[0].pk]["story"]["size"] == 2
    assert items[alone.pk]["story"] == {"id": None, "size": 1, "url": None}
    detail = client.get(reverse("api_article", args=[articles[1].pk])).json()
    assert detail["story"]["size"] == 2


def test_api_lists_stories_latest_first_with_their_articles(
    client, make_story, django_assert_max_num_queries
):
    older, _ = make_story(title="Older", size=2)
    newer, newer_articles = make_story(title="Newer", size=3)
    newer.last_published_at = newer.last_published_at.replace(year=2025)
    newer.save()

    with django_assert_max_num_queries(4):
        body = client.get(reverse("api_stories")).json()

    assert [item["id"] for item in body["results"]] == [newer.pk, older.pk]
    first = body["results"][0]
    assert first["size"] == 3
    assert [a["id"] for a in first["articles"]] == [a.pk for a in newer_articles]
    assert first["url"].endswith(newer.get_absolute_url())


def test_one_card_per_story_works_with_a_search_sorted_by_relevance(client, make_story):
    story, articles = make_story(title="Talkwise exposed chatbot transcripts", size=2)
    response = client.get(LIST_URL, {"group": "story", "q": "talkwise", "sort": "relevance"})
    assert response.status_code == 200
    assert [card.pk for card in response.context["page_obj"].object_list] == [articles[1].pk]
