"""Atom feeds of any article list: latest, per topic, per provider, each narrowed by the list's
own query parameters (/feeds/articles/?topic=ai&quality_min=50 mirrors /?topic=ai&quality_min=50).

Entries link to our detail page (rel="alternate") and to the story at its source (rel="related").
Imported text is passed through `xml_safe`: one control character would make the whole feed
unparseable, and Django's XML writer refuses it with an exception (a 500) rather than drop it.
"""

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from .aliases import provider_by_domain, topic_by_slug
from .charts import xml_safe
from .dashboard.figures import figures_for, filterset_for
from .filters import ArticleFilter, describe, start_of_day
from .http import BadParameters, Moved, cache_for_readers, redirect_keeping_query, with_query
from .models import Article, Story

ENTRIES = 50


class SourceLinkAtomFeed(Atom1Feed):
    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("source_link"):
            handler.addQuickElement(
                "link", "", {"rel": "related", "href": item["source_link"], "title": "Source"}
            )


@dataclass
class FeedSource:
    title: str
    link: str  # the reader page listing the same articles
    feed_url: str
    subtitle: str
    articles: QuerySet


def feed_title(cleaned_data, *, within=""):
    """ "Newsroom — AI in Autos, quality ≥ 70": the reader pages' rel=alternate titles too."""
    return f"Newsroom — {describe(cleaned_data, within=within)}"


def errors_as_xml(errors):
    """A 400 whose body is well-formed XML naming each bad parameter (messages escaped)."""
    root = ET.Element("errors")
    for param, messages in errors.items():
        for message in messages:
            ET.SubElement(root, "error", parameter=xml_safe(param)).text = xml_safe(message)
    body = ET.tostring(root, encoding="unicode", xml_declaration=True)
    return HttpResponse(body, status=400, content_type="application/xml; charset=utf-8")


class ArticlesFeed(Feed):
    """/feeds/articles/: the latest visible articles, narrowed by the list's parameters."""

    feed_type = SourceLinkAtomFeed

    def __call__(self, request, *args, **kwargs):
        try:
            response = super().__call__(request, *args, **kwargs)
        except BadParameters as exc:
            return errors_as_xml(exc.errors)
        except Moved as exc:
            return redirect_keeping_query(request, exc.url)
        return cache_for_readers(response, request)

    def base(self, request, **kwargs):
        """(name of the list, reader page, articles) before the query parameters narrow them;
        the whole list has no name of its own."""
        return "", reverse("articles:article_list"), Article.objects.all()

    def get_object(self, request, **kwargs):
        title, page, articles = self.base(request, **kwargs)
        filterset = ArticleFilter(request.GET, queryset=articles.visible_to(request.user))
        if not filterset.is_valid():
            raise BadParameters(filterset.errors)
        query = request.GET.urlencode()
        return FeedSource(
            title=feed_title(filterset.form.cleaned_data, within=title),
            link=with_query(page, query),
            feed_url=request.get_full_path(),
            subtitle=f"Curated AI news from Newsroom. Filters: {query}."
            if query
            else "Curated AI news from Newsroom.",
            articles=filterset.qs,
        )

    def title(self, source):
        return xml_safe(source.title)

    def link(self, source):
        return source.link

    def feed_url(self, source):
        return source.feed_url

    def subtitle(self, source):
        return xml_safe(source.subtitle)

    def items(self, source):
        return source.articles.for_listing()[:ENTRIES]

    def item_title(self, article):
        return xml_safe(article.title)

    def item_description(self, article):
        # Atom <summary type="html">: the excerpt is plain text, so it is escaped once here.
        return escape(xml_safe(article.excerpt))

    def item_link(self, article):
        return article.get_absolute_url()

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.updated_at

    def item_author_name(self, article):
        return xml_safe(article.provider.name) if article.provider else None

    def item_categories(self, article):
        return [xml_safe(link.topic.name) for link in article.article_topics.all()]

    def item_extra_kwargs(self, article):
        return {"source_link": article.source_link}


class TopicFeed(ArticlesFeed):
    """/feeds/topics/<slug>/: a topic's articles (the list's parameters narrow it further)."""

    def base(self, request, slug):
        topic, moved = topic_by_slug(slug, request.user)
        if topic is None:
            raise Http404("No such topic.")
        if moved:
            raise Moved(reverse("feed_topic", args=[topic.slug]))
        return topic.name, topic.get_absolute_url(), Article.objects.filter(topics=topic)


class ProviderFeed(ArticlesFeed):
    """/feeds/providers/<domain>/: a provider's articles."""

    def base(self, request, domain):
        provider, moved = provider_by_domain(domain, request.user)
        if provider is None:
            raise Http404("No such provider.")
        if moved:
            raise Moved(reverse("feed_provider", args=[provider.domain]))
        return (
            provider.name or provider.domain,
            provider.get_absolute_url(),
            Article.objects.filter(provider=provider),
        )


class RisingFeed(ArticlesFeed):
    """/feeds/rising/: topics and providers rising this week (articles/dashboard/rising.py), an
    entry per rising one and week, linking to its list; the list's parameters narrow it."""

    def get_object(self, request, **kwargs):
        filterset = filterset_for(request.user, request.GET)
        if not filterset.is_valid():
            raise BadParameters(filterset.errors)
        query = request.GET.urlencode()
        rising = figures_for(request.user, filterset)["rising"]
        return FeedSource(
            title="Newsroom: rising topics and providers",
            link=with_query(reverse("dashboard"), query),
            feed_url=request.get_full_path(),
            subtitle=(
                f"Topics and providers with more articles than usual in the 7 days to "
                f"{rising['to']}, against the 8 weeks before."
            ),
            articles=[
                *[("Topic", entry, rising["to"]) for entry in rising["topics"]],
                *[("Provider", entry, rising["to"]) for entry in rising["providers"]],
            ],
        )

    def items(self, source):
        return source.articles

    def item_title(self, item):
        kind, entry, _ = item
        return xml_safe(
            f"{kind} {entry['name']}: {entry['count']} articles (usually {entry['usual']:g})"
        )

    def item_description(self, item):
        kind, entry, to = item
        return escape(
            xml_safe(
                f"{entry['count']} articles in the 7 days to {to}; usually {entry['usual']:g} "
                f"a week over the 8 weeks before (score {entry['score']:g})."
            )
        )

    def item_link(self, item):
        return item[1]["href"]

    def item_guid(self, item):
        kind, entry, to = item
        return f"rising:{kind.lower()}:{entry['key']}:{to}"

    def item_guid_is_permalink(self, item):
        return False

    def item_pubdate(self, item):
        return start_of_day(date.fromisoformat(item[2]))

    def item_updateddate(self, item):
        return None

    def item_author_name(self, item):
        return None

    def item_categories(self, item):
        return [item[0]]

    def item_extra_kwargs(self, item):
        return {}


class StoryFeed(ArticlesFeed):
    """/feeds/stories/<id>/: a story's articles, newest first."""

    def base(self, request, pk):
        story = Story.objects.filter(pk=pk).first()
        if story is None:
            raise Http404("No such story.")
        return story.title, story.get_absolute_url(), Article.objects.filter(story=story)
