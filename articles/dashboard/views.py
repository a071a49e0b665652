"""The dashboard page: the list's filter form beside the figures of what it selects."""

from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from ..cache import cached, current_data_version, digest
from ..facets import FACET_WINDOW, listing_facets
from ..filters import PeriodChoices, filter_params
from ..health import import_health, may_see_import_health, recent_problems
from ..models import audience
from ..views import active_filter_chips, follow_links
from .charts import build_charts
from .figures import figures_for, filterset_for, list_url


def filter_form_context(request, filterset, version):
    """What templates/includes/filter_form.html needs; the facets share the list's cache."""
    data = filterset.form.cleaned_data
    total, total_is_lower_bound, facets, with_image = listing_facets(
        filterset, f"all:{audience(request.user)}", version=version
    )
    return {
        "form": filterset.form,
        "filters": data,
        "facets": facets,
        "with_image": with_image,
        "total": total,
        "total_is_lower_bound": total_is_lower_bound,
        "counts_window": FACET_WINDOW if total > FACET_WINDOW else None,
        "chips": active_filter_chips(request, data),
        "period_choices": PeriodChoices.choices,
    }


def import_panel(user):
    """Staff with the import permission see when cron last imported and the latest runs."""
    if not may_see_import_health(user):
        return {}
    health = import_health()
    return {"import_health": health, "import_problems": recent_problems(health.recent_runs)}


@require_safe
def dashboard_view(request):
    version = current_data_version()
    filterset = filterset_for(request.user, request.GET)
    valid = filterset.is_valid()
    context = {
        "filterset": filterset,
        **filter_form_context(request, filterset, version),
        **import_panel(request.user),
    }
    if not valid:
        return render(request, "dashboard/dashboard.html", context, status=400)
    params = filter_params(filterset.form.cleaned_data)
    figures = figures_for(request.user, filterset, version=version)
    context.update(
        follow=follow_links(filterset.form.cleaned_data, feed=reverse("feed_articles")),
        query=urlencode(params),
        list_url=list_url(params),
        figures=figures,
        # The SVG cards are cached beside the figures they draw: building them is most of a
        # warm request.
        charts=cached(
            f"dashboard-charts:{digest(audience(request.user), params)}",
            lambda: build_charts(figures),
            version=version,
        ),
        rising_lists=[
            ("Topics", figures["rising"]["topics"]),
            ("Providers", figures["rising"]["providers"]),
        ],
    )
    return render(request, "dashboard/dashboard.html", context)
