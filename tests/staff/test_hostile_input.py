"""Hostile requests and values on the staff side: never a 500, never a stored javascript: link,
never a stale redirect, never a search that runs past the worker timeout."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.admin.base import MAX_SEARCH_WORDS
from articles.cache import current_data_version
from articles.models import ProviderAlias, Topic, TopicAlias
from articles.safe_urls import url_problem

from . import ARTICLES, messages_of
from .test_article_admin import change_url, form_data, listed

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "articles_article",
    "articles_topic",
    "articles_provider",
    "articles_topicalias",
    "articles_provideralias",
    "articles_importrun",
]
NUL_QUERIES = [
    "topic=%00",
    "q=%00",
    "status__exact=%00",
    "provider__id__exact=%00",
    "trigger__exact=%00",
    "status=%00",
    "parent__id__exact=%00",
    "o=%00",
    "%00=1",
]


# --- NUL in filters and searches (PostgreSQL refuses NUL in text) ---


@pytest.mark.parametrize("changelist", CHANGELISTS)
def test_a_nul_in_a_changelist_query_is_refused_like_an_unknown_filter(
    admin_client, make_article, changelist
):
    make_article(topics=["AI"])
    url = reverse(f"admin:{changelist}_changelist")

    for query in NUL_QUERIES:
        response = admin_client.get(f"{url}?{query}")

        assert (response.status_code, response["Location"]) == (302, f"{url}?e=1"), query
    assert admin_client.get(f"{url}?e=1").status_code == 200


@pytest.mark.parametrize(
    ("model_name", "field_name"),
    [("article", "provider"), ("articletopic", "topic"), ("topicalias", "topic")],
)
def test_a_nul_in_an_autocomplete_term_is_ignored(
    admin_client, make_article, model_name, field_name
):
    make_article(topics=["AI"])
    query = f"app_label=articles&model_name={model_name}&field_name={field_name}&term=%00"

    response = admin_client.get(f"{reverse('admin:autocomplete')}?{query}")

    assert response.status_code == 200
    assert len(response.json()["results"]) == 1


# --- search words are bounded (PostgreSQL plans in time quadratic in the words) ---


def test_a_long_search_uses_its_first_words_and_says_so(admin_client, make_article):
    robot = make_article("Robots fold laundry")
    make_article("Cats sleep")
    query = " ".join(["robots"] * MAX_SEARCH_WORDS + ["nowhere"] * 890)

    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(ARTICLES, {"q": query})

    assert listed(response) == [robot]  # "nowhere", past the bound, was not searched
    assert messages_of(response) == ["Only the first 10 words of the search were used."]
    # Five search fields (title, excerpt, URL, provider name and domain) per word at most.
    assert max(q["sql"].upper().count(" LIKE ") for q in queries) <= 5 * MAX_SEARCH_WORDS


def test_a_short_search_has_no_message(admin_client, make_article):
    make_article("Robots fold laundry")

    response = admin_client.get(ARTICLES, {"q": "robots laundry"})

    assert len(listed(response)) == 1
    assert messages_of(response) == []


# --- links typed by staff follow the importer's rule ---


@pytest.mark.parametrize("field", ["web_url", "amp_url", "cdn_amp_url", "original_url"])
@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x", "//evil.example/"]
)
def test_the_article_form_refuses_links_the_importer_refuses(
    admin_client, make_article, field, url
):
    article = make_article()
    before = getattr(article, field)

    response = admin_client.post(change_url(article), form_data(article, **{field: url}))

    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors[field]
    article.refresh_from_db()
    assert getattr(article, field) == before
    assert error == f"This URL {url_problem(url)}."  # the importer's rule and words
    assert "only absolute http(s) URLs are allowed" in error


def test_the_article_form_still_takes_an_http_link(admin_client, make_article):
    article = make_article()

    response = admin_client.post(
        change_url(article), form_data(article, amp_url="https://amp.example/a")
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.amp_url == "https://amp.example/a"


def test_the_image_inline_refuses_a_javascript_link(admin_client, make_article):
    article = make_article()
    data = form_data(article)
    data.update(
        {
            "images-TOTAL_FORMS": 1,
            "images-0-position": 0,
            "images-0-url": "javascript:alert(1)",
            "images-0-width": "",
            "images-0-height": "",
            "images-0-title": "",
        }
    )

    response = admin_client.post(change_url(article), data)

    assert response.status_code == 200
    assert not article.images.exists()
    [formset] = [
        f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "images"
    ]
    assert "only absolute http(s) URLs" in str(formset.formset.errors)


# --- alias edits reach readers at once ---


def test_a_deleted_topic_alias_stops_redirecting_at_once(admin_client, client, make_topic):
    vision = make_topic("Vision", slug="vision")
    alias = TopicAlias.objects.create(slug="old-vision", name_key="old vision", topic=vision)
    assert client.get("/topics/old-vision/").status_code == 301  # now in the readers' cache

    delete = reverse("admin:articles_topicalias_delete", args=[alias.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302

    assert client.get("/topics/old-vision/").status_code == 404


def test_a_new_or_changed_topic_alias_redirects_at_once(admin_client, client, make_topic):
    vision, imaging = make_topic("Vision", slug="vision"), make_topic("Imaging", slug="imaging")
    assert client.get("/topics/cv/").status_code == 404

    admin_client.post(
        reverse("admin:articles_topicalias_add"),
        {"slug": "cv", "name_key": "cv", "topic": vision.pk},
    )
    first = client.get("/topics/cv/")
    alias = TopicAlias.objects.get(slug="cv")
    admin_client.post(
        reverse("admin:articles_topicalias_change", args=[alias.pk]),
        {"slug": "cv", "name_key": "cv", "topic": imaging.pk},
    )
    second = client.get("/topics/cv/")

    assert (first.status_code, first["Location"]) == (301, "/topics/vision/")
    assert (second.status_code, second["Location"]) == (301, "/topics/imaging/")


def test_provider_alias_edits_bump_the_data_version(admin_client, make_provider):
    provider = make_provider("new.example")
    add = reverse("admin:articles_provideralias_add")
    versions = [current_data_version()]

    admin_client.post(add, {"domain": "old.example", "provider": provider.pk})
    versions.append(current_data_version())
    alias = ProviderAlias.objects.get(domain="old.example")
    admin_client.post(
        reverse("admin:articles_provideralias_delete", args=[alias.pk]), {"post": "yes"}
    )
    versions.append(current_data_version())

    assert versions == sorted(set(versions))  # went up with each edit
    assert not ProviderAlias.objects.exists()


# --- JSON fields hold only what the database can store (PostgreSQL: no NUL, no NaN) ---


@pytest.mark.parametrize("keywords", ['["a\\u0000b"]', '{"k\\u0000": 1}', "[NaN]", "[Infinity]"])
def test_the_topic_form_refuses_json_the_database_cannot_store(admin_client, keywords):
    data = {"name": "Vision", "slug": "vision", "position": 1, "keywords": keywords}
    data.update({"hashtags": "[]", "images": "[]", "aliases-TOTAL_FORMS": 0})
    data["aliases-INITIAL_FORMS"] = 0

    response = admin_client.post(reverse("admin:articles_topic_add"), data)

    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["keywords"]
    assert error.startswith("This JSON holds what the database cannot store")
    assert not Topic.objects.exists()


def test_the_topic_form_takes_json_with_tabs_and_newlines(admin_client):
    data = {"name": "Vision", "slug": "vision", "position": 1, "keywords": '["a\\tb\\nc"]'}
    data.update({"hashtags": "[]", "images": "[]", "aliases-TOTAL_FORMS": 0})
    data["aliases-INITIAL_FORMS"] = 0

    response = admin_client.post(reverse("admin:articles_topic_add"), data)

    assert response.status_code == 302
    assert Topic.objects.get().keywords == ["a\tb\nc"]


def test_the_provider_form_refuses_a_nul_in_its_logos(admin_client):
    data = {"domain": "x.example", "name": "X", "description": "", "images": '[{"url": "\\u0000"}]'}
    data.update({"aliases-TOTAL_FORMS": 0, "aliases-INITIAL_FORMS": 0})

    response = admin_client.post(reverse("admin:articles_provider_add"), data)

    assert response.status_code == 200
    assert "images" in response.context["adminform"].form.errors
