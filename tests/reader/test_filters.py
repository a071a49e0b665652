"""Each filter of the list, through the page's query string (the same names everywhere)."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from tests.reader import fresh_cache  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.django_db

LIST_URL = reverse("articles:article_list")


def listed(client, **params):
    response = client.get(LIST_URL, params)
    assert response.status_code == 200, response.context["errors"]
    return [article.title for article in response.context["page_obj"]]


def test_topic_keeps_articles_in_that_topic(client, make_article):
    make_article("Vision story", topics=["Computer Vision"])
    make_article("Speech story", topics=["Speech"])

    assert listed(client, topic="computer-vision") == ["Vision story"]


def test_several_topics_combine_with_or_and_list_an_article_once(client, make_article):
    make_article("Vision", topics=["Computer Vision"])
    make_article("Both", topics=["Computer Vision", "Speech"])
    make_article("Speech", topics=["Speech"])
    make_article("Robots", topics=["Robotics"])

    assert listed(client, topic=["computer-vision", "speech"]) == ["Speech", "Both", "Vision"]


def test_provider_keeps_articles_of_the_chosen_providers(client, make_article, make_provider):
    alpha, beta, gamma = (make_provider(f"{name}.example") for name in ("alpha", "beta", "gamma"))
    make_article("From alpha", provider=alpha)
    make_article("From beta", provider=beta)
    make_article("From gamma", provider=gamma)

    assert listed(client, provider=["alpha.example", "gamma.example"]) == [
        "From gamma",
        "From alpha",
    ]


def test_quality_bounds_are_inclusive_and_skip_unscored_articles(client, make_article):
    for quality in (None, 39, 40, 60, 61, 150):
        make_article(f"Quality {quality}", quality=quality)

    assert listed(client, quality_min="40", quality_max="60") == ["Quality 60", "Quality 40"]
    assert listed(client, quality_min="100") == ["Quality 150"]


def test_dates_cover_whole_days_in_the_site_time_zone(client, make_article, settings):
    settings.TIME_ZONE = "America/New_York"
    # 03:00 UTC on 2 March is still 1 March in New York.
    make_article("Late on the 1st", published_at=datetime(2024, 3, 2, 3, 0, tzinfo=UTC))
    make_article("On the 2nd", published_at=datetime(2024, 3, 2, 15, 0, tzinfo=UTC))
    make_article("On the 3rd", published_at=datetime(2024, 3, 3, 15, 0, tzinfo=UTC))

    assert listed(client, date_from="2024-03-02") == ["On the 3rd", "On the 2nd"]
    assert listed(client, date_to="2024-03-01") == ["Late on the 1st"]
    assert listed(client, date_from="2024-03-02", date_to="2024-03-02") == ["On the 2nd"]


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("today", ["Today"]),
        ("7d", ["Today", "Six days ago"]),
        ("30d", ["Today", "Six days ago", "Seven days ago", "Twenty-nine days ago"]),
        (
            "year",
            ["Today", "Six days ago", "Seven days ago", "Twenty-nine days ago", "In January"],
        ),
    ],
)
def test_quick_ranges_count_back_from_today(client, make_article, monkeypatch, period, expected):
    monkeypatch.setattr("articles.filters.local_today", lambda: date(2024, 6, 30))
    make_article("Today", published_at=datetime(2024, 6, 30, 8, tzinfo=UTC))
    make_article("Six days ago", published_at=datetime(2024, 6, 24, 0, 0, tzinfo=UTC))
    make_article("Seven days ago", published_at=datetime(2024, 6, 23, 23, 59, tzinfo=UTC))
    make_article("Twenty-nine days ago", published_at=datetime(2024, 6, 1, 0, 0, tzinfo=UTC))
    make_article("In January", published_at=datetime(2024, 1, 1, 0, 0, tzinfo=UTC))
    make_article("Last year", published_at=datetime(2023, 12, 31, 23, 59, tzinfo=UTC))

    assert listed(client, period=period) == expected


def test_type_and_category_keep_the_chosen_values(client, make_article):
    make_article("A video", type="video", category="news")
    make_article("An article", type="article", category="news")
    make_article("A podcast", type="podcast", category="opinion")

    assert listed(client, type=["video", "podcast"]) == ["A podcast", "A video"]
    assert listed(client, category="opinion") == ["A podcast"]
    assert listed(client, type="interview") == []


def test_has_image_keeps_articles_with_an_image(client, make_article):
    make_article("Pictured", images=2)
    make_article("Text only")

    assert listed(client, has_image="1") == ["Pictured"]
    assert listed(client, has_image="") == ["Text only", "Pictured"]


def test_search_matches_every_word_in_title_or_excerpt(client, make_article):
    make_article("Robots learn to walk", excerpt="A lab in Zurich trained them.")
    make_article("Robots in factories", excerpt="Assembly lines change.")
    make_article("A walk in the park", excerpt="Nothing about machines.")

    assert listed(client, q="robots walk") == ["Robots learn to walk"]
    assert listed(client, q="zurich") == ["Robots learn to walk"]
    assert listed(client, q="ROBOTS") == ["Robots in factories", "Robots learn to walk"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("newest", ["New, low", "Mid, high", "Old, none"]),
        ("oldest", ["Old, none", "Mid, high", "New, low"]),
        ("quality", ["Mid, high", "New, low", "Old, none"]),
        ("heat", ["New, low", "Mid, high", "Old, none"]),
    ],
)
def test_sort_orders_and_puts_missing_scores_last(client, make_article, sort, expected):
    make_article("Old, none", published_at=datetime(2024, 1, 1, tzinfo=UTC))
    make_article("Mid, high", published_at=datetime(2024, 1, 2, tzinfo=UTC), quality=90, heat=5)
    make_article("New, low", published_at=datetime(2024, 1, 3, tzinfo=UTC), quality=10, heat=50)

    assert listed(client, sort=sort) == expected


def test_relevance_puts_title_matches_before_excerpt_matches(client, make_article):
    make_article(
        "Chip news",
        excerpt="Quantum computing startup raises money.",
        published_at=datetime(2024, 1, 3, tzinfo=UTC),
    )
    make_article(
        "Quantum computing milestone",
        excerpt="Researchers report a quantum computing result.",
        published_at=datetime(2024, 1, 1, tzinfo=UTC),
    )

    assert listed(client, q="quantum computing", sort="relevance") == [
        "Quantum computing milestone",
        "Chip news",
    ]
    assert listed(client, q="quantum computing", sort="newest") == [
        "Chip news",
        "Quantum computing milestone",
    ]


def test_relevance_without_a_search_falls_back_to_newest(client, make_article):
    make_article("Older", published_at=datetime(2024, 1, 1, tzinfo=UTC))
    make_article("Newer", published_at=datetime(2024, 1, 2, tzinfo=UTC))

    assert listed(client, sort="relevance") == ["Newer", "Older"]


def test_filters_combine_with_and(client, make_article):
    make_article("Match", topics=["Robotics"], quality=80, type="video")
    make_article("Low quality", topics=["Robotics"], quality=20, type="video")
    make_article("Other topic", topics=["Speech"], quality=80, type="video")
    make_article("Not a video", topics=["Robotics"], quality=80, type="article")

    assert listed(client, topic="robotics", quality_min="50", type="video") == ["Match"]
