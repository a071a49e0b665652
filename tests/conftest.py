"""Fixtures shared by every test module: small factories and a real Chromium for browser tests."""

import itertools
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.cache import cache

from articles.dashboard import facts
from articles.models import Article, ArticleImage, ArticleTopic, Provider, Topic, slug_for

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
EXAMPLES = REPO / "examples"
TEST_OUTPUT = REPO / "test-output"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def empty_cache():
    """The in-memory cache outlives each test's database; start every test without it."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def no_dashboard_snapshot():
    """So does the dashboard's snapshot, which a rolled-back version number cannot tell apart."""
    facts.forget()
    yield
    facts.forget()


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """Tests do not run collectstatic, so the hashed-name manifest does not exist."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def make_provider(db):
    def factory(domain=None, name=None, **fields):
        n = next(_counter)
        domain = domain or f"provider{n}.example"
        return Provider.objects.create(domain=domain, name=name or domain, **fields)

    return factory


@pytest.fixture
def make_topic(db):
    def factory(name=None, **fields):
        name = name or f"Topic {next(_counter)}"
        return Topic.objects.create(name=name, slug=fields.pop("slug", slug_for(name)), **fields)

    return factory


@pytest.fixture
def make_article(db, make_provider):
    """An Article with its provider, topics (names or Topic objects) and `images` images."""

    def factory(title=None, *, topics=(), images=0, provider=None, **fields):
        n = next(_counter)
        title = title or f"Article number {n}"
        fields.setdefault("url", f"https://news.example/{n}")
        fields.setdefault("web_url", fields["url"])
        fields.setdefault("published_at", datetime(2024, 1, 1, tzinfo=UTC) + timedelta(hours=n))
        fields.setdefault("excerpt", f"Excerpt of {title}")
        article = Article.objects.create(
            title=title,
            slug=slug_for(title, fallback="article"),
            provider=provider or make_provider(),
            **fields,
        )
        for position, topic in enumerate(topics):
            if isinstance(topic, str):
                topic = Topic.objects.filter(name=topic).first() or Topic.objects.create(
                    name=topic, slug=slug_for(topic)
                )
            ArticleTopic.objects.create(article=article, topic=topic, position=position)
        for position in range(images):
            ArticleImage.objects.create(
                article=article,
                position=position,
                url=f"https://img.example/{n}-{position}.jpg",
                width=800,
                height=450,
            )
        return article

    return factory


@pytest.fixture
def test_output_dir():
    """Where tests leave artefacts for people to look at (screenshots)."""
    path = TEST_OUTPUT / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs it with apt-get")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between page actions are still synchronous, so Django's async guard must be relaxed.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser tab whose relative URLs go to the live test server."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()
