"""The dashboard's figures: headline numbers and chart data of any filtered article list.

Every figure is computed in the database, one aggregate or grouped query per chart, and cached via
articles/cache.py under the data version, the audience and the normalised filters: an import in
another process bumps the version and every process computes fresh figures on its next request.
The result is JSON-ready: the page draws it (dashboard/charts.py) and the API serves it as is.

Every linked figure links to the reader list that shows exactly the articles it counts:
- time buckets, the headline's "last 7/30 days" and quality bins narrow the date or quality range
  inside the active one (the first and last time buckets stay open-ended when the filters are);
- a topic series counts the articles with that topic, and links with the topic filter replaced
  by it; series are the selected topics, else the commonest most specific ones (never a parent
  of another series, nor a topic nearly every article carries);
- the topic and provider bars leave out their own filter (as facets do) and a bar replaces it;
- a heat-by-quality dot is one quality score (there is no heat filter): it counts and links to the
  articles with that score, and sits at their mean heat.
"""

from datetime import timedelta
from decimal import Decimal

from django.db.models import (
    Avg,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    Q,
    Value,
)
from django.db.models.functions import Least, TruncDate
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from ..cache import cached, digest
from ..filters import (
    EARLIEST_DATE,
    LATEST_DATE,
    QUALITY_LIMIT,
    ArticleFilter,
    filter_params,
    local_today,
    period_start,
    start_of_day,
)
from ..models import Article, Provider, Topic, audience
from . import rising
from .buckets import bucket_index, quality_bins, time_buckets

SERIES_TOPICS = 5
TOP_BARS = 15
QUALITY_BIN = 10
QUALITY_BINS = 30  # the last bin takes every higher score
SCATTER_POINTS = 600
TOPIC_CANDIDATES = 40


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
    bounds = DateBounds.of(cleaned)
    headline, span = headline_figures(articles, params, bounds)
    topic_facet = filterset_for(user, without(params, "topic")).qs.order_by()
    provider_facet = filterset_for(user, without(params, "provider")).qs.order_by()
    # Without a topic filter the topic facet is `articles` itself: one count serves the topic
    # bars and the choice of series.
    per_topic = topic_counts(topic_facet)
    series = series_topics(per_topic, cleaned, headline["total"])
    return {
        "filters": [[name, value] for name, value in params],
        "headline": headline,
        "timeline": timeline_figures(articles, params, bounds, span, series),
        "topics": topic_figures(per_topic, params),
        "providers": provider_figures(provider_facet, params),
        "quality": quality_figures(articles, params, cleaned),
        "heatByQuality": heat_by_quality_figures(articles, params, cleaned, headline),
        "rising": rising_figures(topic_facet, provider_facet, params, bounds),
    }


class DateBounds:
    """The date range the filters set, if any: `first` (date_from or the period's start) and
    `last` (date_to). Links that narrow the dates keep inside it."""

    def __init__(self, first, last):
        self.first, self.last = first, last

    @classmethod
    def of(cls, cleaned):
        firsts = [cleaned.get("date_from")]
        if cleaned.get("period"):
            firsts.append(period_start(cleaned["period"], local_today()))
        firsts = [day for day in firsts if day]
        return cls(max(firsts) if firsts else None, cleaned.get("date_to"))

    def link_dates(self, first, last):
        """date_from/date_to for first..last within the bounds; None leaves a side open."""
        if first is not None and self.first is not None:
            first = max(first, self.first)
        if last is not None and self.last is not None:
            last = min(last, self.last)
        return {
            "date_from": first.isoformat() if first else None,
            "date_to": last.isoformat() if last else None,
        }


def within_days(first, last):
    """The filter's own day boundaries, so a count here is the count of the linked list."""
    return Q(
        published_at__gte=start_of_day(first), published_at__lt=start_of_day(last + timedelta(1))
    )


def headline_figures(articles, params, bounds):
    """Totals, and the last 7 and 30 days up to the range's end (date_to, else today)."""
    end = bounds.last or local_today()
    windows = {days: end - timedelta(days=days - 1) for days in (7, 30)}
    if bounds.first:
        windows = {days: max(first, bounds.first) for days, first in windows.items()}
    figures = articles.aggregate(
        total=Count("pk"),
        last_7_days=Count("pk", filter=within_days(windows[7], end)),
        last_30_days=Count("pk", filter=within_days(windows[30], end)),
        providers=Count("provider", distinct=True),
        with_quality=Count("quality"),
        with_heat_and_quality=Count("pk", filter=Q(quality__isnull=False, heat__isnull=False)),
        heat_equals_quality=Count("pk", filter=Q(heat=F("quality"))),
        earliest=Min("published_at"),
        latest=Max("published_at"),
    )
    span = figures.pop("earliest"), figures.pop("latest")
    # Joined from the article side: SQLite runs `article_id IN (subquery)` four times slower.
    topics = articles.aggregate(count=Count("article_topics__topic", distinct=True))
    figures["topics"] = topics["count"]
    total, with_quality = figures["total"], figures["with_quality"]
    figures["quality_share"] = round(100 * with_quality / total, 1) if total else None
    figures["median_quality"] = median_quality(articles, with_quality)
    figures["earliest"] = span[0].isoformat() if span[0] else None
    figures["latest"] = span[1].isoformat() if span[1] else None
    figures["until"] = end.isoformat()
    figures["until_today"] = bounds.last is None
    figures["links"] = {
        "total": list_url(params),
        # No link when the filters start after the end (date_from in the future): no such list.
        **{
            f"last_{days}_days": list_url(params, **bounds.link_dates(first, end))
            if first <= end
            else None
            for days, first in windows.items()
        },
    }
    return figures, span


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


class LocalDay(TruncDate):
    """The day of a moment in the site's time zone, computed by SQLite itself under UTC.

    Django's SQLite TruncDate calls back into Python for every row (about five times slower at
    100,000 articles); SQLite's own date() only knows UTC, so any other zone keeps Django's.
    """

    output_field = DateField()

    def as_sqlite(self, compiler, connection, **extra_context):
        if self.get_tzname() != "UTC":
            return super().as_sqlite(compiler, connection, **extra_context)
        sql, params = compiler.compile(self.lhs)
        return f"date({sql})", params


def as_local_date(moment):
    return timezone.localtime(moment).date()


def clamp(day):
    return min(max(day, EARLIEST_DATE), LATEST_DATE)


def timeline_figures(articles, params, bounds, span, topics):
    """Articles per bucket over the whole range, and the same for the series topics.

    The range is the filters' dates, else the first to the last matching article (clamped to
    the dates a filter accepts; a stray date beyond goes to the first or last bucket, which are
    open-ended then). Two grouped queries by day: totals, and per day and series topic.
    """
    if span[0] is None:
        return {"unit": None, "buckets": [], "series": []}
    first = clamp(bounds.first or as_local_date(span[0]))
    last = clamp(bounds.last or as_local_date(span[1]))
    first, last = min(first, last), max(first, last)
    unit, buckets = time_buckets(first, last)
    starts = [bucket.start for bucket in buckets]

    def links(index, **extra):
        open_first = index == 0 and bounds.first is None
        open_last = index == len(buckets) - 1 and bounds.last is None
        dates = bounds.link_dates(
            None if open_first else buckets[index].start,
            None if open_last else buckets[index].end,
        )
        return list_url(params, **dates, **extra)

    by_day = articles.annotate(day=LocalDay("published_at"))
    counts = [0] * len(buckets)
    for row in by_day.values("day").annotate(count=Count("pk")).order_by():
        if row["day"] is not None:
            counts[bucket_index(starts, row["day"])] += row["count"]
    timeline = {
        "unit": unit,
        "buckets": [
            {
                "from": bucket.start.isoformat(),
                "to": bucket.end.isoformat(),
                "label": bucket.label,
                "count": counts[index],
                "href": links(index),
            }
            for index, bucket in enumerate(buckets)
        ],
    }
    per_topic = {topic.pk: [0] * len(buckets) for topic in topics}
    rows = (
        by_day.filter(article_topics__topic__in=list(per_topic))
        .values("day", "article_topics__topic")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in rows if per_topic else []:
        if row["day"] is not None:
            index = bucket_index(starts, row["day"])
            per_topic[row["article_topics__topic"]][index] += row["count"]
    timeline["series"] = [
        {
            "name": topic.name,
            "slug": topic.slug,
            "counts": [
                {"count": count, "href": links(index, topic=topic.slug)}
                for index, count in enumerate(per_topic[topic.pk])
            ],
        }
        for topic in topics
    ]
    return timeline


def topic_counts(articles):
    """{topic id: articles} for every topic of `articles`: one grouped query without joining the
    topic table per row (the names of the few shown are read after)."""
    rows = articles.values_list("article_topics__topic").annotate(count=Count("pk")).order_by()
    return {topic: count for topic, count in rows if topic is not None}


def ranked(counts, names):
    """Ids by count, then name."""
    return sorted(counts, key=lambda pk: (-counts[pk], names.get(pk, "")))


def series_topics(topic_counts_without_topic_filter, cleaned, total):
    """The topics the timeline draws apart: the selected ones, else the most specific common ones.

    Most specific: among the commonest topics, leave out any that is the parent of another, and
    any that nearly every article carries (when there is anything else). The counts leave out the
    topic filter, so with one set they are the selected topics' own counts.
    """
    counts = topic_counts_without_topic_filter
    if cleaned.get("topic"):
        topics = {topic.pk: topic for topic in cleaned["topic"]}
        order = ranked({pk: counts.get(pk, 0) for pk in topics}, {})
        return [topics[pk] for pk in order[:SERIES_TOPICS]]
    candidates = sorted(counts, key=lambda pk: -counts[pk])[:TOPIC_CANDIDATES]
    topics = Topic.objects.in_bulk(candidates)
    candidates = ranked({pk: counts[pk] for pk in topics}, {pk: t.name for pk, t in topics.items()})
    parents = {topics[pk].parent_id for pk in candidates}
    specific = [pk for pk in candidates if pk not in parents]
    telling = [pk for pk in specific if counts[pk] < rising.UBIQUITOUS_SHARE * total]
    return [topics[pk] for pk in (telling or specific or candidates)[:SERIES_TOPICS]]


def topic_figures(counts, params):
    """The top topics of `counts` (which leave out the topic filter); a bar replaces it."""
    selected = {value for name, value in params if name == "topic"}
    top = sorted(counts, key=lambda pk: -counts[pk])[: TOP_BARS * 2]
    topics = Topic.objects.in_bulk(top)
    order = ranked({pk: counts[pk] for pk in topics}, {pk: t.name for pk, t in topics.items()})
    return [
        {
            "name": topics[pk].name,
            "slug": topics[pk].slug,
            "count": counts[pk],
            "href": list_url(params, topic=topics[pk].slug),
            "selected": topics[pk].slug in selected,
        }
        for pk in order[:TOP_BARS]
    ]


def provider_figures(articles, params):
    """The top providers of `articles` (which leave out the provider filter)."""
    selected = {value.lower() for name, value in params if name == "provider"}
    counts = dict(
        articles.filter(provider__isnull=False)
        .values_list("provider")
        .annotate(count=Count("pk"))
        .order_by()
    )
    top = sorted(counts, key=lambda pk: -counts[pk])[: TOP_BARS * 2]
    providers = Provider.objects.in_bulk(top)
    names = {pk: provider.name or provider.domain for pk, provider in providers.items()}
    return [
        {
            "name": names[pk],
            "domain": providers[pk].domain,
            "count": counts[pk],
            "href": list_url(params, provider=providers[pk].domain),
            "selected": providers[pk].domain in selected,
        }
        for pk in ranked({pk: counts[pk] for pk in providers}, names)[:TOP_BARS]
    ]


def quality_figures(articles, params, cleaned):
    """Quality in bins of 10 from 0 (or the quality_min); past QUALITY_BINS bins, one open bin."""
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
    top = QUALITY_LIMIT // QUALITY_BIN
    numbers, last_is_open = quality_bins(first, max(counts), QUALITY_BINS, top)
    bins = []
    for number in numbers:
        start, end = number * QUALITY_BIN, number * QUALITY_BIN + QUALITY_BIN - 1
        count = counts.get(number, 0)
        if last_is_open and number == numbers[-1]:
            end = None
            count = sum(value for key, value in counts.items() if key >= number)
        upper = [bound for bound in (end, high) if bound is not None]
        href = list_url(
            params,
            quality_min=plain_number(max(start, low) if low is not None else start),
            quality_max=plain_number(min(upper)) if upper else None,
        )
        bins.append({"from": start, "to": end, "count": count, "href": href})
    return {"bins": bins}


def heat_by_quality_figures(articles, params, cleaned, headline):
    """Per quality score (the SCATTER_POINTS commonest with a heat): how many articles have it
    (the dot's link lists exactly those) and the mean heat of those that have one."""
    # Scores past what a filter accepts share one dot, linked to `quality_min=QUALITY_LIMIT`.
    score = Least(F("quality"), Value(QUALITY_LIMIT))
    rows = list(
        articles.filter(quality__isnull=False)
        .values(score=score)
        .annotate(count=Count("pk"), mean_heat=Avg("heat"))
        .filter(mean_heat__isnull=False)
        .order_by("-count", "score")[: SCATTER_POINTS + 1]
    )
    points = [
        {
            "quality": row["score"],
            "heat": round(row["mean_heat"], 1),
            "count": row["count"],
            "href": list_url(
                params,
                quality_min=row["score"],
                quality_max=(
                    row["score"] if row["score"] < QUALITY_LIMIT else cleaned.get("quality_max")
                ),
            ),
        }
        for row in rows[:SCATTER_POINTS]
    ]
    return {
        "points": points,
        "sampled": len(rows) > SCATTER_POINTS,
        "withBoth": headline["with_heat_and_quality"],
        "heatEqualsQuality": headline["heat_equals_quality"],
    }


def rising_figures(topic_facet, provider_facet, params, bounds):
    """Rising topics and providers (dashboard/rising.py), each over the articles that leave out
    its own filter, as the bars do, so its link (that one value, the recent days) lists them."""
    end = bounds.last or local_today()
    recent_first, baseline_first, baseline_last = rising.windows(end)
    common = {"end": end, "bounds": bounds, "within_days": within_days}
    return {
        "from": recent_first.isoformat(),
        "to": end.isoformat(),
        "baselineFrom": baseline_first.isoformat(),
        "baselineTo": baseline_last.isoformat(),
        "topics": rising.rising(
            topic_facet,
            "article_topics__topic",
            "slug",
            link=lambda slug, dates: list_url(params, topic=slug, **dates),
            skip_ubiquitous=True,
            **common,
        ),
        "providers": rising.rising(
            provider_facet,
            "provider",
            "domain",
            link=lambda domain, dates: list_url(params, provider=domain, **dates),
            **common,
        ),
    }
