"""Staff edits survive a re-import of the same (changed) file, unless asked otherwise."""

import pytest
from django.urls import reverse

from articles.ingest.runner import run_import
from articles.models import Article, ArticleStatus, ImportTrigger

from .test_article_admin import form_data

pytestmark = pytest.mark.django_db

ARTICLE_FILE = """---
category: news
title: "{title}"
excerpt: "{excerpt}"
publishedDateTime: 2024-03-05T14:30:00Z
webUrl: "https://robots.example/fold"
type: article
quality: 80
provider:
  name: Robot Weekly
  domain: robots.example
topics:
  - Robotics
---
"""


def write_article(folder, title, excerpt="A lab shows a robot folding towels."):
    path = folder / "2024-03-05-robots-fold-laundry.md"
    path.write_text(ARTICLE_FILE.format(title=title, excerpt=excerpt), encoding="utf-8")
    return path


def edit_in_admin(client, article, **changes):
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = client.post(url, form_data(article, **changes))
    assert response.status_code == 302, response.context and response.context["errors"]


def test_an_admin_edit_is_kept_when_the_changed_file_is_imported_again(admin_client, tmp_path):
    write_article(tmp_path, "Robots learn to fold laundry")
    assert run_import([tmp_path]).created == 1
    article = Article.objects.get()
    edit_in_admin(admin_client, article, title="Robots fold laundry (editor's title)")

    write_article(tmp_path, "Robots learn to fold laundry, updated", excerpt="New excerpt.")
    result = run_import([tmp_path])

    assert (result.kept_edited, result.updated) == (1, 0)
    article.refresh_from_db()
    assert article.title == "Robots fold laundry (editor's title)"
    assert article.excerpt == "A lab shows a robot folding towels."
    assert article.edited_by_staff is True


def test_an_action_is_kept_across_a_reimport_too(admin_client, tmp_path):
    from articles import curation

    write_article(tmp_path, "Robots learn to fold laundry")
    run_import([tmp_path])
    curation.hide(Article.objects.all())

    write_article(tmp_path, "Robots learn to fold laundry", excerpt="Changed upstream.")
    run_import([tmp_path])

    assert Article.objects.get().status == ArticleStatus.HIDDEN


def test_overwrite_edited_replaces_the_edit_with_the_file(admin_client, tmp_path):
    write_article(tmp_path, "Robots learn to fold laundry")
    run_import([tmp_path])
    article = Article.objects.get()
    edit_in_admin(admin_client, article, title="Editor's title")

    write_article(tmp_path, "Robots learn to fold laundry, updated", excerpt="New excerpt.")
    result = run_import([tmp_path], overwrite_edited=True, trigger=ImportTrigger.COMMAND)

    assert result.updated == 1
    article.refresh_from_db()
    assert (article.title, article.excerpt) == (
        "Robots learn to fold laundry, updated",
        "New excerpt.",
    )
    assert article.edited_by_staff is False


def test_releasing_the_mark_lets_the_next_import_update(admin_client, tmp_path):
    write_article(tmp_path, "Robots learn to fold laundry")
    run_import([tmp_path])
    article = Article.objects.get()
    edit_in_admin(admin_client, article, title="Editor's title")
    article.refresh_from_db()
    edit_in_admin(admin_client, article, edited_by_staff=None)  # untick the box and save

    write_article(tmp_path, "Robots learn to fold laundry, updated")
    result = run_import([tmp_path])

    assert result.updated == 1
    article.refresh_from_db()
    assert article.title == "Robots learn to fold laundry, updated"
