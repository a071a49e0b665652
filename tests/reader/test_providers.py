"""/providers/: where articles come from, with counts; /providers/<domain>/: their articles."""

import pytest
from django.urls import reverse

from articles.models import ArticleStatus, ProviderAlias
from tests.reader import fresh_cache  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.django_db


def test_the_index_lists_providers_with_visible_articles_and_counts(
    client, make_provider, make_article
):
    alpha = make_provider("alpha.example", name="Alpha")
    beta = make_provider("beta.example", name="Beta")
    drafts_only = make_provider("drafts.example", name="Drafts only")
    make_provider("empty.example", name="Nothing yet")
    make_article(provider=alpha)
    make_article(provider=alpha)
    make_article(provider=beta)
    make_article(provider=drafts_only, status=ArticleStatus.DRAFT)

    response = client.get(reverse("articles:provider_list"))

    assert [(p.name, p.article_count) for p in response.context["page_obj"]] == [
        ("Alpha", 2),
        ("Beta", 1),
    ]
    html = response.content.decode()
    # No logo: the provider's initial stands in for it.
    badge = '<span class="logo logo--medium logo--letter" aria-hidden="true">A</span>'
    assert f'<a href="/providers/alpha.example/">{badge}Alpha</a>' in html


def test_the_index_is_paginated_by_a_hundred(client, make_provider, make_article):
    for n in range(105):
        make_article(provider=make_provider(f"p{n:03}.example", name=f"Provider {n:03}"))

    first = client.get(reverse("articles:provider_list"))
    second = client.get(reverse("articles:provider_list"), {"page": "2"})

    assert len(first.context["page_obj"]) == 100
    assert [p.name for p in second.context["page_obj"]] == [
        f"Provider {n}" for n in range(100, 105)
    ]
    assert '<a href="?page=2">2</a>' in first.content.decode()


def test_a_provider_page_lists_its_articles(client, make_provider, make_article):
    lab = make_provider(
        "lab.example",
        name="The Lab",
        description="A research lab.",
        images=[{"url": "https://lab.example/logo.png", "width": 50, "height": 50}],
    )
    make_article("From the lab", provider=lab)
    make_article("From elsewhere")

    response = client.get(reverse("articles:provider_detail", args=["lab.example"]))

    assert [a.title for a in response.context["page_obj"]] == ["From the lab"]
    html = response.content.decode()
    assert 'src="https://lab.example/logo.png" width="40" height="40" alt="">The Lab</h1>' in html
    assert '<p class="lede">A research lab.</p>' in html
    assert 'id="facet-provider"' not in html


def test_a_provider_page_is_found_whatever_the_case(client, make_provider, make_article):
    make_article("Story", provider=make_provider("lab.example"))

    response = client.get("/providers/LAB.example/")

    assert response.status_code == 200
    assert [a.title for a in response.context["page_obj"]] == ["Story"]


def test_a_merged_domain_redirects_to_its_provider(client, make_provider):
    provider = make_provider("new.example")
    ProviderAlias.objects.create(domain="old.example", provider=provider)

    response = client.get("/providers/old.example/")

    assert response.status_code == 301
    assert response["Location"] == "/providers/new.example/"
