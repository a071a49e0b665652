"""The bulk actions of the articles changelist, through the admin as an editor clicks them."""

import csv
import io
import zipfile

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from articles.models import Article, ArticleStatus, ArticleTopic

from . import ARTICLES, apply_action, make_editor, messages_of, run_action

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


def topic_names(article):
    return list(article.article_topics.order_by("position").values_list("topic__name", flat=True))


def test_publish_selected(editor_client, make_article):
    draft = make_article(status=ArticleStatus.DRAFT)
    live = make_article()
    other_draft = make_article(status=ArticleStatus.DRAFT)

    response = run_action(editor_client, ARTICLES, "publish_selected", [draft, live])

    assert response.status_code == 302
    draft.refresh_from_db()
    other_draft.refresh_from_db()
    assert (draft.status, draft.edited_by_staff) == (ArticleStatus.PUBLISHED, True)
    assert other_draft.status == ArticleStatus.DRAFT
    followed = editor_client.get(response["Location"])
    assert messages_of(followed) == ["Published 1 article. Unchanged: 1 (already published)."]


def test_hide_selected(editor_client, make_article):
    first, second = make_article(), make_article()

    run_action(editor_client, ARTICLES, "hide_selected", [first, second])

    statuses = set(Article.objects.values_list("status", "edited_by_staff"))
    assert statuses == {(ArticleStatus.HIDDEN, True)}


def test_an_action_can_apply_to_every_article_the_filters_select(editor_client, make_article):
    low = [make_article(quality=10) for _ in range(3)]
    high = make_article(quality=120)

    run_action(
        editor_client,
        ARTICLES + "?quality_band=0",
        "hide_selected",
        low[:1],  # the page's ticked box; "select all 3" widens it to the filtered list
        select_across=1,
    )

    assert Article.objects.filter(status=ArticleStatus.HIDDEN).count() == 3
    high.refresh_from_db()
    assert high.status == ArticleStatus.PUBLISHED


def test_add_topic_asks_which_topic_then_adds_it(editor_client, make_article, make_topic):
    robotics = make_topic("Robotics")
    first, second = make_article(topics=["AI"]), make_article(topics=[robotics])

    page = run_action(editor_client, ARTICLES, "add_topic", [first, second])

    assert page.status_code == 200
    assert page.templates[0].name == "admin/articles/action_form.html"
    assert page.context["count"] == 2
    html = page.content.decode()
    assert f'name="{ACTION_CHECKBOX_NAME}" value="{first.pk}"' in html
    assert 'data-model-name="articletopic"' in html  # the topic autocomplete
    assert topic_names(first) == ["AI"]  # nothing changed yet

    done = apply_action(editor_client, ARTICLES, "add_topic", [first, second], topic=robotics.pk)

    assert done.status_code == 302
    assert topic_names(first) == ["AI", "Robotics"]
    assert topic_names(second) == ["Robotics"]
    assert messages_of(editor_client.get(done["Location"])) == [
        "Added “Robotics” to 1 article. Unchanged: 1 (had it already)."
    ]


def test_add_topic_without_a_topic_shows_the_page_again_with_an_error(editor_client, make_article):
    article = make_article()

    response = apply_action(editor_client, ARTICLES, "add_topic", [article], topic="")

    assert response.status_code == 200
    assert response.context["form"].errors == {"topic": ["This field is required."]}
    assert ArticleTopic.objects.count() == 0


def test_remove_topic(editor_client, make_article, make_topic):
    robotics = make_topic("Robotics")
    article = make_article(topics=["AI", robotics])

    response = apply_action(editor_client, ARTICLES, "remove_topic", [article], topic=robotics.pk)

    assert response.status_code == 302
    assert topic_names(article) == ["AI"]
    article.refresh_from_db()
    assert article.edited_by_staff is True


def test_set_quality_goes_through_a_page_with_a_number(editor_client, make_article):
    first, second = make_article(quality=10), make_article(quality=None)

    page = run_action(editor_client, ARTICLES, "set_quality", [first, second])
    assert 'name="quality"' in page.content.decode()
    apply_action(editor_client, ARTICLES, "set_quality", [first, second], quality="140")

    assert sorted(Article.objects.values_list("quality", flat=True)) == [140, 140]


@pytest.mark.parametrize(("value", "error"), [("-3", "greater than or equal to 0"), ("x", "whole")])
def test_set_quality_refuses_a_bad_number_with_a_message(editor_client, make_article, value, error):
    article = make_article(quality=10)

    response = apply_action(editor_client, ARTICLES, "set_quality", [article], quality=value)

    assert response.status_code == 200
    assert error in response.context["form"].errors["quality"][0]
    article.refresh_from_db()
    assert article.quality == 10


def test_set_quality_empty_clears_the_score(editor_client, make_article):
    article = make_article(quality=10)

    apply_action(editor_client, ARTICLES, "set_quality", [article], quality="")

    article.refresh_from_db()
    assert article.quality is None


def test_release_edit_mark(editor_client, make_article):
    article = make_article(edited_by_staff=True)

    run_action(editor_client, ARTICLES, "release_edit_mark", [article])

    article.refresh_from_db()
    assert article.edited_by_staff is False


def test_export_csv_has_one_row_per_article_with_stable_columns(
    editor_client, make_article, make_provider
):
    first = make_article(
        "=cmd|' /C calc'!A0",
        provider=make_provider("robots.example", "Robot Weekly"),
        topics=["AI", "Robotics"],
        images=1,
        quality=120,
        heat=None,
    )
    second = make_article("Second", status=ArticleStatus.HIDDEN, edited_by_staff=True)

    response = run_action(editor_client, ARTICLES, "export_csv", [first, second])

    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"] == 'attachment; filename="articles.csv"'
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == [
        "id",
        "url",
        "title",
        "published_at",
        "provider_domain",
        "provider_name",
        "topics",
        "quality",
        "heat",
        "status",
        "is_stub",
        "edited_by_staff",
        "image_url",
        "excerpt",
    ]
    by_id = {int(row["id"]): row for row in rows}
    assert set(by_id) == {first.pk, second.pk}
    assert by_id[first.pk]["title"] == "'=cmd|' /C calc'!A0"  # no formula in a spreadsheet
    assert by_id[first.pk]["provider_domain"] == "robots.example"
    assert by_id[first.pk]["topics"] == "AI; Robotics"
    assert (by_id[first.pk]["quality"], by_id[first.pk]["heat"]) == ("120", "")
    assert by_id[first.pk]["image_url"].startswith("https://img.example/")
    assert by_id[first.pk]["published_at"] == first.published_at.isoformat()
    assert (by_id[second.pk]["status"], by_id[second.pk]["edited_by_staff"]) == ("hidden", "true")


def test_export_files_gives_a_zip_of_article_files_that_import_back(
    editor_client, make_article, tmp_path
):
    from articles.ingest.parse import parse_file

    first = make_article("Robots fold laundry", topics=["Robotics"], quality=90)
    twin = make_article("Robots fold laundry", published_at=first.published_at)
    make_article("Not selected")
    stub = make_article("Only a related entry", is_stub=True)

    response = run_action(editor_client, ARTICLES, "export_files", [first, twin, stub])

    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="articles.zip"'
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    day = first.published_at.date().isoformat()
    assert sorted(archive.namelist()) == [
        f"{day}-robots-fold-laundry-2.md",
        f"{day}-robots-fold-laundry.md",
    ]
    record, problems = parse_file(archive.read(f"{day}-robots-fold-laundry.md"), "x.md")
    assert [p for p in problems if p.severity == "error"] == []
    assert record.url in {first.url, twin.url}
    assert record.title == "Robots fold laundry"
