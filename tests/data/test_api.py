"""The JSON API: shape, filters, pagination, errors, headers, query counts and the round trip."""

import dataclasses
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.ingest.parse import parse_file
from articles.ingest.runner import run_import
from articles.ingest.write import yaml_text
from articles.models import Article, ArticleStatus, RelatedLink
from tests.conftest import CORPUS

# The documented shape of an article (docs/api.md): key → allowed types.
ARTICLE_SHAPE = {
    "id": int,
    "url": str,
    "category": (str, type(None)),
    "title": str,
    "excerpt": (str, type(None)),
    "publishedDateTime": (str, type(None)),
    "originalUrl": (str, type(None)),
    "webUrl": (str, type(None)),
    "ampWebUrl": (str, type(None)),
    "cdnAmpWebUrl": (str, type(None)),
    "type": (str, type(None)),
    "quality": (int, type(None)),
    "heat": int,
    "published": bool,
    "deleted": bool,
    "provider": (dict, type(None)),
    "topics": list,
    "images": list,
    "related": list,
    "body": (str, type(None)),
    "story": (dict, type(None)),
}
IMAGE_KEYS = {"url", "width", "height", "isCached", "title"}
PROVIDER_KEYS = {"name", "domain", "images"}
LIST_KEYS = {"count", "page", "pages", "next", "previous", "results"}


@pytest.fixture(autouse=True)
def empty_cache():
    """The cache outlives a test's database; figures from another test must not be served."""
    cache.clear()


def assert_article_shape(item):
    assert set(item) == set(ARTICLE_SHAPE)
    for key, types in ARTICLE_SHAPE.items():
        assert isinstance(item[key], types), key
    if item["provider"] is not None:
        assert set(item["provider"]) == PROVIDER_KEYS
    for image in item["images"]:
        assert set(image) == IMAGE_KEYS
    assert all(isinstance(name, str) for name in item["topics"])


def strict_json(response):
    """Parse refusing NaN/Infinity, which json.loads would otherwise accept."""

    def refuse(constant):
        raise AssertionError(f"non-standard JSON constant {constant}")

    return json.loads(response.content, parse_constant=refuse)


@pytest.fixture
def full_article(make_article, make_provider):
    provider = make_provider(
        "wired.com",
        "Wired",
        images=[{"url": "https://wired.com/logo.png", "width": 50, "height": 50}],
    )
    article = make_article(
        "Robots & <b>people</b>",
        provider=provider,
        topics=["AI", "Robotics"],
        images=2,
        url="https://wired.com/story/robots",
        web_url="https://wired.com/story/robots",
        original_url="https://origin.example/robots",
        amp_url="https://wired.com/story/robots/amp",
        published_at=datetime(2019, 12, 17, 15, 22, tzinfo=UTC),
        quality=42,
        heat=None,
        category="news",
        type="article",
        secured="TOPSECRET;blob",
        body="Some *Markdown*.",
    )
    target = make_article("A related story", url="https://other.example/related", is_stub=True)
    RelatedLink.objects.create(
        article=article,
        target=target,
        position=0,
        entry={
            "title": "A related story",
            "publishedDateTime": "2019-12-24T11:15:00Z",
            "webUrl": "https://other.example/related",
            "provider": {"name": "Other", "domain": "other.example"},
            "quality": 19,
        },
    )
    return article


def test_an_article_has_the_documented_shape_and_input_format_names(client, full_article):
    item = strict_json(client.get(f"/api/articles/{full_article.pk}/"))

    assert_article_shape(item)
    assert item["id"] == full_article.pk
    assert item["url"] == f"http://testserver{full_article.get_absolute_url()}"
    assert item["title"] == "Robots & <b>people</b>"
    assert item["publishedDateTime"] == "2019-12-17T15:22:00Z"
    assert item["webUrl"] == "https://wired.com/story/robots"
    assert item["originalUrl"] == "https://origin.example/robots"
    assert item["ampWebUrl"] == "https://wired.com/story/robots/amp"
    assert item["cdnAmpWebUrl"] is None
    assert item["quality"] == 42
    assert item["heat"] == -1
    assert item["published"] is True
    assert item["deleted"] is False
    assert item["provider"] == {
        "name": "Wired",
        "domain": "wired.com",
        "images": [{"url": "https://wired.com/logo.png", "width": 50, "height": 50}],
    }
    assert item["topics"] == ["AI", "Robotics"]
    assert [image["url"] for image in item["images"]] == [
        image.url for image in full_article.images.order_by("position")
    ]
    assert item["related"][0]["webUrl"] == "https://other.example/related"


def test_secured_is_never_in_any_answer(client, full_article):
    for url in (f"/api/articles/{full_article.pk}/", "/api/articles/", "/export/articles.csv"):
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"TOPSECRET" not in body
        assert b"secured" not in body


def test_the_list_is_paginated_with_absolute_links_that_keep_the_filters(client, make_article):
    for n in range(5):
        make_article(f"AI story {n}", topics=["AI"], quality=50 + n)
    make_article("Off topic", topics=["Cooking"], quality=99)

    first = strict_json(client.get("/api/articles/?topic=ai&quality_min=50&page_size=2"))

    assert set(first) == LIST_KEYS
    assert first["count"] == 5
    assert first["pages"] == 3
    assert first["previous"] is None
    assert first["next"].startswith("http://testserver/api/articles/?")
    second = strict_json(client.get(first["next"]))
    assert "topic=ai" in first["next"] and "quality_min=50" in first["next"]
    assert second["page"] == 2
    assert second["previous"].startswith("http://testserver/api/articles/?")
    third = strict_json(client.get(second["next"]))
    assert third["next"] is None
    titles = [item["title"] for page in (first, second, third) for item in page["results"]]
    assert titles == [f"AI story {n}" for n in range(4, -1, -1)]  # newest first


def test_it_lists_only_what_a_reader_may_see_and_staff_see_more(client, admin_client, make_article):
    make_article("Published")
    make_article("Draft", status=ArticleStatus.DRAFT)
    make_article("Hidden", status=ArticleStatus.HIDDEN)
    make_article("Stub", is_stub=True)

    reader = strict_json(client.get("/api/articles/"))
    staff = strict_json(admin_client.get("/api/articles/"))

    assert [item["title"] for item in reader["results"]] == ["Published"]
    assert sorted(item["title"] for item in staff["results"]) == ["Draft", "Hidden", "Published"]


def test_a_draft_is_a_404_for_readers_and_readable_by_staff(client, admin_client, make_article):
    draft = make_article("Draft", status=ArticleStatus.DRAFT)

    response = client.get(f"/api/articles/{draft.pk}/")
    assert response.status_code == 404
    assert strict_json(response) == {"errors": {"id": [f"No article with id {draft.pk}."]}}
    staff_item = strict_json(admin_client.get(f"/api/articles/{draft.pk}/"))
    assert staff_item["published"] is False


def test_an_unknown_id_is_a_json_404(client, db):
    response = client.get("/api/articles/987654/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert strict_json(response)["errors"]["id"]


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=x", "page"),
        ("page=99", "page"),
        ("page=" + "9" * 5000, "page"),
        ("page_size=0", "page_size"),
        ("page_size=101", "page_size"),
        ("page_size=ten", "page_size"),
        ("quality_min=abc", "quality_min"),
        ("date_from=2023-02-30", "date_from"),
        ("topic=no-such-topic", "topic"),
        ("provider=nowhere.example", "provider"),
        ("sort=sideways", "sort"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_parameter(client, make_article, query, param):
    make_article()
    response = client.get(f"/api/articles/?{query}")

    assert response.status_code == 400
    errors = strict_json(response)["errors"]
    assert param in errors
    assert all(isinstance(message, str) and message for message in errors[param])


def test_answers_are_cacheable_for_readers_with_cors_but_private_for_staff(
    client, admin_client, db
):
    reader = client.get("/api/articles/")
    staff = admin_client.get("/api/articles/")

    assert reader["Access-Control-Allow-Origin"] == "*"
    assert set(reader["Cache-Control"].split(", ")) == {"public", "max-age=300"}
    assert "private" in staff["Cache-Control"]
    assert "public" not in staff["Cache-Control"]


def test_only_reading_is_allowed(client, db):
    assert client.post("/api/articles/").status_code == 405


def test_a_page_costs_the_same_queries_however_many_articles_it_holds(
    client, make_article, django_assert_max_num_queries
):
    """Topics, images, related entries and providers are fetched per page, not per article."""
    make_article(topics=["AI"], images=1)
    with CaptureQueriesContext(connection) as one_article:
        client.get("/api/articles/")
    for n in range(30):
        article = make_article(topics=["AI", f"Topic {n}"], images=3)
        RelatedLink.objects.create(article=article, target=article, entry={"title": "x"})
    with django_assert_max_num_queries(len(one_article)):
        response = client.get("/api/articles/?page_size=30")
    assert len(strict_json(response)["results"]) == 30


def test_topics_list_counts_visible_articles(client, make_article, make_topic):
    parent = make_topic("AI")
    make_topic("Computer Vision", parent=parent)
    make_article(topics=["AI"])
    make_article(topics=["AI"], status=ArticleStatus.DRAFT)

    body = strict_json(client.get("/api/topics/"))

    by_name = {topic["name"]: topic for topic in body["results"]}
    assert body["count"] == 2
    assert by_name["AI"]["articleCount"] == 1
    assert by_name["Computer Vision"]["articleCount"] == 0
    assert by_name["Computer Vision"]["parent"] == "AI"
    assert by_name["AI"]["articlesUrl"] == "http://testserver/api/articles/?topic=ai"
    assert by_name["AI"]["feedUrl"] == "http://testserver/feeds/topics/ai/"


def test_providers_list_counts_visible_articles(client, make_article, make_provider):
    wired = make_provider("wired.com", "Wired")
    make_article(provider=wired)
    make_article(provider=wired)
    make_article(provider=wired, is_stub=True)

    body = strict_json(client.get("/api/providers/"))

    wired_item = next(item for item in body["results"] if item["domain"] == "wired.com")
    assert wired_item["articleCount"] == 2
    assert wired_item["url"] == "http://testserver/providers/wired.com/"


def test_dashboard_figures_are_the_dashboard_page_figures(client, make_article):
    make_article(topics=["AI"], quality=10, published_at=datetime.now(UTC) - timedelta(days=2))
    make_article(topics=["AI"], quality=30)

    body = strict_json(client.get("/api/dashboard/?topic=ai"))
    page = client.get("/dashboard/?topic=ai").context["figures"]

    assert body["headline"] == page["headline"]
    assert body["headline"]["total"] == 2
    assert body["headline"]["median_quality"] == 20
    assert body["topics"][0]["href"] == "http://testserver/?topic=ai"
    assert client.get("/api/dashboard/?quality_max=-3").status_code == 400


def as_file(item):
    """What a client does to turn an item back into an import file: drop our keys and nulls."""
    front = {
        key: value
        for key, value in item.items()
        if key not in {"id", "url", "body", "story"} and value is not None and value != []
    }
    front["images"] = [
        {key: value for key, value in image.items() if value is not None}
        for image in front.get("images", [])
    ]
    text = "---\n" + yaml_text(front) + "---\n"  # the exporter's own YAML style
    return text + (item["body"] or "")


def test_an_item_round_trips_into_the_import_format(client, full_article):
    item = strict_json(client.get(f"/api/articles/{full_article.pk}/"))

    record, problems = parse_file(as_file(item).encode(), "2019-12-17-robots.md")

    assert [p for p in problems if p.severity == "error"] == []
    assert record.url == item["webUrl"]
    assert record.title == item["title"]
    assert record.published_at == datetime(2019, 12, 17, 15, 22, tzinfo=UTC)
    assert record.original_url == item["originalUrl"]
    assert record.amp_url == item["ampWebUrl"]
    assert record.quality == item["quality"]
    assert record.heat is None  # heat -1 means none
    assert record.published is True and record.deleted is False
    assert record.provider.domain == "wired.com"
    assert record.provider.images == item["provider"]["images"]
    assert record.topics == item["topics"]
    assert [image.url for image in record.images] == [image["url"] for image in item["images"]]
    assert [related.url for related in record.related] == ["https://other.example/related"]
    assert record.body == "Some *Markdown*."
    assert record.secured == ""


def test_an_id_beyond_any_integer_column_is_a_404_not_a_500(client, db):
    response = client.get("/api/articles/99999999999999999999999999/")
    assert response.status_code == 404
    assert "id" in strict_json(response)["errors"]


def test_the_api_page_documents_every_endpoint(client, db):
    response = client.get("/api/")

    assert response.status_code == 200
    html = response.content.decode()
    for path in [
        "/api/articles/",
        "/api/topics/",
        "/api/providers/",
        "/api/dashboard/",
        "/export/articles.csv",
        "/feeds/articles/",
    ]:
        assert f'href="{path}"' in html, path


# A real file with images, topics, a provider and a `related` entry.
CORPUS_FILE = (
    CORPUS
    / "articles"
    / (
        "2019-12-17-the-global-machine-translation-market-at-a-cagr-of-over-19-during-the-"
        "forecast-period.md"
    )
)


@pytest.mark.skipif(not CORPUS_FILE.exists(), reason="the shared corpus is not here")
def test_an_imported_real_file_comes_back_from_the_api_as_the_same_record(admin_client, db):
    original, _ = parse_file(CORPUS_FILE.read_bytes(), CORPUS_FILE.name)
    run_import([str(CORPUS_FILE)])
    article = Article.objects.get(url=original.url)  # a draft upstream: staff can read it

    item = strict_json(admin_client.get(f"/api/articles/{article.pk}/"))
    again, problems = parse_file(as_file(item).encode(), CORPUS_FILE.name)

    assert [p for p in problems if p.severity == "error"] == []
    for field in [
        "url",
        "title",
        "excerpt",
        "published_at",
        "web_url",
        "original_url",
        "amp_url",
        "cdn_amp_url",
        "type",
        "category",
        "quality",
        "heat",
        "published",
        "topics",
        "images",
        "provider",
        "body",
    ]:
        assert getattr(again, field) == getattr(original, field), field
    assert [r.entry for r in again.related] == [r.entry for r in original.related]
    assert again.secured == "" != original.secured


def api_items(client):
    """Every article the client may see, through the paginated list."""
    items, page = [], 1
    while True:
        body = strict_json(client.get(f"/api/articles/?page_size=100&page={page}"))
        items += body["results"]
        if not body["next"]:
            return items
        page += 1


# What the API normalises (docs/api.md): `published`/`deleted` are always given, from the status;
# `secured` is never given; mojibake is given repaired.
NORMALISED = {"published", "deleted", "secured", "repaired"}


def assert_same_front_matter(original, again):
    for name, value in dataclasses.asdict(original).items():
        if name not in NORMALISED:
            assert dataclasses.asdict(again)[name] == value, (original.url, name)


@pytest.mark.skipif(not (CORPUS / "articles").is_dir(), reason="the shared corpus is not here")
def test_every_corpus_file_comes_back_from_the_api_key_by_key(admin_client, db):
    files = sorted((CORPUS / "articles").glob("*.md"))
    originals = {}
    for path in files:
        record, _ = parse_file(path.read_bytes(), path.name)
        originals[record.url] = record
    run_import([CORPUS / "articles"])

    items = api_items(admin_client)  # staff: drafts included

    assert len(items) == len(originals)
    for item in items:
        again, problems = parse_file(as_file(item).encode(), "item.md")
        assert [p for p in problems if p.severity == "error"] == []
        assert_same_front_matter(originals[again.url], again)


def test_keys_outside_the_format_reach_the_api(client, tmp_path, db):
    path = tmp_path / "2024-03-01-featured.md"
    path.write_text(
        "---\ntitle: Featured\npublishedDateTime: 2024-03-01T09:30:00Z\n"
        "webUrl: https://news.example/featured\n"
        "provider:\n  name: News\n  domain: news.example\n  twitter: '@news'\n"
        "images:\n  - url: https://img.example/1.jpg\n    alt: A robot\n"
        "featuredContent:\n  kind: video\n  url: https://news.example/v.mp4\n---\n"
    )
    original, _ = parse_file(path.read_bytes(), path.name)
    run_import([path])

    [item] = api_items(client)

    assert item["featuredContent"] == {"kind": "video", "url": "https://news.example/v.mp4"}
    assert item["images"][0]["alt"] == "A robot"
    assert item["provider"] == {"name": "News", "domain": "news.example", "twitter": "@news"}
    again, _ = parse_file(as_file(item).encode(), "item.md")
    assert_same_front_matter(original, again)
