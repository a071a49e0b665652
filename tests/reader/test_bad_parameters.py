"""Malformed or hostile query strings get a clear error on the page and status 400, never a 500."""

import pytest
from django.urls import reverse

from tests.reader import fresh_cache  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.django_db

LIST_URL = reverse("articles:article_list")


@pytest.fixture
def some_articles(make_article):
    for n in range(3):
        make_article(f"Story {n}", topics=["Robotics"], quality=50)


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"quality_min": "abc"}, "quality_min", "Enter a whole number."),
        ({"quality_max": "-1"}, "quality_max", "greater than or equal to 0"),
        ({"quality_min": "1e30"}, "quality_min", "Enter a whole number."),
        ({"quality_min": "99999999999"}, "quality_min", "less than or equal to 1000000"),
        ({"quality_min": "60", "quality_max": "40"}, "quality_max", "at least the minimum"),
        ({"date_from": "2023-02-30"}, "date_from", "Enter a valid date."),
        ({"date_to": "yesterday"}, "date_to", "Enter a valid date."),
        ({"date_to": "9999-12-31"}, "date_to", "between 1900-01-01 and 2999-12-31"),
        ({"date_from": "0001-01-01"}, "date_from", "between 1900-01-01 and 2999-12-31"),
        ({"date_from": "2024-05-02", "date_to": "2024-05-01"}, "date_to", "on or after"),
        ({"sort": "bogus"}, "sort", "Select a valid choice."),
        ({"period": "decade"}, "period", "Select a valid choice."),
        ({"topic": "no-such-topic"}, "topic", "no-such-topic is not one of the available"),
        ({"provider": "nowhere.example"}, "provider", "nowhere.example is not one of the"),
        ({"topic": "robotics\x00"}, "topic", "Null characters are not allowed."),
        ({"type": "video\x00"}, "type", "Select a valid choice."),
        ({"type": "x" * 101}, "type", "Select a valid choice."),
        ({"q": "x" * 201}, "q", "at most 200 characters"),
        ({"q": "robot\x00"}, "q", "Null characters are not allowed."),
    ],
)
def test_a_bad_filter_is_a_form_error_with_status_400(
    client, some_articles, params, field, message
):
    response = client.get(LIST_URL, params)

    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert message in " ".join(response.context["form"].errors[field])
    html = response.content.decode()
    assert 'role="alert"' in html
    assert f'id="id_{field}-error"' in html
    assert response.context["page_obj"] is None


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ("0", "“page” must be a whole number from 1; got “0”."),
        ("-1", "“page” must be a whole number from 1; got “-1”."),
        ("x", "“page” must be a whole number from 1; got “x”."),
        ("1.5", "“page” must be a whole number from 1; got “1.5”."),
        (
            "99999999999999999999",
            "“page” must be a whole number from 1; got “99999999999999999999”.",
        ),
        ("2", "There is no page 2: these results have 1 page."),
        ("999999", "There is no page 999999: these results have 1 page."),
    ],
)
def test_a_bad_page_number_is_an_error_with_status_400(client, some_articles, page, message):
    response = client.get(LIST_URL, {"page": page})

    assert response.status_code == 400
    assert response.context["errors"] == [message]
    assert message in response.content.decode().replace("&ldquo;", "“").replace("&rdquo;", "”")


def test_the_error_page_offers_the_first_page_with_the_same_filters(client, some_articles):
    response = client.get(LIST_URL, {"topic": "robotics", "page": "7"})

    assert response.status_code == 400
    assert '<a href="?topic=robotics">go to the first page</a>' in response.content.decode()


def test_unknown_parameter_names_are_ignored(client, some_articles):
    response = client.get(LIST_URL, {"utm_source": "newsletter", "fbclid": "abc"})

    assert response.status_code == 200
    assert len(response.context["page_obj"]) == 3


def test_empty_parameters_mean_no_filter(client, some_articles):
    response = client.get(
        LIST_URL,
        {
            "q": "",
            "topic": "",
            "provider": "",
            "type": "",
            "quality_min": "",
            "date_from": "",
            "period": "",
            "has_image": "",
            "sort": "",
            "page": "",
        },
    )

    assert response.status_code == 200
    assert len(response.context["page_obj"]) == 3


@pytest.mark.parametrize(
    "url",
    [
        "/topics/robotics/?quality_min=abc",
        "/topics/robotics/?page=0",
        "/providers/provider.example/?date_to=2023-02-30",
        "/providers/?page=x",
        "/providers/?page=99",
    ],
)
def test_topic_and_provider_pages_refuse_bad_parameters_too(
    client, some_articles, make_provider, url
):
    make_provider("provider.example")

    assert client.get(url).status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "/topics/no-such-topic/",
        "/providers/no-such.example/",
        "/providers/bad%00domain/",
        "/articles/999999/any-slug/",
        "/articles/99999999999999999999999/slug/",
    ],
)
def test_unknown_pages_are_404(client, some_articles, url):
    response = client.get(url)

    assert response.status_code == 404
