"""Readers see published full articles only; staff see every full article, with a badge."""

import pytest
from django.urls import reverse

from articles.models import ArticleStatus
from tests.reader import fresh_cache  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.django_db

LIST_URL = reverse("articles:article_list")
NOT_FOR_READERS = [ArticleStatus.DRAFT, ArticleStatus.HIDDEN, ArticleStatus.WITHDRAWN]


def listed(response):
    return [article.title for article in response.context["page_obj"]]


@pytest.mark.parametrize("status", NOT_FOR_READERS)
def test_readers_never_see_an_unpublished_article(client, make_article, status):
    make_article("Public", topics=["Vision"])
    secret = make_article("Not public", topics=["Vision"], status=status)

    assert listed(client.get(LIST_URL)) == ["Public"]
    assert listed(client.get(reverse("articles:topic_detail", args=["vision"]))) == ["Public"]
    provider_page = reverse("articles:provider_detail", args=[secret.provider.domain])
    assert client.get(provider_page).status_code == 404  # its name would give it away
    assert client.get(secret.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("status", NOT_FOR_READERS)
def test_names_only_hidden_articles_use_stay_unknown_to_readers(
    client, admin_client, make_article, make_provider, make_topic, status
):
    make_article("Public", topics=["Vision"])
    make_topic("From the taxonomy, no articles yet")
    secret = make_article(
        "Not public",
        topics=["Secret Project"],
        provider=make_provider("secret.example", name="Secret Lab"),
        status=status,
    )
    pages = [
        reverse("articles:topic_detail", args=["secret-project"]),
        reverse("feed_topic", args=["secret-project"]),
        reverse("articles:provider_detail", args=["secret.example"]),
        reverse("feed_provider", args=["secret.example"]),
    ]
    listings = ["/api/topics/", "/api/providers/", "/sitemap-topics.xml", "/sitemap-providers.xml"]

    for url in pages:
        assert client.get(url).status_code == 404, url
        assert admin_client.get(url).status_code == 200, url
    for url in listings:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "secret" not in response.content.decode().lower(), url
    topics = client.get("/api/topics/").json()["results"]
    assert {topic["name"] for topic in topics} == {"Vision", "From the taxonomy, no articles yet"}
    staff_topics = admin_client.get("/api/topics/").json()["results"]
    assert "Secret Project" in {topic["name"] for topic in staff_topics}
    assert secret.provider.domain in {
        provider["domain"] for provider in admin_client.get("/api/providers/").json()["results"]
    }


def test_stubs_are_shown_to_nobody(client, admin_client, make_article):
    make_article("Full article")
    stub = make_article("Known only from a related list", is_stub=True)

    assert listed(client.get(LIST_URL)) == ["Full article"]
    assert listed(admin_client.get(LIST_URL)) == ["Full article"]
    assert client.get(stub.get_absolute_url()).status_code == 404
    assert admin_client.get(stub.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("status", NOT_FOR_READERS)
def test_staff_see_every_full_article_with_a_badge(admin_client, make_article, status):
    article = make_article("Staff only", status=status)

    listing = admin_client.get(LIST_URL)
    detail = admin_client.get(article.get_absolute_url())

    assert listed(listing) == ["Staff only"]
    badge = f'<span class="badge badge--{status}">{status.capitalize()}</span>'
    assert badge in listing.content.decode()
    assert detail.status_code == 200
    assert badge in detail.content.decode()


def test_published_articles_carry_no_badge(admin_client, make_article):
    article = make_article("Plain")

    assert 'class="badge' not in admin_client.get(LIST_URL).content.decode()
    assert 'class="badge' not in admin_client.get(article.get_absolute_url()).content.decode()


def test_staff_status_is_not_enough_without_being_active(client, django_user_model, make_article):
    user = django_user_model.objects.create_user("gone", password="pw", is_staff=True)
    client.force_login(user)
    make_article("Draft", status=ArticleStatus.DRAFT)
    user.is_active = False
    user.save()

    assert listed(client.get(LIST_URL)) == []


def test_detail_pages_of_unpublished_articles_are_not_indexed(admin_client, make_article):
    article = make_article("Draft", status=ArticleStatus.DRAFT)

    html = admin_client.get(article.get_absolute_url()).content.decode()

    assert '<meta name="robots" content="noindex">' in html
