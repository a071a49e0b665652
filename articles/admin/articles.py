"""The article list and form: paginator, filters, inlines, bulk actions and exports."""

import tempfile
import zipfile
from datetime import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db import connections, models
from django.db.models import Exists, OuterRef
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html

from .. import curation
from ..admin_forms import ArticleForm, ArticleImageForm, QualityForm, TopicChoiceForm
from ..markdown import render_markdown
from ..models import Article, ArticleImage, ArticleStatus, ArticleTopic, RelatedLink, Topic
from ..search import search_articles
from .base import (
    ActionPageMixin,
    BumpsDataVersion,
    ReadOnlyInline,
    StaffAdmin,
    bounded_search,
    image_tag,
    plural,
)

STATUS_LABELS = {
    ArticleStatus.PUBLISHED: "published",
    ArticleStatus.HIDDEN: "hidden",
    ArticleStatus.DRAFT: "draft",
    ArticleStatus.WITHDRAWN: "withdrawn",
    "stub": "stub",
}


def status_key(article):
    return "stub" if article.is_stub else article.status


# --- the list: paginator and filters -------------------------------------------------------


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


# --- the form's inlines ----------------------------------------------------------------------


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
    form = ArticleImageForm
    fields = ["preview", "position", "url", "width", "height", "title", "is_cached"]
    readonly_fields = ["preview"]
    extra = 0

    @admin.display(description="Image")
    def preview(self, image):
        return image_tag(image.url, width=96, height=60, css_class="nr-thumb")


class RelatedLinkInline(ReadOnlyInline):
    """The file's `related` list, read-only: it is the upstream's, and imports rewrite it."""

    model = RelatedLink
    fk_name = "article"
    fields = ["position", "related_article", "entry_title"]
    verbose_name = "related article"
    verbose_name_plural = "related articles"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("target")

    @admin.display(description="Article")
    def related_article(self, link):
        url = reverse("admin:articles_article_change", args=[link.target_id])
        stub = " (stub)" if link.target.is_stub else ""
        return format_html('<a href="{}">{}</a>{}', url, link.target.title, stub)

    @admin.display(description="Title in the file")
    def entry_title(self, link):
        return link.entry.get("title", "")


@admin.register(Article)
class ArticleAdmin(BumpsDataVersion, ActionPageMixin, StaffAdmin):
    form = ArticleForm
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
    # Shows the search box; the search itself is the readers' index (get_search_results).
    search_fields = ["title", "excerpt", "^url", "provider__name", "^provider__domain"]
    search_help_text = (
        "Words in the title, excerpt or provider name (the readers' search syntax: "
        '"a phrase", prefix*, -word, OR); or the start of a URL or a domain.'
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

    def get_search_results(self, request, queryset, search_term):
        search_term, _ = bounded_search(search_term)
        return search_articles(queryset, search_term), False

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

    def _change(self, request, queryset, change, verb, already):
        """Run `change(queryset)` and say how many articles changed and how many already were."""
        selected = queryset.count()
        changed = change(queryset)
        message = f"{verb} {plural(changed, 'article')}."
        if selected > changed:
            message += f" Unchanged: {selected - changed:,} ({already})."
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description="Publish selected articles", permissions=["change"])
    def publish_selected(self, request, queryset):
        self._change(request, queryset, curation.publish, "Published", "already published")

    @admin.action(description="Hide selected articles from readers", permissions=["change"])
    def hide_selected(self, request, queryset):
        self._change(request, queryset, curation.hide, "Hid", "already hidden")

    def _ask_then_change(self, request, queryset, *, form, change, verb, already, **page):
        """Ask for the value on the action's page, then `change(articles, value)` and report.

        `verb` has a {} for the value; `page` is what `ask` shows (action, title, intro…)."""
        data, asking = self.ask(request, queryset, form, **page)
        if asking:
            return asking
        [value] = data.values()
        shown = "none" if value is None else value
        self._change(
            request, queryset, lambda articles: change(articles, value), verb.format(shown), already
        )
        return None

    @admin.action(description="Add a topic to selected articles…", permissions=["change"])
    def add_topic(self, request, queryset):
        return self._ask_then_change(
            request,
            queryset,
            form=TopicChoiceForm,
            change=curation.add_topic,
            verb="Added “{}” to",
            already="had it already",
            action="add_topic",
            title="Add a topic",
            intro="Choose the topic to add to",
            submit_label="Add topic",
        )

    @admin.action(description="Remove a topic from selected articles…", permissions=["change"])
    def remove_topic(self, request, queryset):
        return self._ask_then_change(
            request,
            queryset,
            form=TopicChoiceForm,
            change=curation.remove_topic,
            verb="Removed “{}” from",
            already="did not have it",
            action="remove_topic",
            title="Remove a topic",
            intro="Choose the topic to remove from",
            submit_label="Remove topic",
        )

    @admin.action(description="Set the quality of selected articles…", permissions=["change"])
    def set_quality(self, request, queryset):
        return self._ask_then_change(
            request,
            queryset,
            form=QualityForm,
            change=curation.set_quality,
            verb="Set quality {} on",
            already="had it already",
            action="set_quality",
            title="Set quality",
            intro="Set the editorial score of",
            submit_label="Set quality",
        )

    @admin.action(
        description="Let imports update selected articles again (release staff edit)",
        permissions=["change"],
    )
    def release_edit_mark(self, request, queryset):
        self._change(
            request, queryset, curation.release_edit_mark, "Released", "not marked as edited"
        )

    @admin.action(description="Export selected articles as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        # The exports are imported when used: every process (cron's import too) loads the admin.
        from .. import exports

        response = StreamingHttpResponse(exports.staff_csv(queryset), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="articles.csv"'
        return response

    @admin.action(description="Export selected articles as files (.zip)", permissions=["view"])
    def export_files(self, request, queryset):
        from ..ingest.export_read import article_records
        from ..ingest.write import article_text, named_files

        # Spooled: a big selection goes to a temporary file rather than memory. FileResponse
        # closes it once sent.
        spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
        selected = Article.objects.filter(pk__in=queryset.values("pk"))
        with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, record in named_files(article_records(selected)):
                archive.writestr(name, article_text(record))
        spool.seek(0)
        return FileResponse(
            spool, as_attachment=True, filename="articles.zip", content_type="application/zip"
        )
