"""The CSV exports of articles: /export/articles.csv for readers, an admin action for staff.

One streaming generator writes both; they differ only in their columns. Columns are a contract
(spreadsheets and scripts read them by name): docs/api.md and docs/staff.md list them.
"""

import csv

from django.db.models import OuterRef, Subquery

from .batching import chunked
from .models import ArticleImage, ArticleTopic
from .serializers import iso_utc

CHUNK = 2000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

PUBLIC_COLUMNS = [
    "id",
    "url",
    "title",
    "publishedDateTime",
    "provider",
    "providerDomain",
    "topics",
    "quality",
    "heat",
    "type",
    "category",
    "webUrl",
    "originalUrl",
    "excerpt",
]
PUBLIC_FIELDS = [
    "pk",
    "slug",
    "title",
    "published_at",
    "provider__name",
    "provider__domain",
    "quality",
    "heat",
    "type",
    "category",
    "web_url",
    "original_url",
    "excerpt",
]

STAFF_COLUMNS = [
    "id",
    "url",
    "title",
    "published_at",
    "provider_domain",
    "provider_name",
    "topics",
    "quality",
    "heat",
    "status",
    "is_stub",
    "edited_by_staff",
    "image_url",
    "excerpt",
]
STAFF_FIELDS = [
    "pk",
    "url",
    "title",
    "published_at",
    "provider__domain",
    "provider__name",
    "quality",
    "heat",
    "status",
    "is_stub",
    "edited_by_staff",
    "image_url",
    "excerpt",
]


def spreadsheet_safe(value):
    """Text a spreadsheet would run as a formula gets a leading apostrophe; numbers stay."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class _Echo:
    """csv.writer writes into this; the row comes straight back to be streamed."""

    def write(self, value):
        return value


def topic_names(article_ids):
    """{article id: "AI; Robotics"} for a chunk of articles, in one query."""
    names = {}
    links = (
        ArticleTopic.objects.filter(article_id__in=article_ids)
        .order_by("article_id", "position", "pk")
        .values_list("article_id", "topic__name")
    )
    for article_id, name in links:
        names.setdefault(article_id, []).append(name)
    return {article_id: "; ".join(found) for article_id, found in names.items()}


def csv_lines(articles, fields, header, row):
    """`header`, then `row(values, topics)` for each article, as CSV lines, streamed.

    Plain values, not model instances, in chunks so memory stays flat at any size: two queries
    per chunk of 2,000 rows (the rows with their provider, then their topic names).
    """
    # A listing queryset's prefetches cannot run on values() rows.
    rows = articles.prefetch_related(None).values(*fields)
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for chunk in chunked(rows.iterator(chunk_size=CHUNK), CHUNK):
        topics = topic_names([article["pk"] for article in chunk])
        yield "".join(
            writer.writerow(
                [spreadsheet_safe(cell) for cell in row(article, topics.get(article["pk"], ""))]
            )
            for article in chunk
        )


def public_csv(articles, page_url):
    """The reader export; `page_url(pk, slug)` gives an article's absolute page URL."""

    def row(article, topics):
        return [
            article["pk"],
            page_url(article["pk"], article["slug"]),
            article["title"],
            iso_utc(article["published_at"]) or "",
            article["provider__name"] or "",
            article["provider__domain"] or "",
            topics,
            "" if article["quality"] is None else article["quality"],
            -1 if article["heat"] is None else article["heat"],
            article["type"],
            article["category"],
            article["web_url"],
            article["original_url"],
            article["excerpt"],
        ]

    return csv_lines(articles, PUBLIC_FIELDS, PUBLIC_COLUMNS, row)


def staff_row(article, topics):
    return [
        article["pk"],
        article["url"],
        article["title"],
        article["published_at"].isoformat() if article["published_at"] else "",
        article["provider__domain"] or "",
        article["provider__name"] or "",
        topics,
        "" if article["quality"] is None else article["quality"],
        "" if article["heat"] is None else article["heat"],
        article["status"],
        "true" if article["is_stub"] else "false",
        "true" if article["edited_by_staff"] else "false",
        article["image_url"] or "",
        article["excerpt"],
    ]


def staff_csv(articles):
    """The staff export: with status, stub and staff-edit columns readers must not see."""
    # A correlated subquery on the (article, position) unique index: no extra query per chunk.
    first_image = ArticleImage.objects.filter(article=OuterRef("pk")).order_by("position")
    articles = articles.annotate(image_url=Subquery(first_image.values("url")[:1]))
    return csv_lines(articles, STAFF_FIELDS, STAFF_COLUMNS, staff_row)
