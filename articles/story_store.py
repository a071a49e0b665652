"""Stories in the database: grouping after imports, staff splits and merges, a full regroup.

After each batch an import commits, every full article that grouping has not looked at yet
(`story_checked` false: new, or a stub just filled in) is grouped (articles/stories.py) against
the articles published within the window around it: `group_new_articles()` reads, groups and
stores in one transaction; a large import reads a chunk (`next_chunk()`), groups it on another
process and stores it (`store_grouping()`) after its next batch (ingest/runner.StoryGrouping).

An article no other source reports stays in no story, so most articles cost no Story row.
Grouping only ever sets a story on an article that has none, so a re-import changes no story,
and what staff decided (`story_pinned`) is never undone: not by an import, and not by
`regroup()` (the `group_stories --regroup` command), which rebuilds every story but the pinned
articles'.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Max, Min, OuterRef, Q, Subquery

from . import stories
from .cache import bump_data_version
from .models import Article, RelatedLink, Story

CHUNK = 2000  # articles grouped at a time (oldest first), bounding memory and query size
ITEM_FIELDS = (
    "id",
    "title",
    "excerpt",
    "published_at",
    "url",
    "web_url",
    "original_url",
    "story",
    "story_pinned",
)


@dataclass
class Chunk:
    """Articles to group (oldest first) and the grouped ones around them, as the stories.Item
    that stories.group() takes."""

    new_items: list[stories.Item]
    known_items: list[stories.Item]


def group_new_articles(window=stories.WINDOW):
    """Group the full articles not looked at yet; returns how many were looked at."""
    looked_at = 0
    while True:
        with transaction.atomic():
            chunk = next_chunk(window)
            if chunk is None:
                return looked_at
            grouping = stories.group(chunk.new_items, chunk.known_items, window=window)
            store_grouping(chunk, grouping)
        looked_at += len(chunk.new_items)


def next_chunk(window=stories.WINDOW):
    """The next CHUNK articles not looked at yet, and those around them; None when none is."""
    new = list(
        Article.objects.filter(story_checked=False, is_stub=False)
        .order_by("published_at", "id")
        .values(*ITEM_FIELDS)[:CHUNK]
    )
    if not new:
        return None
    known = known_around(new, window)
    links = related_pairs()
    return Chunk([item(row, links) for row in new], [item(row, links) for row in known])


def known_around(new, window):
    """The articles grouped before and published within `window` of the new ones."""
    dates = [row["published_at"] for row in new if row["published_at"] is not None]
    if not dates:
        return []
    return list(
        Article.objects.filter(
            story_checked=True,
            is_stub=False,
            published_at__gte=shifted(min(dates), -window),
            published_at__lte=shifted(max(dates), window),
        ).values(*ITEM_FIELDS)
    )


def shifted(moment, delta):
    """`moment + delta`, held at the calendar's ends (a file may say 9999-12-31 or 0001-01-01)."""
    try:
        return moment + delta
    except OverflowError:
        end = datetime.max if delta > timedelta(0) else datetime.min
        return end.replace(tzinfo=moment.tzinfo)


@transaction.atomic
def store_grouping(chunk, grouping):
    """Store what grouping `chunk` decided, and mark its new articles looked at. Returns False,
    storing nothing, when a story it counts on changed since the chunk was read (staff moved
    articles meanwhile): the articles are then grouped again."""
    if not still_as_read(chunk, grouping):
        return False
    titles = {one.id: one.title for one in [*chunk.new_items, *chunk.known_items]}
    created = Story.objects.bulk_create(
        [Story(title=titles[ids[0]][:1000]) for ids in grouping.new_stories]
    )
    story_of = dict(grouping.joins)
    for story, ids in zip(created, grouping.new_stories, strict=True):
        story_of.update(dict.fromkeys(ids, story.pk))
    set_stories(story_of)
    refresh_dates(set(story_of.values()))
    mark_checked([new.id for new in chunk.new_items])
    if story_of:
        bump_data_version()
    return True


def still_as_read(chunk, grouping):
    """Whether the stories joined still exist and the known articles that start a story are
    still alone and not pinned. (Read and stored in one transaction, they always are.)"""
    joined = set(grouping.joins.values())
    if joined and Story.objects.filter(pk__in=joined).count() != len(joined):
        return False
    new_ids = {new.id for new in chunk.new_items}
    starting = {pk for ids in grouping.new_stories for pk in ids if pk not in new_ids}
    return (
        not Article.objects.filter(pk__in=starting)
        .filter(Q(story__isnull=False) | Q(story_pinned=True))
        .exists()
    )


def item(row, links):
    return stories.Item(
        id=row["id"],
        title=row["title"],
        excerpt=row["excerpt"],
        published_at=row["published_at"],
        urls=(row["url"], row["web_url"], row["original_url"]),
        related_ids=frozenset(links.get(row["id"], ())),
        story=row["story"],
        pinned=row["story_pinned"],
    )


def related_pairs():
    """{article id: ids it lists in `related` or is listed by}, for the articles not grouped yet
    (by joins, not a list of ids: preparing thousands of ids costs more than the queries; two
    queries, as one with OR could use neither side's index)."""
    links = {}
    not_grouped = {"story_checked": False, "is_stub": False}
    for side in ("article", "target"):
        pairs = RelatedLink.objects.filter(
            **{f"{side}__{name}": value for name, value in not_grouped.items()}
        ).values_list("article_id", "target_id")
        for source, target in pairs:
            links.setdefault(source, set()).add(target)
            links.setdefault(target, set()).add(source)
    return links


def mark_checked(article_ids):
    """Grouping has looked at these articles. One executemany, like set_stories()."""
    table = connection.ops.quote_name(Article._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET story_checked = %s WHERE id = %s",  # noqa: S608 - names only
            [(True, article_id) for article_id in article_ids],
        )


def set_stories(story_of):
    """article id → story id, in one executemany (an UPDATE per story would cost a query per
    article). Neither `updated_at` nor anything else changes: imports compare `updated_at` to
    tell staff edits from imported values."""
    table = connection.ops.quote_name(Article._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET story_id = %s WHERE id = %s",  # noqa: S608 - names only
            [(story_id, article_id) for article_id, story_id in story_of.items()],
        )


def refresh_dates(story_ids):
    """Each story's first and last publication dates, from its articles, in one query."""
    if not story_ids:
        return
    members = Article.objects.filter(story_id=OuterRef("pk"), is_stub=False).order_by()
    Story.objects.filter(pk__in=story_ids).update(
        first_published_at=Subquery(
            members.values("story_id").annotate(first=Min("published_at")).values("first")
        ),
        last_published_at=Subquery(
            members.values("story_id").annotate(last=Max("published_at")).values("last")
        ),
    )


# Staff decisions -------------------------------------------------------------------------------


@transaction.atomic
def split_out(article):
    """Take `article` out of its story for good: it stands alone, and grouping leaves it so.
    A story left with one article is deleted (a story is two sources or more)."""
    old_story_id = article.story_id
    Article.objects.filter(pk=article.pk).update(story=None, story_pinned=True)
    if old_story_id is not None:
        remaining = Article.objects.filter(story_id=old_story_id)
        if remaining.count() < 2:
            remaining.update(story=None)
            Story.objects.filter(pk=old_story_id).delete()
        else:
            refresh_dates({old_story_id})
    bump_data_version()


@transaction.atomic
def merge(stories_to_merge):
    """Merge the stories into the one with the earliest article (it keeps its id, title and
    page); their articles are pinned there. Returns that story; the others are deleted."""
    stories_to_merge = sorted(
        stories_to_merge,
        key=lambda story: (story.first_published_at is None, story.first_published_at, story.pk),
    )
    target, others = stories_to_merge[0], stories_to_merge[1:]
    Article.objects.filter(story__in=stories_to_merge).update(story=target, story_pinned=True)
    Story.objects.filter(pk__in=[story.pk for story in others]).delete()
    refresh_dates({target.pk})
    bump_data_version()
    return target


def regroup():
    """Group every article again, except those staff pinned (after a change of parameters)."""
    with transaction.atomic():
        Article.objects.filter(story_pinned=False).update(story=None, story_checked=False)
        Story.objects.filter(articles__isnull=True).delete()
    return group_new_articles()
