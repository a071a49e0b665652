""" "More on <topic>" on an article page follows its most specific topic, not its first."""

import pytest

from articles.views import most_specific
from tests.reader import fresh_cache  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.django_db


def test_more_on_uses_the_deepest_topic_of_the_article(client, make_article, make_topic):
    ai = make_topic("AI")
    robotics = make_topic("Robotics", parent=ai)
    drones = make_topic("Drones", parent=robotics)
    make_article("Another AI story", topics=[ai])
    make_article("Another drone story", topics=[ai, drones])
    article = make_article("Drone delivery", topics=[ai, drones, robotics])

    response = client.get(article.get_absolute_url())

    assert response.context["more_topic"] == drones
    assert [a.title for a in response.context["more_on_topic"]] == ["Another drone story"]
    html = response.content.decode()
    assert '<h2 id="more-topic-heading">More on Drones</h2>' in html
    assert f'<a href="{drones.get_absolute_url()}">All Drones articles →</a>' in html


def test_on_a_tie_the_first_listed_topic_wins_and_a_parent_loop_ends(make_topic):
    first, second = make_topic("First"), make_topic("Second")
    assert most_specific([first, second], {first.pk: 1, second.pk: 1}) == first
    assert most_specific([], {}) is None


def test_a_taxonomy_loop_does_not_hang_the_page(client, make_article, make_topic):
    a = make_topic("Loop A")
    b = make_topic("Loop B", parent=a)
    a.parent = b
    a.save()
    article = make_article("Looped", topics=[a, b])

    assert client.get(article.get_absolute_url()).status_code == 200
