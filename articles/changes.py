"""The triggers that log which articles' dashboard facts change (the ArticleChange model).

A trigger runs inside whatever transaction writes an article or its topics (an import batch, a
staff edit, a topic merge, a delete), so no writer has to know about the log. Each marks the
article's row as changed with no version yet; bump_data_version() (articles/cache.py) stamps
the marks with the version it makes, in the same transaction, so a mark's version orders it
among commits even when two writers overlap on PostgreSQL.

SQLite rebuilds a table to alter it, which drops its triggers: `ensure_triggers` puts them back
after every migrate, as articles/search.py does for the full-text index.
"""

ARTICLE = "articles_article"
ARTICLE_TOPIC = "articles_articletopic"
LOG = "articles_articlechange"
# The article columns the dashboard counts by; a change to any other column is not logged.
FACT_COLUMNS = ("published_at", "provider_id", "quality", "heat", "status", "is_stub")


def _sqlite_mark(row):
    # An article is marked once per transaction however many of its rows change (an import
    # writes its topics right after it): a mark already pending costs two lookups, no write.
    # Plain statements, not INSERT OR REPLACE or an upsert: an outer INSERT OR IGNORE would
    # impose its own conflict policy on those and could leave an older version in place.
    return (
        f"UPDATE {LOG} SET version = NULL "  # noqa: S608 - constant names
        f"WHERE article_id = {row} AND version IS NOT NULL; "
        f"INSERT INTO {LOG} (article_id, version) SELECT {row}, NULL "
        f"WHERE NOT EXISTS (SELECT 1 FROM {LOG} WHERE article_id = {row});"
    )


def _sqlite_changed_columns():
    return " OR ".join(f"old.{column} IS NOT new.{column}" for column in FACT_COLUMNS)


SQLITE_TRIGGERS = {
    "articles_change_article_insert": (
        f"AFTER INSERT ON {ARTICLE} BEGIN {_sqlite_mark('new.id')} END"
    ),
    "articles_change_article_delete": (
        f"AFTER DELETE ON {ARTICLE} BEGIN {_sqlite_mark('old.id')} END"
    ),
    "articles_change_article_update": (
        f"AFTER UPDATE ON {ARTICLE} WHEN {_sqlite_changed_columns()} "
        f"BEGIN {_sqlite_mark('old.id')} {_sqlite_mark('new.id')} END"
    ),
    "articles_change_topic_insert": (
        f"AFTER INSERT ON {ARTICLE_TOPIC} BEGIN {_sqlite_mark('new.article_id')} END"
    ),
    "articles_change_topic_delete": (
        f"AFTER DELETE ON {ARTICLE_TOPIC} BEGIN {_sqlite_mark('old.article_id')} END"
    ),
    "articles_change_topic_update": (
        f"AFTER UPDATE ON {ARTICLE_TOPIC} "
        f"BEGIN {_sqlite_mark('old.article_id')} {_sqlite_mark('new.article_id')} END"
    ),
}

POSTGRESQL_FUNCTIONS = [
    """CREATE OR REPLACE FUNCTION articles_mark_change(changed bigint) RETURNS void
    LANGUAGE sql AS $$
        INSERT INTO articles_articlechange (article_id, version) VALUES (changed, NULL)
        ON CONFLICT (article_id) DO UPDATE SET version = NULL
        WHERE articles_articlechange.version IS NOT NULL
    $$""",
    """CREATE OR REPLACE FUNCTION articles_article_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN PERFORM articles_mark_change(OLD.id); END IF;
        IF TG_OP <> 'DELETE' THEN PERFORM articles_mark_change(NEW.id); END IF;
        RETURN NULL;
    END $$""",
    """CREATE OR REPLACE FUNCTION articles_article_topic_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN PERFORM articles_mark_change(OLD.article_id); END IF;
        IF TG_OP <> 'DELETE' THEN PERFORM articles_mark_change(NEW.article_id); END IF;
        RETURN NULL;
    END $$""",
]

_pg_changed_columns = " OR ".join(
    f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in FACT_COLUMNS
)
POSTGRESQL_TRIGGERS = {
    "articles_change_article": (
        ARTICLE,
        f"AFTER INSERT OR DELETE ON {ARTICLE} FOR EACH ROW "
        "EXECUTE FUNCTION articles_article_changed()",
    ),
    "articles_change_article_update": (
        ARTICLE,
        f"AFTER UPDATE ON {ARTICLE} FOR EACH ROW WHEN ({_pg_changed_columns}) "
        "EXECUTE FUNCTION articles_article_changed()",
    ),
    "articles_change_topic": (
        ARTICLE_TOPIC,
        f"AFTER INSERT OR UPDATE OR DELETE ON {ARTICLE_TOPIC} FOR EACH ROW "
        "EXECUTE FUNCTION articles_article_topic_changed()",
    ),
}


def create_triggers(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name, body in SQLITE_TRIGGERS.items():
                cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")
        elif connection.vendor == "postgresql":
            for statement in POSTGRESQL_FUNCTIONS:
                cursor.execute(statement)
            for name, (table, body) in POSTGRESQL_TRIGGERS.items():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                cursor.execute(f"CREATE TRIGGER {name} {body}")


def drop_triggers(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        elif connection.vendor == "postgresql":
            for name, (table, _) in POSTGRESQL_TRIGGERS.items():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            for function in ("articles_article_changed", "articles_article_topic_changed"):
                cursor.execute(f"DROP FUNCTION IF EXISTS {function}()")
            cursor.execute("DROP FUNCTION IF EXISTS articles_mark_change(bigint)")


def ensure_triggers(sender, using="default", **kwargs):
    """post_migrate: put back SQLite triggers that a later migration's table rebuild dropped,
    and log every article as changed, since changes made meanwhile went unlogged."""
    from django.db import connections, transaction

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    if LOG not in connection.introspection.table_names():
        return  # migrated to before the log existed
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
            ["articles_change_%"],
        )
        if {name for (name,) in cursor.fetchall()} == set(SQLITE_TRIGGERS):
            return
        create_triggers(connection)
        cursor.execute("DELETE FROM articles_articlechange")
        cursor.execute(
            "INSERT INTO articles_articlechange (article_id, version) "
            "SELECT id, NULL FROM articles_article"
        )
    from .cache import bump_data_version

    with transaction.atomic(using=using):
        bump_data_version()
