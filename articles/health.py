"""Is the import alive? The one answer behind /healthz, the admin index and the dashboard.

Only scheduled runs (the command line, i.e. cron, not dry runs) say whether imports are alive:
an editor's upload or a dry run is shown, but never makes a dead cron job look alive.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from .models import ImportProblem, ImportRun

RECENT_RUNS = 5
RECENT_PROBLEMS = 20


def may_see_import_health(user):
    """The one permission behind every view of import runs (admin index, dashboard panel)."""
    return user.has_perm("articles.view_importrun")


@dataclass
class ImportHealth:
    last_scheduled: ImportRun | None  # the newest cron run that got through its files
    last_scheduled_at: datetime | None
    age_seconds: float | None
    stale: bool
    stale_hours: float
    recent_runs: list = field(default_factory=list)  # any kind, dry runs included, newest first

    @property
    def last_run(self):
        return self.recent_runs[0] if self.recent_runs else None


def import_health(now=None, *, with_recent=True):
    """What the last scheduled import is, how old it is and whether it is stale.

    Stale: no scheduled run finished within NEWSROOM_IMPORT_STALE_HOURS, which is how a silently
    stopped cron job shows.
    """
    now = now or timezone.now()
    last = ImportRun.objects.scheduled().finished().first()
    finished_at = last and (last.finished_at or last.started_at)
    age = (now - finished_at).total_seconds() if finished_at else None
    stale_hours = settings.NEWSROOM_IMPORT_STALE_HOURS
    return ImportHealth(
        last_scheduled=last,
        last_scheduled_at=finished_at,
        age_seconds=age,
        stale=not finished_at or finished_at < now - timedelta(hours=stale_hours),
        stale_hours=stale_hours,
        recent_runs=list(ImportRun.objects.all()[:RECENT_RUNS]) if with_recent else [],
    )


def recent_problems(runs):
    """The files that failed in `runs`, newest run first."""
    return list(
        ImportProblem.objects.filter(run__in=runs, severity=ImportProblem.Severity.ERROR).order_by(
            "-run__started_at", "pk"
        )[:RECENT_PROBLEMS]
    )


@never_cache
def healthz(request):
    """For load balancers and monitoring: is the database reachable, and is cron still importing?"""
    try:
        health = import_health(with_recent=False)
    except DatabaseError as exc:
        return JsonResponse({"status": "error", "database": f"unreachable: {exc}"}, status=503)
    finished_at = health.last_scheduled_at
    return JsonResponse(
        {
            "status": "ok",
            "database": "ok",
            "last_import_finished_at": finished_at.isoformat() if finished_at else None,
            "last_import_age_seconds": (
                round(health.age_seconds) if health.age_seconds is not None else None
            ),
            "import_stale": health.stale,
        }
    )
