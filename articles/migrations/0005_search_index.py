"""The full-text index behind `?q=` and the admin's article search (articles/search.py).

SQLite: an FTS5 table over title and excerpt (external content: it stores only the index),
folding case and accents (`unicode61 remove_diacritics 2`) and stemming (`porter`). Triggers
keep it in step inside whatever transaction writes an article (an import batch, a staff edit,
a delete), so no writer has to know about it. articles/search.py re-creates the triggers after
every migrate, because SQLite rebuilds a table to alter it, and that drops its triggers.

PostgreSQL: a stored generated tsvector column (title weighted A, excerpt B) through the
`newsroom_search` configuration (English stemming after `unaccent`), with a GIN index. It
replaces migration 0003's expression index, which made every ranked search compute
to_tsvector per row.
"""

from django.db import migrations

from articles import search


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        search.create_sqlite_index(connection)
    elif connection.vendor == "postgresql":
        search.create_postgresql_index(connection)


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        search.drop_sqlite_index(connection)
    elif connection.vendor == "postgresql":
        search.drop_postgresql_index(connection)
        # Migration 0003's index, as it was.
        from django.contrib.postgres.indexes import GinIndex
        from django.contrib.postgres.search import SearchVector

        index = GinIndex(SearchVector("title", "excerpt", config="english"), name="article_search")
        schema_editor.add_index(apps.get_model("articles", "Article"), index)


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_alias_names")]

    operations = [migrations.RunPython(forwards, backwards)]
