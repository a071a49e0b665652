"""A merged topic's old slug and a merged provider's old domain keep working on every surface:
pages and feeds answer 301 to the canonical URL, lists and the API give the survivor's results."""

import xml.etree.ElementTree as ET

import pytest

from articles.curation import merge_providers, merge_topics

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def merged(make_article, make_topic, make_provider):
    vision, imaging = make_topic("Vision"), make_topic("Imaging")
    old_site, new_site = make_provider("oldnews.example"), make_provider("newnews.example")
    in_vision = make_article("Seen in vision", topics=[vision], provider=old_site)
    in_imaging = make_article("Seen in imaging", topics=[imaging], provider=new_site)
    make_article("Elsewhere", topics=[make_topic("Robots")])
    merge_topics(vision, imaging)
    merge_providers(old_site, new_site)
    return {"titles": {in_vision.title, in_imaging.title}}


def list_titles(response):
    return {article.title for article in response.context["page_obj"]}


def api_titles(response):
    return {item["title"] for item in response.json()["results"]}


def feed_titles(response):
    root = ET.fromstring(response.content)
    return {entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")}


@pytest.mark.parametrize(
    ("param", "old", "new"),
    [("topic", "vision", "imaging"), ("provider", "oldnews.example", "newnews.example")],
)
def test_an_old_name_filters_lists_api_and_feeds_like_the_new_one(client, merged, param, old, new):
    for url, titles_of in [
        ("/", list_titles),
        ("/api/articles/", api_titles),
        ("/feeds/articles/", feed_titles),
    ]:
        by_old = client.get(url, {param: old})
        by_new = client.get(url, {param: new})
        assert by_old.status_code == 200, url
        assert titles_of(by_old) == titles_of(by_new) == merged["titles"], url


def test_an_old_provider_name_in_any_case_still_filters(client, merged):
    response = client.get("/api/articles/", {"provider": "OldNews.Example"})
    assert api_titles(response) == merged["titles"]


@pytest.mark.parametrize(
    ("old_url", "new_url"),
    [
        ("/topics/vision/", "/topics/imaging/"),
        ("/providers/oldnews.example/", "/providers/newnews.example/"),
        ("/feeds/topics/vision/", "/feeds/topics/imaging/"),
        ("/feeds/providers/oldnews.example/", "/feeds/providers/newnews.example/"),
    ],
)
def test_old_pages_and_feeds_move_permanently_keeping_the_filters(client, merged, old_url, new_url):
    response = client.get(old_url, {"quality_min": "0"})
    assert response.status_code == 301
    assert response["Location"] == f"{new_url}?quality_min=0"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    "url", ["/topics/never-was/", "/feeds/topics/never-was/", "/feeds/providers/never.example/"]
)
def test_a_name_that_never_existed_is_still_a_404(client, merged, url):
    assert client.get(url).status_code == 404


def test_an_unknown_name_in_a_filter_is_still_a_400(client, merged):
    response = client.get("/api/articles/", {"topic": "never-was"})
    assert response.status_code == 400
    assert "topic" in response.json()["errors"]
