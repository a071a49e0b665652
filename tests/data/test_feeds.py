"""Atom feeds: latest, filtered, per topic and per provider; valid XML whatever the titles say."""

import xml.etree.ElementTree as ET

import pytest

from articles.models import ArticleStatus

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE_TITLE = "<script>alert(1)</script> ]]> & \x07\x1b bell \ufffe end"


def entries(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(response.content)  # noqa: S314 (our own output)
    assert feed.tag == f"{ATOM}feed"
    return feed.findall(f"{ATOM}entry")


def link(entry, rel):
    return next(el.get("href") for el in entry.findall(f"{ATOM}link") if el.get("rel") == rel)


def test_the_latest_feed_links_each_entry_to_our_page_and_the_source(client, make_article):
    article = make_article("A story", web_url="https://source.example/story", topics=["AI"])
    make_article("A draft", status=ArticleStatus.DRAFT)

    [entry] = entries(client.get("/feeds/articles/"))

    assert entry.find(f"{ATOM}title").text == "A story"
    assert link(entry, "alternate") == f"http://testserver{article.get_absolute_url()}"
    assert link(entry, "related") == "https://source.example/story"
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == ["AI"]
    assert entry.find(f"{ATOM}author/{ATOM}name").text == article.provider.name


def test_hostile_titles_and_excerpts_still_give_valid_xml(client, make_article, make_provider):
    provider = make_provider("evil.example", name="Evil <b> & \x0c Co")
    make_article(HOSTILE_TITLE, excerpt="]]><x>& \x01", provider=provider, topics=["A&B <c>\x02"])

    [entry] = entries(client.get("/feeds/articles/"))

    assert entry.find(f"{ATOM}title").text == "<script>alert(1)</script> ]]> &  bell  end"
    assert entry.find(f"{ATOM}summary").text == "]]&gt;&lt;x&gt;&amp; "  # HTML, escaped once
    assert entry.find(f"{ATOM}category").get("term") == "A&B <c>"


def test_the_feed_takes_the_list_filters(client, make_article):
    make_article("Good AI", topics=["AI"], quality=80)
    make_article("Weak AI", topics=["AI"], quality=10)
    make_article("Good cooking", topics=["Cooking"], quality=90)

    found = entries(client.get("/feeds/articles/?topic=ai&quality_min=50"))

    assert [e.find(f"{ATOM}title").text for e in found] == ["Good AI"]


def test_topic_and_provider_feeds_hold_only_their_articles(client, make_article, make_provider):
    wired = make_provider("wired.com", "Wired")
    make_article("Wired AI", topics=["AI"], provider=wired)
    make_article("Other AI", topics=["AI"])
    make_article("Wired robots", topics=["Robotics"], provider=wired)

    def titles(url):
        return sorted(e.find(f"{ATOM}title").text for e in entries(client.get(url)))

    assert titles("/feeds/topics/ai/") == ["Other AI", "Wired AI"]
    assert titles("/feeds/providers/wired.com/") == ["Wired AI", "Wired robots"]
    assert titles("/feeds/providers/WIRED.com/?topic=robotics") == ["Wired robots"]


def test_unknown_topic_or_provider_is_a_404(client, db):
    assert client.get("/feeds/topics/nope/").status_code == 404
    assert client.get("/feeds/providers/nowhere.example/").status_code == 404


@pytest.mark.parametrize("query", ["quality_min=<b>&", "date_to=2023-13-01", "topic=]]>"])
def test_bad_filters_are_a_400_whose_body_is_still_xml(client, db, query):
    response = client.get(f"/feeds/articles/?{query}")

    assert response.status_code == 400
    errors = ET.fromstring(response.content)  # noqa: S314 (our own output)
    assert errors.tag == "errors"
    assert errors.find("error").get("parameter") == query.split("=")[0]


def test_feeds_are_cacheable_for_five_minutes(client, make_article):
    make_article()
    response = client.get("/feeds/articles/")
    assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=300"}


def test_a_feed_costs_the_same_queries_for_one_or_fifty_entries(
    client, make_article, django_assert_max_num_queries
):
    """Provider, topics and images come per feed, not per entry."""
    for _ in range(60):
        make_article(topics=["AI", "Robotics"], images=1)
    with django_assert_max_num_queries(4):
        assert len(entries(client.get("/feeds/articles/"))) == 50
