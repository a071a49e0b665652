"""Staff split an article out of a story and merge stories in the admin; imports keep it so."""

import pytest
from django.urls import reverse

from articles.models import Article, Story
from articles.story_store import regroup
from tests.staff import make_editor, messages_of, run_action

pytestmark = pytest.mark.django_db

STORIES = reverse("admin:articles_story_changelist")


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


def test_editors_see_stories_with_their_sizes(editor_client, make_story):
    story, _ = make_story(size=3)
    response = editor_client.get(STORIES)
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [story]
    assert response.context["cl"].result_list[0].size == 3


def test_the_story_page_lists_its_articles_with_a_split_button(editor_client, make_story):
    story, articles = make_story(size=2)
    response = editor_client.get(reverse("admin:articles_story_change", args=[story.pk]))
    assert response.status_code == 200
    for article in articles:
        split = reverse("admin:articles_story_split", args=[story.pk, article.pk])
        assert f'formaction="{split}"' in response.text


def test_splitting_an_article_out_keeps_it_out_after_a_regroup(editor_client, make_story):
    story, articles = make_story(size=3)
    split = reverse("admin:articles_story_split", args=[story.pk, articles[2].pk])

    response = editor_client.post(split, follow=True)

    assert any("now stands alone" in message for message in messages_of(response))
    regroup()
    articles[2].refresh_from_db()
    assert articles[2].story is None and articles[2].story_pinned
    assert (
        Article.objects.filter(pk__in=[articles[0].pk, articles[1].pk]).exclude(story=None).count()
        == 2
    )


def test_split_is_post_only(editor_client, make_story):
    story, articles = make_story(size=2)
    split = reverse("admin:articles_story_split", args=[story.pk, articles[0].pk])
    assert editor_client.get(split).status_code == 405
    assert Article.objects.get(pk=articles[0].pk).story == story


def test_merging_two_stories(editor_client, make_story):
    first, first_articles = make_story(title="Alpha launches a rover", size=2)
    second, second_articles = make_story(title="Beta opens a lab", size=2)

    response = run_action(editor_client, STORIES, "merge_stories", [first, second])

    assert response.status_code == 302
    assert list(Story.objects.all()) == [first]
    regroup()
    assert set(Article.objects.values_list("story", flat=True)) == {first.pk}


def test_merging_needs_two_stories(editor_client, make_story):
    story, _ = make_story(size=2)
    response = run_action(editor_client, STORIES, "merge_stories", [story])
    assert Story.objects.count() == 1
    assert response.status_code == 302
