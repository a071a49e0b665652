"""Rising topics and providers, on a generated corpus with a known spike: the dashboard panel,
the API and the Atom feed agree, and each entry links to a list of its count."""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, time, timedelta

import pytest
from django.utils import timezone

from articles.dashboard.rising import MIN_SCORE, rising_score
from articles.ingest.runner import run_import
from tests.importing import write_article

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def steady_weeks_and_a_spike(directory, today):
    """Nine weeks of the same few stories a week, then a last week where Chatbots (usually one
    a week) has twelve, from a provider never seen before."""
    files = 0

    def story(day, topic, domain):
        nonlocal files
        files += 1
        write_article(
            directory,
            f"{files:04}.md",
            title=f"Story {files}",
            url=f"https://{domain}/{files}",
            publishedDateTime=datetime.combine(day, time(12), tzinfo=UTC),
            topics=["AI", topic],
            provider={"name": domain.split(".")[0].title(), "domain": domain},
        )

    for week in range(1, 9):  # the baseline: the 8 weeks before the last 7 days
        monday = today - timedelta(days=7 * week + 1)
        for n in range(3):
            story(monday - timedelta(days=n), "Robotics", "steady.example")
        story(monday, "Chatbots", "steady.example")
    for n in range(3):  # the last 7 days: Robotics as usual, Chatbots spikes
        story(today - timedelta(days=n), "Robotics", "steady.example")
    for n in range(12):
        story(today - timedelta(days=n % 7), "Chatbots", "spike.example")


@pytest.fixture
def spike(tmp_path):
    steady_weeks_and_a_spike(tmp_path, timezone.localdate())
    result = run_import([tmp_path])
    assert result.failed == 0


def test_the_score_is_the_rise_over_the_usual_spread():
    score, usual = rising_score(recent=12, baseline_total=8)
    assert usual == 1
    assert score == pytest.approx((12 - 1) / 2**0.5)
    assert rising_score(recent=3, baseline_total=24)[0] == 0  # as usual: not rising


def test_the_spike_rises_and_the_steady_topic_does_not(client, spike):
    rising = client.get("/dashboard/").context["figures"]["rising"]

    assert [(entry["name"], entry["count"], entry["usual"]) for entry in rising["topics"]] == [
        ("Chatbots", 12, 1.0)
    ]
    assert [(entry["key"], entry["count"]) for entry in rising["providers"]] == [
        ("spike.example", 12)
    ]
    assert all(entry["score"] >= MIN_SCORE for entry in rising["topics"] + rising["providers"])
    for entry in rising["topics"] + rising["providers"]:
        assert client.get(entry["href"]).context["total"] == entry["count"]


def test_the_panel_lists_each_rising_one_with_a_link_of_its_count(client, spike):
    html = client.get("/dashboard/").content.decode()

    assert '<ol class="rising__list" id="rising-topics">' in html
    assert 'data-count="12">Chatbots</a>' in html
    assert 'data-count="12">Spike</a>' in html


def test_the_api_and_the_feed_give_the_same_rising_ones(client, spike):
    api = client.get("/api/rising/").json()
    assert [entry["key"] for entry in api["topics"]] == ["chatbots"]
    assert api["topics"][0]["href"].startswith("http://testserver/?")

    feed = client.get("/feeds/rising/")
    assert feed.status_code == 200
    root = ET.fromstring(feed.content)  # noqa: S314 (our own output)
    titles = [entry.find(f"{ATOM}title").text for entry in root.iter(f"{ATOM}entry")]
    assert titles == [
        "Topic Chatbots: 12 articles (usually 1)",
        "Provider Spike: 12 articles (usually 0)",
    ]
    links = [entry.find(f"{ATOM}link").get("href") for entry in root.iter(f"{ATOM}entry")]
    assert links[0] == api["topics"][0]["href"]


def test_filters_narrow_what_rises_and_bad_ones_are_refused(client, spike):
    rising = client.get("/api/rising/?provider=steady.example").json()
    assert rising["topics"] == []  # Chatbots rose only at the new provider
    assert client.get("/api/rising/?quality_min=x").status_code == 400
    assert client.get("/feeds/rising/?quality_min=x").status_code == 400
