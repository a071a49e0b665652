"""Facet counts: beside each filter choice, how many of the current results it would give.

Each facet is counted over the results filtered by every *other* active filter, ignoring its own
(the usual "disjunctive" facets): with topic=a selected, the topic counts still show how many
articles b or c would add, since topics combine with OR.

Facets count within the newest FACET_WINDOW results and the total stops at COUNT_BOUND, so a cold
list costs the same at 100,000 articles as at 10,000. The whole set is cached under the normalised
filters and the data version (articles/cache.py).
"""

from dataclasses import dataclass, field

from django.db import connections
from django.db.models import Count, Exists, Min, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.urls import reverse

from .cache import cached, digest
from .filters import filter_params
from .models import Article, ArticleImage, ArticleTopic

VISIBLE_CHOICES = 15
# Facets count within the newest this-many results: a cold (uncached) list then costs the same
# at 100,000 articles as at 10,000.
FACET_WINDOW = 2_000
# The result total is exact up to this many; beyond, the page says "2,000+ articles" and
# numbers pages only that far. An exact COUNT reads every match, however many.
COUNT_BOUND = 2_000
MAX_CHOICES = 60  # per facet (15 shown, 45 behind "more"); /topics/ and /providers/ list all

# (label, quality_min, quality_max): a band is chosen by setting both bounds.
QUALITY_BANDS = [
    ("100 and above", 100, None),
    ("75–99", 75, 99),
    ("50–74", 50, 74),
    ("25–49", 25, 49),
    ("0–24", 0, 24),
]

# The filters each facet ignores when counting.
OWN_FILTERS = {
    "topic": {"topic"},
    "provider": {"provider"},
    "type": {"type"},
    "category": {"category"},
    "quality": {"quality_min", "quality_max"},
    "has_image": {"has_image"},
}


@dataclass
class Choice:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Facet:
    name: str
    label: str
    choices: list = field(default_factory=list)
    index_url: str = ""  # where every value is listed, beyond MAX_CHOICES

    @property
    def top(self):
        return self.choices[:VISIBLE_CHOICES]

    @property
    def more(self):
        return self.choices[VISIBLE_CHOICES:]

    @property
    def worth_showing(self):
        """Hidden when there is nothing to choose between (e.g. every article is "news")."""
        return len(self.choices) > 1 or any(choice.selected for choice in self.choices)


def filtered_except(filterset, ignored):
    """The filterset's base queryset with every valid filter applied except `ignored` ones.

    The same loop django-filter runs, so a facet means exactly what the filter means.
    """
    queryset = filterset.queryset.all()
    for name, value in filterset.form.cleaned_data.items():
        if name not in ignored:
            queryset = filterset.filters[name].filter(queryset, value)
    return queryset.order_by()


def bounded_count(queryset):
    """(count, is_lower_bound): exact up to COUNT_BOUND, else (COUNT_BOUND, True).

    One query that stops after COUNT_BOUND + 1 rows:
    SELECT COUNT(*) FROM (SELECT id FROM … LIMIT COUNT_BOUND + 1).
    """
    count = queryset.order_by().values("pk")[: COUNT_BOUND + 1].count()
    return min(count, COUNT_BOUND), count > COUNT_BOUND


def newest(queryset):
    """The ids of the newest FACET_WINDOW articles of `queryset`, as a subquery."""
    return queryset.order_by("-published_at", "-id").values("pk")[:FACET_WINDOW]


def ranked(counts, selected):
    """[(value, label, count)], chosen values first, then biggest first, at most MAX_CHOICES."""
    rows = sorted(counts.items(), key=lambda item: (item[0][0] not in selected, -item[1], item[0]))
    return [(value, label, count) for (value, label), count in rows[:MAX_CHOICES]]


def topic_counts(articles, selected):
    """One grouped query over the articles' topics.

    `articles`: a subquery, or (PostgreSQL only) a list of ids, sent as one array.
    """
    if isinstance(articles, list):
        articles = among(articles)
    rows = (
        ArticleTopic.objects.filter(article__in=articles)
        .values_list("topic__slug", "topic__name")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return ranked({(slug, name): count for slug, name, count in rows}, selected)


def summary_rows(articles, *, with_ids=False):
    """One grouped pass giving every other facet: for each (provider, type, category) seen,
    how many articles, how many in each quality band, how many with an image.

    `with_ids` (PostgreSQL only) adds each row's article ids (`ids`) and oldest publication
    date (`oldest`), so later passes over the same window need not find it again.
    """
    with_image = Exists(ArticleImage.objects.filter(article=OuterRef("pk")))
    bands = {
        f"band{i}": Count(
            "pk", filter=Q(quality__gte=low) & (Q(quality__lte=high) if high is not None else Q())
        )
        for i, (_, low, high) in enumerate(QUALITY_BANDS)
    }
    extra = {}
    if with_ids:
        from django.contrib.postgres.aggregates import ArrayAgg

        extra = {"ids": ArrayAgg("pk"), "oldest": Min("published_at")}
    return list(
        Article.objects.filter(pk__in=articles)
        .values("provider__domain", "provider__name", "type", "category")
        .annotate(count=Count("pk"), with_image=Count("pk", filter=Q(with_image)), **bands, **extra)
        .order_by()
    )


def more_than_window(queryset, rows):
    """Whether `queryset` has results beyond the window `rows` (summary_rows with_ids) covers.

    The window holds the newest results, so any other result is no newer than its oldest:
    one query that stops at the first such row, instead of counting COUNT_BOUND + 1 rows.
    """
    ids = [pk for row in rows for pk in row["ids"]]
    oldest = min((row["oldest"] for row in rows if row["oldest"] is not None), default=None)
    older = Q(published_at__isnull=True)
    if oldest is not None:
        older |= Q(published_at__lte=oldest)
    return queryset.filter(older).exclude(pk__in=among(ids)).exists()


def among(ids):
    """For `…__in`: `ids` as one PostgreSQL array parameter, not one placeholder per id."""
    return RawSQL("SELECT unnest(%s::bigint[])", [ids])


def from_summary(facet, rows, selected):
    if facet == "quality":
        return [sum(row[f"band{i}"] for row in rows) for i in range(len(QUALITY_BANDS))]
    if facet == "has_image":
        return sum(row["with_image"] for row in rows)
    value_field, label_field = {
        "provider": ("provider__domain", "provider__name"),
        "type": ("type", "type"),
        "category": ("category", "category"),
    }[facet]
    counts = {}
    for row in rows:
        if row[value_field]:
            key = (row[value_field], row[label_field])
            counts[key] = counts.get(key, 0) + row["count"]
    return ranked(counts, selected[facet])


def compute_counts(filterset, selected):
    """The total and every facet's raw counts, without caching.

    Facets whose own filter is not active share one pass over the window (`summary_rows`),
    which also gives the total when the results fit in it; topics get their own pass. On
    PostgreSQL the shared pass returns its window's ids so the topic pass and the "more than
    COUNT_BOUND?" check reuse the window instead of finding it again (the planner otherwise
    hash-joins a full scan of the topic links); SQLite plans the subqueries well.
    """
    active = {name for name, value in filterset.form.cleaned_data.items() if value}
    postgresql = connections[filterset.queryset.db].vendor == "postgresql"
    topic_ignored = frozenset(OWN_FILTERS["topic"] & active)
    counts = {}
    passes = {}
    for facet in ("provider", "type", "category", "quality", "has_image"):
        ignored = frozenset(OWN_FILTERS[facet] & active)
        if ignored not in passes:
            passes[ignored] = summary_rows(
                newest(filtered_except(filterset, ignored)),
                with_ids=postgresql and ignored in (frozenset(), topic_ignored),
            )
        counts[facet] = from_summary(facet, passes[ignored], selected)
    if postgresql and topic_ignored in passes:
        window = [pk for row in passes[topic_ignored] for pk in row["ids"]]
    elif postgresql:
        window = list(
            newest(filtered_except(filterset, topic_ignored)).values_list("pk", flat=True)
        )
    else:
        window = newest(filtered_except(filterset, topic_ignored))
    counts["topic"] = topic_counts(window, selected["topic"])
    # Every result in the window falls in exactly one summary row.
    in_window = sum(row["count"] for row in passes[frozenset()]) if frozenset() in passes else None
    if in_window is not None and in_window < FACET_WINDOW:
        total, total_is_lower_bound = min(in_window, COUNT_BOUND), in_window > COUNT_BOUND
    elif postgresql and in_window == FACET_WINDOW == COUNT_BOUND:
        more = more_than_window(filtered_except(filterset, set()), passes[frozenset()])
        total, total_is_lower_bound = COUNT_BOUND, more
    else:
        total, total_is_lower_bound = bounded_count(filtered_except(filterset, set()))
    counts.update(total=total, total_is_lower_bound=total_is_lower_bound)
    return counts


def selected_values(cleaned_data):
    return {
        "topic": [topic.slug for topic in cleaned_data.get("topic") or []],
        "provider": [provider.domain for provider in cleaned_data.get("provider") or []],
        "type": list(cleaned_data.get("type") or []),
        "category": list(cleaned_data.get("category") or []),
    }


def listing_facets(filterset, scope, *, version=None):
    """(total, total_is_lower_bound, facets, with_image) for a valid filterset.

    `total` is exact up to COUNT_BOUND; past it, it is COUNT_BOUND and `total_is_lower_bound`
    is true. `scope` names the filterset's base queryset and audience (the cache must not mix
    a staff list with a reader's). `facets` is a dict of Facet: topic, provider, type, category,
    quality; `with_image` counts the results that have an image (ignoring that filter).
    """
    data = filterset.form.cleaned_data
    selected = selected_values(data)
    counts = cached(
        f"facets:{digest(scope, filter_params(data))}",
        lambda: compute_counts(filterset, selected),
        version=version,
    )
    facets = {
        "topic": _facet("topic", "Topics", counts["topic"], selected["topic"], data),
        "provider": _facet("provider", "Providers", counts["provider"], selected["provider"], data),
        "type": _facet("type", "Type", counts["type"], selected["type"], data),
        "category": _facet("category", "Category", counts["category"], selected["category"], data),
        "quality": Facet(
            "quality",
            "Quality",
            [
                Choice(
                    value=(low, high),
                    label=label,
                    count=count,
                    selected=(data.get("quality_min"), data.get("quality_max")) == (low, high),
                )
                for (label, low, high), count in zip(QUALITY_BANDS, counts["quality"], strict=True)
            ],
        ),
    }
    facets["topic"].index_url = reverse("articles:topic_list")
    facets["provider"].index_url = reverse("articles:provider_list")
    return counts["total"], counts["total_is_lower_bound"], facets, counts["has_image"]


def _facet(name, label, rows, selected, data):
    choices = [
        Choice(value=value, label=row_label, count=count, selected=value in selected)
        for value, row_label, count in rows
    ]
    # A chosen value with no results in the current selection is still shown, so it can be
    # unticked; its label comes from the validated filter.
    listed = {choice.value for choice in choices}
    for value in selected:
        if value not in listed:
            choices.insert(0, Choice(value, _label_of(name, value, data), 0, selected=True))
    return Facet(name, label, choices)


def _label_of(name, value, data):
    for item in data.get(name) or []:
        if getattr(item, "slug", None) == value:
            return item.name
        if getattr(item, "domain", None) == value:
            return item.name or item.domain
    return value
