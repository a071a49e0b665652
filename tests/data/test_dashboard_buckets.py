"""Time buckets and quality bins: a readable number of bars whatever the range."""

from datetime import date

import pytest

from articles.dashboard.buckets import MAX_BARS, bucket_counts, quality_bins, time_buckets


@pytest.mark.parametrize(
    ("first", "last", "unit", "count"),
    [
        (date(2024, 3, 5), date(2024, 3, 5), "day", 1),
        (date(2024, 3, 1), date(2024, 4, 29), "day", 60),
        (date(2024, 1, 1), date(2024, 12, 31), "week", 53),
        (date(2019, 1, 1), date(2023, 12, 31), "month", 60),
        (date(2019, 3, 10), date(2020, 11, 2), "month", 21),
        (date(2000, 2, 1), date(2014, 12, 31), "quarter", 60),
        (date(1950, 6, 1), date(2009, 1, 1), "year", 60),
        (date(1900, 1, 1), date(2999, 12, 31), "20 years", 55),
    ],
)
def test_the_unit_grows_so_a_range_never_needs_more_than_sixty_bars(first, last, unit, count):
    got_unit, buckets = time_buckets(first, last)

    assert (got_unit, len(buckets)) == (unit, count)
    assert len(buckets) <= MAX_BARS
    assert buckets[0].start <= first <= buckets[0].end
    assert buckets[-1].start <= last <= buckets[-1].end
    for before, after in zip(buckets, buckets[1:], strict=False):
        assert (after.start - before.end).days == 1  # no gaps, no overlaps


def test_a_two_year_range_starts_in_its_first_month_and_ends_in_its_last():
    unit, buckets = time_buckets(date(2021, 1, 1), date(2022, 12, 31))
    assert unit == "month"
    assert (buckets[0].label, buckets[-1].label) == ("Jan 2021", "Dec 2022")
    assert (buckets[0].start, buckets[-1].end) == (date(2021, 1, 1), date(2022, 12, 31))


def test_days_outside_the_buckets_go_to_the_first_or_last():
    _, buckets = time_buckets(date(2024, 1, 1), date(2024, 1, 10))
    starts = [bucket.start for bucket in buckets]
    days = [date(1, 1, 1), date(2024, 1, 4), date(9999, 12, 31)]
    counts = bucket_counts(starts, [day.toordinal() for day in days], [5, 2, 7])
    assert counts == [5, 0, 0, 2, 0, 0, 0, 0, 0, 7]


def test_an_absurd_score_costs_one_open_bin_not_millions():
    assert quality_bins(0, 16, 30, 100_000) == (list(range(17)), False)
    numbers, open_last = quality_bins(0, 214_748_364, 30, 100_000)
    assert (len(numbers), open_last) == (30, True)
    # Never a bin starting past what a filter accepts.
    assert quality_bins(99_990, 214_748_364, 30, 100_000) == (list(range(99_990, 100_001)), True)
