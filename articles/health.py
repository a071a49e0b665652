from django.conf import settings
from django.db import DatabaseError
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from .models import ImportRun, ImportStatus


@never_cache
def healthz(request):
    """For load balancers and monitoring: is the database reachable, and is cron still importing?"""
    try:
        last_ok = (
            ImportRun.objects.filter(status__in=[ImportStatus.SUCCESS, ImportStatus.PARTIAL])
            .exclude(dry_run=True)
            .values_list("finished_at", flat=True)
            .first()
        )
    except DatabaseError as exc:
        return JsonResponse({"status": "error", "database": f"unreachable: {exc}"}, status=503)
    age = (timezone.now() - last_ok).total_seconds() if last_ok else None
    stale = age is None or age > settings.NEWSROOM_IMPORT_STALE_HOURS * 3600
    return JsonResponse(
        {
            "status": "ok",
            "database": "ok",
            "last_import_finished_at": last_ok.isoformat() if last_ok else None,
            "last_import_age_seconds": round(age) if age is not None else None,
            "import_stale": stale,
        }
    )
