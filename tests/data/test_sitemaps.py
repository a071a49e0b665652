"""/sitemap.xml and /robots.txt."""

import xml.etree.ElementTree as ET

from articles.models import ArticleStatus
from articles.sitemaps import ArticleSitemap

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def locations(response):
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 (our own output)
    return [loc.text for loc in root.iter(f"{SITEMAP}loc")]


def test_the_index_lists_a_section_per_kind(client, make_article):
    make_article()
    assert sorted(locations(client.get("/sitemap.xml"))) == [
        "http://testserver/sitemap-articles.xml",
        "http://testserver/sitemap-providers.xml",
        "http://testserver/sitemap-topics.xml",
    ]


def test_the_article_section_lists_only_what_readers_may_see(client, admin_client, make_article):
    shown = make_article("Shown")
    make_article("Draft", status=ArticleStatus.DRAFT)
    make_article("Hidden", status=ArticleStatus.HIDDEN)
    make_article("Withdrawn", status=ArticleStatus.WITHDRAWN)
    make_article("Stub", is_stub=True)

    expected = [f"http://testserver{shown.get_absolute_url()}"]
    assert locations(client.get("/sitemap-articles.xml")) == expected
    assert locations(admin_client.get("/sitemap-articles.xml")) == expected


def test_topics_and_providers_are_listed(client, make_article, make_provider):
    make_article(topics=["Machine Learning"], provider=make_provider("wired.com"))
    assert locations(client.get("/sitemap-topics.xml")) == [
        "http://testserver/topics/machine-learning/"
    ]
    assert locations(client.get("/sitemap-providers.xml")) == [
        "http://testserver/providers/wired.com/"
    ]


def test_big_sections_are_split_into_pages(client, make_article, monkeypatch):
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    for _ in range(5):
        make_article()

    index = locations(client.get("/sitemap.xml"))

    assert "http://testserver/sitemap-articles.xml?p=3" in index
    assert len(locations(client.get("/sitemap-articles.xml?p=3"))) == 1
    assert client.get("/sitemap-articles.xml?p=4").status_code == 404
    assert client.get("/sitemap-articles.xml?p=x").status_code == 404


def test_robots_allows_all_but_admin_and_api_and_points_to_the_sitemap(client, db):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /api/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
