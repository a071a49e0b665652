"""Import runs: the read-only run list and pages, and the upload that runs the importer."""

import tempfile
from dataclasses import replace
from pathlib import Path

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from ..admin_forms import UploadForm
from ..ingest.runner import ImportLocked, run_import
from ..ingest.uploads import UploadRejected, save_uploads
from ..models import ImportProblem, ImportRun, ImportTrigger
from .base import ReadOnlyInline, StaffAdmin


def import_status_badge(run):
    """A coloured badge: green success, amber some files failed, red failed, blue running."""
    return format_html(
        '<span class="nr-badge nr-import-{}">{}</span>', run.status, run.get_status_display()
    )


class ImportProblemInline(ReadOnlyInline):
    model = ImportProblem
    fields = ["path", "line", "field", "message", "severity"]
    can_delete = False
    verbose_name_plural = "problems, file by file"

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("path", "line", "id")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportRun)
class ImportRunAdmin(StaffAdmin):
    """Read-only for everyone: runs are written by the importer, never through a form."""

    list_display = [
        "started_at",
        "status_badge",
        "trigger",
        "user",
        "duration",
        "seen",
        "created",
        "updated",
        "unchanged",
        "kept_edited",
        "failed",
        "dry_run",
    ]
    list_filter = ["status", "trigger", "dry_run"]
    list_select_related = ["user"]
    fields = [
        "started_at",
        "finished_at",
        "duration",
        "status_badge",
        "trigger",
        "user",
        "paths",
        "dry_run",
        "overwrite_edited",
        ("seen", "created", "updated", "unchanged", "kept_edited", "failed"),
        "message",
    ]
    # The rest are read-only anyway: nobody has the change permission (view-only form).
    readonly_fields = ["status_badge", "duration"]
    inlines = [ImportProblemInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Status", ordering="status")
    def status_badge(self, run):
        return import_status_badge(run)

    @admin.display(description="Took", ordering="duration_seconds")
    def duration(self, run):
        if run.duration_seconds is None:
            return "—"
        return f"{run.duration_seconds:.1f} s"

    def get_urls(self):
        upload = path(
            "upload/",
            self.admin_site.admin_view(self.upload_view),
            name="articles_importrun_upload",
        )
        return [upload, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        context = {"can_upload": request.user.has_perm("articles.add_importrun")}
        return super().changelist_view(request, {**context, **(extra_context or {})})

    def upload_view(self, request):
        """Run the importer on uploaded files (several, or a .zip), like the command does."""
        if not request.user.has_perm("articles.add_importrun"):
            raise PermissionDenied
        result, skipped, problems = None, [], []
        posted = request.method == "POST"
        form = UploadForm(request.POST, request.FILES) if posted else UploadForm()
        if posted and form.is_valid():
            try:
                result, skipped, problems = self.import_uploads(request, form.cleaned_data)
            except UploadRejected as rejected:
                form.add_error("files", str(rejected))
            except ImportLocked:
                form.add_error(None, "Another import is running. Try again in a minute.")
        context = {
            **self.admin_site.each_context(request),
            "title": "Upload articles",
            "opts": self.model._meta,
            "form": form,
            "result": result,
            "run_url": result and reverse("admin:articles_importrun_change", args=[result.run_id]),
            "skipped": skipped,
            "problems": problems,
            "max_file_bytes": settings.NEWSROOM_IMPORT_MAX_BYTES,
        }
        return TemplateResponse(request, "admin/articles/importrun/upload.html", context)

    def import_uploads(self, request, data):
        """(ImportResult, skipped archive members, problems as text with upload-relative paths)."""
        with tempfile.TemporaryDirectory(prefix="newsroom-upload-") as directory:
            _, skipped = save_uploads(
                [(upload.name, upload) for upload in data["files"]],
                directory,
                max_file_bytes=settings.NEWSROOM_IMPORT_MAX_BYTES,
            )
            result = run_import(
                [Path(directory)],
                dry_run=data["dry_run"],
                overwrite_edited=data["overwrite_edited"],
                trigger=ImportTrigger.UPLOAD,
                user=request.user,
            )
        prefix = str(Path(directory).absolute()) + "/"
        problems = [
            str(replace(problem, path=problem.path.removeprefix(prefix)))
            for problem in result.problems
        ]
        return result, skipped, problems
