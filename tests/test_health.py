from datetime import timedelta

from django.utils import timezone

from articles.models import ImportRun, ImportStatus


def test_healthz_reports_database_ok_and_no_import_yet(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["last_import_finished_at"] is None
    assert body["import_stale"] is True


def test_healthz_reports_age_of_last_successful_import(client, db, settings):
    settings.NEWSROOM_IMPORT_STALE_HOURS = 2
    finished = timezone.now() - timedelta(minutes=30)
    ImportRun.objects.create(started_at=finished, finished_at=finished, status=ImportStatus.SUCCESS)
    ImportRun.objects.create(
        started_at=timezone.now(), finished_at=timezone.now(), status=ImportStatus.FAILED
    )
    body = client.get("/healthz").json()
    assert body["import_stale"] is False
    assert 1790 <= body["last_import_age_seconds"] <= 1810
