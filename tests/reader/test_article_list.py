"""The article list at /: newest first, 20 a page, counts, chips and links that keep filters."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from tests.reader import fresh_cache  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.django_db

LIST_URL = reverse("articles:article_list")


def titles(response):
    return [article.title for article in response.context["page_obj"]]


def test_it_lists_articles_newest_first(client, make_article):
    make_article("Older", published_at=datetime(2024, 3, 1, tzinfo=UTC))
    make_article("Newest", published_at=datetime(2024, 3, 3, tzinfo=UTC))
    make_article("Middle", published_at=datetime(2024, 3, 2, tzinfo=UTC))

    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert titles(response) == ["Newest", "Middle", "Older"]


def test_it_shows_twenty_a_page_with_numbered_page_links(client, make_article):
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for n in range(45):
        make_article(f"Story {n:02}", published_at=start + timedelta(hours=n))

    first = client.get(LIST_URL)
    third = client.get(LIST_URL, {"page": 3})

    assert titles(first) == [f"Story {n:02}" for n in range(44, 24, -1)]
    assert titles(third) == [f"Story {n:02}" for n in range(4, -1, -1)]
    html = first.content.decode()
    assert '<a href="?page=2">2</a>' in html
    assert '<a href="?page=3">3</a>' in html
    assert '<a href="?page=1" aria-current="page">1</a>' in html


def test_page_links_keep_every_filter(client, make_article):
    for n in range(25):
        make_article(f"Robot story {n}", topics=["Robotics"], quality=60)

    response = client.get(LIST_URL, {"topic": "robotics", "quality_min": "50", "q": "robot"})

    html = response.content.decode()
    assert 'href="?topic=robotics&amp;quality_min=50&amp;q=robot&amp;page=2"' in html


def test_it_states_how_many_articles_match(client, make_article):
    for _ in range(3):
        make_article(topics=["Vision"])
    make_article(topics=["Speech"])

    response = client.get(LIST_URL, {"topic": "vision"})

    assert response.context["total"] == 3
    assert re.search(
        r'<p class="result-count" role="status">3 articles</p>', response.content.decode()
    )


def test_it_shows_each_active_filter_as_a_removable_chip(client, make_article):
    make_article(topics=["Vision", "Speech"], quality=70)

    response = client.get(
        LIST_URL, {"topic": ["vision", "speech"], "quality_min": "50", "page": "1"}
    )

    chips = {chip.label: chip.query.urlencode() for chip in response.context["chips"]}
    assert chips == {
        "Topic: Vision": "topic=speech&quality_min=50",
        "Topic: Speech": "topic=vision&quality_min=50",
        "Quality ≥ 50": "topic=vision&topic=speech",
    }
    html = response.content.decode()
    assert (
        'href="/?topic=speech&amp;quality_min=50" aria-label="Remove filter Topic: Vision"' in html
    )
    assert '<a class="chip chip--clear" href="/">Clear all</a>' in html


def test_it_says_so_when_nothing_matches(client, make_article):
    make_article("About robots")

    response = client.get(LIST_URL, {"q": "submarine"})

    assert response.status_code == 200
    assert titles(response) == []
    assert "No articles match these filters." in response.content.decode()
