"""Anonymous readers get cached pages until the data version changes; staff never do."""

import pytest
from django.urls import reverse

from articles.cache import bump_data_version
from articles.models import ArticleStatus
from tests.reader import fresh_cache  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.django_db

LIST_URL = reverse("articles:article_list")


def test_a_repeated_page_is_served_from_the_cache(client, make_article, django_assert_num_queries):
    make_article("First story")
    first = client.get(LIST_URL)

    with django_assert_num_queries(1):  # the data version, nothing else
        again = client.get(LIST_URL)

    assert again.status_code == 200
    assert again.content == first.content
    assert again["Content-Type"] == "text/html; charset=utf-8"


def test_an_import_makes_every_cached_page_fresh(client, make_article):
    make_article("First story")
    client.get(LIST_URL)
    make_article("Second story")

    assert b"Second story" not in client.get(LIST_URL).content
    bump_data_version()  # as every import batch and staff edit does
    assert b"Second story" in client.get(LIST_URL).content


def test_staff_always_get_a_fresh_page(admin_client, client, make_article):
    make_article("Public story")
    client.get(LIST_URL)
    admin_client.get(LIST_URL)
    make_article("Draft story", status=ArticleStatus.DRAFT)

    assert b"Draft story" in admin_client.get(LIST_URL).content
    assert b"Draft story" not in client.get(LIST_URL).content


def test_each_query_string_is_its_own_page(client, make_article):
    make_article("Robot story", topics=["Robotics"])
    make_article("Vision story", topics=["Vision"])

    robots = client.get(LIST_URL, {"topic": "robotics"}).content
    vision = client.get(LIST_URL, {"topic": "vision"}).content

    assert b"Robot story" in robots and b"Vision story" not in robots
    assert b"Vision story" in vision and b"Robot story" not in vision


def test_redirects_and_errors_are_replayed_faithfully(client, make_article):
    article = make_article("A story")
    wrong_slug = f"/articles/{article.pk}/wrong/"

    for _ in range(2):
        redirect = client.get(wrong_slug)
        assert redirect.status_code == 301
        assert redirect["Location"] == article.get_absolute_url()
        assert client.get(LIST_URL, {"page": "0"}).status_code == 400
