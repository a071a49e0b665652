"""Year and month facets beside the date range: how many of the current results fall in each.

Counted like the other facets (articles/facets.py): within the newest FACET_WINDOW results, by
one grouped query, cached under the filters and the data version. Months are the site's time
zone's. Choosing one sets `date_from` and `date_to` to its first and last day.
"""

import calendar
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from .cache import cached, digest
from .facets import filtered_except, newest
from .filters import filter_params
from .models import Article


@dataclass
class Period:
    label: str
    first: date
    last: date
    count: int
    selected: bool = False
    months: list = field(default_factory=list)  # of Period, for a year
    expanded: bool = False  # a year whose months are shown

    @property
    def date_from(self):
        return self.first.isoformat()

    @property
    def date_to(self):
        return self.last.isoformat()


def month_counts(filterset):
    """[(first day of month, count)], newest first, over the newest FACET_WINDOW results."""
    window = newest(filtered_except(filterset, ignored=()))
    rows = (
        Article.objects.filter(pk__in=window)
        .annotate(month=TruncMonth("published_at", tzinfo=timezone.get_current_timezone()))
        .values_list("month")
        .annotate(count=Count("pk"))
        .order_by("-month")
    )
    return [(month.date(), count) for month, count in rows if month is not None]


def date_facets(filterset, scope, *, version=None):
    """[Period] per year, each with its months, for a valid filterset; cached."""
    data = filterset.form.cleaned_data
    counts = cached(
        f"date-facets:{digest(scope, filter_params(data))}",
        lambda: month_counts(filterset),
        version=version,
    )
    chosen = (data.get("date_from"), data.get("date_to"))
    years = {}
    for first, count in counts:
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        year = years.get(first.year)
        if year is None:
            year = years[first.year] = Period(
                str(first.year), date(first.year, 1, 1), date(first.year, 12, 31), 0
            )
            year.selected = chosen == (year.first, year.last)
        year.count += count
        year.months.append(
            Period(first.strftime("%B"), first, last, count, selected=chosen == (first, last))
        )
    for year in years.values():
        year.expanded = (
            len(years) == 1 or year.selected or any(month.selected for month in year.months)
        )
    return list(years.values())
