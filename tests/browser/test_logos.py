"""Provider logos as a reader sees them: an absolute logo is shown, a site-relative one
(`/assets/…`, as the origin site's organization records write them) only once
NEWSROOM_ASSET_BASE_URL says where it lives; otherwise the provider's initial, never a broken image.
"""

import base64

import pytest
from django.core.cache import cache

from tests.reader import fresh_cache  # noqa: F401 - autouse fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
ABSOLUTE = "https://logos.example/wired-50.png"
RELATIVE = "/assets/images/organizations/bbc.png"


@pytest.fixture
def providers(make_article, make_provider):
    wired = make_provider(
        "wired.com", name="Wired", images=[{"url": ABSOLUTE, "width": 50, "height": 50}]
    )
    bbc = make_provider(
        "bbc.co.uk", name="BBC News", images=[{"url": RELATIVE, "width": 60, "height": 60}]
    )
    make_article("A Wired story", provider=wired)
    make_article("A BBC story", provider=bbc)
    return wired, bbc


@pytest.fixture
def logo_server(page):
    """Serves every logo as a tiny PNG and notes which URLs the page asked for."""
    requested = []

    def serve(route):
        requested.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=PNG)

    page.route("https://*.example/**", serve)
    return requested


def logo_of(page, name, container):
    return page.locator(container, has_text=name).locator(".logo")


def no_broken_images(page):
    return page.evaluate(
        "Array.from(document.images).every(img => img.complete && img.naturalWidth > 0)"
    )


def test_an_absolute_logo_is_shown_and_a_site_relative_one_is_a_letter(
    page, providers, logo_server, settings
):
    settings.NEWSROOM_ASSET_BASE_URL = ""

    page.goto("/providers/")

    wired = logo_of(page, "Wired", ".provider-grid li")
    assert wired.evaluate("el => el.tagName") == "IMG"
    assert wired.get_attribute("src") == ABSOLUTE
    bbc = logo_of(page, "BBC News", ".provider-grid li")
    assert bbc.evaluate("el => el.tagName") == "SPAN"
    assert bbc.inner_text() == "B"
    assert no_broken_images(page)
    assert not any("bbc" in url or "/assets/" in url for url in logo_server)

    page.goto("/providers/bbc.co.uk/")
    heading = page.locator("h1")
    assert heading.locator("img").count() == 0
    assert heading.locator(".logo--letter").inner_text() == "B"
    assert no_broken_images(page)


def test_with_an_asset_base_url_a_site_relative_logo_is_shown_from_there(
    page, providers, logo_server, settings
):
    settings.NEWSROOM_ASSET_BASE_URL = "https://assets.example"
    cache.clear()
    resolved = "https://assets.example" + RELATIVE

    page.goto("/providers/")

    bbc = logo_of(page, "BBC News", ".provider-grid li")
    assert bbc.get_attribute("src") == resolved
    assert logo_of(page, "Wired", ".provider-grid li").get_attribute("src") == ABSOLUTE
    assert no_broken_images(page)
    assert resolved in logo_server

    page.goto("/providers/bbc.co.uk/")
    assert page.locator("h1 img.logo").get_attribute("src") == resolved
    assert no_broken_images(page)
