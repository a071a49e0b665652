from datetime import timedelta

from django.db import OperationalError
from django.db.models.sql.compiler import SQLCompiler
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


def test_healthz_ignores_dry_runs_and_is_never_cached(client, db):
    finished = timezone.now() - timedelta(minutes=5)
    ImportRun.objects.create(
        started_at=finished, finished_at=finished, status=ImportStatus.SUCCESS, dry_run=True
    )
    response = client.get("/healthz")
    assert response.json()["last_import_finished_at"] is None
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_is_unreachable(client, db, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(SQLCompiler, "execute_sql", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["database"] == "unreachable: connection refused"
