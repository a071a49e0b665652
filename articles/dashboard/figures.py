"""The dashboard's figures: headline numbers and chart data of any filtered article list.

Every figure is counted over this process's snapshot of the articles (dashboard/facts.py: NumPy
columns kept fresh from the database's change log), among the articles the filterset selects, and
cached via articles/cache.py under the data version, the audience and the normalised filters: an
import in another process bumps the version and every process computes fresh figures on its next
request. The result is JSON-ready: the page draws it (dashboard/charts.py) and the API serves it
as is.

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
from functools import cache, lru_cache
from urllib.parse import urlencode

import numpy as np
from django.http import QueryDict
from django.urls import get_script_prefix, reverse
from django.utils import timezone

from ..cache import cached, current_data_version, digest
from ..filters import (
    EARLIEST_DATE,
    LATEST_DATE,
    QUALITY_LIMIT,
    ArticleFilter,
    filter_params,
    local_today,
    period_start,
)
from ..models import Article, Provider, Topic, audience
from . import rising
from .buckets import bucket_counts, quality_bins, time_buckets
from .facts import Selection, counted, current_facts

# What the figures read of a topic or provider: their names, not their descriptions or images.
TOPIC_NAMES = Topic.objects.only("name", "slug", "parent_id")
PROVIDER_NAMES = Provider.objects.only("name", "domain")
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
    url = list_path(get_script_prefix())
    return (
        f"{url}?{'&'.join(query_pair(name, str(value)) for name, value in kept)}" if kept else url
    )


@lru_cache(maxsize=4096)
def query_pair(name, value):
    """ "name=value", encoded (a cold dashboard encodes the same few pairs hundreds of times)."""
    return urlencode([(name, value)])


@cache
def list_path(script_prefix):
    """The list's path under a script prefix (a cold dashboard links to it hundreds of times)."""
    return reverse("articles:article_list")


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
    if version is None:
        version = current_data_version()
    return cached(
        f"dashboard:{digest(audience(user), params)}",
        lambda: compute_figures(user, filterset, params, version),
        version=version,
    )


def compute_figures(user, filterset, params, version):
    facts = current_facts(version)
    who = audience(user)
    articles = facts.select(who, filterset, params)

    def facet(name):
        """The articles without the `name` filter (as facets count), or `articles` itself."""
        rest = without(params, name)
        if rest == params:
            return articles
        return facts.select(who, filterset_for(user, rest), rest)

    cleaned = filterset.form.cleaned_data
    bounds = DateBounds.of(cleaned)
    topic_facet, provider_facet = facet("topic"), facet("provider")
    headline, span = headline_figures(articles, params, bounds)
    # Without a topic filter the topic facet is `articles` itself: one count serves the topic
    # bars and the choice of series.
    per_topic = topic_facet.per_topic()
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


def headline_figures(articles, params, bounds):
    """Totals, and the last 7 and 30 days up to the range's end (date_to, else today)."""
    end = bounds.last or local_today()
    windows = {days: end - timedelta(days=days - 1) for days in (7, 30)}
    if bounds.first:
        windows = {days: max(first, bounds.first) for days, first in windows.items()}
    quality, heat = articles.heat_and_quality()
    total, with_quality = len(articles), len(quality)
    span = articles.span()
    figures = {
        "total": total,
        "last_7_days": articles.count(windows[7], end),
        "last_30_days": articles.count(windows[30], end),
        "providers": len(articles.per_provider()),
        "with_quality": with_quality,
        "with_heat_and_quality": int((~np.isnan(heat)).sum()),
        "heat_equals_quality": int((heat == quality).sum()),
        "topics": len(articles.per_topic()),
        "quality_share": round(100 * with_quality / total, 1) if total else None,
        "median_quality": median_quality(quality),
        "earliest": span[0].isoformat() if span[0] else None,
        "latest": span[1].isoformat() if span[1] else None,
        "until": end.isoformat(),
        "until_today": bounds.last is None,
    }
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


def median_quality(qualities):
    if not len(qualities):
        return None
    median = float(np.median(qualities))
    return int(median) if median.is_integer() else median


def as_local_date(moment):
    return timezone.localtime(moment).date()


def clamp(day):
    return min(max(day, EARLIEST_DATE), LATEST_DATE)


def timeline_figures(articles, params, bounds, span, topics):
    """Articles per bucket over the whole range, and the same for the series topics.

    The range is the filters' dates, else the first to the last matching article (clamped to
    the dates a filter accepts; a stray date beyond goes to the first or last bucket, which are
    open-ended then).
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

    counts = bucket_counts(starts, *articles.per_day())
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
    per_topic = {
        topic: bucket_counts(starts, days, counts)
        for topic, (days, counts) in articles.per_day_with_topics([t.pk for t in topics]).items()
    }
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
    topics = TOPIC_NAMES.in_bulk(candidates)
    candidates = ranked({pk: counts[pk] for pk in topics}, {pk: t.name for pk, t in topics.items()})
    parents = {topics[pk].parent_id for pk in candidates}
    specific = [pk for pk in candidates if pk not in parents]
    telling = [pk for pk in specific if counts[pk] < rising.UBIQUITOUS_SHARE * total]
    return [topics[pk] for pk in (telling or specific or candidates)[:SERIES_TOPICS]]


def topic_figures(counts, params):
    """The top topics of `counts` (which leave out the topic filter); a bar replaces it."""
    selected = {value for name, value in params if name == "topic"}
    top = sorted(counts, key=lambda pk: -counts[pk])[: TOP_BARS * 2]
    topics = TOPIC_NAMES.in_bulk(top)
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
    counts = articles.per_provider()
    top = sorted(counts, key=lambda pk: -counts[pk])[: TOP_BARS * 2]
    providers = PROVIDER_NAMES.in_bulk(top)
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
    counts = counted((articles.qualities() // QUALITY_BIN).astype(np.int64))
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
    quality, heat = articles.heat_and_quality()
    # Scores past what a filter accepts share one dot, linked to `quality_min=QUALITY_LIMIT`.
    scores = np.minimum(quality, QUALITY_LIMIT).astype(np.int64)
    counts = counted(scores)
    has_heat = ~np.isnan(heat)
    heated, which, heated_counts = np.unique(
        scores[has_heat], return_inverse=True, return_counts=True
    )
    heat_sums = np.bincount(which, weights=heat[has_heat])
    mean_heat = {
        int(score): float(total) / int(count)
        for score, total, count in zip(heated, heat_sums, heated_counts, strict=True)
    }
    rows = sorted(mean_heat, key=lambda score: (-counts[score], score))[: SCATTER_POINTS + 1]
    points = [
        {
            "quality": score,
            "heat": round(mean_heat[score], 1),
            "count": counts[score],
            "href": list_url(
                params,
                quality_min=score,
                quality_max=score if score < QUALITY_LIMIT else cleaned.get("quality_max"),
            ),
        }
        for score in rows[:SCATTER_POINTS]
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
    recent_dates = bounds.link_dates(recent_first, end)
    # Both windows stay inside the filters' dates (the earlier one is empty when they start
    # inside the recent days).
    counted_from = [
        max(day, bounds.first) if bounds.first else day for day in (recent_first, baseline_first)
    ]

    def rising_among(articles, per_value, skip_ubiquitous=False):
        return rising.rising(
            recent=per_value(articles, counted_from[0], end),
            earlier=per_value(articles, counted_from[1], baseline_last),
            recent_total=articles.count(counted_from[0], end) if skip_ubiquitous else None,
        )

    topics = rising_among(topic_facet, Selection.per_topic, skip_ubiquitous=True)
    providers = rising_among(provider_facet, Selection.per_provider)
    topic_rows = TOPIC_NAMES.in_bulk([entry["key"] for entry in topics])
    provider_rows = PROVIDER_NAMES.in_bulk([entry["key"] for entry in providers])

    def described(entries, rows, key, link):
        found = []
        for entry in entries:
            value = getattr(rows[entry["key"]], key)
            name = rows[entry["key"]].name or value
            found.append({**entry, "name": name, "key": value, "href": link(value)})
        found.sort(key=lambda entry: (-entry["score"], entry["name"]))
        return found[: rising.SHOWN]

    return {
        "from": recent_first.isoformat(),
        "to": end.isoformat(),
        "baselineFrom": baseline_first.isoformat(),
        "baselineTo": baseline_last.isoformat(),
        "topics": described(
            topics, topic_rows, "slug", lambda slug: list_url(params, topic=slug, **recent_dates)
        ),
        "providers": described(
            providers,
            provider_rows,
            "domain",
            lambda domain: list_url(params, provider=domain, **recent_dates),
        ),
    }
