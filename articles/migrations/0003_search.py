"""Indexes for the reader pages.

article_status_recent: reader lists and facet windows, newest first (see Article.Meta).

article_search, on PostgreSQL only, for the `q` filter: a GIN index over
to_tsvector('english', title || ' ' || excerpt), the very expression that
ArticleQuerySet.search() filters on (ArticleQuerySet.search_document), so PostgreSQL can
answer `?q=` without reading every row. SQLite has no such index type; its fallback scans.
"""

from django.db import migrations, models

INDEX_NAME = "article_search"


def search_index():
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    return GinIndex(SearchVector("title", "excerpt", config="english"), name=INDEX_NAME)


def add_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("articles", "Article"), search_index())


def remove_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("articles", "Article"), search_index())


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_editors_group")]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["status", "-published_at", "-id", "is_stub", "quality"],
                name="article_status_recent",
            ),
        ),
        migrations.RunPython(add_search_index, remove_search_index),
    ]
