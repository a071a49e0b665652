"""The one FilterSet behind every article list: pages, feeds, API, CSV and the dashboard.

Parameter names are a public contract (bookmarks and other tools use them): topic, provider
(both repeatable), quality_min, quality_max, date_from, date_to (ISO dates), q, sort; and
period (today, 7d, 30d, year), type and category (repeatable), has_image.
"""

from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.db import models
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone
from django_filters.fields import ModelMultipleChoiceField

from . import search as full_text
from .aliases import canonical_domains, canonical_topic_slugs
from .models import ArticleImage, ArticleTopic, Provider, Topic

# Dates outside this range are refused with a form error: they are typos, and the extremes
# would overflow when shifted to UTC.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2999, 12, 31)
QUALITY_LIMIT = 1_000_000
SEARCH_MAX_LENGTH = 200


class SortChoices(models.TextChoices):
    NEWEST = "newest", "Newest first"
    OLDEST = "oldest", "Oldest first"
    QUALITY = "quality", "Highest quality"
    HEAT = "heat", "Hottest"
    RELEVANCE = "relevance", "Most relevant (when searching)"


class PeriodChoices(models.TextChoices):
    """Quick date ranges, relative to today in the site's time zone (so bookmarks stay fresh)."""

    TODAY = "today", "Today"
    WEEK = "7d", "Last 7 days"
    MONTH = "30d", "Last 30 days"
    YEAR = "year", "This year"


def local_today():
    return timezone.localdate()


def start_of_day(day):
    """Midnight of `day` in the site's time zone, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min))


def period_start(period, today):
    """The first day a quick range covers."""
    return {
        PeriodChoices.TODAY: today,
        PeriodChoices.WEEK: today - timedelta(days=6),
        PeriodChoices.MONTH: today - timedelta(days=29),
        PeriodChoices.YEAR: today.replace(month=1, day=1),
    }[period]


def without_blanks(values):
    # `topic=` (an empty value, as a select's "any" option sends) means no filter, not an error.
    if isinstance(values, list | tuple):
        return [value for value in values if value != ""]
    return values


class AnyValuesField(forms.MultipleChoiceField):
    """Several free-text values (`type=article&type=video`); unknown ones simply match nothing."""

    max_value_length = 100

    def to_python(self, value):
        return super().to_python(without_blanks(value))

    def valid_value(self, value):
        return 0 < len(value) <= self.max_value_length and "\x00" not in value


class AnyValuesFilter(django_filters.MultipleChoiceFilter):
    field_class = AnyValuesField


class ModelValuesField(ModelMultipleChoiceField):
    def __init__(self, *args, canonical=None, **kwargs):
        self.canonical = canonical
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = without_blanks(value)
        try:
            return super().clean(value)
        except forms.ValidationError as exc:
            # Only a name that matched nothing costs the look-up of the merged names.
            if not self.canonical or exc.code != "invalid_choice":
                raise
            renamed = self.canonical(list(value))
            if renamed == list(value):
                raise
            return super().clean(renamed)


class ModelValuesFilter(django_filters.ModelMultipleChoiceFilter):
    """Several model instances named by a field (`topic=ai&topic=robotics`).

    `canonical` maps the given names to current ones, so a name a merge retired still works.
    """

    field_class = ModelValuesField


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class CheckboxFilter(django_filters.Filter):
    """A ticked box narrows the list; an unticked one does nothing."""

    field_class = forms.BooleanField


class ArticleFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        low, high = data.get("quality_min"), data.get("quality_max")
        if low is not None and high is not None and low > high:
            self.add_error("quality_max", "Must be at least the minimum quality.")
        first, last = data.get("date_from"), data.get("date_to")
        if first and last and first > last:
            self.add_error("date_to", "Must be on or after the “from” date.")
        return data


def check_date_range(day):
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise forms.ValidationError(
            f"Enter a date between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}."
        )


class ArticleFilter(django_filters.FilterSet):
    topic = ModelValuesFilter(
        queryset=Topic.objects.all(),
        to_field_name="slug",
        canonical=canonical_topic_slugs,
        method="filter_topic",
        label="Topics",
    )
    provider = ModelValuesFilter(
        queryset=Provider.objects.all(),
        to_field_name="domain",
        canonical=canonical_domains,
        method="filter_provider",
        label="Providers",
    )
    quality_min = IntegerFilter(
        field_name="quality",
        lookup_expr="gte",
        label="Quality at least",
        min_value=0,
        max_value=QUALITY_LIMIT,
    )
    quality_max = IntegerFilter(
        field_name="quality",
        lookup_expr="lte",
        label="Quality at most",
        min_value=0,
        max_value=QUALITY_LIMIT,
    )
    date_from = django_filters.DateFilter(
        method="filter_date_from", label="From", validators=[check_date_range]
    )
    date_to = django_filters.DateFilter(
        method="filter_date_to", label="To", validators=[check_date_range]
    )
    period = django_filters.ChoiceFilter(
        choices=PeriodChoices.choices,
        method="filter_period",
        empty_label="Any time",
        label="Published",
    )
    type = AnyValuesFilter(field_name="type", label="Type", distinct=False)
    category = AnyValuesFilter(field_name="category", label="Category", distinct=False)
    has_image = CheckboxFilter(method="filter_has_image", label="With an image")
    q = django_filters.CharFilter(
        method="filter_search", label="Search", max_length=SEARCH_MAX_LENGTH
    )
    sort = django_filters.ChoiceFilter(
        choices=SortChoices.choices, method="filter_sort", empty_label=None, label="Sort"
    )

    class Meta:
        form = ArticleFilterForm

    def filter_topic(self, queryset, name, topics):
        # Exists rather than a join: an article in two of the chosen topics is listed once.
        if not topics:
            return queryset
        return queryset.filter(
            Exists(ArticleTopic.objects.filter(article=OuterRef("pk"), topic__in=topics))
        )

    def filter_provider(self, queryset, name, providers):
        # provider_id IN (…): no join, no DISTINCT.
        return queryset.filter(provider__in=providers) if providers else queryset

    def filter_date_from(self, queryset, name, day):
        # A range on the column (not __date) so the published_at index serves it.
        return queryset.filter(published_at__gte=start_of_day(day))

    def filter_date_to(self, queryset, name, day):
        return queryset.filter(published_at__lt=start_of_day(day + timedelta(days=1)))

    def filter_period(self, queryset, name, period):
        return queryset.filter(published_at__gte=start_of_day(period_start(period, local_today())))

    def filter_has_image(self, queryset, name, wanted):
        if not wanted:
            return queryset
        return queryset.filter(Exists(ArticleImage.objects.filter(article=OuterRef("pk"))))

    def filter_search(self, queryset, name, query):
        # One plan for the facet passes and the page (articles/search.py).
        return full_text.search(queryset, query, plans=self.__dict__.setdefault("plans", {}))

    def filter_sort(self, queryset, name, sort):
        # Ordering itself is applied in `filter_queryset`, after every filter.
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        sort = chosen_sort(self.form.cleaned_data)
        if sort == SortChoices.RELEVANCE and searching(self.form.cleaned_data):
            return queryset.by_relevance(self.form.cleaned_data["q"])
        return queryset.order_by(*ordering_for(sort))


def searching(cleaned_data):
    return bool((cleaned_data.get("q") or "").strip())


def chosen_sort(cleaned_data):
    """The sort asked for; by default, best match first for a search, else newest first."""
    if cleaned_data.get("sort"):
        return cleaned_data["sort"]
    return SortChoices.RELEVANCE if searching(cleaned_data) else SortChoices.NEWEST


def ordering_for(sort):
    nulls_last = {"nulls_last": True}
    return {
        # Plain column order, so the (published_at, id) indexes serve it on both databases;
        # a listed article always has a publication date.
        SortChoices.NEWEST: ["-published_at", "-id"],
        SortChoices.OLDEST: ["published_at", "id"],
        SortChoices.QUALITY: [F("quality").desc(**nulls_last), "-published_at", "-id"],
        SortChoices.HEAT: [F("heat").desc(**nulls_last), "-published_at", "-id"],
        # Without a search there is nothing to rank; newest first stands in.
        SortChoices.RELEVANCE: ["-published_at", "-id"],
    }[sort]


def filter_params(cleaned_data, *, leave_out=("sort",)):
    """The active filters of a valid form as sorted (name, value) query-string pairs.

    Canonical (merged names resolved, search text's spaces folded), so it is the one cache key
    of a filtered figure and the base of links that keep the filters.
    """
    pairs = []
    for name, value in cleaned_data.items():
        # `is`, not `in`: 0 == False, and quality_min=0 is a filter.
        if name in leave_out or value is None or value is False or value in ("", []):
            continue
        values = value if isinstance(value, list | tuple | QuerySet) else [value]
        for item in values:
            if name == "topic":
                item = item.slug
            elif name == "provider":
                item = item.domain
            elif name == "q":
                item = " ".join(item.split())
            elif isinstance(item, date):
                item = item.isoformat()
            elif item is True:
                item = "on"
            pairs.append((name, str(item)))
    return sorted(pairs)


def describe(cleaned_data, *, within=""):
    """The filters in words, for feed titles: "AI in Autos, quality ≥ 70".

    `within` names the list the filters narrow (a topic or provider page's own name).
    """
    data = cleaned_data
    parts = [within] if within else []
    if data.get("topic"):
        parts.append(" or ".join(topic.name for topic in data["topic"]))
    if data.get("provider"):
        names = " or ".join(provider.name or provider.domain for provider in data["provider"])
        parts.append(f"from {names}")
    if searching(data):
        parts.append(f"search “{' '.join(data['q'].split())}”")
    if not parts:
        parts.append("Latest articles")
    if data.get("quality_min") is not None:
        parts.append(f"quality ≥ {data['quality_min']}")
    if data.get("quality_max") is not None:
        parts.append(f"quality ≤ {data['quality_max']}")
    if data.get("period"):
        parts.append(dict(PeriodChoices.choices)[data["period"]].lower())
    if data.get("date_from"):
        parts.append(f"from {data['date_from'].isoformat()}")
    if data.get("date_to"):
        parts.append(f"to {data['date_to'].isoformat()}")
    for name in ("type", "category"):
        if data.get(name):
            parts.append(f"{name} {' or '.join(data[name])}")
    if data.get("has_image"):
        parts.append("with an image")
    return ", ".join(parts)
