"""Stories for readers: the story page, the list's one-card-per-story option, story sizes.

What a reader sees of a story is its articles visible to them (`visible_to`): its size, its
timeline and its cards count only those.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from .models import Article, Story

GROUP_PARAMETER = "group"  # ?group=story: one card per story; absent or "article": every article
ONE_PER_STORY = "story"
EVERY_ARTICLE = "article"


class BadGroup(Exception):
    pass


def one_card_per_story(request):
    """Whether the list shows one card per story; BadGroup for a value it does not know."""
    value = request.GET.get(GROUP_PARAMETER, "")
    if value in ("", EVERY_ARTICLE):
        return False
    if value == ONE_PER_STORY:
        return True
    raise BadGroup(
        f"“{GROUP_PARAMETER}” must be “{ONE_PER_STORY}” or “{EVERY_ARTICLE}”; got “{value[:20]}”."
    )


def newest_of_each_story(articles):
    """`articles` less those with a newer one of the same story among `articles` (an article in
    no story stays): the list's one card per story, in the list's own order and filters."""
    newer = articles.filter(story_id=OuterRef("story_id")).filter(
        Q(published_at__gt=OuterRef("published_at"))
        | Q(published_at=OuterRef("published_at"), pk__gt=OuterRef("pk"))
    )
    return articles.exclude(Exists(newer.order_by()))


@dataclass
class StoryCard:
    """What an article's card says of its story."""

    story_id: int
    size: int  # articles of the story the reader may see
    others: list = field(default_factory=list)  # the other ones, oldest first (one-card mode)

    @property
    def url(self):
        return Story(pk=self.story_id).get_absolute_url()

    @property
    def more(self):
        return self.size - 1


def add_story_cards(articles, user, *, with_others):
    """Set `story_card` on each of `articles` that is in a story of two visible articles or
    more. One query, whatever the number of articles: the sizes, or (`with_others`) the other
    articles themselves."""
    story_ids = {article.story_id for article in articles if article.story_id is not None}
    for article in articles:
        article.story_card = None
    if not story_ids:
        return
    members = {}
    if with_others:
        visible = Article.objects.visible_to(user).filter(story_id__in=story_ids)
        for member in visible.select_related("provider").order_by("published_at", "id"):
            members.setdefault(member.story_id, []).append(member)
        sizes = {story_id: len(found) for story_id, found in members.items()}
    else:
        sizes = story_sizes(story_ids, user)
    for article in articles:
        size = sizes.get(article.story_id, 0)
        if size > 1:
            others = [other for other in members.get(article.story_id, []) if other != article]
            article.story_card = StoryCard(article.story_id, size, others)


def story_sizes(story_ids, user):
    """{story id: number of its articles `user` may see}, in one query."""
    if not story_ids:
        return {}
    return dict(
        Article.objects.visible_to(user)
        .filter(story_id__in=set(story_ids))
        .order_by()
        .values("story_id")
        .annotate(n=Count("id"))
        .values_list("story_id", "n")
    )


def stories_with_sizes(user):
    """Stories that `user` sees two articles or more of, newest news first, with `size`."""
    visible = Article.objects.visible_to(user).filter(story_id=OuterRef("pk")).order_by()
    size = Subquery(visible.values("story_id").annotate(n=Count("id")).values("n"))
    return (
        Story.objects.annotate(size=size).filter(size__gte=2).order_by("-last_published_at", "-id")
    )


def story_detail(request, pk):
    """A story's articles across its sources, oldest first. Four queries whatever its size:
    the story, its visible articles with their providers, their topics, their images."""
    story = get_object_or_404(Story, pk=pk)
    articles = list(
        Article.objects.visible_to(request.user)
        .filter(story=story)
        .for_listing()
        .order_by("published_at", "id")
    )
    if not articles:
        raise Http404("No such story.")
    sources = {article.provider_id for article in articles if article.provider_id}
    return render(
        request,
        "story_detail.html",
        {"story": story, "articles": articles, "source_count": len(sources)},
    )
