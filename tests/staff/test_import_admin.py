"""Import health: the read-only ImportRun admin, the warning on the index, the upload page."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from articles.admin import imports as import_admin
from articles.health import import_health
from articles.ingest.runner import ImportLocked
from articles.models import (
    Article,
    ImportProblem,
    ImportRun,
    ImportStatus,
    ImportTrigger,
)

from . import IMPORT_RUNS, UPLOAD, make_editor

pytestmark = pytest.mark.django_db

ARTICLE = """---
title: "{title}"
publishedDateTime: 2024-03-05T14:30:00Z
webUrl: "https://robots.example/{slug}"
provider:
  name: Robot Weekly
  domain: robots.example
topics:
  - Robotics
---
"""


def article_file(slug, title="A robot story"):
    return ARTICLE.format(title=title, slug=slug).encode()


def make_run(hours_ago=1, status=ImportStatus.SUCCESS, trigger=ImportTrigger.COMMAND, **fields):
    started = timezone.now() - timedelta(hours=hours_ago)
    return ImportRun.objects.create(
        started_at=started,
        finished_at=started + timedelta(seconds=12),
        duration_seconds=12.0,
        status=status,
        trigger=trigger,
        **fields,
    )


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


# --- the ImportRun admin ---


def test_runs_are_listed_with_counts_and_a_coloured_status(admin_client):
    make_run(status=ImportStatus.PARTIAL, seen=10, created=7, failed=3)

    html = admin_client.get(IMPORT_RUNS).content.decode()

    assert '<span class="nr-badge nr-import-partial">Some files failed</span>' in html
    assert "12.0 s" in html
    assert 'href="/admin/articles/importrun/upload/"' in html


def test_a_run_shows_its_problems_file_by_file(admin_client):
    run = make_run(status=ImportStatus.PARTIAL)
    for path, message in [("b.md", "no title"), ("a.md", "bad date"), ("a.md", "bad URL")]:
        ImportProblem.objects.create(run=run, path=path, message=message)

    response = admin_client.get(reverse("admin:articles_importrun_change", args=[run.pk]))

    assert response.status_code == 200
    problems = response.context["inline_admin_formsets"][0].formset.queryset
    assert [(p.path, p.message) for p in problems] == [
        ("a.md", "bad date"),
        ("a.md", "bad URL"),
        ("b.md", "no title"),
    ]
    assert "no title" in response.content.decode()


@pytest.mark.parametrize("client_name", ["admin_client", "editor_client"])
def test_nobody_adds_changes_or_deletes_runs_through_the_admin(request, client_name):
    client = request.getfixturevalue(client_name)
    run = make_run()
    change = reverse("admin:articles_importrun_change", args=[run.pk])

    assert client.get(reverse("admin:articles_importrun_add")).status_code == 403
    assert client.get(reverse("admin:articles_importrun_delete", args=[run.pk])).status_code == 403
    page = client.get(change)
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    client.post(change, {"status": ImportStatus.FAILED})
    run.refresh_from_db()
    assert run.status == ImportStatus.SUCCESS


# --- the index ---


def test_the_index_shows_the_last_run_and_no_warning_when_fresh(admin_client, settings):
    settings.NEWSROOM_IMPORT_STALE_HOURS = 2
    make_run(hours_ago=5, status=ImportStatus.FAILED)
    make_run(hours_ago=1, status=ImportStatus.SUCCESS, seen=4, created=4)

    response = admin_client.get(reverse("admin:index"))

    html = response.content.decode()
    assert '<span class="nr-badge nr-import-success">Success</span>' in html
    assert "4 seen" in html
    assert 'id="import-stale-warning"' not in html
    assert f'href="{UPLOAD}"' in html


def test_the_index_warns_when_the_last_good_run_is_older_than_the_limit(admin_client, settings):
    settings.NEWSROOM_IMPORT_STALE_HOURS = 2
    make_run(hours_ago=3, status=ImportStatus.SUCCESS)
    make_run(hours_ago=1, status=ImportStatus.FAILED)

    html = admin_client.get(reverse("admin:index")).content.decode()

    assert 'id="import-stale-warning"' in html
    assert "more than\n      2 hours" in html
    assert '<span class="nr-badge nr-import-failed">Failed</span>' in html


def test_the_index_warns_when_no_import_ever_ran(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()

    assert "No import has run yet." in html
    assert "no scheduled import has ever finished" in html


def test_uploads_and_dry_runs_do_not_hide_a_stopped_cron_job(admin_client, settings):
    settings.NEWSROOM_IMPORT_STALE_HOURS = 2
    make_run(hours_ago=30, status=ImportStatus.SUCCESS)
    make_run(hours_ago=1, trigger=ImportTrigger.UPLOAD)
    make_run(hours_ago=0, dry_run=True)

    health = import_health()

    assert health.stale is True
    assert health.last_run.dry_run  # shown as the newest run, but it does not count


CRON_DEAD_FRESH_UPLOAD = [
    {"hours_ago": 30},
    {"hours_ago": 0, "trigger": ImportTrigger.UPLOAD},
]


@pytest.mark.parametrize(
    ("runs", "stale"),
    [
        (CRON_DEAD_FRESH_UPLOAD, True),
        ([{"hours_ago": 1}], False),  # cron fresh
        ([{"hours_ago": 0, "dry_run": True}], True),  # only dry runs
    ],
)
def test_the_index_and_healthz_agree_on_import_health(admin_client, client, settings, runs, stale):
    settings.NEWSROOM_IMPORT_STALE_HOURS = 2
    for run in runs:
        make_run(**run)

    index = admin_client.get(reverse("admin:index")).content.decode()
    healthz = client.get("/healthz").json()

    assert ('id="import-stale-warning"' in index) is stale
    assert healthz["import_stale"] is stale
    newest = ImportRun.objects.first()
    assert reverse("admin:articles_importrun_change", args=[newest.pk]) in index  # shown


def test_a_partial_run_counts_as_the_job_running(settings):
    settings.NEWSROOM_IMPORT_STALE_HOURS = 2
    make_run(hours_ago=1, status=ImportStatus.PARTIAL)

    assert import_health().stale is False


def test_a_user_without_import_rights_sees_no_import_health(client):
    user = get_user_model().objects.create_user("viewer", password="x", is_staff=True)
    client.force_login(user)

    html = client.get(reverse("admin:index")).content.decode()

    assert 'id="import-health"' not in html


# --- the upload page ---


def test_an_editor_uploads_several_files_and_sees_the_summary(editor_client):
    files = [
        SimpleUploadedFile("2024-03-05-one.md", article_file("one", "First robot")),
        SimpleUploadedFile("2024-03-05-two.md", article_file("two", "Second robot")),
        SimpleUploadedFile("2024-03-05-bad.md", b"---\ntitle: [unclosed\n---\n"),
    ]

    response = editor_client.post(UPLOAD, {"files": files})

    assert response.status_code == 200
    result = response.context["result"]
    assert (result.seen, result.created, result.failed) == (3, 2, 1)
    run = ImportRun.objects.get()
    assert (run.trigger, run.user.username, run.created) == (ImportTrigger.UPLOAD, "editor", 2)
    html = response.content.decode()
    assert result.summary_line() in html
    assert reverse("admin:articles_importrun_change", args=[run.pk]) in html
    bad = [problem for problem in response.context["problems"] if "bad.md" in problem]
    assert bad and all(problem.startswith("2024-03-05-bad.md") for problem in bad)
    assert set(Article.objects.values_list("title", flat=True)) == {"First robot", "Second robot"}


def test_a_zip_upload_imports_its_articles(editor_client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("articles/2024-03-05-one.md", article_file("one"))
        archive.writestr("articles/2024-03-05-two.md", article_file("two"))
        archive.writestr("notes.txt", "not an article")

    upload = SimpleUploadedFile("batch.zip", buffer.getvalue(), "application/zip")
    response = editor_client.post(UPLOAD, {"files": [upload]})

    assert response.context["result"].created == 2
    assert response.context["skipped"] == ["notes.txt"]
    assert Article.objects.count() == 2


def test_a_dry_run_upload_saves_nothing(editor_client):
    upload = SimpleUploadedFile("2024-03-05-one.md", article_file("one"))

    response = editor_client.post(UPLOAD, {"files": [upload], "dry_run": "on"})

    assert response.context["result"].created == 1
    assert "Dry run" in response.content.decode()
    assert Article.objects.count() == 0


def test_a_hostile_zip_is_refused_with_a_clear_error_and_no_run(editor_client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../etc/evil.md", article_file("evil"))

    response = editor_client.post(
        UPLOAD, {"files": [SimpleUploadedFile("x.zip", buffer.getvalue())]}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["files"] == [
        "x.zip: member '../../etc/evil.md' points outside the archive (..)"
    ]
    assert ImportRun.objects.count() == 0


@pytest.mark.parametrize(
    ("members", "error"),
    [
        (["x.md", "x.md/y.md"], "x.zip: x.md/y.md: x/x.md/y.md would be both a file and a folder"),
        (["n" * 300 + "/y.md"], "has a file or folder name longer than 255 bytes"),
        (["/".join(["d" * 200] * 25) + "/y.md"], "has a path longer than 800 bytes"),
    ],
)
def test_a_zip_path_the_disk_cannot_hold_is_a_form_error(editor_client, members, error):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in members:
            archive.writestr(name, article_file("one"))

    response = editor_client.post(
        UPLOAD, {"files": [SimpleUploadedFile("x.zip", buffer.getvalue())]}
    )

    assert response.status_code == 200
    [message] = response.context["form"].errors["files"]
    assert message.startswith("x.zip: ") and error in message
    assert ImportRun.objects.count() == 0


def test_an_upload_without_files_is_a_form_error(editor_client):
    response = editor_client.post(UPLOAD, {})

    assert response.status_code == 200
    assert response.context["form"].errors["files"] == ["This field is required."]


def test_an_upload_while_another_import_runs_says_so(editor_client, monkeypatch):
    def locked(*args, **kwargs):
        raise ImportLocked("another import is running")

    monkeypatch.setattr(import_admin, "run_import", locked)
    upload = SimpleUploadedFile("2024-03-05-one.md", article_file("one"))

    response = editor_client.post(UPLOAD, {"files": [upload]})

    assert response.context["form"].non_field_errors() == [
        "Another import is running. Try again in a minute."
    ]


def test_the_upload_page_needs_the_add_importrun_permission(client):
    user = get_user_model().objects.create_user("viewer", password="x", is_staff=True)
    client.force_login(user)

    assert client.get(UPLOAD).status_code == 403


def test_the_upload_page_is_linked_from_the_run_list(editor_client):
    html = editor_client.get(IMPORT_RUNS).content.decode()

    assert f'<a href="{UPLOAD}" class="addlink">Upload articles</a>' in html
