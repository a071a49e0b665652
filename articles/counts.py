"""How many articles a user may see per topic and per provider: /topics/, /providers/ and the
API's topic and provider lists show the same numbers."""

from django.db.models import Count

from .cache import cached
from .models import Article, ArticleTopic, audience


def topic_counts(user, *, version=None):
    """{topic id: visible articles}, for every topic with any; cached (a scan of the links)."""
    visible = Article.objects.visible_to(user)
    return cached(
        f"topic-counts:{audience(user)}",
        lambda: dict(
            ArticleTopic.objects.filter(article__in=visible.values("pk"))
            .values_list("topic")
            .annotate(count=Count("pk"))
            .order_by()
        ),
        version=version,
    )


def provider_counts(user, *, version=None):
    """{provider id: visible articles}, for every provider with any; cached."""
    visible = Article.objects.visible_to(user)
    return cached(
        f"provider-counts:{audience(user)}",
        lambda: dict(visible.values_list("provider").annotate(count=Count("pk")).order_by()),
        version=version,
    )
