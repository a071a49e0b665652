"""Every list offers its own Atom feed, CSV and JSON: the same filters, the same articles."""

import csv
import io
import re
import xml.etree.ElementTree as ET
from html import unescape

import pytest
from django.urls import reverse

from tests.reader import fresh_cache  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def alternates(html):
    """{type: (title, href)} of the page's <link rel="alternate"> elements."""
    found = {}
    for tag in re.findall(r'<link rel="alternate"[^>]*>', html):
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', tag))
        found[attrs["type"]] = (unescape(attrs["title"]), unescape(attrs["href"]))
    return found


def follow(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200
    return response.context["follow"], alternates(response.content.decode())


def feed_entries(client, url):
    root = ET.fromstring(client.get(url).content)
    return root.find(f"{ATOM}title").text, [
        entry.find(f"{ATOM}title").text for entry in root.iter(f"{ATOM}entry")
    ]


def csv_titles(client, url):
    response = client.get(url)
    rows = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    return [row["title"] for row in rows]


def json_titles(client, url):
    return [item["title"] for item in client.get(url).json()["results"]]


@pytest.fixture
def autos(make_article, make_topic):
    topic = make_topic("AI in Autos")
    make_article("Robotaxi fleet grows", topics=[topic], quality=80)
    make_article("Lidar gets cheaper", topics=[topic], quality=75)
    make_article("Dashcam startup", topics=[topic], quality=40)
    make_article("Chatbot news", topics=["Chatbots"], quality=90)
    return topic


def test_the_front_page_links_the_whole_list(client, autos):
    links, alternate = follow(client, reverse("articles:article_list"))

    assert alternate["application/atom+xml"] == ("Newsroom — Latest articles", "/feeds/articles/")
    assert links.csv == "/export/articles.csv"
    assert links.json == "/api/articles/"
    assert alternate["text/csv"][1] == links.csv
    assert alternate["application/json"][1] == links.json


def test_a_filtered_topic_page_links_exactly_its_filters_and_names_them(client, autos):
    links, alternate = follow(
        client, autos.get_absolute_url(), {"quality_min": "70", "page": "1", "utm": "x"}
    )

    title, href = alternate["application/atom+xml"]
    assert title == "Newsroom — AI in Autos, quality ≥ 70"
    assert href == "/feeds/topics/ai-in-autos/?quality_min=70"
    assert links.csv == "/export/articles.csv?quality_min=70&topic=ai-in-autos"
    assert links.json == "/api/articles/?quality_min=70&topic=ai-in-autos"

    expected = ["Lidar gets cheaper", "Robotaxi fleet grows"]
    assert feed_entries(client, links.atom) == (title, expected)
    assert csv_titles(client, links.csv) == expected
    assert json_titles(client, links.json) == expected


def test_a_search_keeps_its_words_and_its_order(client, autos, make_article):
    links, alternate = follow(client, reverse("articles:article_list"), {"q": "robotaxi fleet"})

    assert alternate["application/atom+xml"] == (
        "Newsroom — search “robotaxi fleet”",
        "/feeds/articles/?q=robotaxi+fleet",
    )
    assert feed_entries(client, links.atom)[1] == ["Robotaxi fleet grows"]
    assert csv_titles(client, links.csv) == ["Robotaxi fleet grows"]


def test_a_provider_page_names_the_provider(client, make_article, make_provider):
    lab = make_provider("lab.example", name="The Lab")
    make_article("From the lab", provider=lab)

    links, alternate = follow(client, lab.get_absolute_url(), {"sort": "oldest"})

    assert alternate["application/atom+xml"] == (
        "Newsroom — The Lab",
        "/feeds/providers/lab.example/?sort=oldest",
    )
    assert links.csv == "/export/articles.csv?provider=lab.example&sort=oldest"


def test_another_topic_on_a_topic_page_leaves_out_the_csv_and_json(client, autos):
    """topic=chatbots on the AI in Autos page means both; as parameters it would mean either."""
    links, alternate = follow(client, autos.get_absolute_url(), {"topic": "chatbots"})

    assert links.atom == "/feeds/topics/ai-in-autos/?topic=chatbots"
    assert (links.csv, links.json) == ("", "")
    assert set(alternate) == {"application/atom+xml"}


def test_the_footer_links_the_feed_of_this_list(client, autos):
    html = client.get(autos.get_absolute_url(), {"quality_min": "70"}).content.decode()

    assert (
        '<li><a href="/feeds/topics/ai-in-autos/?quality_min=70">Atom feed of this list</a></li>'
        in html
    )


def test_feed_titles_say_the_filters(client, autos, make_provider):
    make_provider("lab.example", name="The Lab")
    title, _ = feed_entries(
        client,
        reverse("feed_articles")
        + "?topic=ai-in-autos&topic=chatbots&provider=lab.example&quality_max=90&type=video",
    )

    assert title == ("Newsroom — AI in Autos or Chatbots, from The Lab, quality ≤ 90, type video")


def test_the_dashboard_offers_the_feed_of_what_it_counts_under_a_telling_title(client, autos):
    links, alternate = follow(client, reverse("dashboard"), {"topic": "ai-in-autos"})

    title, href = alternate["application/atom+xml"]
    assert title == "Newsroom — AI in Autos"
    _, entries = feed_entries(client, href)
    assert sorted(entries) == ["Dashcam startup", "Lidar gets cheaper", "Robotaxi fleet grows"]
    assert json_titles(client, alternate["application/json"][1]) == json_titles(client, links.json)
