"""What the dashboard counts, one row per article, as NumPy columns kept in each web process.

Grouped SQL over 100,000 articles takes half a second and more (SQLite evaluates every row in
its bytecode, PostgreSQL reads a wide table); the same counts over a few NumPy columns take
milliseconds. A `Facts` snapshot holds, for every article: its id, when it was published (UTC
microseconds), its day in the site's time zone, provider, quality, heat and which audiences may
see it; and every article–topic pair.

It is never stale. Database triggers log every article whose facts change (articles/changes.py)
and each writer's bump_data_version() stamps those marks with the version it makes; before
counting, `current_facts()` reads the marks newer than the snapshot (one indexed query, usually
empty) and re-reads just those articles. A process with no snapshot yet, or one that falls far
behind, reads everything once (about half a second at 100,000 articles).

Which articles a filter selects stays the filterset's SQL, the one home of each filter: `select`
reads the ids it matches. Visibility is read through the same queryset rule.
"""

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property

import numpy as np
from django.db import DatabaseError, connections
from django.db.models import Func, Q, TextField
from django.utils import timezone

from ..cache import current_data_version
from ..filters import local_today, period_start
from ..models import Article, ArticleChange, ArticleTopic, Audience

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
NO_DAY = 0  # date.toordinal() is 1 or more
NO_PROVIDER = -1
NO_MOMENT = np.iinfo(np.int64).min
# Past this share of changed articles (and one chunk of ids), reading everything again is as
# quick as reading the changes.
REREAD_SHARE = 0.25
ID_CHUNK = 900  # ids per `IN (…)`, under SQLite's parameter limit


def day_number(day):
    return day.toordinal()


def datetime_of(moment):
    return EPOCH + timedelta(microseconds=int(moment))


@dataclass
class Facts:
    version: int  # the one field that changes: a refresh that finds no change relabels it
    columns: dict  # name → array, one entry per article, sorted by id
    pair_article: np.ndarray  # article id of each article–topic pair
    pair_topic: np.ndarray

    @property
    def ids(self):
        return self.columns["id"]

    def rows_of(self, ids):
        """A mask of the articles `ids` names (ids the snapshot lacks, newer than it, are
        left out)."""
        positions = np.searchsorted(self.ids, ids)
        known = positions < len(self.ids)
        known[known] = self.ids[positions[known]] == ids[known]
        mask = np.zeros(len(self.ids), dtype=bool)
        mask[positions[known]] = True
        return mask

    def select(self, audience, filterset, params):
        """The Selection a valid filterset makes: the audience's visibility column narrowed
        by the filters the columns can answer (`ON_COLUMNS`), else the ids its queryset
        matches (a search, a type, a category, an image)."""
        mask = self.columns[f"visible_{audience}"]
        filterset.is_valid()
        cleaned = filterset.form.cleaned_data
        if {name for name, _ in params} <= ON_COLUMNS.keys():
            for name in {name for name, _ in params}:
                mask = mask & ON_COLUMNS[name](self, cleaned[name])
            return Selection(self, mask)
        return Selection(self, self.rows_of(ids_of(filterset.qs)))

    def with_topics(self, topics):
        rows = self.pair_rows[np.isin(self.pair_topic, [topic.pk for topic in topics])]
        mask = np.zeros(len(self.ids), dtype=bool)
        mask[rows] = True
        return mask

    def on_day_or_after(self, day):
        return self.columns["day"] >= day_number(day)

    def on_day_or_before(self, day):
        days = self.columns["day"]
        return (days != NO_DAY) & (days <= day_number(day))

    @cached_property
    def pair_rows(self):
        """The row (index into the columns) of each pair's article."""
        return np.searchsorted(self.ids, self.pair_article)


# The filters of filters.ArticleFilter that these columns answer, each with the same meaning as
# its SQL there (tests/data/test_dashboard_facts.py checks each against the filterset's ids):
# the dashboard's common filters then need no query at all.
ON_COLUMNS = {
    "topic": Facts.with_topics,  # any of the topics
    "provider": lambda facts, providers: np.isin(
        facts.columns["provider"], [provider.pk for provider in providers]
    ),
    # NaN (no score) fails both comparisons, as NULL does.
    "quality_min": lambda facts, low: facts.columns["quality"] >= low,
    "quality_max": lambda facts, high: facts.columns["quality"] <= high,
    "date_from": Facts.on_day_or_after,
    "date_to": Facts.on_day_or_before,
    "period": lambda facts, period: facts.on_day_or_after(period_start(period, local_today())),
}


def fetched(queryset, *fields):
    """The rows of `queryset.values_list(*fields)` as the driver gives them: no row objects, no
    per-value converters (a quarter of a second at 100,000 rows)."""
    sql, params = queryset.values_list(*fields).query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def ids_of(queryset):
    """The ids `queryset` matches, sorted."""
    return np.sort(np.array([row[0] for row in fetched(queryset.order_by(), "pk")], dtype=np.int64))


class UtcText(Func):
    """A datetime as naive UTC text ("2024-01-31 09:30:00"): NumPy parses a column of those in
    C, where SQLite's driver would parse each datetime in Python."""

    output_field = TextField()
    template = "CAST(%(expressions)s AS TEXT)"

    def as_postgresql(self, compiler, connection, **extra_context):
        template = "CAST((%(expressions)s AT TIME ZONE 'UTC') AS TEXT)"
        return self.as_sql(compiler, connection, template=template, **extra_context)


def local_days(moments):
    """Day numbers in the site's time zone of UTC microseconds (NO_DAY for NO_MOMENT)."""
    zone = timezone.get_current_timezone()
    known = moments != NO_MOMENT
    days = np.full(len(moments), NO_DAY, dtype=np.int32)
    if str(zone) == "UTC":
        days[known] = moments[known] // 86_400_000_000 + EPOCH.toordinal()
    else:
        days[known] = [
            datetime_of(moment).astimezone(zone).toordinal() for moment in moments[known]
        ]
    return days


def read_facts(version, articles):
    """A snapshot of `articles` (a queryset over Article) labelled `version`."""
    articles = articles.order_by("pk")
    rows = fetched(
        articles.annotate(published=UtcText("published_at")),
        *("pk", "published", "provider_id", "quality", "heat"),
    )
    moments = np.array([row[1] for row in rows], dtype="datetime64[us]").astype(np.int64)
    columns = {
        "id": np.array([row[0] for row in rows], dtype=np.int64),
        "moment": moments,  # NaT (no date) is NO_MOMENT
        "day": local_days(moments),
        "provider": np.array(
            [NO_PROVIDER if row[2] is None else row[2] for row in rows], dtype=np.int64
        ),
        # Floats so that a missing value is NaN: it then fails every comparison, as NULL does.
        "quality": np.array([row[3] for row in rows], dtype=np.float64),
        "heat": np.array([row[4] for row in rows], dtype=np.float64),
    }
    for audience in Audience:
        visible = ids_of(articles.visible_for(audience))
        columns[f"visible_{audience}"] = np.isin(columns["id"], visible, assume_unique=True)
    links = ArticleTopic.objects.order_by("article_id", "topic_id")
    if articles.query.where:
        links = links.filter(article__in=articles.values("pk"))
    pairs = np.array(fetched(links, "article_id", "topic_id"), dtype=np.int64).reshape(-1, 2)
    return Facts(version, columns, pairs[:, 0].copy(), pairs[:, 1].copy())


def changed_since(version):
    """Ids of the articles whose facts changed after `version` (or are not stamped yet)."""
    rows = ArticleChange.objects.filter(Q(version__gt=version) | Q(version__isnull=True))
    return np.array(sorted(rows.values_list("article_id", flat=True)), dtype=np.int64)


def refreshed(facts, version):
    """`facts` brought up to `version`: the changed articles read again, the others kept."""
    changed = changed_since(facts.version)
    if not len(changed):
        facts.version = version
        return facts
    if len(changed) > max(REREAD_SHARE * len(facts.ids), ID_CHUNK):
        return read_facts(version, Article.objects.all())
    fresh = [
        read_facts(version, Article.objects.filter(pk__in=changed[start : start + ID_CHUNK]))
        for start in range(0, len(changed), ID_CHUNK)
    ]
    keep = ~np.isin(facts.ids, changed, assume_unique=True)
    columns = {
        name: np.concatenate([column[keep], *(part.columns[name] for part in fresh)])
        for name, column in facts.columns.items()
    }
    order = np.argsort(columns["id"], kind="stable")
    columns = {name: column[order] for name, column in columns.items()}
    keep_pairs = ~np.isin(facts.pair_article, changed)
    pair_article = np.concatenate(
        [facts.pair_article[keep_pairs], *(p.pair_article for p in fresh)]
    )
    pair_topic = np.concatenate([facts.pair_topic[keep_pairs], *(p.pair_topic for p in fresh)])
    order = np.argsort(pair_article, kind="stable")
    return Facts(version, columns, pair_article[order], pair_topic[order])


_lock = threading.Lock()
_facts = None


def current_facts(version):
    """The snapshot as of data version `version` (read from the database just before)."""
    global _facts
    with _lock:
        if _facts is None or version < _facts.version:
            # A version going back means another database (restored, or a test's rollback).
            _facts = read_facts(version, Article.objects.all())
        else:
            _facts = refreshed(_facts, version)
        return _facts


def read_in_background():
    """Read the snapshot on a thread of its own: a new web worker calls it (gunicorn.conf.py),
    so that its first dashboard does not wait half a second for it."""

    def read():
        try:
            current_facts(current_data_version())
        except DatabaseError:
            pass  # not migrated yet, or unreachable: the first request reports it
        finally:
            connections.close_all()

    reader = threading.Thread(target=read, name="dashboard-snapshot", daemon=True)
    reader.start()
    return reader


def forget():
    """Drop this process's snapshot (tests roll the database back under it)."""
    global _facts
    with _lock:
        _facts = None


class Selection:
    """Some articles of a snapshot (a mask over its rows), counted as the figures need."""

    def __init__(self, facts, mask):
        self.facts, self.mask = facts, mask
        self.columns = facts.columns

    def __len__(self):
        return int(self.mask.sum())

    def column(self, name, mask=None):
        return self.columns[name][self.mask if mask is None else mask]

    def within(self, first=None, last=None):
        """The mask of those published from day `first` to day `last` (both kept)."""
        day = self.columns["day"]
        mask = self.mask & (day != NO_DAY)
        if first is not None:
            mask &= day >= day_number(first)
        if last is not None:
            mask &= day <= day_number(last)
        return mask

    def count(self, first=None, last=None):
        return int(self.within(first, last).sum())

    def span(self):
        """(earliest, latest) publication datetime, or (None, None)."""
        moments = self.column("moment")
        moments = moments[moments != NO_MOMENT]
        if not len(moments):
            return None, None
        return datetime_of(moments.min()), datetime_of(moments.max())

    def per_day(self):
        """(day numbers, articles on each) for every day with any."""
        return counted_array(self.column("day", self.within()))

    def pairs(self, mask=None):
        """(pair rows, their topics) of the articles in `mask` (default: the selection)."""
        rows = self.facts.pair_rows
        chosen = (self.mask if mask is None else mask)[rows]
        return rows[chosen], self.facts.pair_topic[chosen]

    def per_day_with_topics(self, topics):
        """{topic id: (day numbers, articles on each)} of those with each of `topics`."""
        rows, pair_topics = self.pairs(self.within())
        days = self.columns["day"][rows]
        return {topic: counted_array(days[pair_topics == topic]) for topic in topics}

    def per_topic(self, first=None, last=None):
        """{topic id: articles} of those published from `first` to `last` (any date if both
        are None)."""
        mask = self.mask if first is None and last is None else self.within(first, last)
        return counted(self.pairs(mask)[1])

    def per_provider(self, first=None, last=None):
        mask = self.mask if first is None and last is None else self.within(first, last)
        providers = self.columns["provider"][mask]
        return counted(providers[providers != NO_PROVIDER])

    def qualities(self):
        quality = self.column("quality")
        return quality[~np.isnan(quality)]

    def heat_and_quality(self):
        """(quality, heat) of those with a quality; heat NaN where missing."""
        quality, heat = self.column("quality"), self.column("heat")
        known = ~np.isnan(quality)
        return quality[known], heat[known]


def counted_array(values):
    """(distinct values, how many times each) of an integer array."""
    if len(values):
        low, high = int(values.min()), int(values.max())
        if high - low < 10_000_000:  # ids and day numbers: counting beats sorting
            counts = np.bincount(values - low)
            present = np.flatnonzero(counts)
            return present + low, counts[present]
    return np.unique(values, return_counts=True)


def counted(values):
    """{value: how many times} of an integer array, as plain ints."""
    keys, counts = counted_array(values)
    return dict(zip(keys.tolist(), counts.tolist(), strict=True))
