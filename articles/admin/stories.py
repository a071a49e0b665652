"""Staff and stories: the story list, merging stories, splitting an article out of its story.

Both decisions pin the articles they move (`Article.story_pinned`), so no import and no regroup
undoes them (articles/story_store.py).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from ..models import Article, Story
from ..story_store import merge, split_out


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["title", "size", "first_published_at", "last_published_at"]
    search_fields = ["title"]
    date_hierarchy = "last_published_at"
    fields = ["title", "first_published_at", "last_published_at"]
    readonly_fields = ["first_published_at", "last_published_at"]
    actions = ["merge_stories"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(size=Count("articles"))

    def has_add_permission(self, request):
        return False  # stories come from grouping; staff merge and split them

    @admin.display(description="Articles", ordering="size")
    def size(self, story):
        return story.size

    @admin.action(description="Merge the selected stories into one", permissions=["change"])
    def merge_stories(self, request, queryset):
        stories = list(queryset)
        if len(stories) < 2:
            self.message_user(request, "Select two stories or more to merge.", messages.WARNING)
            return None
        kept = merge(stories)
        self.message_user(
            request,
            f"{len(stories)} stories merged into “{kept.title}”; grouping will not undo it.",
            messages.SUCCESS,
        )
        return redirect(reverse("admin:articles_story_change", args=[kept.pk]))

    def get_urls(self):
        split = self.admin_site.admin_view(require_POST(self.split_view))
        return [
            path(
                "<int:story_id>/split/<int:article_id>/",
                split,
                name="articles_story_split",
            ),
            *super().get_urls(),
        ]

    def split_view(self, request, story_id, article_id):
        if not self.has_change_permission(request):
            raise PermissionDenied
        article = get_object_or_404(Article, pk=article_id, story_id=story_id)
        split_out(article)
        self.message_user(
            request,
            f"“{article.title}” now stands alone; grouping will leave it so.",
            messages.SUCCESS,
        )
        if Story.objects.filter(pk=story_id).exists():
            return redirect(reverse("admin:articles_story_change", args=[story_id]))
        self.message_user(request, "Its story had one article left, so it was removed.")
        return redirect(reverse("admin:articles_story_changelist"))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        articles = (
            Article.objects.filter(story_id=object_id)
            .select_related("provider")
            .order_by("published_at", "id")
        )
        return super().change_view(
            request, object_id, form_url, {**(extra_context or {}), "story_articles": articles}
        )
