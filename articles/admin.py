"""The staff side: the Django admin, made for editors curating 100,000+ articles.

What an admin action does to the data lives in articles/curation.py; this module only wires it
to screens. Reading it top to bottom: helpers, the article list's filters, the Article admin,
Topic and Provider admins (with merges), the import health pages.
"""

import tempfile
import zipfile
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connections, models, transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join

from . import curation, exports
from .admin_forms import (
    MergeProvidersForm,
    MergeTopicsForm,
    ProviderForm,
    QualityForm,
    TopicChoiceForm,
    TopicForm,
    UploadForm,
    UploadRejected,
    save_uploads,
)
from .cache import bump_data_version
from .ingest.export_read import article_records
from .ingest.runner import ImportLocked, run_import
from .ingest.write import article_text, file_name
from .markdown import render_markdown
from .models import (
    Article,
    ArticleImage,
    ArticleStatus,
    ArticleTopic,
    ImportProblem,
    ImportRun,
    ImportStatus,
    ImportTrigger,
    Provider,
    ProviderAlias,
    RelatedLink,
    Topic,
    TopicAlias,
)

admin.site.site_header = "Newsroom staff"
admin.site.site_title = "Newsroom staff"
admin.site.index_title = "Curation"
# The article table needs the whole width; the index and the breadcrumbs lead everywhere.
admin.site.enable_nav_sidebar = False


# --- helpers -------------------------------------------------------------------------------


def safe_image_url(url):
    """`url` if it is http(s) or site-relative; imported URLs are untrusted (javascript:, data:)."""
    url = (url or "").strip()
    if url.lower().startswith(("https://", "http://")):
        return url
    if url.startswith("/") and not url.startswith("//"):
        return url
    return None


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


def status_key(article):
    return "stub" if article.is_stub else article.status


STATUS_LABELS = {
    ArticleStatus.PUBLISHED: "published",
    ArticleStatus.HIDDEN: "hidden",
    ArticleStatus.DRAFT: "draft",
    ArticleStatus.WITHDRAWN: "withdrawn",
    "stub": "stub",
}


def plural(count, noun):
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


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

    def action_page(self, request, queryset, *, action, form, title, intro, submit_label):
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "intro": intro,
            "opts": opts,
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
        return TemplateResponse(request, "admin/articles/action_form.html", context)


# --- the article list: paginator and filters -------------------------------------------------


class EstimatedCountPaginator(Paginator):
    """Exact counts, except for the unfiltered list on PostgreSQL: there COUNT(*) reads every
    row (it grows with the table) while the planner's estimate (pg_class.reltuples, refreshed
    by autovacuum) costs nothing. Filtered lists are counted exactly: their counts are what an
    editor reads, and the filters' indexes keep them cheap. On SQLite an unfiltered COUNT(*)
    walks the smallest index, a few milliseconds for 100,000 rows."""

    estimate_above = 50_000
    is_estimate = False

    @cached_property
    def count(self):
        queryset = self.object_list
        connection = connections[queryset.db]
        if connection.vendor == "postgresql" and not queryset.query.where:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [queryset.model._meta.db_table],
                )
                row = cursor.fetchone()
            estimate = row[0] if row else -1
            if estimate > self.estimate_above:
                self.is_estimate = True
                return estimate
        return super().count


class ArticleChangeList(ChangeList):
    """The changelist, with a cheaper top level of the date hierarchy.

    Django lists the years with MIN/MAX and SELECT DISTINCT over a truncated date of the
    filtered rows: two full scans with a search (0.4 s on 100,000 rows), and on SQLite a Python
    function call per row. Here the span of years comes from the first and last date of the
    whole table (two index lookups) and each year is listed when one indexed EXISTS finds a
    filtered row in it. Deeper levels (a year's months, a month's days) stay Django's.
    """

    @cached_property
    def year_choices(self):
        """[{"link", "title"}] for the years that have articles, or None to use Django's."""
        params = {"published_at__year", "published_at__month", "published_at__day"}
        if params & set(self.params):
            return None
        dates = self.root_queryset.filter(published_at__isnull=False).values_list(
            "published_at", flat=True
        )
        first, last = (
            dates.order_by("published_at").first(),
            dates.order_by("-published_at").first(),
        )
        if first is None:
            return []
        first, last = timezone.localtime(first).year, timezone.localtime(last).year
        if first == last:
            return None  # Django drills down to that year's months by itself.
        queryset = self.queryset.order_by()
        return [
            {"link": self.get_query_string({"published_at__year": str(year)}), "title": year}
            for year in range(first, last + 1)
            if queryset.filter(
                published_at__gte=start_of_year(year), published_at__lt=start_of_year(year + 1)
            ).exists()
        ]


def start_of_year(year):
    return timezone.make_aware(datetime(year, 1, 1))


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    # Named like the field lookup so that bookmarked URLs (?status__exact=published) work.
    parameter_name = "status__exact"

    def lookups(self, request, model_admin):
        return [(key, label.capitalize()) for key, label in STATUS_LABELS.items()]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if value == "stub":
            return queryset.filter(is_stub=True)
        if value in ArticleStatus.values:
            return queryset.filter(status=value, is_stub=False)
        raise IncorrectLookupParameters(f"Unknown status {value!r}")


class QualityBandFilter(admin.SimpleListFilter):
    title = "quality"
    parameter_name = "quality_band"

    def lookups(self, request, model_admin):
        return [("100", "100 and above"), ("50", "50–99"), ("0", "Below 50"), ("none", "None")]

    def queryset(self, request, queryset):
        bands = {
            "100": {"quality__gte": 100},
            "50": {"quality__gte": 50, "quality__lt": 100},
            "0": {"quality__lt": 50},
            "none": {"quality__isnull": True},
        }
        value = self.value()
        if value is None:
            return queryset
        if value not in bands:
            raise IncorrectLookupParameters(f"Unknown quality band {value!r}")
        return queryset.filter(**bands[value])


class HasImageFilter(admin.SimpleListFilter):
    title = "image"
    parameter_name = "has_image"

    def lookups(self, request, model_admin):
        return [("yes", "With an image"), ("no", "Without images")]

    def queryset(self, request, queryset):
        has_image = Exists(ArticleImage.objects.filter(article=OuterRef("pk")))
        value = self.value()
        if value is None:
            return queryset
        if value not in ("yes", "no"):
            raise IncorrectLookupParameters(f"Unknown has_image value {value!r}")
        return queryset.filter(has_image if value == "yes" else ~has_image)


class TopicFilter(admin.SimpleListFilter):
    """By topic slug, through EXISTS: the field filter would join and add DISTINCT to the list."""

    title = "topic"
    parameter_name = "topic"

    def lookups(self, request, model_admin):
        return Topic.objects.order_by("name").values_list("slug", "name")

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        return queryset.filter(
            Exists(ArticleTopic.objects.filter(article=OuterRef("pk"), topic__slug=self.value()))
        )


# --- articles --------------------------------------------------------------------------------


class ArticleTopicInline(admin.TabularInline):
    """The article's topics, in order. Editing them is changing the article, so the article's
    own permissions govern this link table (the Editors group has none on it directly)."""

    model = ArticleTopic
    fields = ["topic", "position"]
    autocomplete_fields = ["topic"]
    extra = 0
    verbose_name = "topic"
    verbose_name_plural = "topics"

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("articles.view_article")

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("articles.change_article")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("articles.change_article")

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("articles.change_article")


class ArticleImageInline(admin.TabularInline):
    model = ArticleImage
    fields = ["preview", "position", "url", "width", "height", "title", "is_cached"]
    readonly_fields = ["preview"]
    extra = 0

    @admin.display(description="Image")
    def preview(self, image):
        return image_tag(image.url, width=96, height=60, css_class="nr-thumb")


class RelatedLinkInline(admin.TabularInline):
    """The file's `related` list, read-only: it is the upstream's, and imports rewrite it."""

    model = RelatedLink
    fk_name = "article"
    fields = ["position", "related_article", "entry_title"]
    readonly_fields = fields
    extra = 0
    verbose_name = "related article"
    verbose_name_plural = "related articles"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("target")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="Article")
    def related_article(self, link):
        url = reverse("admin:articles_article_change", args=[link.target_id])
        stub = " (stub)" if link.target.is_stub else ""
        return format_html('<a href="{}">{}</a>{}', url, link.target.title, stub)

    @admin.display(description="Title in the file")
    def entry_title(self, link):
        return link.entry.get("title", "")


@admin.register(Article)
class ArticleAdmin(BumpsDataVersion, ActionPageMixin, admin.ModelAdmin):
    list_display = [
        "thumbnail",
        "title",
        "provider",
        "published_at",
        "quality",
        "heat",
        "topic_names",
        "status_badge",
        "edited_mark",
    ]
    list_display_links = ["title"]
    list_filter = [
        StatusFilter,
        TopicFilter,
        "provider",
        QualityBandFilter,
        HasImageFilter,
        "edited_by_staff",
    ]
    date_hierarchy = "published_at"
    # Title and excerpt by substring; URL and domain by prefix (paste the start of a link).
    search_fields = ["title", "excerpt", "^url", "provider__name", "^provider__domain"]
    search_help_text = (
        "Words in the title, excerpt or provider name; or the start of a URL or a domain."
    )
    list_per_page = 50
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator
    autocomplete_fields = ["provider"]
    formfield_overrides = {
        models.CharField: {"widget": forms.TextInput(attrs={"class": "nr-wide"})}
    }
    inlines = [ArticleTopicInline, ArticleImageInline, RelatedLinkInline]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "slug", "excerpt", "body", "status"]}),
        (
            "Staff edit",
            {
                "fields": ["edited_by_staff"],
                "description": "Saving this form marks the article as edited by staff: "
                "imports then keep your version. Untick the box and save to let the next "
                "import update it from its file again.",
            },
        ),
        ("Scores", {"fields": ["quality", "heat"]}),
        (
            "Source",
            {
                "fields": [
                    "provider",
                    "published_at",
                    "url",
                    "web_url",
                    "original_url",
                    "amp_url",
                    "cdn_amp_url",
                    "category",
                    "type",
                ]
            },
        ),
        (
            "Import bookkeeping",
            {
                "classes": ["collapse"],
                "fields": [
                    "is_stub",
                    "published_flag",
                    "deleted_flag",
                    "source_path",
                    "content_hash",
                    "first_imported_at",
                    "last_imported_at",
                    "updated_at",
                    "secured",
                    "extra",
                ],
            },
        ),
    ]
    readonly_fields = [
        "is_stub",
        "published_flag",
        "deleted_flag",
        "source_path",
        "content_hash",
        "first_imported_at",
        "last_imported_at",
        "updated_at",
        "secured",
        "extra",
    ]
    actions = [
        "publish_selected",
        "hide_selected",
        "add_topic",
        "remove_topic",
        "set_quality",
        "release_edit_mark",
        "export_csv",
        "export_files",
    ]

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    def get_queryset(self, request):
        # Provider joined, topics and images prefetched: the same number of queries for a page
        # of 5 or of 50 articles.
        return super().get_queryset(request).for_listing()

    def get_readonly_fields(self, request, obj=None):
        # The URL is the article's identity for imports: set once, never edited.
        return [*self.readonly_fields, "url"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        released = "edited_by_staff" in form.changed_data and not obj.edited_by_staff
        if not released:
            obj.edited_by_staff = True
        if "body" in form.changed_data:
            obj.body_html = render_markdown(obj.body) if obj.body.strip() else ""
        super().save_model(request, obj, form, change)

    @admin.display(description="Image")
    def thumbnail(self, article):
        first = next(iter(article.images.all()), None)
        if first is None:
            return "—"
        return image_tag(first.url, width=64, height=40, css_class="nr-thumb")

    @admin.display(description="Topics")
    def topic_names(self, article):
        return ", ".join(link.topic.name for link in article.article_topics.all()) or "—"

    @admin.display(description="Status", ordering="status")
    def status_badge(self, article):
        key = status_key(article)
        return format_html('<span class="nr-badge nr-badge-{}">{}</span>', key, STATUS_LABELS[key])

    @admin.display(description="Staff edit", boolean=True, ordering="edited_by_staff")
    def edited_mark(self, article):
        return article.edited_by_staff

    # --- actions ---

    def _report(self, request, changed, selected, verb, already):
        unchanged = selected - changed
        message = f"{verb} {plural(changed, 'article')}."
        if unchanged:
            message += f" Unchanged: {unchanged:,} ({already})."
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description="Publish selected articles", permissions=["change"])
    def publish_selected(self, request, queryset):
        selected = queryset.count()
        self._report(
            request, curation.publish(queryset), selected, "Published", "already published"
        )

    @admin.action(description="Hide selected articles from readers", permissions=["change"])
    def hide_selected(self, request, queryset):
        selected = queryset.count()
        self._report(request, curation.hide(queryset), selected, "Hid", "already hidden")

    @admin.action(description="Add a topic to selected articles…", permissions=["change"])
    def add_topic(self, request, queryset):
        form = TopicChoiceForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            topic = form.cleaned_data["topic"]
            selected = queryset.count()
            changed = curation.add_topic(queryset, topic)
            self._report(request, changed, selected, f"Added “{topic}” to", "had it already")
            return None
        return self.action_page(
            request,
            queryset,
            action="add_topic",
            form=form,
            title="Add a topic",
            intro="Choose the topic to add to",
            submit_label="Add topic",
        )

    @admin.action(description="Remove a topic from selected articles…", permissions=["change"])
    def remove_topic(self, request, queryset):
        form = TopicChoiceForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            topic = form.cleaned_data["topic"]
            selected = queryset.count()
            changed = curation.remove_topic(queryset, topic)
            self._report(request, changed, selected, f"Removed “{topic}” from", "did not have it")
            return None
        return self.action_page(
            request,
            queryset,
            action="remove_topic",
            form=form,
            title="Remove a topic",
            intro="Choose the topic to remove from",
            submit_label="Remove topic",
        )

    @admin.action(description="Set the quality of selected articles…", permissions=["change"])
    def set_quality(self, request, queryset):
        form = QualityForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            quality = form.cleaned_data["quality"]
            selected = queryset.count()
            changed = curation.set_quality(queryset, quality)
            shown = "none" if quality is None else quality
            self._report(request, changed, selected, f"Set quality {shown} on", "had it already")
            return None
        return self.action_page(
            request,
            queryset,
            action="set_quality",
            form=form,
            title="Set quality",
            intro="Set the editorial score of",
            submit_label="Set quality",
        )

    @admin.action(
        description="Let imports update selected articles again (release staff edit)",
        permissions=["change"],
    )
    def release_edit_mark(self, request, queryset):
        selected = queryset.count()
        changed = curation.release_edit_mark(queryset)
        self._report(request, changed, selected, "Released", "not marked as edited")

    @admin.action(description="Export selected articles as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        response = StreamingHttpResponse(exports.staff_csv(queryset), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="articles.csv"'
        return response

    @admin.action(description="Export selected articles as files (.zip)", permissions=["view"])
    def export_files(self, request, queryset):
        # Spooled: a big selection goes to a temporary file rather than memory. FileResponse
        # closes it once sent.
        spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
        used = set()
        selected = Article.objects.filter(pk__in=queryset.values("pk"))
        with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
            for slug, record in article_records(selected):
                name = unique_name(file_name(record.published_at, slug), used)
                archive.writestr(name, article_text(record))
        spool.seek(0)
        return FileResponse(
            spool, as_attachment=True, filename="articles.zip", content_type="application/zip"
        )


def unique_name(name, used):
    """`name`, or `name` with -2, -3… before the suffix when two articles share a file name
    (as export_articles names them: the same articles in the same order get the same names)."""
    stem, dot, suffix = name.rpartition(".")
    candidate, n = name, 1
    while candidate in used:
        n += 1
        candidate = f"{stem}-{n}{dot}{suffix}"
    used.add(candidate)
    return candidate


# --- topics and providers ------------------------------------------------------------------


class TopicAliasInline(admin.TabularInline):
    model = TopicAlias
    fields = ["slug", "name_key"]
    readonly_fields = fields
    extra = 0
    verbose_name = "alias (merged-in topic)"
    verbose_name_plural = "aliases (merged-in topics: their old pages redirect here)"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Topic)
class TopicAdmin(BumpsDataVersion, ActionPageMixin, admin.ModelAdmin):
    form = TopicForm
    list_display = ["name", "slug", "parent", "position", "article_count", "external_id"]
    list_select_related = ["parent"]
    show_full_result_count = False
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "slug", "shortname", "external_id"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    fields = [
        "name",
        "slug",
        "shortname",
        "parent",
        "children_list",
        "position",
        "description",
        "keywords",
        "hashtags",
        "images",
        "external_id",
        "name_key",
        "extra",
    ]
    readonly_fields = ["children_list", "name_key", "extra"]
    inlines = [TopicAliasInline]
    actions = ["merge_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=count_of(ArticleTopic, "topic"))

    @admin.display(description="Articles", ordering="article_count")
    def article_count(self, topic):
        return topic.article_count

    @admin.display(description="Children")
    def children_list(self, topic):
        children = topic.children.order_by("position", "name") if topic.pk else []
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (reverse("admin:articles_topic_change", args=[child.pk]), child.name)
                for child in children
            ),
        )
        return links or "—"

    @admin.action(description="Merge selected topics into another…", permissions=["change"])
    def merge_selected(self, request, queryset):
        sources = list(queryset)
        form = MergeTopicsForm(request.POST if "apply" in request.POST else None, sources=sources)
        if form.is_valid():
            target = form.cleaned_data["target"]
            with transaction.atomic():
                moved = sum(curation.merge_topics(source, target) for source in sources)
            self.message_user(
                request,
                f"Merged {plural(len(sources), 'topic')} into “{target}”: "
                f"{plural(moved, 'article')} gained it; the old pages redirect there.",
                messages.SUCCESS,
            )
            return None
        return self.action_page(
            request,
            queryset,
            action="merge_selected",
            form=form,
            title="Merge topics",
            intro="Fold into one topic, then delete,",
            submit_label="Merge",
        )


class ProviderAliasInline(admin.TabularInline):
    model = ProviderAlias
    fields = ["domain"]
    readonly_fields = fields
    extra = 0
    verbose_name = "alias (merged-in domain)"
    verbose_name_plural = "aliases (merged-in domains)"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Provider)
class ProviderAdmin(BumpsDataVersion, ActionPageMixin, admin.ModelAdmin):
    form = ProviderForm
    list_display = ["logo_preview", "name", "domain", "article_count"]
    list_display_links = ["name"]
    show_full_result_count = False
    search_fields = ["name", "domain"]
    fields = ["domain", "name", "logo_preview", "description", "images", "extra", "updated_at"]
    readonly_fields = ["logo_preview", "extra", "updated_at"]
    inlines = [ProviderAliasInline]
    actions = ["merge_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=count_of(Article, "provider"))

    def get_readonly_fields(self, request, obj=None):
        # The domain is the provider's identity for imports.
        return [*self.readonly_fields, "domain"] if obj else self.readonly_fields

    @admin.display(description="Logo")
    def logo_preview(self, provider):
        logo = provider.logo
        if not logo:
            return "—"
        return image_tag(logo["url"], width=32, height=32, css_class="nr-logo")

    @admin.display(description="Articles", ordering="article_count")
    def article_count(self, provider):
        return provider.article_count

    @admin.action(description="Merge selected providers into another…", permissions=["change"])
    def merge_selected(self, request, queryset):
        sources = list(queryset)
        form = MergeProvidersForm(
            request.POST if "apply" in request.POST else None, sources=sources
        )
        if form.is_valid():
            target = form.cleaned_data["target"]
            with transaction.atomic():
                moved = sum(curation.merge_providers(source, target) for source in sources)
            self.message_user(
                request,
                f"Merged {plural(len(sources), 'provider')} into “{target}”: "
                f"{plural(moved, 'article')} moved.",
                messages.SUCCESS,
            )
            return None
        return self.action_page(
            request,
            queryset,
            action="merge_selected",
            form=form,
            title="Merge providers",
            intro="Fold into one provider, then delete,",
            submit_label="Merge",
        )


@admin.register(TopicAlias)
class TopicAliasAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_key", "topic"]
    list_select_related = ["topic"]
    search_fields = ["slug", "name_key", "topic__name"]
    autocomplete_fields = ["topic"]


@admin.register(ProviderAlias)
class ProviderAliasAdmin(admin.ModelAdmin):
    list_display = ["domain", "provider"]
    list_select_related = ["provider"]
    search_fields = ["domain", "provider__name"]
    autocomplete_fields = ["provider"]


# --- import health ---------------------------------------------------------------------------


STATUS_CLASSES = {
    ImportStatus.SUCCESS: "success",
    ImportStatus.PARTIAL: "partial",
    ImportStatus.FAILED: "failed",
    ImportStatus.RUNNING: "running",
}


def import_status_badge(run):
    return format_html(
        '<span class="nr-badge nr-import-{}">{}</span>',
        STATUS_CLASSES.get(run.status, "running"),
        run.get_status_display(),
    )


def import_health(now=None):
    """What the admin index says about imports.

    `last_run`: the newest real (not dry) run of any kind. `stale`: no scheduled (command-line)
    run has finished, even with some files failing, within NEWSROOM_IMPORT_STALE_HOURS, which is
    how a silently stopped cron job shows. Uploads do not count: they would hide it.
    """
    now = now or timezone.now()
    runs = ImportRun.objects.filter(dry_run=False)
    last_run = runs.first()
    last_finished = runs.filter(
        trigger=ImportTrigger.COMMAND, status__in=[ImportStatus.SUCCESS, ImportStatus.PARTIAL]
    ).first()
    stale_hours = settings.NEWSROOM_IMPORT_STALE_HOURS
    finished_at = last_finished and (last_finished.finished_at or last_finished.started_at)
    return {
        "last_run": last_run,
        "last_run_badge": import_status_badge(last_run) if last_run else "",
        "last_finished": last_finished,
        "last_finished_at": finished_at,
        "stale": not finished_at or finished_at < now - timedelta(hours=stale_hours),
        "stale_hours": stale_hours,
    }


def _index_with_import_health(request, extra_context=None, _index=admin.site.index):
    """The admin index, with import health for those who may see import runs."""
    context = dict(extra_context or {})
    if request.user.has_perm("articles.view_importrun"):
        context["import_health"] = import_health()
        context["can_upload"] = request.user.has_perm("articles.add_importrun")
    return _index(request, extra_context=context)


# Wrapped in place rather than a custom AdminSite, so settings keep the stock admin app.
admin.site.index = _index_with_import_health


class ImportProblemInline(admin.TabularInline):
    model = ImportProblem
    fields = ["path", "line", "field", "message", "severity"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "problems, file by file"

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("path", "line", "id")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
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
