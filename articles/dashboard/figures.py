"""The dashboard's figures: headline numbers and chart data of any filtered article list.

Every figure is computed in the database, one aggregate or grouped query per chart, and cached via
articles/cache.py under the data version, the audience and the normalised filters: an import in
another process bumps the version and every process computes fresh figures on its next request.
The result is JSON-ready: the page draws it (dashboard/charts.py) and the API serves it as is.

Chart links lead to the reader list with the same filters, so a mark's count is the list's count:
- weeks and quality bins narrow the date or quality range inside the active one;
- the topic and provider charts leave out their own filter (as facets do) and a bar replaces it,
  so the charts can be used to switch topic or provider.
The stacked weekly chart counts each article once, under its first-listed topic (files list the
main topic first); its segments link to that week's articles in that topic.
"""

from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, ExpressionWrapper, F, IntegerField, Max, Q
from django.db.models.functions import TruncWeek
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from ..cache import cached, digest
from ..filters import ArticleFilter, filter_params, start_of_day
from ..models import Article, Topic, audience

WEEKS = 52
STACKED_TOPICS = 5
TOP_BARS = 15
QUALITY_BIN = 10
SCATTER_POINTS = 600


def list_url(params, **replace):
    """The reader list for `params`, with the named parameters replaced (None drops one)."""
    kept = [(name, value) for name, value in params if name not in replace]
    kept += [(name, value) for name, value in replace.items() if value is not None]
    query = QueryDict(mutable=True)
    for name, value in kept:
        query.appendlist(name, str(value))
    url = reverse("articles:article_list")
    return f"{url}?{query.urlencode()}" if kept else url


def plain_number(value):
    """Decimal("40") → "40", Decimal("42.5") → "42.5" (for query strings)."""
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(int(value))
    return str(value)


def filterset_for(user, data):
    """The one FilterSet over what `user` may see; `data` is a QueryDict or (name, value) pairs."""
    if not isinstance(data, QueryDict):
        pairs, data = data, QueryDict(mutable=True)
        for name, value in pairs:
            data.appendlist(name, value)
    return ArticleFilter(data, queryset=Article.objects.visible_to(user))


def without(params, name):
    return [(key, value) for key, value in params if key != name]


def figures_for(user, filterset, *, version=None):
    """The figures for a valid `filterset`, cached under the audience and the canonical filters."""
    params = filter_params(filterset.form.cleaned_data)
    return cached(
        f"dashboard:{digest(audience(user), params)}",
        lambda: compute_figures(user, filterset, params),
        version=version,
    )


def compute_figures(user, filterset, params):
    articles = filterset.qs.order_by()
    cleaned = filterset.form.cleaned_data
    headline, latest = headline_figures(articles)
    topic_facet = filterset_for(user, without(params, "topic")).qs.order_by()
    provider_facet = filterset_for(user, without(params, "provider")).qs.order_by()
    return {
        "filters": [[name, value] for name, value in params],
        "headline": headline,
        "weekly": weekly_figures(articles, params, cleaned, latest),
        "topics": topic_figures(topic_facet, params),
        "providers": provider_figures(provider_facet, params),
        "quality": quality_figures(articles, params, cleaned),
        "heatVsQuality": heat_quality_figures(articles, params, headline),
    }


def headline_figures(articles):
    now = timezone.now()

    def published_within(days):
        return Count(
            "pk", filter=Q(published_at__gt=now - timedelta(days=days), published_at__lte=now)
        )

    figures = articles.aggregate(
        total=Count("pk"),
        last_7_days=published_within(7),
        last_30_days=published_within(30),
        providers=Count("provider", distinct=True),
        with_quality=Count("quality"),
        with_heat_and_quality=Count("pk", filter=Q(quality__isnull=False, heat__isnull=False)),
        heat_equals_quality=Count("pk", filter=Q(heat=F("quality"))),
        latest=Max("published_at"),
    )
    latest = figures.pop("latest")
    # Joined from the article side: SQLite runs `article_id IN (subquery)` four times slower.
    topics = articles.aggregate(count=Count("article_topics__topic", distinct=True))
    figures["topics"] = topics["count"]
    total, with_quality = figures["total"], figures["with_quality"]
    figures["quality_share"] = round(100 * with_quality / total, 1) if total else None
    figures["median_quality"] = median_quality(articles, with_quality)
    figures["latest"] = latest.isoformat() if latest else None
    return figures, latest


def median_quality(articles, with_quality):
    """The median in one ordered OFFSET query (served by the quality index), not a full fetch."""
    if not with_quality:
        return None
    middle = slice((with_quality - 1) // 2, with_quality // 2 + 1)
    values = list(
        articles.filter(quality__isnull=False)
        .order_by("quality")
        .values_list("quality", flat=True)[middle]
    )
    median = sum(values) / len(values)
    return int(median) if median.is_integer() else median


class WeekStart(TruncWeek):
    """TruncWeek, computed by SQLite itself when the site's time zone is UTC.

    Django's SQLite TruncWeek calls back into Python for every row: about 0.25 s for a year of
    35,000 articles, against 0.05 s here. SQLite's own date functions only know UTC, so any other
    time zone keeps Django's version. PostgreSQL's date_trunc is native anyway.
    """

    def as_sqlite(self, compiler, connection, **extra_context):
        if self.get_tzname() != "UTC":
            return self.as_sql(compiler, connection, **extra_context)
        sql, params = compiler.compile(self.lhs)
        # The Monday on or before the day, at midnight, in the text format Django stores.
        return f"datetime({sql}, '-6 days', 'weekday 1', 'start of day')", params


def monday_of(day):
    return day - timedelta(days=day.weekday())


def as_local_date(moment):
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def weekly_figures(articles, params, cleaned, latest):
    """Articles per week over the 52 weeks up to the latest one, stacked by first-listed topic.

    Two grouped queries: totals per week, and per week and first-listed topic (position 0, as
    the importer numbers them). An article whose first topic was removed counts as "Other".
    A correlated "first topic" subquery was 4–8× slower at 100,000 articles.
    """
    if latest is None:
        return {"series": [], "columns": []}
    last_week = monday_of(as_local_date(latest))
    first_week = last_week - timedelta(weeks=WEEKS - 1)
    date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
    if date_from:
        first_week = max(first_week, monday_of(date_from))
    in_window = articles.filter(
        published_at__gte=start_of_day(first_week),
        published_at__lt=start_of_day(last_week + timedelta(days=7)),
    ).annotate(week=WeekStart("published_at"))
    totals = {
        as_local_date(row["week"]): row["count"]
        for row in in_window.values("week").annotate(count=Count("pk")).order_by()
    }
    by_first_topic = {}
    per_topic = {}
    rows = (
        in_window.filter(article_topics__position=0)
        .values("week", "article_topics__topic")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in rows:
        topic = row["article_topics__topic"]
        by_first_topic[as_local_date(row["week"]), topic] = row["count"]
        per_topic[topic] = per_topic.get(topic, 0) + row["count"]
    top_ids = sorted(per_topic, key=lambda pk: (-per_topic[pk], pk))[:STACKED_TOPICS]
    topics = {
        topic["pk"]: topic
        for topic in Topic.objects.filter(pk__in=top_ids).values("pk", "name", "slug")
    }
    series = [{"name": topics[pk]["name"], "slug": topics[pk]["slug"]} for pk in top_ids]
    series.append({"name": "Other", "slug": None})

    columns = []
    week = first_week
    while week <= last_week:
        week_from = max(week, date_from) if date_from else week
        week_to = min(week + timedelta(days=6), date_to) if date_to else week + timedelta(days=6)
        dates = {"date_from": week_from.isoformat(), "date_to": week_to.isoformat()}
        week_href = list_url(params, **dates)
        segments = [
            {
                "count": by_first_topic.get((week, pk), 0),
                "href": list_url(params, **dates, topic=topics[pk]["slug"]),
            }
            for pk in top_ids
        ]
        total = totals.get(week, 0)
        segments.append(
            {"count": total - sum(segment["count"] for segment in segments), "href": week_href}
        )
        columns.append(
            {"week": week.isoformat(), "count": total, "href": week_href, "segments": segments}
        )
        week += timedelta(weeks=1)
    return {"series": series, "columns": columns}


def topic_figures(articles, params):
    """The top topics of `articles` (which leave out the topic filter); a bar replaces it."""
    selected = {value for name, value in params if name == "topic"}
    rows = (
        articles.filter(article_topics__isnull=False)
        .values("article_topics__topic__name", "article_topics__topic__slug")
        .annotate(count=Count("pk"))
        .order_by("-count", "article_topics__topic__name")[:TOP_BARS]
    )
    return [
        {
            "name": row["article_topics__topic__name"],
            "slug": row["article_topics__topic__slug"],
            "count": row["count"],
            "href": list_url(params, topic=row["article_topics__topic__slug"]),
            "selected": row["article_topics__topic__slug"] in selected,
        }
        for row in rows
    ]


def provider_figures(articles, params):
    """The top providers of `articles` (which leave out the provider filter)."""
    selected = {value.lower() for name, value in params if name == "provider"}
    rows = (
        articles.filter(provider__isnull=False)
        .values("provider", "provider__name", "provider__domain")
        .annotate(count=Count("pk"))
        .order_by("-count", "provider__name")[:TOP_BARS]
    )
    return [
        {
            "name": row["provider__name"] or row["provider__domain"],
            "domain": row["provider__domain"],
            "count": row["count"],
            "href": list_url(params, provider=row["provider__domain"]),
            "selected": row["provider__domain"] in selected,
        }
        for row in rows
    ]


def quality_figures(articles, params, cleaned):
    """Quality in bins of 10 from 0 (or the quality_min) up to the highest score."""
    bin_of = ExpressionWrapper(F("quality") / QUALITY_BIN, output_field=IntegerField())
    rows = (
        articles.filter(quality__isnull=False)
        .annotate(bin=bin_of)
        .values("bin")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts = {row["bin"]: row["count"] for row in rows}
    if not counts:
        return {"bins": []}
    low, high = cleaned.get("quality_min"), cleaned.get("quality_max")
    first = int(low) // QUALITY_BIN if low is not None else 0
    bins = []
    for number in range(first, max(counts) + 1):
        start, end = number * QUALITY_BIN, number * QUALITY_BIN + QUALITY_BIN - 1
        href = list_url(
            params,
            quality_min=plain_number(max(start, low) if low is not None else start),
            quality_max=plain_number(min(end, high) if high is not None else end),
        )
        bins.append({"from": start, "to": end, "count": counts.get(number, 0), "href": href})
    return {"bins": bins}


def heat_quality_figures(articles, params, headline):
    """The most common (quality, heat) pairs; at most SCATTER_POINTS of them are drawn."""
    rows = list(
        articles.filter(quality__isnull=False, heat__isnull=False)
        .values("quality", "heat")
        .annotate(count=Count("pk"))
        .order_by("-count", "quality", "heat")[: SCATTER_POINTS + 1]
    )
    points = [
        {
            "quality": row["quality"],
            "heat": row["heat"],
            "count": row["count"],
            "href": list_url(params, quality_min=row["quality"], quality_max=row["quality"]),
        }
        for row in rows[:SCATTER_POINTS]
    ]
    return {
        "points": points,
        "sampled": len(rows) > SCATTER_POINTS,
        "withBoth": headline["with_heat_and_quality"],
        "heatEqualsQuality": headline["heat_equals_quality"],
    }
