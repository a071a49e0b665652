"""Reading articles back from the database as records, for export (files, admin action)."""

from articles.models import Article, ArticleStatus, status_from_flags

from .records import ArticleRecord, ImageRecord, ProviderRecord, RelatedRecord
from .upsert import IMAGE_FIELDS


def article_records(queryset=None):
    """Yield (slug, ArticleRecord) for every full article, in a stable order, as its file would
    say it: staff edits included, and the `published`/`deleted` flags adjusted to the status."""
    queryset = Article.objects.all() if queryset is None else queryset
    articles = (
        queryset.filter(is_stub=False)
        .select_related("provider")
        .prefetch_related("article_topics__topic", "images", "related_links__target")
        .order_by("published_at", "url")
    )
    for article in articles.iterator(chunk_size=500):
        published, deleted = flags_for(article)
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
            ),
        )


def provider_record(provider):
    if provider is None:
        return None
    return ProviderRecord(domain=provider.domain, name=provider.name, images=provider.images)


def flags_for(article):
    """The file's own flags when they still give the article's status; else the nearest flags
    that do (a status staff set by hand flows back to the file this way)."""
    published, deleted = article.published_flag, article.deleted_flag
    if status_from_flags(published, deleted) == article.status:
        return published, deleted
    if article.status == ArticleStatus.WITHDRAWN:
        return published, True
    deleted = False if deleted else deleted
    if article.status == ArticleStatus.PUBLISHED:
        return (True if published is False else published), deleted
    # Draft, or hidden by staff: the format's only way to keep it from readers.
    return False, deleted
