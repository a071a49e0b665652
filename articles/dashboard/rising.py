"""Rising topics and providers: the last 7 days against their own recent past.

For each topic (and provider) of the filtered articles:
- `recent`: articles in the RECENT_DAYS days up to the range's end (`date_to`, else today);
- `usual`: the mean number per RECENT_DAYS days over the BASELINE_WEEKS weeks before them;
- `score` = (recent − usual) / √(usual + 1): how many "typical fluctuations" above normal the
  week is (the square root is a count's natural spread, and + 1 keeps a topic that was never
  seen from scoring infinitely high on two articles).
It is rising when recent ≥ MIN_RECENT and score ≥ MIN_SCORE; the highest scores come first. A topic
on UBIQUITOUS_SHARE or more of the recent articles (the root "AI") rises with the volume and says
nothing about what rose, so it is left out.
Both windows stay inside the filters' dates, so a rising entry's link lists exactly `recent`.
"""

import math
from datetime import timedelta

from django.db.models import Count

RECENT_DAYS = 7
BASELINE_WEEKS = 8
MIN_RECENT = 3
MIN_SCORE = 2.0
SHOWN = 10
UBIQUITOUS_SHARE = 0.9


def rising_score(recent, baseline_total, baseline_weeks=BASELINE_WEEKS):
    usual = baseline_total / baseline_weeks
    return (recent - usual) / math.sqrt(usual + 1), usual


def windows(end):
    """(recent first day, baseline first day, baseline last day) for a range ending on `end`."""
    recent_first = end - timedelta(days=RECENT_DAYS - 1)
    baseline_last = recent_first - timedelta(days=1)
    baseline_first = baseline_last - timedelta(weeks=BASELINE_WEEKS) + timedelta(days=1)
    return recent_first, baseline_first, baseline_last


def rising(articles, group, key, *, end, bounds, within_days, link, skip_ubiquitous=False):
    """The rising values of `group` (a topic or provider path; `key` its slug or domain field)
    among `articles`. `link(key value, dates)` builds the list URL of one value's recent articles.
    """
    recent_first, baseline_first, baseline_last = windows(end)
    recent_dates = bounds.link_dates(recent_first, end)
    if bounds.first:
        recent_first = max(recent_first, bounds.first)
        baseline_first = max(baseline_first, bounds.first)
    name, key = f"{group}__name", f"{group}__{key}"
    rows = (
        articles.filter(within_days(baseline_first, end), **{f"{group}__isnull": False})
        .values(name, key)
        .annotate(
            recent=Count("pk", filter=within_days(recent_first, end)),
            # Empty (0) when the filters' dates start inside the recent days.
            earlier=Count("pk", filter=within_days(baseline_first, baseline_last)),
        )
        .filter(recent__gte=MIN_RECENT)
        .order_by()
    )
    rows = list(rows)
    ubiquitous = math.inf
    if skip_ubiquitous and rows:
        ubiquitous = UBIQUITOUS_SHARE * articles.filter(within_days(recent_first, end)).count()
    found = []
    for row in rows:
        score, usual = rising_score(row["recent"], row["earlier"])
        if score >= MIN_SCORE and row["recent"] < ubiquitous:
            found.append(
                {
                    "name": row[name] or row[key],
                    "key": row[key],
                    "count": row["recent"],
                    "usual": round(usual, 1),
                    "score": round(score, 2),
                    "href": link(row[key], recent_dates),
                }
            )
    found.sort(key=lambda entry: (-entry["score"], entry["name"]))
    return found[:SHOWN]
