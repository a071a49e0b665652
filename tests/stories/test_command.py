"""`manage.py group_stories`: groups what no import has grouped, lists the largest stories."""

from io import StringIO

import pytest
from django.core.management import call_command

from articles.models import Article, Story

pytestmark = pytest.mark.django_db


def test_it_groups_articles_no_import_has_grouped_and_lists_the_largest(make_article):
    # As after the migration that adds stories: articles already there, none looked at.
    for _ in range(3):
        make_article("Alpha launches a moon rover", excerpt="A rover with a drill.")
    make_article("Beta opens a robotics lab in Oslo", excerpt="Forty researchers.")
    out = StringIO()

    call_command("group_stories", stdout=out)

    story = Story.objects.get()
    assert story.articles.count() == 3
    assert "4 articles grouped; 1 stories of two articles or more" in out.getvalue()
    assert f"3  #{story.pk}  Alpha launches a moon rover" in out.getvalue()
    assert not Article.objects.filter(story_checked=False).exists()


def test_regroup_rebuilds_stories_but_keeps_what_staff_placed(make_article):
    first = make_article("Alpha launches a moon rover", excerpt="A rover with a drill.")
    second = make_article("Alpha launches a moon rover", excerpt="A rover with a drill.")
    call_command("group_stories", stdout=StringIO())
    Article.objects.filter(pk=second.pk).update(story=None, story_pinned=True)  # split by staff

    call_command("group_stories", "--regroup", stdout=StringIO())

    assert not Story.objects.exists()
    assert Article.objects.get(pk=first.pk).story is None


def test_import_with_no_stories_leaves_a_backfill_for_group_stories(tmp_path):
    from tests.importing import write_article

    for n in (1, 2):
        write_article(
            tmp_path,
            f"copy-{n}.md",
            title="Alpha launches a moon rover",
            excerpt="A rover with a drill, built in Turin.",
            url=f"https://outlet{n}.example/rover",
        )

    call_command("import_articles", "--no-stories", str(tmp_path), stdout=StringIO())
    assert not Story.objects.exists()
    assert Article.objects.filter(story_checked=False).count() == 2

    call_command("group_stories", stdout=StringIO())
    assert Story.objects.get().articles.count() == 2
