"""Facet counts beside each filter choice: within the current results, ignoring their own filter."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from articles.cache import bump_data_version
from articles.models import ArticleStatus
from tests.reader import fresh_cache  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.django_db

LIST_URL = reverse("articles:article_list")


def facet_counts(response, name):
    return {choice.label: choice.count for choice in response.context["facets"][name].choices}


def test_topic_counts_are_within_the_other_filters(client, make_article):
    make_article(topics=["Vision", "Robotics"], quality=80)
    make_article(topics=["Vision"], quality=80)
    make_article(topics=["Speech"], quality=80)
    make_article(topics=["Vision", "Speech"], quality=10)

    response = client.get(LIST_URL, {"quality_min": "50"})

    assert facet_counts(response, "topic") == {"Vision": 2, "Robotics": 1, "Speech": 1}


def test_topic_counts_ignore_the_topic_filter_itself(client, make_article):
    """Topics combine with OR, so each count says what ticking that topic too would add."""
    make_article(topics=["Vision", "Robotics"])
    make_article(topics=["Vision"])
    make_article(topics=["Speech"])

    response = client.get(LIST_URL, {"topic": "vision"})

    assert response.context["total"] == 2
    counts = facet_counts(response, "topic")
    assert counts == {"Vision": 2, "Robotics": 1, "Speech": 1}
    selected = [c.label for c in response.context["facets"]["topic"].choices if c.selected]
    assert selected == ["Vision"]


def test_provider_type_and_category_counts(client, make_article, make_provider):
    alpha = make_provider("alpha.example", name="Alpha")
    beta = make_provider("beta.example", name="Beta")
    make_article(provider=alpha, type="video", category="news")
    make_article(provider=alpha, type="article", category="news")
    make_article(provider=beta, type="article", category="opinion")

    response = client.get(LIST_URL, {"type": "article"})

    assert facet_counts(response, "provider") == {"Alpha": 1, "Beta": 1}
    assert facet_counts(response, "type") == {"article": 2, "video": 1}
    assert facet_counts(response, "category") == {"news": 1, "opinion": 1}


def test_quality_bands_count_scored_articles(client, make_article):
    for quality in (None, 0, 24, 25, 74, 75, 99, 100, 161):
        make_article(quality=quality)

    response = client.get(LIST_URL, {"quality_min": "75", "quality_max": "99"})

    assert facet_counts(response, "quality") == {
        "100 and above": 2,
        "75–99": 2,
        "50–74": 1,
        "25–49": 1,
        "0–24": 2,
    }
    chosen = [c.label for c in response.context["facets"]["quality"].choices if c.selected]
    assert chosen == ["75–99"]
    assert response.context["total"] == 2


def test_the_image_count_ignores_the_image_filter(client, make_article):
    make_article(images=1, quality=80)
    make_article(images=3, quality=80)
    make_article(quality=80)
    make_article(images=1, quality=10)

    response = client.get(LIST_URL, {"quality_min": "50", "has_image": "1"})

    assert response.context["with_image"] == 2
    assert response.context["total"] == 2


def test_only_the_top_fifteen_show_and_the_rest_sit_behind_more(client, make_article):
    for n in range(20):
        for _ in range(20 - n):
            make_article(topics=[f"Topic {n:02}"])

    response = client.get(LIST_URL)

    topic_facet = response.context["facets"]["topic"]
    assert [c.label for c in topic_facet.top] == [f"Topic {n:02}" for n in range(15)]
    assert [c.label for c in topic_facet.more] == [f"Topic {n:02}" for n in range(15, 20)]
    html = response.content.decode()
    assert "<summary>5 more</summary>" in html


def test_a_chosen_value_stays_on_top_even_with_few_articles(client, make_article):
    for n in range(20):
        for _ in range(20 - n):
            make_article(topics=[f"Topic {n:02}"])

    response = client.get(LIST_URL, {"topic": "topic-19"})

    first = response.context["facets"]["topic"].choices[0]
    assert (first.label, first.count, first.selected) == ("Topic 19", 1, True)


def test_a_chosen_value_without_results_is_still_offered(client, make_article, make_topic):
    make_topic("Empty topic")
    make_article(topics=["Vision"])

    response = client.get(LIST_URL, {"topic": "empty-topic"})

    choices = response.context["facets"]["topic"].choices
    assert [(c.label, c.count, c.selected) for c in choices] == [
        ("Empty topic", 0, True),
        ("Vision", 1, False),
    ]
    assert 'value="empty-topic" checked' in response.content.decode()


def test_hidden_articles_are_not_counted_for_readers(client, admin_client, make_article):
    make_article(topics=["Vision"])
    make_article(topics=["Vision"], status=ArticleStatus.DRAFT)
    make_article(topics=["Vision"], is_stub=True)

    reader = client.get(LIST_URL)
    staff = admin_client.get(LIST_URL)

    assert facet_counts(reader, "topic") == {"Vision": 1}
    assert facet_counts(staff, "topic") == {"Vision": 2}


def test_counts_are_cached_until_the_data_version_changes(client, make_article):
    make_article(topics=["Vision"], published_at=datetime(2024, 1, 1, tzinfo=UTC))
    first = client.get(LIST_URL, {"topic": "vision"})
    assert facet_counts(first, "topic") == {"Vision": 1}

    make_article(topics=["Vision"], published_at=datetime(2024, 1, 2, tzinfo=UTC))
    # Another page of the same list: rendered anew, with the cached counts.
    stale = client.get(LIST_URL, {"topic": "vision", "page": "1"})
    assert facet_counts(stale, "topic") == {"Vision": 1}

    bump_data_version()  # as every import batch and staff edit does
    fresh = client.get(LIST_URL, {"topic": "vision", "page": "1"})
    assert facet_counts(fresh, "topic") == {"Vision": 2}
    assert fresh.context["total"] == 2


def test_the_facet_form_renders_checkboxes_with_counts(client, make_article):
    make_article(topics=["Vision"])
    make_article(topics=["Vision"])

    response = client.get(LIST_URL, {"topic": "vision"})

    html = response.content.decode()
    assert (
        '<input type="checkbox" id="f-topic-top-1" name="topic" value="vision" checked>'
        '<label for="f-topic-top-1"><span class="facet__label">Vision</span> '
        '<span class="count">2</span></label>'
    ) in html


def test_facets_with_a_single_value_are_left_out(client, make_article):
    make_article(category="news", type="article")
    make_article(category="news", type="video")

    response = client.get(LIST_URL)

    html = response.content.decode()
    assert 'id="facet-type"' in html
    assert 'id="facet-category"' not in html


def test_counts_cover_the_newest_results_and_the_page_says_so(client, make_article, monkeypatch):
    monkeypatch.setattr("articles.facets.FACET_WINDOW", 3)
    monkeypatch.setattr("articles.views.FACET_WINDOW", 3)
    for day, topic in enumerate(["Old", "Old", "New", "New", "New"], start=1):
        make_article(topics=[topic], published_at=datetime(2024, 1, day, tzinfo=UTC))

    response = client.get(LIST_URL)

    assert response.context["total"] == 5
    assert facet_counts(response, "topic") == {"New": 3}
    assert "Counts beside the filters cover the newest 3 of these 5 articles." in (
        response.content.decode()
    )


def test_with_fewer_results_than_the_window_no_note_is_shown(client, make_article):
    make_article(topics=["Vision"])

    assert "Counts beside the filters cover" not in client.get(LIST_URL).content.decode()
