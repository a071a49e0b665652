"""/topics/: the taxonomy with counts; /topics/<slug>/: the list pre-filtered by that topic."""

import pytest
from django.urls import reverse

from articles.models import ArticleStatus, TopicAlias
from tests.reader import fresh_cache  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.django_db


def test_the_taxonomy_shows_parents_children_and_counts(client, make_topic, make_article):
    ai = make_topic("AI", position=0, description="Artificial intelligence.")
    ml = make_topic("Machine Learning", parent=ai, position=1)
    make_topic("Deep Learning", parent=ml, position=2)
    make_topic("Ethics", position=3)
    make_article(topics=["AI", "Machine Learning"])
    make_article(topics=["Machine Learning"])
    make_article(topics=["Machine Learning"], status=ArticleStatus.DRAFT)

    response = client.get(reverse("articles:topic_list"))

    def shape(branches):
        return [(t.name, t.article_count, shape(children)) for t, children in branches]

    assert shape(response.context["topic_tree"]) == [
        ("AI", 1, [("Machine Learning", 2, [("Deep Learning", 0, [])])]),
        ("Ethics", 0, []),
    ]
    html = response.content.decode()
    assert '<a href="/topics/machine-learning/">Machine Learning</a> <span class="count">2' in html
    assert "Artificial intelligence." in html


def test_a_parent_loop_in_the_taxonomy_still_lists_each_topic_once(client, make_topic):
    first = make_topic("First")
    second = make_topic("Second", parent=first)
    first.parent = second
    first.save()

    response = client.get(reverse("articles:topic_list"))

    tree = response.context["topic_tree"]
    assert [(t.name, [c.name for c, _ in children]) for t, children in tree] == [
        ("First", ["Second"])
    ]


def test_a_topic_page_lists_its_articles_with_the_description(client, make_topic, make_article):
    make_topic("Robotics", description="Machines that move.")
    make_article("Robot story", topics=["Robotics"])
    make_article("Other story", topics=["Speech"])

    response = client.get(reverse("articles:topic_detail", args=["robotics"]))

    assert response.status_code == 200
    assert [a.title for a in response.context["page_obj"]] == ["Robot story"]
    html = response.content.decode()
    assert "<h1>Robotics</h1>" in html
    assert '<p class="lede">Machines that move.</p>' in html


def test_a_topic_page_takes_the_list_filters(client, make_article):
    make_article("Good robots", topics=["Robotics", "Vision"], quality=90)
    make_article("Weak robots", topics=["Robotics"], quality=10)

    response = client.get(
        reverse("articles:topic_detail", args=["robotics"]), {"quality_min": "50"}
    )

    assert [a.title for a in response.context["page_obj"]] == ["Good robots"]
    # Its own topic is implied, so the topic facet offers only the others.
    assert [c.label for c in response.context["facets"]["topic"].choices] == ["Vision"]


def test_an_old_topic_slug_redirects_to_the_merged_topic(client, make_topic):
    topic = make_topic("Machine Learning")
    TopicAlias.objects.create(slug="ml", name_key="ml", topic=topic)

    response = client.get("/topics/ml/?page=2")

    assert response.status_code == 301
    assert response["Location"] == "/topics/machine-learning/?page=2"


def test_an_unknown_topic_is_404(client):
    assert client.get("/topics/nothing-here/").status_code == 404


def test_an_empty_topic_says_so_on_its_page_and_in_the_taxonomy(client, make_topic, make_article):
    empty = make_topic("Quantum Sensing")
    make_article(topics=["Robotics"])

    html = client.get(empty.get_absolute_url()).content.decode()
    assert '<li class="empty">No articles in Quantum Sensing yet.</li>' in html

    filtered = client.get(empty.get_absolute_url(), {"quality_min": "50"}).content.decode()
    assert "No articles match these filters." in filtered

    taxonomy = client.get(reverse("articles:topic_list")).content.decode()
    assert (
        f'<a href="{empty.get_absolute_url()}">Quantum Sensing</a> '
        '<span class="count">no articles yet</span>'
    ) in taxonomy
