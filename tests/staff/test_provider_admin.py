"""The providers admin: counts, logo preview and the merge action."""

import pytest
from django.urls import reverse

from articles.models import Provider, ProviderAlias

from . import PROVIDERS, apply_action, make_editor, messages_of, run_action

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


def row_of(response, provider):
    html = response.content.decode()
    start = html.index(f'value="{provider.pk}"')
    return html[html.rindex("<tr", 0, start) : html.index("</tr>", start)]


def test_the_list_counts_articles_in_one_query(
    admin_client, make_article, make_provider, django_assert_max_num_queries
):
    busy, quiet = make_provider("busy.example"), make_provider("quiet.example")
    for _ in range(3):
        make_article(provider=busy)

    with django_assert_max_num_queries(4):  # session, user, count, the page with its counts
        response = admin_client.get(PROVIDERS)

    counts = {p.domain: p.article_count for p in response.context["cl"].result_list}
    assert counts == {"busy.example": 3, "quiet.example": 0}
    assert quiet.pk in {p.pk for p in response.context["cl"].result_list}


def test_the_logo_preview_shows_the_smallest_logo_as_readers_see_it(
    admin_client, make_provider, settings
):
    provider = make_provider(
        "bbc.com",
        "BBC",
        images=[
            {
                "url": "/assets/images/organizations/bbc.com-400x400.jpg",
                "width": 400,
                "height": 400,
            },
            {"url": "/assets/images/organizations/bbc.com-50x50.jpg", "width": 50, "height": 50},
        ],
    )

    # Site-relative, with nowhere to resolve it: not shown, as on the reader pages.
    settings.NEWSROOM_ASSET_BASE_URL = ""
    assert "<img" not in row_of(admin_client.get(PROVIDERS), provider)

    settings.NEWSROOM_ASSET_BASE_URL = "https://www.bbc.example"
    row = row_of(admin_client.get(PROVIDERS), provider)
    assert 'src="https://www.bbc.example/assets/images/organizations/bbc.com-50x50.jpg"' in row


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "data:image/svg+xml;base64,PHN2Zz4=", "//evil.example/x.png"],
)
def test_a_logo_with_an_unsafe_url_is_not_shown(admin_client, make_provider, url):
    provider = make_provider("odd.example", images=[{"url": url, "width": 1, "height": 1}])

    row = row_of(admin_client.get(PROVIDERS), provider)

    assert url not in row
    assert 'class="nr-logo"' not in row


def test_a_logo_url_is_escaped(admin_client, make_provider):
    url = 'https://logo.example/a.png" onerror="alert(1)'
    provider = make_provider("quote.example", images=[{"url": url}])

    row = row_of(admin_client.get(PROVIDERS), provider)

    assert 'src="https://logo.example/a.png&quot; onerror=&quot;alert(1)"' in row


def test_the_domain_is_read_only_once_created(admin_client, make_provider):
    provider = make_provider("bbc.com")

    response = admin_client.get(reverse("admin:articles_provider_change", args=[provider.pk]))

    assert "domain" not in response.context["adminform"].form.fields


def test_merge_moves_articles_and_keeps_the_domain_as_an_alias(
    editor_client, make_article, make_provider
):
    target = make_provider("bbc.com", "BBC")
    source = make_provider("bbc.co.uk", "BBC UK")
    moved = [make_article(provider=source), make_article(provider=source)]

    page = run_action(editor_client, PROVIDERS, "merge_selected", [source])
    assert page.status_code == 200
    done = apply_action(editor_client, PROVIDERS, "merge_selected", [source], target=target.pk)

    assert done.status_code == 302
    assert list(Provider.objects.all()) == [target]
    assert set(target.articles.all()) == set(moved)
    assert ProviderAlias.objects.get(domain="bbc.co.uk").provider == target
    assert messages_of(editor_client.get(done["Location"])) == [
        "Merged 1 provider into “BBC”: 2 articles moved."
    ]


def test_a_provider_cannot_be_merged_into_itself_through_the_form(editor_client, make_provider):
    provider = make_provider("bbc.com")

    response = apply_action(
        editor_client, PROVIDERS, "merge_selected", [provider], target=provider.pk
    )

    assert "is one of those being merged" in response.context["form"].errors["target"][0]
    assert Provider.objects.count() == 1


def provider_form(**fields):
    data = {"name": "BBC", "domain": "bbc.com", "description": "", "images": "[]"}
    data.update({"aliases-TOTAL_FORMS": 0, "aliases-INITIAL_FORMS": 0})
    return {**data, **fields}


def test_a_new_provider_domain_is_stored_lower_case(editor_client):
    response = editor_client.post(
        reverse("admin:articles_provider_add"), provider_form(domain=" BBC.com ")
    )

    assert response.status_code == 302
    assert list(Provider.objects.values_list("domain", flat=True)) == ["bbc.com"]


@pytest.mark.parametrize(
    ("domain", "error"),
    [
        ("BBC.COM", "A provider with this domain already exists."),
        ("bbc.co.uk", "This domain was merged into “BBC”; imports file it there."),
    ],
)
def test_a_taken_or_merged_domain_is_refused(editor_client, make_provider, domain, error):
    bbc = make_provider("bbc.com", "BBC")
    ProviderAlias.objects.create(domain="bbc.co.uk", provider=bbc)

    response = editor_client.post(
        reverse("admin:articles_provider_add"), provider_form(domain=domain)
    )

    assert response.context["adminform"].form.errors["domain"] == [error]
    assert Provider.objects.count() == 1
