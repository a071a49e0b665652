"""Reading articles back from the database as records, for export (files, admin action)."""

from articles.models import (
    Article,
    ArticleStatus,
    Provider,
    ProviderAlias,
    Topic,
    TopicAlias,
    slug_for,
    status_from_flags,
)

from .records import (
    ArticleRecord,
    ImageRecord,
    ProviderRecord,
    RelatedRecord,
    StaffStateRecord,
    TopicRecord,
)
from .upsert import IMAGE_FIELDS


def article_records(queryset=None):
    """Yield (slug, ArticleRecord) for every full article, in a stable order, as its file would
    say it: staff edits included, and the `published`/`deleted` flags adjusted to the status."""
    queryset = Article.objects.all() if queryset is None else queryset
    articles = (
        queryset.filter(is_stub=False)
        .select_related("provider")
        .prefetch_related(
            "provider__aliases", "article_topics__topic", "images", "related_links__target"
        )
        .order_by("published_at", "url")
    )
    for article in articles.iterator(chunk_size=500):
        published, deleted = flags_for(article.published_flag, article.deleted_flag, article.status)
        yield (
            article.slug,
            ArticleRecord(
                url=article.url,
                title=article.title,
                published_at=article.published_at,
                excerpt=article.excerpt,
                body=article.body,
                category=article.category,
                type=article.type,
                original_url=article.original_url,
                web_url=article.web_url,
                amp_url=article.amp_url,
                cdn_amp_url=article.cdn_amp_url,
                quality=article.quality,
                heat=article.heat,
                published=published,
                deleted=deleted,
                provider=provider_record(article.provider),
                topics=[link.topic.name for link in article.article_topics.all()],
                images=[
                    ImageRecord(
                        **{name: getattr(image, name) for name in IMAGE_FIELDS[:5]},
                        extra=image.extra,
                    )
                    for image in article.images.all()
                ],
                related=[
                    RelatedRecord(url=link.target.url, title=link.target.title, entry=link.entry)
                    for link in article.related_links.all()
                ],
                secured=article.secured,
                extra=article.extra,
                provider_entry=own_provider_entry(article),
                repaired=article.repaired_text,
            ),
        )


def topic_records():
    """Yield (slug, TopicRecord) for every topic that has a taxonomy file (an `_id`), in display
    order. A topic only named in articles has none: the articles' own files bring it back."""
    topics = Topic.objects.exclude(external_id=None).select_related("parent")
    for topic in topics.order_by("position", "name_key"):
        yield (
            topic.slug,
            TopicRecord(
                external_id=topic.external_id,
                name=topic.name,
                shortname=topic.shortname,
                parent=topic.parent.name if topic.parent else "",
                description=topic.description,
                keywords=topic.keywords,
                hashtags=topic.hashtags,
                images=topic.images,
                position=topic.position,
                extra=topic.extra,
            ),
        )


def provider_records():
    """Yield a ProviderRecord for every provider, as its organization record would say it."""
    for provider in Provider.objects.order_by("domain"):
        yield ProviderRecord(
            domain=provider.domain,
            name=provider.name,
            images=provider.images,
            description=provider.description,
            extra=provider.extra,
        )


def staff_state():
    """What staff decided that the other files cannot say: per article (hidden, edited, a slug
    set by hand, the file's own flags where the exported ones differ), and the merges."""
    articles = []
    rows = Article.objects.filter(is_stub=False).order_by("url")
    for url, status, edited, slug, title, published, deleted in rows.values_list(
        "url", "status", "edited_by_staff", "slug", "title", "published_flag", "deleted_flag"
    ):
        entry = {}
        if status == ArticleStatus.HIDDEN:
            entry["hidden"] = True
        if edited:
            entry["edited"] = True
        if slug != slug_for(title, fallback="article"):
            entry["slug"] = slug
        if flags_for(published, deleted, status) != (published, deleted):
            entry["fileFlags"] = {"published": published, "deleted": deleted}
        if entry:
            articles.append({"url": url, **entry})
    return StaffStateRecord(
        articles=articles,
        topic_aliases=[
            {"slug": slug, "nameKey": key, "topic": topic}
            for slug, key, topic in TopicAlias.objects.order_by("slug").values_list(
                "slug", "name_key", "topic__name"
            )
        ],
        provider_aliases=[
            {"domain": domain, "provider": provider}
            for domain, provider in ProviderAlias.objects.order_by("domain").values_list(
                "domain", "provider__domain"
            )
        ],
    )


def provider_record(provider):
    if provider is None:
        return None
    return ProviderRecord(domain=provider.domain, name=provider.name, images=provider.images)


def own_provider_entry(article):
    """The article's provider block as its file wrote it, while it still names the article's
    provider (directly or through a merge alias); {} once staff moved the article elsewhere."""
    entry, provider = article.provider_entry, article.provider
    if not entry or provider is None:
        return {}
    domains = {provider.domain, *(alias.domain for alias in provider.aliases.all())}
    return entry if str(entry.get("domain", "")).lower() in domains else {}


def flags_for(published, deleted, status):
    """The file's own flags when they still give the article's status; else the nearest flags
    that do (a status staff set by hand flows back to the file this way)."""
    if status_from_flags(published, deleted) == status:
        return published, deleted
    if status == ArticleStatus.WITHDRAWN:
        return published, True
    deleted = False if deleted else deleted
    if status == ArticleStatus.PUBLISHED:
        return (True if published is False else published), deleted
    # Draft, or hidden by staff: the format's only way to keep it from readers.
    return False, deleted
