"""What every screen of the staff side shares: hostile-input guards, action pages, read-only
inlines, image previews, counts."""

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import SEARCH_VAR
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.text import smart_split

from ..cache import bump_data_version
from ..safe_urls import http_url

# Each search word adds an OR over every search field; on PostgreSQL the planning time grows
# with the square of the words (900 words: 31 s). Editors search with a few.
MAX_SEARCH_WORDS = 10


def plural(count, noun):
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def safe_image_url(url):
    """`url` if it is an absolute http(s) URL or site-relative (logos may be); imported URLs
    are untrusted (javascript:, data:)."""
    if isinstance(url, str) and url.strip().startswith("/") and not url.strip().startswith("//"):
        return url.strip()
    return http_url(url) or None


def image_tag(url, *, width, height, css_class):
    url = safe_image_url(url)
    if not url:
        return "—"
    # no-referrer: hot-linked images must not tell other sites which admin pages staff open.
    return format_html(
        '<img src="{}" alt="" loading="lazy" referrerpolicy="no-referrer" width="{}" '
        'height="{}" class="{}">',
        url,
        width,
        height,
        css_class,
    )


def count_of(model, field):
    """Annotation: how many `model` rows point at this row through `field`.

    A correlated subquery rather than Count() over a join with GROUP BY: it is computed only
    for the rows on the page, so autocomplete and the change form (which share get_queryset)
    pay for their few rows, not for the whole table.
    """
    counts = (
        model.objects.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def bounded_search(term):
    """(`term` without NULs and cut to its first MAX_SEARCH_WORDS words, whether it was cut).

    Words as the admin's search splits them (a quoted phrase is one word)."""
    words = list(smart_split(term.replace("\x00", "")))
    return " ".join(words[:MAX_SEARCH_WORDS]), len(words) > MAX_SEARCH_WORDS


class StaffAdmin(admin.ModelAdmin):
    """The base of every ModelAdmin here: hostile query strings never reach the database.

    PostgreSQL refuses NUL in text (a 500 on any filter that compares text); a changelist URL
    holding one is refused the way Django refuses unknown filters (back to the unfiltered list
    with ?e=1). Search terms, also the autocomplete's, lose their NULs and are cut to
    MAX_SEARCH_WORDS words."""

    def get_changelist_instance(self, request):
        if any("\x00" in key + "".join(values) for key, values in request.GET.lists()):
            raise IncorrectLookupParameters("NUL in the query string")
        return super().get_changelist_instance(request)

    def get_search_results(self, request, queryset, search_term):
        search_term, _ = bounded_search(search_term)
        return super().get_search_results(request, queryset, search_term)

    def changelist_view(self, request, extra_context=None):
        if bounded_search(request.GET.get(SEARCH_VAR, ""))[1]:
            messages.warning(
                request, f"Only the first {MAX_SEARCH_WORDS} words of the search were used."
            )
        return super().changelist_view(request, extra_context)


class BumpsDataVersion:
    """Every save or delete through the admin makes cached figures stale in every process.

    The admin wraps each of these in one transaction with the inlines, so the bump commits
    together with the change (see articles/cache.py)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        bump_data_version()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        bump_data_version()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        bump_data_version()


class ActionPageMixin:
    """Actions that ask for one more value (a topic, a score, a merge target) on a page of their
    own, then post back to the changelist with the same selection (the Django pattern of
    "delete selected"). The page's submit button is named "apply"."""

    def ask(self, request, queryset, form_class, *, action, title, intro, submit_label, **kwargs):
        """(the form's cleaned data, None) once the page was submitted and is valid; else
        (None, the page to show)."""
        form = form_class(request.POST if "apply" in request.POST else None, **kwargs)
        if form.is_valid():
            return form.cleaned_data, None
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "intro": intro,
            "opts": self.model._meta,
            "form": form,
            "media": self.media + form.media,
            "action": action,
            "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "preview": list(queryset[:10]),
            "count": queryset.count(),
            "submit_label": submit_label,
        }
        return None, TemplateResponse(request, "admin/articles/action_form.html", context)


class ReadOnlyInline(admin.TabularInline):
    """Rows shown on their parent's page that nobody adds or edits there: the importer or a
    merge writes them. Every listed field is read-only."""

    extra = 0

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
