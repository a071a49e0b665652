"""The admin site itself: its titles and the index, which leads with import health."""

from django.contrib import admin

from ..health import import_health, may_see_import_health
from .imports import import_status_badge

admin.site.site_header = "Newsroom staff"
admin.site.site_title = "Newsroom staff"
admin.site.index_title = "Curation"
# The article table needs the whole width; the index and the breadcrumbs lead everywhere.
admin.site.enable_nav_sidebar = False


def index_with_import_health(request, extra_context=None, _index=admin.site.index):
    """The admin index, with import health for those who may see import runs."""
    context = dict(extra_context or {})
    if may_see_import_health(request.user):
        health = import_health()
        context["import_health"] = health
        context["last_run_badge"] = health.last_run and import_status_badge(health.last_run)
        context["can_upload"] = request.user.has_perm("articles.add_importrun")
    return _index(request, extra_context=context)


# Wrapped in place rather than a custom AdminSite, so settings keep the stock admin app.
admin.site.index = index_with_import_health
