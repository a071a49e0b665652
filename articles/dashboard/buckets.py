"""Time buckets and quality bins for the dashboard's charts. No Django.

A chart keeps a readable number of bars whatever the range: the unit grows from days to weeks,
months, quarters, years and then runs of years until at most MAX_BARS buckets cover the range.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

MAX_BARS = 60
# Runs of years for very long ranges; each divides 3000, so buckets never pass year 2999.
YEAR_RUNS = [2, 5, 10, 20, 50, 100, 200, 500, 1000]


@dataclass(frozen=True)
class Bucket:
    start: date
    end: date  # inclusive
    label: str


def _month_start(day, months=1):
    index = (day.year * 12 + day.month - 1) // months * months
    return date(index // 12, index % 12 + 1, 1)


def _add_months(day, months):
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _starts(first, last, step):
    starts = []
    while first <= last:
        starts.append(first)
        first = step(first)
    return starts


def time_buckets(first, last):
    """(unit, buckets) covering first..last (dates, first ≤ last) with at most MAX_BARS buckets.

    Meant for the dates a filter accepts (years 1900–2999), which every unit divides evenly.

    The first bucket starts on or before `first` and the last ends on or after `last`.
    """
    days = (last - first).days + 1
    if days <= MAX_BARS:
        starts = _starts(first, last, lambda day: day + timedelta(days=1))
        return "day", [Bucket(day, day, f"{day:%-d %b %Y}") for day in starts]
    monday = first - timedelta(days=first.weekday())
    if (last - monday).days // 7 + 1 <= MAX_BARS:
        starts = _starts(monday, last, lambda day: day + timedelta(weeks=1))
        return "week", [Bucket(day, day + timedelta(days=6), f"{day:%-d %b %Y}") for day in starts]
    for unit, months in (("month", 1), ("quarter", 3), ("year", 12)):
        start = _month_start(first, months)
        count = ((last.year * 12 + last.month - 1) - (start.year * 12 + start.month - 1)) // months
        if count + 1 <= MAX_BARS:
            starts = _starts(start, last, lambda day, months=months: _add_months(day, months))
            return unit, [
                Bucket(day, _add_months(day, months) - timedelta(days=1), _label(unit, day))
                for day in starts
            ]
    run = next(
        (n for n in YEAR_RUNS if last.year // n - first.year // n + 1 <= MAX_BARS), YEAR_RUNS[-1]
    )
    years = range(first.year // run * run, last.year + 1, run)
    return f"{run} years", [
        Bucket(date(year, 1, 1), date(year + run - 1, 12, 31), f"{year}–{year + run - 1}")
        for year in years
    ]


def _label(unit, day):
    if unit == "month":
        return f"{day:%b %Y}"
    if unit == "quarter":
        return f"{day.year} Q{(day.month - 1) // 3 + 1}"
    return str(day.year)


def bucket_counts(starts, days, counts):
    """Per bucket (given their start days), the sum of `counts` of the `days` (day numbers,
    date.toordinal()) in it; days outside go to the end buckets."""
    starts = np.array([start.toordinal() for start in starts])
    index = np.clip(np.searchsorted(starts, days, side="right") - 1, 0, len(starts) - 1)
    return np.bincount(index, weights=counts, minlength=len(starts)).astype(np.int64).tolist()


def quality_bins(first_bin, last_bin, max_bins, top_bin):
    """Bin numbers from first_bin to last_bin, at most `max_bins` of them and none past
    `top_bin` (the highest a filter can name): (numbers, whether the last bin is open).

    An open last bin takes every higher score, so one absurd score (2147483647) costs one bin,
    not 200 million.
    """
    last = min(last_bin, first_bin + max_bins - 1, top_bin)
    return list(range(first_bin, last + 1)), last < last_bin
