"""The one FilterSet behind every article list: pages, feeds, API, CSV and the dashboard.

Parameter names are a public contract (bookmarks and other tools use them): topic, provider
(both repeatable), quality_min, quality_max, date_from, date_to (ISO dates), q, sort.
"""

from datetime import datetime, time, timedelta

import django_filters
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from .models import ArticleTopic, Provider, Topic


class SortChoices:
    NEWEST = "newest"
    OLDEST = "oldest"
    QUALITY = "quality"
    HEAT = "heat"
    RELEVANCE = "relevance"

    choices = [
        (NEWEST, "Newest first"),
        (OLDEST, "Oldest first"),
        (QUALITY, "Highest quality"),
        (HEAT, "Hottest"),
        (RELEVANCE, "Most relevant (when searching)"),
    ]


def start_of_day(day):
    """Midnight of `day` in the site's time zone, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min))


class ArticleFilter(django_filters.FilterSet):
    topic = django_filters.ModelMultipleChoiceFilter(
        queryset=Topic.objects.all(), to_field_name="slug", method="filter_topic", label="Topics"
    )
    provider = django_filters.ModelMultipleChoiceFilter(
        field_name="provider",
        queryset=Provider.objects.all(),
        to_field_name="domain",
        label="Providers",
    )
    quality_min = django_filters.NumberFilter(
        field_name="quality", lookup_expr="gte", label="Quality at least", min_value=0
    )
    quality_max = django_filters.NumberFilter(
        field_name="quality", lookup_expr="lte", label="Quality at most", min_value=0
    )
    date_from = django_filters.DateFilter(method="filter_date_from", label="From")
    date_to = django_filters.DateFilter(method="filter_date_to", label="To")
    q = django_filters.CharFilter(method="filter_search", label="Search")
    sort = django_filters.ChoiceFilter(
        choices=SortChoices.choices, method="filter_sort", empty_label=None, label="Sort"
    )

    def filter_topic(self, queryset, name, topics):
        # Exists rather than a join: an article in two of the chosen topics is listed once.
        if not topics:
            return queryset
        return queryset.filter(
            Exists(ArticleTopic.objects.filter(article=OuterRef("pk"), topic__in=topics))
        )

    def filter_date_from(self, queryset, name, day):
        # A range on the column (not __date) so the published_at index serves it.
        return queryset.filter(published_at__gte=start_of_day(day))

    def filter_date_to(self, queryset, name, day):
        return queryset.filter(published_at__lt=start_of_day(day + timedelta(days=1)))

    def filter_search(self, queryset, name, query):
        return queryset.search(query) if query.strip() else queryset

    def filter_sort(self, queryset, name, sort):
        # Ordering itself is applied in `filter_queryset`, after every filter.
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        sort = self.form.cleaned_data.get("sort") or SortChoices.NEWEST
        return queryset.order_by(*ordering_for(sort))


def ordering_for(sort):
    nulls_last = {"nulls_last": True}
    return {
        SortChoices.NEWEST: [F("published_at").desc(**nulls_last), "-id"],
        SortChoices.OLDEST: [F("published_at").asc(**nulls_last), "id"],
        SortChoices.QUALITY: [F("quality").desc(**nulls_last), "-published_at", "-id"],
        SortChoices.HEAT: [F("heat").desc(**nulls_last), "-published_at", "-id"],
        # Plain search has no rank; newest first stands in for relevance.
        SortChoices.RELEVANCE: [F("published_at").desc(**nulls_last), "-id"],
    }[sort]
