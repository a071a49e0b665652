"""/healthz, the admin index and the dashboard give the same answer to "is the import alive?".

Only scheduled (cron, not dry) runs count; uploads and dry runs are shown but never make a dead
cron job look alive. Staff without the import-run permission see no import panel anywhere.
"""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from articles.models import ImportRun, ImportStatus, ImportTrigger
from tests.reader import fresh_cache  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.django_db


def run(hours_ago, trigger=ImportTrigger.COMMAND, dry_run=False):
    finished = timezone.now() - timedelta(hours=hours_ago)
    return ImportRun.objects.create(
        started_at=finished - timedelta(seconds=5),
        finished_at=finished,
        trigger=trigger,
        dry_run=dry_run,
        status=ImportStatus.SUCCESS,
    )


def cron_dead_fresh_upload():
    run(30)
    run(0.1, trigger=ImportTrigger.UPLOAD)


def cron_fresh():
    run(30, trigger=ImportTrigger.UPLOAD)
    run(0.2)


def only_dry_runs():
    run(0.1, dry_run=True)
    run(0.3, trigger=ImportTrigger.UPLOAD, dry_run=True)


CASES = {
    "cron dead, fresh upload": (cron_dead_fresh_upload, True),
    "cron fresh": (cron_fresh, False),
    "only dry runs": (only_dry_runs, True),
}


def what_each_surface_says(client):
    healthz = client.get("/healthz").json()
    admin_html = client.get("/admin/").content.decode()
    dashboard_html = client.get("/dashboard/").content.decode()
    return (
        {
            "/healthz": healthz["import_stale"],
            "admin index": 'id="import-stale-warning"' in admin_html,
            "dashboard": 'class="import-stale"' in dashboard_html,
        },
        healthz,
        dashboard_html,
    )


@pytest.mark.parametrize("case", CASES)
def test_every_surface_agrees_on_import_health(admin_client, case):
    make_runs, stale = CASES[case]
    make_runs()

    says, healthz, dashboard_html = what_each_surface_says(admin_client)

    assert says == {"/healthz": stale, "admin index": stale, "dashboard": stale}
    last_cron = ImportRun.objects.scheduled().finished().first()
    if last_cron is None:
        assert healthz["last_import_finished_at"] is None
        assert "No scheduled import has finished yet." in dashboard_html
    else:
        assert healthz["last_import_finished_at"] == last_cron.finished_at.isoformat()
        local = timezone.localtime(last_cron.finished_at)
        assert f"({local:%-d %b %Y %H:%M})" in dashboard_html


def test_the_panel_follows_one_permission_on_admin_and_dashboard(make_article):
    run(30)
    user = get_user_model().objects.create_user("editor", is_staff=True)
    client = Client()
    client.force_login(user)
    without = client.get("/admin/").content.decode(), client.get("/dashboard/").content.decode()

    user.user_permissions.add(Permission.objects.get(codename="view_importrun"))
    client.force_login(get_user_model().objects.get(pk=user.pk))
    with_permission = client.get("/admin/").content.decode(), client.get("/dashboard/")

    assert 'id="import-health"' not in without[0]
    assert "import-last-scheduled" not in without[1]
    assert 'id="import-stale-warning"' in with_permission[0]
    assert 'class="import-stale"' in with_permission[1].content.decode()
