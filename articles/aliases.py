"""Old names that merges left behind: a merged topic's slug, a merged provider's domain.

The one resolver behind the FilterSet (`?topic=old` lists the survivor's articles), the topic and
provider pages and their feeds (a 301 to the canonical URL), so bookmarks, feed subscriptions and
API clients keep working after a merge.
"""

import re

from .models import Provider, ProviderAlias, Topic, TopicAlias

PLAUSIBLE_DOMAIN = re.compile(r"[\w.-]{1,253}")


def topic_by_slug(slug, user):
    """(topic, moved): the topic `slug` names that `user` may know of, and whether `slug` is an
    old, merged one."""
    topics = Topic.objects.public_to(user).select_related("parent")
    topic = topics.filter(slug=slug).first()
    if topic is not None:
        return topic, False
    topic = topics.filter(aliases__slug=slug).first()
    return (topic, True) if topic else (None, False)


def provider_by_domain(domain, user):
    """(provider, moved): the provider `domain` names (any case) that `user` may know of, and
    whether it was merged."""
    domain = domain.lower()
    if not PLAUSIBLE_DOMAIN.fullmatch(domain):
        return None, False
    providers = Provider.objects.public_to(user)
    provider = providers.filter(domain=domain).first()
    if provider is not None:
        return provider, False
    provider = providers.filter(aliases__domain=domain).first()
    return (provider, True) if provider else (None, False)


def canonical_topic_slugs(slugs):
    """`slugs` with merged-away ones replaced by their survivor's slug (unknown ones kept)."""
    old = [slug for slug in slugs if "\x00" not in slug]
    moved = dict(TopicAlias.objects.filter(slug__in=old).values_list("slug", "topic__slug"))
    return [moved.get(slug, slug) for slug in slugs]


def canonical_domains(domains):
    """`domains` lower-cased, with merged-away ones replaced by their survivor's domain."""
    lowered = [domain.lower() for domain in domains]
    old = [domain for domain in lowered if "\x00" not in domain]
    moved = dict(
        ProviderAlias.objects.filter(domain__in=old).values_list("domain", "provider__domain")
    )
    return [moved.get(domain, domain) for domain in lowered]
