"""The staff side in a real browser: screenshots of the articles changelist and change form."""

import struct
import zlib
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from articles.models import ArticleStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COLOURS = [(37, 99, 235), (22, 163, 74), (217, 119, 6), (190, 24, 93), (71, 85, 105)]


def png(width, height, rgb):
    """A solid-colour PNG, so thumbnails show without the network."""
    row = b"\x00" + bytes(rgb) * width
    raw = row * height

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def log_in(page, live_server):
    user = get_user_model().objects.create_superuser("staff", "staff@example.com", "x")
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])


def serve_fake_images(page):
    def fulfil(route):
        n = int(route.request.url.rsplit("/", 1)[-1].split("-")[0]) % len(COLOURS)
        route.fulfill(status=200, content_type="image/png", body=png(160, 90, COLOURS[n]))

    page.route("https://img.example/**", fulfil)


def make_newsroom(make_article, make_provider):
    providers = [
        make_provider("techcrunch.com", "TechCrunch"),
        make_provider("arstechnica.com", "Ars Technica"),
    ]
    stories = [
        ("OpenAI releases a new reasoning model", {"quality": 161, "heat": 140}),
        ("Robots learn to fold laundry in a home lab", {"quality": 88, "heat": 40}),
        ("EU agrees on rules for general-purpose AI", {"status": ArticleStatus.HIDDEN}),
        ("A startup's chip runs transformers on a phone", {"status": ArticleStatus.DRAFT}),
        ("Vision models that count cells", {"edited_by_staff": True, "quality": 102}),
        ("Known only from a related list", {"is_stub": True}),
    ]
    start = datetime(2024, 5, 20, 9, 0, tzinfo=UTC)
    articles = []
    for n, (title, fields) in enumerate(stories):
        articles.append(
            make_article(
                title,
                provider=providers[n % 2],
                topics=["AI", ["Robotics", "Computer Vision", "Policy"][n % 3]],
                images=0 if fields.get("is_stub") else 1,
                published_at=start - timedelta(hours=5 * n),
                **fields,
            )
        )
    return articles


def test_the_articles_changelist(page, live_server, make_article, make_provider, test_output_dir):
    make_newsroom(make_article, make_provider)
    log_in(page, live_server)
    serve_fake_images(page)

    page.goto(reverse("admin:articles_article_changelist"))

    assert page.locator("#result_list tbody tr").count() == 6
    assert page.locator(".nr-badge-hidden").inner_text() == "hidden"
    assert page.locator(".nr-badge-stub").inner_text() == "stub"
    assert page.get_by_role("link", name="OpenAI releases a new reasoning model").is_visible()
    page.screenshot(path=test_output_dir / "admin-articles-changelist.png", full_page=True)


def test_the_article_change_form(page, live_server, make_article, make_provider, test_output_dir):
    article = make_newsroom(make_article, make_provider)[0]
    log_in(page, live_server)
    serve_fake_images(page)

    page.goto(reverse("admin:articles_article_change", args=[article.pk]))

    assert page.get_by_label("Edited by staff").is_visible()
    topics = page.locator("#article_topics-group .select2-selection__rendered")
    assert [text.strip("×\n ") for text in topics.all_inner_texts()] == ["AI", "Robotics"]
    assert page.locator(".viewsitelink").is_visible()
    page.screenshot(path=test_output_dir / "admin-article-change-form.png", full_page=True)


def test_add_topic_lets_the_editor_search_for_the_topic(
    page, live_server, make_article, make_provider, make_topic
):
    make_newsroom(make_article, make_provider)
    make_topic("Reinforcement Learning")
    log_in(page, live_server)
    serve_fake_images(page)
    page.goto(reverse("admin:articles_article_changelist"))

    page.locator("#result_list tbody input.action-select").first.check()
    page.locator("select[name=action]").select_option("add_topic")
    page.get_by_role("button", name="Go").click()
    page.locator(".select2-selection").click()
    page.locator(".select2-search__field").fill("reinf")
    page.locator(".select2-results__option", has_text="Reinforcement Learning").click()
    page.get_by_role("button", name="Add topic").click()

    assert page.locator(".messagelist").inner_text() == (
        "Added “Reinforcement Learning” to 1 article."
    )
