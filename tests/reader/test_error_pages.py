"""The site's own 404 and 500 pages."""

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

from tests.reader import fresh_cache  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.django_db


def test_a_missing_page_gets_the_site_404(client):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html
    assert '<a href="/">Latest articles</a>' in html
    assert '<a class="skip-link" href="#main">Skip to content</a>' in html


def test_a_server_error_gets_a_self_contained_500_page():
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>Something went wrong</h1>" in html
    assert '<a href="/">Back to the latest articles</a>' in html
    assert "stylesheet" not in html  # needs no static files, which may be what broke
