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


def rising(recent, earlier, recent_total=None):
    """The rising values among counts per value (a topic or provider id): `recent` in the recent
    days, `earlier` in the baseline weeks. With `recent_total` (all articles of the recent
    days), a value on UBIQUITOUS_SHARE of them or more is left out.

    [{"key": value, "count": recent, "usual": …, "score": …}], in no order.
    """
    ubiquitous = math.inf if recent_total is None else UBIQUITOUS_SHARE * recent_total
    found = []
    for key, count in recent.items():
        score, usual = rising_score(count, earlier.get(key, 0))
        if count >= MIN_RECENT and score >= MIN_SCORE and count < ubiquitous:
            found.append(
                {"key": key, "count": count, "usual": round(usual, 1), "score": round(score, 2)}
            )
    return found
