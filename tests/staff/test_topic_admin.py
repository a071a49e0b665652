"""The topics admin: the taxonomy tree, article counts and the merge action."""

import pytest
from django.urls import reverse

from articles.aliases import topic_by_slug
from articles.models import ArticleTopic, Topic, TopicAlias

from . import TOPICS, apply_action, make_editor, messages_of, run_action

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


def test_the_list_counts_articles_in_one_query(
    admin_client, make_article, make_topic, django_assert_max_num_queries
):
    ai, vision = make_topic("AI"), make_topic("Vision")
    make_topic("Empty")
    for _ in range(3):
        make_article(topics=[ai])
    make_article(topics=[ai, vision])

    # Session, user, the parent filter's choices, the count, the page (with its counts).
    with django_assert_max_num_queries(5):
        response = admin_client.get(TOPICS)

    counts = {topic.name: topic.article_count for topic in response.context["cl"].result_list}
    assert counts == {"AI": 4, "Vision": 1, "Empty": 0}


def test_the_list_sorts_by_article_count(admin_client, make_article, make_topic):
    few, many = make_topic("Few"), make_topic("Many")
    make_article(topics=[few])
    make_article(topics=[many])
    make_article(topics=[many])

    response = admin_client.get(TOPICS + "?o=-5")  # the fifth column: Articles, descending

    assert [topic.name for topic in response.context["cl"].result_list] == ["Many", "Few"]


def test_the_change_form_shows_parent_and_children(admin_client, make_topic):
    ai = make_topic("AI")
    vision = make_topic("Computer Vision", parent=ai)

    html = admin_client.get(reverse("admin:articles_topic_change", args=[ai.pk])).content.decode()

    vision_url = reverse("admin:articles_topic_change", args=[vision.pk])
    assert f'<a href="{vision_url}">Computer Vision</a>' in html


def test_merge_asks_for_the_target_then_folds_the_topics(editor_client, make_article, make_topic):
    target = make_topic("Machine Learning", slug="machine-learning")
    variant_a = make_topic("Machine-Learning", slug="machine-learning-2")
    variant_b = make_topic("ML", slug="ml")
    articles = [make_article(topics=[variant_a]), make_article(topics=[variant_b, target])]

    page = run_action(editor_client, TOPICS, "merge_selected", [variant_a, variant_b])

    assert page.status_code == 200
    assert page.context["count"] == 2
    assert 'data-field-name="parent"' in page.content.decode()  # the target autocomplete

    done = apply_action(
        editor_client, TOPICS, "merge_selected", [variant_a, variant_b], target=target.pk
    )

    assert done.status_code == 302
    assert list(Topic.objects.values_list("name", flat=True)) == ["Machine Learning"]
    for article in articles:
        assert list(article.topics.all()) == [target]
    assert ArticleTopic.objects.count() == 2
    assert set(TopicAlias.objects.values_list("slug", "topic")) == {
        ("machine-learning-2", target.pk),
        ("ml", target.pk),
    }
    assert topic_by_slug("ml", None) == (target, True)
    assert messages_of(editor_client.get(done["Location"])) == [
        "Merged 2 topics into “Machine Learning”: 1 article gained it; "
        "the old pages redirect there."
    ]


def test_a_topic_cannot_be_merged_into_one_of_the_selected(editor_client, make_topic):
    first, second = make_topic("First"), make_topic("Second")

    response = apply_action(
        editor_client, TOPICS, "merge_selected", [first, second], target=second.pk
    )

    assert response.status_code == 200
    assert "is one of those being merged" in response.context["form"].errors["target"][0]
    assert Topic.objects.count() == 2


def test_the_target_autocomplete_answers_an_editor(editor_client, make_topic):
    make_topic("Robotics")
    make_topic("Vision")

    response = editor_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "topic", "field_name": "parent", "term": "rob"},
    )

    assert [result["text"] for result in response.json()["results"]] == ["Robotics"]


def test_renaming_a_topic_in_the_admin_bumps_the_data_version(editor_client, make_topic):
    from articles.cache import current_data_version

    topic = make_topic("Robotcs")
    before = current_data_version()

    response = editor_client.post(
        reverse("admin:articles_topic_change", args=[topic.pk]),
        {
            "name": "Robotics",
            "slug": topic.slug,
            "position": 5,
            "keywords": "[]",
            "hashtags": "[]",
            "images": "[]",
            "aliases-TOTAL_FORMS": 0,
            "aliases-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 302
    topic.refresh_from_db()
    assert (topic.name, topic.name_key) == ("Robotics", "robotics")
    assert current_data_version() == before + 1


def topic_form(**fields):
    data = {
        "name": "New topic",
        "slug": "new-topic",
        "position": 5,
        "keywords": "[]",
        "hashtags": "[]",
        "images": "[]",
        "aliases-TOTAL_FORMS": 0,
        "aliases-INITIAL_FORMS": 0,
    }
    return {**data, **fields}


def test_a_topic_name_that_differs_only_in_case_is_refused(editor_client, make_topic):
    make_topic("Machine Learning")

    response = editor_client.post(
        reverse("admin:articles_topic_add"), topic_form(name=" machine  LEARNING", slug="ml")
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["name"] == [
        "The topic “Machine Learning” already has this name."
    ]
    assert Topic.objects.count() == 1


def test_a_merged_away_name_or_slug_is_refused_for_a_new_topic(editor_client, make_topic):
    kept = make_topic("Machine Learning")
    TopicAlias.objects.create(slug="ml", name_key="ml", topic=kept)

    response = editor_client.post(
        reverse("admin:articles_topic_add"), topic_form(name="ML", slug="ml")
    )

    errors = response.context["adminform"].form.errors
    assert errors["name"] == [
        "This name was merged into “Machine Learning”; imports file it there."
    ]
    assert errors["slug"] == [
        "This slug is the old address of “Machine Learning” (merged); it redirects there."
    ]
    assert Topic.objects.count() == 1


def test_the_old_topic_page_redirects_after_a_merge(editor_client, client, make_topic):
    kept = make_topic("Machine Learning", slug="machine-learning")
    variant = make_topic("Machine-learning", slug="machine-learning-2")

    apply_action(editor_client, TOPICS, "merge_selected", [variant], target=kept.pk)
    response = client.get(reverse("articles:topic_detail", args=["machine-learning-2"]))

    assert response.status_code in (301, 302)
    assert response["Location"] == kept.get_absolute_url()
