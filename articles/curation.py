"""What editors do to the data, as plain functions the admin, tests and the shell all call.

Every operation runs in one transaction, bumps the data version (so cached figures in every
process go stale at once, see articles/cache.py) and marks the articles whose content it changed
as edited by staff, so that a later import of the same file keeps the editor's version. Merges
need no mark: the alias they leave maps the old name or domain to the survivor on every import.
Each takes the articles as a QuerySet (or any iterable of Article) and returns how many changed.
"""

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from .cache import bump_data_version
from .models import (
    Article,
    ArticleStatus,
    ArticleTopic,
    ProviderAlias,
    Topic,
    TopicAlias,
)


class CurationError(ValueError):
    """An operation that makes no sense, e.g. merging a topic into itself."""


def _articles(articles):
    """A fresh, unordered QuerySet of the given articles, safe for update()."""
    if isinstance(articles, QuerySet):
        return Article.objects.filter(pk__in=articles.values("pk"))
    return Article.objects.filter(pk__in=[article.pk for article in articles])


def _set(articles, field, value):
    """Set `field` where it differs, mark those articles edited, return how many changed."""
    # Django writes ~Q(quality=5) so that NULL rows count as differing too.
    differs = Q(**{f"{field}__isnull": False}) if value is None else ~Q(**{field: value})
    with transaction.atomic():
        changed = _articles(articles).filter(differs).update(edited_by_staff=True, **{field: value})
        bump_data_version()
    return changed


def publish(articles):
    """Show the articles to readers (also drafts and withdrawn ones: the editor decides)."""
    return _set(articles, "status", ArticleStatus.PUBLISHED)


def hide(articles):
    """Hide the articles from readers; an import will not publish them again."""
    return _set(articles, "status", ArticleStatus.HIDDEN)


def set_quality(articles, quality):
    """Set the editorial score (a whole number ≥ 0, not capped; None clears it)."""
    if quality is not None and (not isinstance(quality, int) or quality < 0):
        raise CurationError(f"quality must be a whole number ≥ 0 or None, got {quality!r}")
    return _set(articles, "quality", quality)


def release_edit_mark(articles):
    """Let the next import update these articles again (undoes the edited-by-staff mark)."""
    with transaction.atomic():
        changed = _articles(articles).filter(edited_by_staff=True).update(edited_by_staff=False)
        bump_data_version()
    return changed


def add_topic(articles, topic):
    """Give the articles `topic` (listed after their other topics); skip those that have it."""
    has_topic = ArticleTopic.objects.filter(article=OuterRef("pk"), topic=topic)
    last_position = (
        ArticleTopic.objects.filter(article=OuterRef("pk"))
        .order_by("-position")
        .values("position")[:1]
    )
    with transaction.atomic():
        missing = (
            _articles(articles)
            .filter(~Exists(has_topic))
            .annotate(last_position=Subquery(last_position))
            .values_list("pk", "last_position")
        )
        rows = [
            ArticleTopic(article_id=pk, topic=topic, position=0 if last is None else last + 1)
            for pk, last in missing.iterator(chunk_size=2000)
        ]
        ArticleTopic.objects.bulk_create(rows, batch_size=1000)
        _mark_edited([row.article_id for row in rows])
        bump_data_version()
    return len(rows)


def remove_topic(articles, topic):
    """Take `topic` off the articles; return how many had it."""
    with transaction.atomic():
        links = ArticleTopic.objects.filter(
            topic=topic, article__in=_articles(articles).values("pk")
        )
        article_ids = list(links.values_list("article_id", flat=True))
        links.delete()
        _mark_edited(article_ids)
        bump_data_version()
    return len(article_ids)


def _mark_edited(article_ids, batch_size=1000):
    for start in range(0, len(article_ids), batch_size):
        Article.objects.filter(pk__in=article_ids[start : start + batch_size]).update(
            edited_by_staff=True
        )


def merge(sources, target):
    """Fold each of `sources` into `target` and delete it, all in one transaction.

    Topics into a topic: every article of a source gets `target` (once: articles with both keep
    one link), its children and aliases move to `target`, and its slug and name become a
    TopicAlias of `target`, so its old page redirects and imports map its name to `target`.
    Providers into a provider: their articles and aliases move to `target`, and their domains
    become ProviderAliases of `target`. Returns how many articles gained or moved to `target`.
    """
    model = type(target)
    fold = _fold_topic if model is Topic else _fold_provider
    moved = 0
    with transaction.atomic():
        for source in sources:
            if source.pk == target.pk:
                raise CurationError(
                    f"Cannot merge {model._meta.verbose_name} {source} into itself."
                )
            # Fresh rows: an earlier merge in the batch may have moved either in the tree.
            source, fresh_target = model.objects.get(pk=source.pk), model.objects.get(pk=target.pk)
            # Articles are not marked as edited: the alias maps `source` to `target` on
            # re-import, so upstream updates keep flowing and the merge still holds.
            moved += fold(source, fresh_target)
            source.delete()
        bump_data_version()
    return moved


def merge_topics(source, target):
    """Fold one topic into another (see `merge`)."""
    return merge([source], target)


def merge_providers(source, target):
    """Fold one provider into another (see `merge`)."""
    return merge([source], target)


def _fold_topic(source, target):
    source_links = ArticleTopic.objects.filter(topic=source)
    source_links.filter(
        article_id__in=ArticleTopic.objects.filter(topic=target).values("article_id")
    ).delete()
    moved = source_links.update(topic=target)

    ancestors_of_target = _ancestor_ids(target)
    for child in Topic.objects.filter(parent=source):
        # A child on the path down to `target` cannot move under it (that would make a loop);
        # it takes `source`'s place in the tree instead.
        on_path = child.pk == target.pk or child.pk in ancestors_of_target
        child.parent_id = source.parent_id if on_path else target.pk
        child.save(update_fields=["parent"])

    TopicAlias.objects.filter(topic=source).update(topic=target)
    TopicAlias.objects.filter(Q(slug=source.slug) | Q(name_key=source.name_key)).delete()
    TopicAlias.objects.create(slug=source.slug, name_key=source.name_key, topic=target)
    return moved


def _ancestor_ids(topic):
    ids = set()
    parent_id = topic.parent_id
    while parent_id is not None and parent_id not in ids:
        ids.add(parent_id)
        parent_id = Topic.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()
    return ids


def _fold_provider(source, target):
    moved = Article.objects.filter(provider=source).update(provider=target)
    ProviderAlias.objects.filter(provider=source).update(provider=target)
    ProviderAlias.objects.filter(domain=source.domain).delete()
    ProviderAlias.objects.create(domain=source.domain, provider=target)
    return moved
