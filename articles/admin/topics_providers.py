"""Topics and providers: their lists and forms, merges, and the aliases merges leave behind."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html_join

from .. import curation
from ..admin_forms import MergeProvidersForm, MergeTopicsForm, ProviderForm, TopicForm
from ..models import Article, ArticleTopic, Provider, ProviderAlias, Topic, TopicAlias
from .base import (
    ActionPageMixin,
    BumpsDataVersion,
    ReadOnlyInline,
    StaffAdmin,
    count_of,
    image_tag,
    plural,
)


class MergeAdmin(BumpsDataVersion, ActionPageMixin, StaffAdmin):
    """Topics and providers both fold variants into one kept row (articles/curation.py).

    Subclasses name the form that picks the kept row and say what happened to the articles."""

    merge_form = None
    merge_outcome = "{articles} moved."
    actions = ["merge_selected"]

    @admin.action(
        description="Merge selected %(verbose_name_plural)s into another…", permissions=["change"]
    )
    def merge_selected(self, request, queryset):
        sources = list(queryset)
        noun = self.model._meta.verbose_name
        data, page = self.ask(
            request,
            queryset,
            self.merge_form,
            action="merge_selected",
            title=f"Merge {self.model._meta.verbose_name_plural}",
            intro=f"Fold into one {noun}, then delete,",
            submit_label="Merge",
            sources=sources,
        )
        if page:
            return page
        target = data["target"]
        moved = curation.merge(sources, target)
        outcome = self.merge_outcome.format(articles=plural(moved, "article"))
        self.message_user(
            request,
            f"Merged {plural(len(sources), noun)} into “{target}”: {outcome}",
            messages.SUCCESS,
        )
        return None


class TopicAliasInline(ReadOnlyInline):
    model = TopicAlias
    fields = ["slug", "name_key"]
    verbose_name = "alias (merged-in topic)"
    verbose_name_plural = "aliases (merged-in topics: their old pages redirect here)"


@admin.register(Topic)
class TopicAdmin(MergeAdmin):
    form = TopicForm
    merge_form = MergeTopicsForm
    merge_outcome = "{articles} gained it; the old pages redirect there."
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


class ProviderAliasInline(ReadOnlyInline):
    model = ProviderAlias
    fields = ["domain"]
    verbose_name = "alias (merged-in domain)"
    verbose_name_plural = "aliases (merged-in domains)"


@admin.register(Provider)
class ProviderAdmin(MergeAdmin):
    form = ProviderForm
    merge_form = MergeProvidersForm
    list_display = ["logo_preview", "name", "domain", "article_count"]
    list_display_links = ["name"]
    show_full_result_count = False
    search_fields = ["name", "domain"]
    fields = ["domain", "name", "logo_preview", "description", "images", "extra", "updated_at"]
    readonly_fields = ["logo_preview", "extra", "updated_at"]
    inlines = [ProviderAliasInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=count_of(Article, "provider"))

    def get_readonly_fields(self, request, obj=None):
        # The domain is the provider's identity for imports.
        return [*self.readonly_fields, "domain"] if obj else self.readonly_fields

    @admin.display(description="Logo")
    def logo_preview(self, provider):
        logo = provider.usable_logo  # as the reader pages show it, or none
        if not logo:
            return "—"
        return image_tag(logo["url"], width=32, height=32, css_class="nr-logo")

    @admin.display(description="Articles", ordering="article_count")
    def article_count(self, provider):
        return provider.article_count


# Aliases decide where old pages redirect: an edit must reach readers' caches at once.


@admin.register(TopicAlias)
class TopicAliasAdmin(BumpsDataVersion, StaffAdmin):
    list_display = ["slug", "name_key", "topic"]
    list_select_related = ["topic"]
    search_fields = ["slug", "name_key", "topic__name"]
    autocomplete_fields = ["topic"]


@admin.register(ProviderAlias)
class ProviderAliasAdmin(BumpsDataVersion, StaffAdmin):
    list_display = ["domain", "provider"]
    list_select_related = ["provider"]
    search_fields = ["domain", "provider__name"]
    autocomplete_fields = ["provider"]
