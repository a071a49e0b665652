"""Articles, topics and providers as JSON-ready dicts for the API.

Article keys follow the import file format (docs/api.md; ../shared/corpus/FORMAT.md), so an item
can be written back as a file: drop `id` and `url` (our page) and the null values. `secured` is
never included. Every key is always present; `null` means the file had no value. Keys the file
had outside the format follow, as the file gave them; `provider` is the file's own block.
"""

from datetime import UTC
from urllib.parse import urlencode

from django.db.models import Prefetch
from django.urls import reverse

from .ingest.export_read import own_provider_entry
from .models import ArticleStatus, RelatedLink


def with_api_joins(queryset):
    """The listing joins plus the related entries, so a page of items costs constant queries."""
    return queryset.for_listing().prefetch_related(
        "provider__aliases",  # to tell whether the file's provider block still applies
        Prefetch(
            "related_links",
            queryset=RelatedLink.objects.order_by("position"),
            to_attr="api_related_links",
        ),
    )


def iso_utc(moment):
    """An aware datetime as the files write it: 2019-12-17T15:22:00Z."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def provider_dict(provider):
    if provider is None:
        return None
    return {"name": provider.name, "domain": provider.domain, "images": provider.images}


def image_dict(image):
    values = {
        "url": image.url,
        "width": image.width,
        "height": image.height,
        "isCached": image.is_cached,
        "title": image.title or None,
    }
    values.update((key, value) for key, value in image.extra.items() if key not in values)
    return values


def article_dict(article, request, story_sizes):
    """`article` must come from `with_api_joins(...)`; `story_sizes` from story_sizes()."""
    item = {
        "id": article.pk,
        "url": request.build_absolute_uri(article.get_absolute_url()),
        "category": article.category or None,
        "title": article.title,
        "excerpt": article.excerpt or None,
        "publishedDateTime": iso_utc(article.published_at),
        "originalUrl": article.original_url or None,
        "webUrl": article.web_url or None,
        "ampWebUrl": article.amp_url or None,
        "cdnAmpWebUrl": article.cdn_amp_url or None,
        "type": article.type or None,
        "quality": article.quality,
        "heat": -1 if article.heat is None else article.heat,
        # Staff-hidden articles export as unpublished: the file format has no other way to say it.
        "published": article.status == ArticleStatus.PUBLISHED,
        "deleted": article.status == ArticleStatus.WITHDRAWN,
        "provider": own_provider_entry(article) or provider_dict(article.provider),
        "topics": [link.topic.name for link in article.article_topics.all()],
        "images": [image_dict(image) for image in article.images.all()],
        "related": [link.entry for link in article.api_related_links],
        "body": article.body or None,
        "story": story_ref(article.story_id, story_sizes, request),
    }
    # Keys outside the format, as the file gave them (one named like ours would shadow it).
    item.update((key, value) for key, value in article.extra.items() if key not in item)
    return item


def story_ref(story_id, story_sizes, request):
    """The article's story. An article no other visible article reports is a story of one,
    without an id or a page of its own."""
    size = story_sizes.get(story_id, 0)
    if story_id is None or size < 2:
        return {"id": None, "size": 1, "url": None}
    url = reverse("articles:story_detail", args=[story_id])
    return {"id": story_id, "size": size, "url": request.build_absolute_uri(url)}


def story_dict(story, articles, request):
    """A story from `stories_with_sizes()`, with its visible `articles`, oldest first."""
    return {
        "id": story.pk,
        "title": story.title,
        "size": story.size,
        "firstPublishedDateTime": iso_utc(story.first_published_at),
        "lastPublishedDateTime": iso_utc(story.last_published_at),
        "url": request.build_absolute_uri(story.get_absolute_url()),
        "feedUrl": request.build_absolute_uri(reverse("feed_story", args=[story.pk])),
        "articles": [
            {
                "id": article.pk,
                "title": article.title,
                "publishedDateTime": iso_utc(article.published_at),
                "provider": provider_dict(article.provider),
                "url": request.build_absolute_uri(article.get_absolute_url()),
                "webUrl": article.web_url or None,
            }
            for article in articles
        ],
    }


def topic_dict(topic, article_count, request):
    return {
        "id": topic.pk,
        "slug": topic.slug,
        "name": topic.name,
        "shortname": topic.shortname or None,
        "parent": topic.parent.name if topic.parent else None,
        "description": topic.description or None,
        "keywords": topic.keywords,
        "articleCount": article_count,
        "url": request.build_absolute_uri(topic.get_absolute_url()),
        "feedUrl": request.build_absolute_uri(reverse("feed_topic", args=[topic.slug])),
        "articlesUrl": request.build_absolute_uri(
            reverse("api_articles") + "?" + urlencode({"topic": topic.slug})
        ),
    }


def provider_api_dict(provider, article_count, request):
    return {
        "id": provider.pk,
        "domain": provider.domain,
        "name": provider.name,
        "description": provider.description or None,
        "images": provider.images,
        "articleCount": article_count,
        "url": request.build_absolute_uri(provider.get_absolute_url()),
        "feedUrl": request.build_absolute_uri(reverse("feed_provider", args=[provider.domain])),
        "articlesUrl": request.build_absolute_uri(
            reverse("api_articles") + "?" + urlencode({"provider": provider.domain})
        ),
    }
