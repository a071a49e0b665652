"""The JSON API and the CSV export: plain views over the same FilterSet as the reader list.

Shapes, parameters and errors are documented in docs/api.md and on the /api/ page.
"""

from functools import wraps

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from . import exports
from .counts import provider_counts, topic_counts
from .dashboard import figures as dashboard
from .filters import ArticleFilter
from .http import BadParameters, cache_for_readers, errors_response, json_response
from .models import Article, Provider, Topic
from .serializers import article_dict, provider_api_dict, story_dict, topic_dict, with_api_joins
from .story_pages import stories_with_sizes, story_sizes

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def filtered_articles(request):
    """The visible articles narrowed by the list's filters (ordered by its `sort`)."""
    filterset = ArticleFilter(request.GET, queryset=Article.objects.visible_to(request.user))
    if not filterset.is_valid():
        raise BadParameters(filterset.errors)
    return filterset.qs


def positive_int(request, name, default, maximum=None):
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameters({name: [f"Enter a whole number, not {raw[:40]!r}."]}) from None
    if value < 1:
        raise BadParameters({name: ["Must be 1 or more."]})
    if maximum is not None and value > maximum:
        raise BadParameters({name: [f"Must be at most {maximum}."]})
    return value


def paginate(request, queryset):
    """One page of `queryset` and the envelope around it: count, next, previous."""
    page_size = positive_int(request, "page_size", PAGE_SIZE, MAX_PAGE_SIZE)
    number = positive_int(request, "page", 1)
    paginator = Paginator(queryset, page_size)
    if number > paginator.num_pages:
        raise BadParameters(
            {"page": [f"There is no page {number}; the last is {paginator.num_pages}."]}
        )
    page = paginator.page(number)

    def link(to_number):
        params = request.GET.copy()
        params["page"] = to_number
        return request.build_absolute_uri(request.path + "?" + params.urlencode())

    envelope = {
        "count": paginator.count,
        "page": number,
        "pages": paginator.num_pages,
        "next": link(number + 1) if page.has_next() else None,
        "previous": link(number - 1) if page.has_previous() else None,
    }
    return page, envelope


def api_view(view):
    """GET/HEAD only; bad parameters become a 400 JSON answer instead of an exception."""

    @require_safe
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except BadParameters as exc:
            return errors_response(request, exc.errors)

    return wrapper


@api_view
def article_list(request):
    # Ids first, rows second: a deep page's OFFSET then walks an index rather than whole rows
    # (page 900 of 100,000 articles: ~0.1 s instead of ~0.45 s on SQLite).
    page, envelope = paginate(request, filtered_articles(request).values_list("pk", flat=True))
    ids = list(page)
    articles = with_api_joins(Article.objects.filter(pk__in=ids)).in_bulk()
    sizes = story_sizes([article.story_id for article in articles.values()], request.user)
    envelope["results"] = [article_dict(articles[pk], request, sizes) for pk in ids]
    return json_response(request, envelope)


@api_view
def article_detail(request, pk):
    queryset = with_api_joins(Article.objects.visible_to(request.user))
    article = queryset.filter(pk=pk).first()
    if article is None:
        return errors_response(request, {"id": [f"No article with id {pk}."]}, status=404)
    sizes = story_sizes([article.story_id], request.user)
    return json_response(request, article_dict(article, request, sizes))


@api_view
def topic_list(request):
    page, envelope = paginate(
        request, Topic.objects.public_to(request.user).select_related("parent")
    )
    counts = topic_counts(request.user)
    envelope["results"] = [topic_dict(topic, counts.get(topic.pk, 0), request) for topic in page]
    return json_response(request, envelope)


@api_view
def provider_list(request):
    page, envelope = paginate(request, Provider.objects.public_to(request.user))
    counts = provider_counts(request.user)
    envelope["results"] = [
        provider_api_dict(provider, counts.get(provider.pk, 0), request) for provider in page
    ]
    return json_response(request, envelope)


@api_view
def story_list(request):
    """Stories of two visible articles or more, latest news first; two queries a page."""
    page, envelope = paginate(request, stories_with_sizes(request.user))
    stories = list(page)
    members = {}
    for article in (
        Article.objects.visible_to(request.user)
        .filter(story__in=stories)
        .select_related("provider")
        .order_by("published_at", "id")
    ):
        members.setdefault(article.story_id, []).append(article)
    envelope["results"] = [
        story_dict(story, members.get(story.pk, []), request) for story in stories
    ]
    return json_response(request, envelope)


def dashboard_figures_of(request):
    filterset = dashboard.filterset_for(request.user, request.GET)
    if not filterset.is_valid():
        raise BadParameters(filterset.errors)
    return dashboard.figures_for(request.user, filterset)


@api_view
def dashboard_figures(request):
    return json_response(request, with_absolute_links(dashboard_figures_of(request), request))


@api_view
def rising(request):
    """Rising topics and providers (articles/dashboard/rising.py), part of the dashboard."""
    rising = dashboard_figures_of(request)["rising"]
    return json_response(request, with_absolute_links(rising, request))


def with_absolute_links(figures, request):
    """A copy of `figures` whose `href`s are absolute URLs."""
    if isinstance(figures, dict):
        return {
            key: request.build_absolute_uri(value)
            if key == "href"
            else with_absolute_links(value, request)
            for key, value in figures.items()
        }
    if isinstance(figures, list):
        return [with_absolute_links(item, request) for item in figures]
    return figures


@require_safe
def docs(request):
    return render(request, "api/index.html", {"max_page_size": MAX_PAGE_SIZE})


def article_url_maker(request):
    """pk, slug → our absolute page URL, with one reverse() for the whole export.

    reverse() per row would cost seconds at 100,000 rows; the route is reversed once with
    markers that are then replaced, so the URL still follows articles/urls.py.
    """
    pattern = request.build_absolute_uri(reverse("articles:article_detail", args=[0, "slug"]))
    head, tail = pattern.split("/0/slug/")
    return lambda pk, slug: f"{head}/{pk}/{slug or 'article'}/{tail}"


@api_view
def export_csv(request):
    """Every matching article as CSV, streamed (articles/exports.py)."""
    articles = filtered_articles(request)
    lines = exports.public_csv(articles, article_url_maker(request))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="articles.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    return cache_for_readers(response, request)
