"""Reader pages: thin views over ArticleQuerySet (visibility), ArticleFilter and the facets."""

import re
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django.core.paginator import EmptyPage, Paginator
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.functional import cached_property
from django.views.decorators.http import require_safe

from .aliases import provider_by_domain, topic_by_slug
from .cache import cached, current_data_version, digest
from .counts import provider_counts, topic_counts
from .date_facets import date_facets
from .facets import FACET_WINDOW, bounded_count, listing_facets
from .feeds import feed_title
from .filters import (
    SEARCH_MAX_LENGTH,
    ArticleFilter,
    PeriodChoices,
    SortChoices,
    chosen_sort,
    filter_params,
    searching,
)
from .http import redirect_keeping_query, with_query
from .models import Article, ArticleTopic, Audience, Provider, RelatedLink, Topic, audience
from .safe_urls import http_url
from .search_syntax import MAX_TERMS
from .search_syntax import parse as parse_search
from .story_pages import BadGroup, add_story_cards, newest_of_each_story, one_card_per_story

ARTICLES_PER_PAGE = 20
PROVIDERS_PER_PAGE = 100
MORE_ARTICLES = 5
PAGE_NUMBER = re.compile(r"[0-9]{1,9}")


def cached_for_readers(view):
    """Serve anonymous readers a page cached under the data version and the full URL.

    Every import batch and staff edit bumps the data version, so a cached page never outlives
    the data it shows, in any process. Staff (who see drafts, with badges) always get a fresh
    page. A miss renders as usual, reusing the version read here.
    """

    @require_safe
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if audience(request.user) == Audience.STAFF:
            return view(request, *args, **kwargs)
        request.data_version = current_data_version()
        key = digest(request.scheme, request.get_host(), request.get_full_path())

        def render_page():
            response = view(request, *args, **kwargs)
            return {
                "status": response.status_code,
                "content": response.content,
                "headers": {
                    name: response[name]
                    for name in ("Content-Type", "Location")
                    if response.has_header(name)
                },
            }

        page = cached(f"page:{key}", render_page, version=request.data_version)
        return HttpResponse(page["content"], status=page["status"], headers=page["headers"])

    return wrapper


def data_version(request):
    """The version the page cache read for this request, else a fresh read."""
    version = getattr(request, "data_version", None)
    return current_data_version() if version is None else version


class CountedPaginator(Paginator):
    """A Paginator given its count, which the facet cache already holds (no COUNT query).

    Past COUNT_BOUND matches that count is the bound, so pages are numbered only that far.
    """

    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self):
        return self.known_count


class BadPage(Exception):
    pass


def page_number(request):
    raw = request.GET.get("page", "")
    if raw == "":
        return 1
    if not PAGE_NUMBER.fullmatch(raw) or int(raw) < 1:
        raise BadPage(f"“page” must be a whole number from 1; got “{raw[:20]}”.")
    return int(raw)


@dataclass
class Chip:
    label: str
    query: QueryDict


def active_filter_chips(request, cleaned_data):
    """One removable chip per active filter value; its link drops that value and the page."""
    chips = []

    def add(label, name, value=None):
        query = request.GET.copy()
        query.pop("page", None)
        if value is None:
            query.pop(name, None)
        else:
            query.setlist(name, [kept for kept in query.getlist(name) if kept != value])
        chips.append(Chip(label, query))

    if cleaned_data.get("q"):
        add(f"Search: “{cleaned_data['q']}”", "q")
    for topic in cleaned_data.get("topic") or []:
        add(f"Topic: {topic.name}", "topic", topic.slug)
    for provider in cleaned_data.get("provider") or []:
        add(f"Provider: {provider.name or provider.domain}", "provider", provider.domain)
    if cleaned_data.get("quality_min") is not None:
        add(f"Quality ≥ {cleaned_data['quality_min']}", "quality_min")
    if cleaned_data.get("quality_max") is not None:
        add(f"Quality ≤ {cleaned_data['quality_max']}", "quality_max")
    if cleaned_data.get("period"):
        add(dict(PeriodChoices.choices)[cleaned_data["period"]], "period")
    if cleaned_data.get("date_from"):
        add(f"From {cleaned_data['date_from'].isoformat()}", "date_from")
    if cleaned_data.get("date_to"):
        add(f"To {cleaned_data['date_to'].isoformat()}", "date_to")
    for value in cleaned_data.get("type") or []:
        add(f"Type: {value}", "type", value)
    for value in cleaned_data.get("category") or []:
        add(f"Category: {value}", "category", value)
    if cleaned_data.get("has_image"):
        add("With an image", "has_image")
    return chips


def sort_links(cleaned_data):
    current = chosen_sort(cleaned_data)
    return [
        {"value": value, "label": label, "current": value == current}
        for value, label in SortChoices.choices
        if value != SortChoices.RELEVANCE or searching(cleaned_data)
    ]


@dataclass
class FollowLinks:
    """Where to follow or export exactly the articles of a list: same filters, same order."""

    title: str
    atom: str
    csv: str = ""  # "" when the API cannot say it (see follow_links)
    json: str = ""


def follow_links(cleaned_data, *, feed, within="", implied=()):
    """Links for the list's current filters (sort kept, page dropped).

    The CSV and JSON endpoints have no topic or provider in their path, so a topic page passes
    its topic as a parameter; when the reader also chose other topics there (or providers on a
    provider page) the parameters would mean OR instead of AND, and those two links are left out.
    """
    pairs = filter_params(cleaned_data, leave_out=())
    query = urlencode(pairs)
    links = FollowLinks(title=feed_title(cleaned_data, within=within), atom=with_query(feed, query))
    if not any(name == facet for facet, _ in implied for name, _ in pairs):
        everywhere = urlencode(sorted([*implied, *pairs]))
        links.csv = with_query(reverse("export_articles_csv"), everywhere)
        links.json = with_query(reverse("api_articles"), everywhere)
    return links


def article_listing(request, base, *, scope, feed, within="", context=(), implied=()):
    """The filtered, faceted, paginated list over `base` (already limited to what the user sees).

    `scope` names `base` for the facet cache; `implied` are (facet, value) pairs that `base`
    already fixes (a topic page's own topic), left out of the facets; `feed` is the Atom feed
    of `base` and `within` its name. Bad parameters re-render the page with the errors and
    status 400, never a 500.
    """
    context = dict(context)
    filterset = ArticleFilter(request.GET, queryset=base)
    errors = []
    if not filterset.is_valid():
        errors.append("Some filters are not valid; fix the fields marked below.")
    version = data_version(request)
    total, total_is_lower_bound, facets, with_image = listing_facets(
        filterset, f"{scope}:{audience(request.user)}", version=version
    )
    for facet_name, value in implied:
        facet = facets[facet_name]
        facet.choices = [choice for choice in facet.choices if choice.value != value]
    page_obj = None
    listing = filterset.qs
    try:
        per_story = one_card_per_story(request)
    except BadGroup as exc:
        per_story = False
        errors.append(str(exc))
    if per_story and not errors:
        listing = newest_of_each_story(listing)
        total, total_is_lower_bound = bounded_count(listing)
    paginator = CountedPaginator(listing.for_listing(), ARTICLES_PER_PAGE, count=total)
    if not errors:
        try:
            page_obj = paginator.page(page_number(request))
        except BadPage as exc:
            errors.append(str(exc))
        except EmptyPage:
            errors.append(no_such_page(request.GET["page"], paginator, total_is_lower_bound))
    if page_obj is not None:
        add_story_cards(page_obj.object_list, request.user, with_others=per_story)
    data = filterset.form.cleaned_data
    periods = (
        []
        if errors
        else date_facets(filterset, f"{scope}:{audience(request.user)}", version=version)
    )
    search_query = parse_search(data["q"]) if not errors and searching(data) else None
    context.update(
        search_query=search_query,
        periods=periods,
        search_text=request.GET.get("q", "")[:SEARCH_MAX_LENGTH],
        max_terms=MAX_TERMS,
        follow=None if errors else follow_links(data, feed=feed, within=within, implied=implied),
        filterset=filterset,
        form=filterset.form,
        filters=data,
        errors=errors,
        total=total,
        total_is_lower_bound=total_is_lower_bound,
        facets=facets,
        # Only when there are more results than the facets' window (a bounded total of
        # exactly FACET_WINDOW means more).
        counts_window=(
            FACET_WINDOW
            if total > FACET_WINDOW or (total_is_lower_bound and total >= FACET_WINDOW)
            else None
        ),
        with_image=with_image,
        chips=active_filter_chips(request, data),
        sort_links=sort_links(data),
        current_sort=data.get("sort") or "",
        per_story=per_story,
        page_obj=page_obj,
        page_range=(
            paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)
            if page_obj is not None
            else []
        ),
        period_choices=PeriodChoices.choices,
    )
    return render(request, "articles/article_list.html", context, status=400 if errors else 200)


def no_such_page(raw, paginator, total_is_lower_bound):
    pages = paginator.num_pages
    if total_is_lower_bound:
        # Only the bounded count is known, so pages are numbered only that far.
        return (
            f"There is no page {raw} here: only the first {pages:,} pages of these results "
            "can be shown. Narrow the filters (e.g. the dates) or change the sort to see others."
        )
    return f"There is no page {raw}: these results have {pages} page{'s' if pages != 1 else ''}."


@cached_for_readers
def article_list(request):
    return article_listing(
        request,
        Article.objects.visible_to(request.user),
        scope="all",
        feed=reverse("feed_articles"),
    )


@cached_for_readers
def topic_detail(request, slug):
    topic, moved = topic_by_slug(slug, request.user)
    if topic is None:
        raise Http404("No such topic.")
    if moved:
        return redirect_keeping_query(request, topic.get_absolute_url())
    in_topic = Exists(ArticleTopic.objects.filter(article=OuterRef("pk"), topic=topic))
    return article_listing(
        request,
        Article.objects.visible_to(request.user).filter(in_topic),
        scope=f"topic:{topic.pk}",
        feed=reverse("feed_topic", args=[topic.slug]),
        within=topic.name,
        context={"topic": topic, "children": list(topic.children.public_to(request.user))},
        implied=[("topic", topic.slug)],
    )


@cached_for_readers
def provider_detail(request, domain):
    provider, moved = provider_by_domain(domain, request.user)
    if provider is None:
        raise Http404("No such provider.")
    if moved:
        return redirect_keeping_query(request, provider.get_absolute_url())
    return article_listing(
        request,
        Article.objects.visible_to(request.user).filter(provider=provider),
        scope=f"provider:{provider.pk}",
        feed=reverse("feed_provider", args=[provider.domain]),
        within=provider.name or provider.domain,
        context={"provider": provider},
        implied=[("provider", provider.domain)],
    )


def related_item(link):
    """What a related entry may show: the target itself if the reader may see it, else only
    what the entry wrote (never the target row's title, provider or date)."""
    if link.target_visible:
        target = link.target
        return {
            "title": target.title,
            "href": target.get_absolute_url(),
            "external": False,
            "provider": target.provider and (target.provider.name or target.provider.domain),
            "published_at": target.published_at,
        }
    entry = link.entry if isinstance(link.entry, dict) else {}
    provider = entry.get("provider") if isinstance(entry.get("provider"), dict) else {}
    return {
        "title": str(entry.get("title") or entry.get("webUrl") or "Untitled"),
        "href": http_url(entry.get("webUrl")),
        "external": True,
        "provider": str(provider.get("name") or provider.get("domain") or ""),
        "published_at": parsed_datetime(entry.get("publishedDateTime")),
    }


def parsed_datetime(value):
    try:
        return parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        return None


@cached_for_readers
def article_detail(request, pk, slug):
    visible = Article.objects.visible_to(request.user)
    related = RelatedLink.objects.select_related("target__provider").order_by("position")
    # Whether we can show the related article ourselves, in the same query as the links.
    related = related.annotate(target_visible=Exists(visible.filter(pk=OuterRef("target_id"))))
    article = get_object_or_404(
        visible.for_listing().prefetch_related(Prefetch("related_links", queryset=related)),
        pk=pk,
    )
    if slug != (article.slug or "article"):
        return redirect(article, permanent=True)
    topics = [link.topic for link in article.article_topics.all()]
    others = (
        visible.exclude(pk=article.pk).select_related("provider").order_by("-published_at", "-id")
    )
    more_topic = most_specific(topics, topic_depths(data_version(request)))
    more_on_topic = []
    if more_topic:
        in_topic = Exists(ArticleTopic.objects.filter(article=OuterRef("pk"), topic=more_topic))
        more_on_topic = list(others.filter(in_topic)[:MORE_ARTICLES])
    more_from_provider = []
    if article.provider_id:
        # Not the stories already offered under "more on <topic>".
        from_provider = others.filter(provider_id=article.provider_id).exclude(
            pk__in=[item.pk for item in more_on_topic]
        )
        more_from_provider = list(from_provider[:MORE_ARTICLES])
    images = [image for image in article.images.all() if http_url(image.url)]
    page_url = request.build_absolute_uri(article.get_absolute_url())
    return render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "topics": topics,
            "lead_image": images[0] if images else None,
            "related": [related_item(link) for link in article.related_links.all()],
            "more_topic": more_topic,
            "more_on_topic": more_on_topic,
            "more_from_provider": more_from_provider,
            "page_url": page_url,
            "json_ld": news_article_json_ld(article, page_url, topics, images),
        },
    )


def topic_depths(version):
    """{topic id: how many ancestors it has}, cached under the data version (one query cold)."""

    def depths():
        parents = dict(Topic.objects.values_list("pk", "parent_id"))
        found = {}
        for pk in parents:
            seen, parent = {pk}, parents[pk]
            while parent is not None and parent not in seen:  # a parent loop stops the walk
                seen.add(parent)
                parent = parents.get(parent)
            found[pk] = len(seen) - 1
        return found

    return cached("topic-depths", depths, version=version)


def most_specific(topics, depths):
    """The deepest of `topics` in the taxonomy (the first listed on a tie), or None: "More on
    Computer Vision" rather than the root "AI" that nearly every article carries."""
    if not topics:
        return None
    return max(topics, key=lambda topic: (depths.get(topic.pk, 0), -topics.index(topic)))


def news_article_json_ld(article, page_url, topics, images):
    """schema.org NewsArticle for search engines; imported strings go in as data only."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.excerpt,
        "url": page_url,
        "mainEntityOfPage": page_url,
        "datePublished": article.published_at.isoformat() if article.published_at else None,
        "dateModified": article.updated_at.isoformat() if article.updated_at else None,
        "image": [image.url for image in images],
        "keywords": [topic.name for topic in topics],
        "isBasedOn": http_url(article.source_link) or None,
    }
    if article.provider:
        publisher = {"@type": "Organization", "name": article.provider.name}
        logo = article.logo
        if logo and http_url(logo.get("url")):
            publisher["logo"] = {"@type": "ImageObject", "url": logo["url"]}
        data["publisher"] = publisher
    return {key: value for key, value in data.items() if value not in (None, "", [])}


@cached_for_readers
def topic_list(request):
    counts = topic_counts(request.user, version=data_version(request))
    topics = list(Topic.objects.public_to(request.user))
    for topic in topics:
        topic.article_count = counts.get(topic.pk, 0)
    return render(request, "articles/topic_list.html", {"topic_tree": topic_tree(topics)})


def topic_tree(topics):
    """[(topic, [(child, […]), …]), …] in display order; a topic appears once even if the
    taxonomy has a parent loop (its members then show as roots)."""
    children = {}
    for topic in topics:
        children.setdefault(topic.parent_id, []).append(topic)
    placed = set()

    def branch(topic):
        placed.add(topic.pk)
        below = [child for child in children.get(topic.pk, []) if child.pk not in placed]
        return (topic, [branch(child) for child in below])

    known = {topic.pk for topic in topics}
    tree = [branch(topic) for topic in topics if topic.parent_id not in known]
    tree += [branch(topic) for topic in topics if topic.pk not in placed]
    return tree


@cached_for_readers
def provider_list(request):
    visible = Article.objects.visible_to(request.user)
    providers = Provider.objects.filter(Exists(visible.filter(provider=OuterRef("pk"))))
    paginator = Paginator(providers.order_by("name", "domain"), PROVIDERS_PER_PAGE)
    try:
        page_obj = paginator.page(page_number(request))
    except (BadPage, EmptyPage):
        return render(
            request,
            "articles/provider_list.html",
            {"errors": [f"There is no page “{request.GET['page'][:20]}” of providers."]},
            status=400,
        )
    counts = provider_counts(request.user, version=data_version(request))
    for provider in page_obj:
        provider.article_count = counts.get(provider.pk, 0)
    return render(
        request,
        "articles/provider_list.html",
        {
            "page_obj": page_obj,
            "page_range": paginator.get_elided_page_range(page_obj.number, on_each_side=2),
        },
    )
