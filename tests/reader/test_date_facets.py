"""Year and month facets beside the date range: counts of the current results, and links."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from tests.reader import fresh_cache  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.django_db

LIST_URL = reverse("articles:article_list")


def periods(response):
    return [
        (year.label, year.count, [(m.label, m.count, m.selected) for m in year.months])
        for year in response.context["periods"]
    ]


@pytest.fixture
def spread(make_article):
    for when, title in [
        (datetime(2023, 11, 5, tzinfo=UTC), "Robots in November"),
        (datetime(2024, 2, 1, tzinfo=UTC), "Robots in February"),
        (datetime(2024, 2, 20, tzinfo=UTC), "Speech in February"),
        (datetime(2024, 3, 31, 23, 30, tzinfo=UTC), "Robots at the end of March"),
    ]:
        make_article(title, published_at=when)


def test_results_are_counted_per_year_and_month_newest_first(client, spread, settings):
    response = client.get(LIST_URL)

    assert periods(response) == [
        ("2024", 3, [("March", 1, False), ("February", 2, False)]),
        ("2023", 1, [("November", 1, False)]),
    ]
    assert response.context["periods"][0].expanded is False


def test_months_follow_the_site_time_zone(client, spread, settings):
    settings.TIME_ZONE = "Europe/Berlin"  # 23:30 UTC on 31 March is 1 April there

    response = client.get(LIST_URL)

    assert periods(response)[0][2] == [("April", 1, False), ("February", 2, False)]


def test_the_counts_are_of_the_current_results(client, spread):
    response = client.get(LIST_URL, {"q": "robots"})

    assert [(label, count) for label, count, _ in periods(response)] == [("2024", 2), ("2023", 1)]


def test_a_year_link_sets_the_date_range_and_shows_its_months(client, spread):
    html = client.get(LIST_URL, {"q": "robots", "page": "1"}).content.decode()
    assert 'href="?q=robots&amp;date_from=2024-01-01&amp;date_to=2024-12-31"' in html

    response = client.get(LIST_URL, {"date_from": "2024-01-01", "date_to": "2024-12-31"})
    assert periods(response) == [("2024", 3, [("March", 1, False), ("February", 2, False)])]
    year = response.context["periods"][0]
    assert year.selected and year.expanded


def test_a_chosen_month_is_marked(client, spread):
    response = client.get(LIST_URL, {"date_from": "2024-02-01", "date_to": "2024-02-29"})

    assert periods(response) == [("2024", 2, [("February", 2, True)])]
    html = response.content.decode()
    assert (
        '<a href="?date_from=2024-02-01&amp;date_to=2024-02-29" aria-current="true">'
        '<span class="facet__label">February</span>'
    ) in html
