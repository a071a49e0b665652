"""The admin's article search is the readers' search: same index, same syntax, plus URL prefixes."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)  # the SQLite index is kept by triggers

CHANGELIST = reverse("admin:articles_article_changelist")


def found(admin_client, q):
    response = admin_client.get(CHANGELIST, {"q": q})
    assert response.status_code == 200
    return sorted(article.title for article in response.context["cl"].result_list)


def test_phrases_exclusion_accents_and_url_prefixes(admin_client, make_article):
    make_article("Robots fold laundry at home", url="https://lab.example/laundry")
    make_article("Laundry robots fold nothing", url="https://other.example/x")
    make_article("Über launches a self-driving taxi", url="https://cars.example/taxi")

    assert found(admin_client, '"fold laundry"') == ["Robots fold laundry at home"]
    assert found(admin_client, "laundry -nothing") == ["Robots fold laundry at home"]
    assert found(admin_client, "uber") == ["Über launches a self-driving taxi"]
    assert found(admin_client, "launch*") == ["Über launches a self-driving taxi"]
    assert found(admin_client, "https://other.example/") == ["Laundry robots fold nothing"]
