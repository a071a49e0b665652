"""The Content-Security-Policy: the site works under it, and it stops injected script."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.reader import fresh_cache  # noqa: F401 - autouse fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def violations_on(page):
    """Collects every CSP violation the page reports (the browser's own event)."""
    page.add_init_script(
        "window.__csp = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )


def log_in(page, live_server):
    user = get_user_model().objects.create_superuser("staff", "staff@example.com", "x")
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])


def test_the_sites_own_pages_raise_no_violation(page, live_server, make_article):
    article = make_article(
        "Robots fold laundry",
        topics=["Robotics"],
        images=1,
        body_html="<p>A body.</p>",
        quality=80,
        heat=20,
    )
    log_in(page, live_server)
    violations_on(page)
    urls = [
        "/",
        "/?q=robots&sort=relevance",
        "/topics/",
        "/topics/robotics/",
        "/providers/",
        article.provider.get_absolute_url(),
        article.get_absolute_url(),
        "/dashboard/",
        "/api/",
        "/no-such-page/",
        "/admin/",
        "/admin/articles/article/",
        f"/admin/articles/article/{article.pk}/change/",
    ]
    for url in urls:
        response = page.goto(url)
        assert "script-src 'self'" in response.headers["content-security-policy"], url
        page.wait_for_load_state("load")
        assert page.evaluate("window.__csp") == [], url


def test_an_injected_inline_script_does_not_run(page, make_article):
    article = make_article("Robots fold laundry")
    violations_on(page)
    page.goto(article.get_absolute_url())

    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.pwned = true'; document.body.append(s); }"
    )

    assert page.evaluate("window.pwned") is None
    assert any(v.startswith("script-src") for v in page.evaluate("window.__csp"))
