"""Who may do what on the staff side: editors, other staff, anonymous visitors."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from articles.models import Article, ImportRun, Topic

from . import ARTICLES, IMPORT_RUNS, PROVIDERS, TOPICS, UPLOAD, make_editor, run_action

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


def action_names(response):
    return [name for name, _ in response.context["action_form"].fields["action"].choices if name]


def test_an_editor_views_and_changes_articles(editor_client, make_article):
    article = make_article()

    assert editor_client.get(ARTICLES).status_code == 200
    change = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert change.status_code == 200
    assert change.context["has_change_permission"] is True
    assert change.context["has_delete_permission"] is False


def test_an_editor_gets_every_curation_action_but_delete(editor_client, make_article):
    make_article()

    assert action_names(editor_client.get(ARTICLES)) == [
        "publish_selected",
        "hide_selected",
        "add_topic",
        "remove_topic",
        "set_quality",
        "release_edit_mark",
        "export_csv",
        "export_files",
    ]
    assert action_names(editor_client.get(TOPICS)) == ["merge_selected"]
    assert action_names(editor_client.get(PROVIDERS)) == ["merge_selected"]


def test_an_editor_cannot_delete_an_article(editor_client, make_article):
    article = make_article()
    delete = reverse("admin:articles_article_delete", args=[article.pk])

    assert editor_client.get(delete).status_code == 403
    assert editor_client.post(delete, {"post": "yes"}).status_code == 403
    run_action(editor_client, ARTICLES, "delete_selected", [article], post="yes")
    assert Article.objects.filter(pk=article.pk).exists()


def test_an_editor_cannot_delete_a_topic_or_manage_users(editor_client, make_topic):
    topic = make_topic()

    delete = reverse("admin:articles_topic_delete", args=[topic.pk])
    assert editor_client.get(delete).status_code == 403
    assert Topic.objects.filter(pk=topic.pk).exists()
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_the_superuser_keeps_delete_selected(admin_client, make_article):
    make_article()

    assert "delete_selected" in action_names(admin_client.get(ARTICLES))


def test_staff_without_rights_get_no_curation_actions(client, make_article):
    article = make_article(quality=5)
    viewer = get_user_model().objects.create_user("viewer", password="x", is_staff=True)
    client.force_login(viewer)

    assert client.get(ARTICLES).status_code == 403
    run_action(client, ARTICLES, "set_quality", [article], apply="1", quality="90")
    article.refresh_from_db()
    assert article.quality == 5


def admin_pages(article, topic, provider, run):
    return [
        reverse("admin:index"),
        ARTICLES,
        ARTICLES + "?status__exact=published&quality_band=100",
        reverse("admin:articles_article_change", args=[article.pk]),
        TOPICS,
        reverse("admin:articles_topic_change", args=[topic.pk]),
        PROVIDERS,
        reverse("admin:articles_provider_change", args=[provider.pk]),
        reverse("admin:articles_topicalias_changelist"),
        reverse("admin:articles_provideralias_changelist"),
        IMPORT_RUNS,
        reverse("admin:articles_importrun_change", args=[run.pk]),
        UPLOAD,
    ]


def test_an_anonymous_visitor_is_sent_to_log_in_from_every_staff_page(
    client, make_article, make_topic
):
    article, topic = make_article(), make_topic()
    run = ImportRun.objects.create(started_at=article.published_at)

    for url in admin_pages(article, topic, article.provider, run):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login") + "?next="), url


def test_an_anonymous_post_of_an_action_or_upload_does_nothing(client, make_article):
    article = make_article()

    response = run_action(client, ARTICLES, "hide_selected", [article])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert client.post(UPLOAD, {}).status_code == 302
    article.refresh_from_db()
    assert article.status == "published"


def test_actions_need_the_csrf_token(make_article):
    article = make_article()
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_editor())

    response = run_action(client, ARTICLES, "hide_selected", [article])

    assert response.status_code == 403
    article.refresh_from_db()
    assert article.status == "published"
    upload = client.post(UPLOAD, {})
    assert upload.status_code == 403
