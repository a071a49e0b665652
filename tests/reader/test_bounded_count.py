"""The result total is counted only up to COUNT_BOUND, so a cold list costs the same on a big
table: past it the page says "N+ articles" and numbers pages only that far."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from tests.reader import fresh_cache  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.django_db

LIST_URL = reverse("articles:article_list")


@pytest.fixture
def bound_of_five(monkeypatch):
    """A bound of 5 and 2 articles a page: the bound allows pages 1–3."""
    monkeypatch.setattr("articles.facets.COUNT_BOUND", 5)
    monkeypatch.setattr("articles.views.ARTICLES_PER_PAGE", 2)


def add_articles(make_article, count, **fields):
    start = datetime(2024, 1, 1, tzinfo=UTC)
    return [make_article(published_at=start + timedelta(days=n), **fields) for n in range(count)]


def result_count(response):
    html = response.content.decode()
    start = html.index('class="result-count"')
    return html[html.index(">", start) + 1 : html.index("</p>", start)]


def test_past_the_bound_the_total_is_a_lower_bound(client, make_article, bound_of_five):
    add_articles(make_article, 7)

    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert response.context["total"] == 5
    assert response.context["total_is_lower_bound"] is True
    assert result_count(response) == "5+ articles · page 1 of 3+"


def test_up_to_the_bound_the_total_is_exact(client, make_article, bound_of_five):
    add_articles(make_article, 5)

    response = client.get(LIST_URL)

    assert response.context["total"] == 5
    assert response.context["total_is_lower_bound"] is False
    assert result_count(response) == "5 articles · page 1 of 3"


def test_a_filter_under_the_bound_gets_an_exact_total(client, make_article, bound_of_five):
    add_articles(make_article, 7, quality=10)
    add_articles(make_article, 3, quality=90)

    response = client.get(LIST_URL, {"quality_min": "50"})

    assert response.context["total"] == 3
    assert response.context["total_is_lower_bound"] is False


def test_pages_are_numbered_up_to_the_bound(client, make_article, bound_of_five):
    add_articles(make_article, 9)

    last = client.get(LIST_URL, {"page": "3"})

    assert last.status_code == 200
    assert len(last.context["page_obj"]) == 1  # the 5th article, the bound's last
    assert 'rel="next"' not in last.content.decode()


def test_a_page_past_the_bound_is_an_error_with_status_400(client, make_article, bound_of_five):
    add_articles(make_article, 9)

    response = client.get(LIST_URL, {"page": "4"})

    assert response.status_code == 400
    assert response.context["page_obj"] is None
    assert response.context["errors"] == [
        "There is no page 4 here: only the first 3 pages of these results can be shown. "
        "Narrow the filters (e.g. the dates) or change the sort to see others."
    ]


def test_a_list_that_fits_in_the_facet_window_needs_no_count_query(
    client, make_article, bound_of_five, django_assert_max_num_queries
):
    """The facets' shared pass already counts every result when they fit in its window."""
    add_articles(make_article, 7)

    with django_assert_max_num_queries(7) as captured:  # 6, and the months
        response = client.get(LIST_URL)

    assert not [query for query in captured.captured_queries if "COUNT(*)" in query["sql"]]
    assert (response.context["total"], response.context["total_is_lower_bound"]) == (5, True)


def test_past_the_facet_window_the_count_reads_one_row_past_the_bound(
    client, make_article, bound_of_five, monkeypatch, django_assert_max_num_queries
):
    """Then the total is one COUNT over a LIMITed subquery, not a count of every match."""
    monkeypatch.setattr("articles.facets.FACET_WINDOW", 3)
    add_articles(make_article, 7)

    with django_assert_max_num_queries(8) as captured:  # 7, and the months
        response = client.get(LIST_URL)

    counts = [query["sql"] for query in captured.captured_queries if "COUNT(*)" in query["sql"]]
    assert len(counts) == 1
    assert "LIMIT 6" in counts[0]
    assert (response.context["total"], response.context["total_is_lower_bound"]) == (5, True)


@pytest.mark.parametrize(
    ("count", "same_day", "expected"),
    [(3, False, (3, False)), (4, False, (3, True)), (3, True, (3, False)), (4, True, (3, True))],
)
def test_a_full_window_as_big_as_the_bound_tells_whether_more_follow(
    client, make_article, monkeypatch, count, same_day, expected
):
    """Window = bound (the production setting): a full window gives the total, and whether
    there are more is one look past the window's oldest row (PostgreSQL) or a bounded COUNT;
    articles sharing the oldest date count as beyond it only when outside the window."""
    monkeypatch.setattr("articles.facets.FACET_WINDOW", 3)
    monkeypatch.setattr("articles.facets.COUNT_BOUND", 3)
    monkeypatch.setattr("articles.views.FACET_WINDOW", 3)
    if same_day:
        day = datetime(2024, 1, 1, tzinfo=UTC)
        for _ in range(count):
            make_article(published_at=day)
    else:
        add_articles(make_article, count)

    response = client.get(LIST_URL)

    assert (response.context["total"], response.context["total_is_lower_bound"]) == expected
