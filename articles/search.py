"""Full-text search of articles: the index (migration 0005_search_index) and the queries on it.

Both databases index title and excerpt and take the same syntax (articles/search_syntax.py):
SQLite through an FTS5 table kept in step by triggers, ranked by bm25; PostgreSQL through a
stored tsvector column with a GIN index, ranked by ts_rank_cd. In both, the title weighs more.

`search(queryset, text)` narrows any article queryset (the reader filter, the API, feeds, the
admin through `search_articles`), and `by_relevance(queryset, text)` orders it best first.
"""

from django.db.models import BooleanField, F, FloatField, Func, Q

from .search_syntax import fts5_match, parse, tsquery_sql

FTS_TABLE = "articles_article_fts"
PG_CONFIG = "newsroom_search"
PG_COLUMN = "search_vector"
PG_INDEX = "article_search_vector"
TITLE_WEIGHT = 5.0  # bm25 weight of the title against 1 for the excerpt (SQLite)

SQLITE_TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS articles_article_fts_insert AFTER INSERT ON articles_article
    BEGIN
        INSERT INTO articles_article_fts(rowid, title, excerpt)
        VALUES (new.id, new.title, new.excerpt);
    END""",
    """CREATE TRIGGER IF NOT EXISTS articles_article_fts_delete AFTER DELETE ON articles_article
    BEGIN
        INSERT INTO articles_article_fts(articles_article_fts, rowid, title, excerpt)
        VALUES ('delete', old.id, old.title, old.excerpt);
    END""",
    """CREATE TRIGGER IF NOT EXISTS articles_article_fts_update
    AFTER UPDATE OF id, title, excerpt ON articles_article
    BEGIN
        INSERT INTO articles_article_fts(articles_article_fts, rowid, title, excerpt)
        VALUES ('delete', old.id, old.title, old.excerpt);
        INSERT INTO articles_article_fts(rowid, title, excerpt)
        VALUES (new.id, new.title, new.excerpt);
    END""",
]


def create_sqlite_index(connection):
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(title, excerpt, "
            "content='articles_article', content_rowid='id', "
            "tokenize='porter unicode61 remove_diacritics 2')"
        )
        for statement in SQLITE_TRIGGERS:
            cursor.execute(statement)
        cursor.execute("INSERT INTO articles_article_fts(articles_article_fts) VALUES ('rebuild')")


def drop_sqlite_index(connection):
    with connection.cursor() as cursor:
        for action in ("insert", "delete", "update"):
            cursor.execute(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{action}")
        cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


def ensure_sqlite_triggers(sender, using="default", **kwargs):
    """post_migrate: put back triggers that a later migration's table rebuild dropped.

    SQLite alters a table by copying it to a new one, which loses its triggers; the rows keep
    their ids, so the index is rebuilt once from them if any trigger was missing.
    """
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM sqlite_master WHERE name = %s OR "
            "(type = 'trigger' AND tbl_name = 'articles_article' AND name LIKE %s)",
            [FTS_TABLE, f"{FTS_TABLE}_%"],
        )
        present = cursor.fetchone()[0]
    if 1 <= present < 1 + len(SQLITE_TRIGGERS):
        create_sqlite_index(connection)


def create_postgresql_index(connection):
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        cursor.execute(f"CREATE TEXT SEARCH CONFIGURATION {PG_CONFIG} (COPY = english)")
        cursor.execute(
            f"ALTER TEXT SEARCH CONFIGURATION {PG_CONFIG} ALTER MAPPING FOR "
            "hword, hword_part, word WITH unaccent, english_stem"
        )
        cursor.execute(
            f"ALTER TABLE articles_article ADD COLUMN {PG_COLUMN} tsvector GENERATED ALWAYS AS ("
            f"setweight(to_tsvector('{PG_CONFIG}'::regconfig, coalesce(title, '')), 'A') || "
            f"setweight(to_tsvector('{PG_CONFIG}'::regconfig, coalesce(excerpt, '')), 'B')"
            ") STORED"
        )
        cursor.execute(f"CREATE INDEX {PG_INDEX} ON articles_article USING gin ({PG_COLUMN})")
        cursor.execute("DROP INDEX IF EXISTS article_search")


def drop_postgresql_index(connection):
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE articles_article DROP COLUMN IF EXISTS {PG_COLUMN}")
        cursor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {PG_CONFIG}")


class _OnIndex(Func):
    """A clause over the current row's index entry; the row is found through its pk column,
    so it works under any table alias (subqueries, facets)."""

    def __init__(self, groups, row=None):
        super().__init__(row if row is not None else F("pk"))
        self.groups = groups

    def as_sql(self, compiler, connection, **extra):
        raise NotImplementedError("Full-text search needs SQLite or PostgreSQL.")

    def row(self, compiler):
        return compiler.compile(self.source_expressions[0])

    def vector(self, compiler):
        """The tsvector column of the row (PostgreSQL), beside its pk under the same alias."""
        column = self.source_expressions[0]
        return f'{compiler.quote_name_unless_alias(column.alias)}."{PG_COLUMN}"'


class Matches(_OnIndex):
    """True when the row matches every group (each: any of its terms)."""

    output_field = BooleanField()

    def as_sqlite(self, compiler, connection, **extra):
        pk, params = self.row(compiler)
        sql = f"{pk} IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)"  # noqa: S608
        return sql, [*params, fts5_match(self.groups)]

    def as_postgresql(self, compiler, connection, **extra):
        tsquery, params = tsquery_sql(self.groups, PG_CONFIG)
        return f"{self.vector(compiler)} @@ {tsquery}", params


class Rank(_OnIndex):
    """How well the row matches (higher is better): -bm25 on SQLite, ts_rank_cd on PostgreSQL."""

    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        # bm25 only exists inside a MATCH query: one index look-up of this row per row ranked.
        pk, params = self.row(compiler)
        sql = (
            f"(SELECT -bm25({FTS_TABLE}, {TITLE_WEIGHT}, 1.0) FROM {FTS_TABLE} "  # noqa: S608
            f"WHERE {FTS_TABLE} MATCH %s AND rowid = {pk})"
        )
        return sql, [fts5_match(self.groups), *params]

    def as_postgresql(self, compiler, connection, **extra):
        tsquery, params = tsquery_sql(self.groups, PG_CONFIG)
        return f"ts_rank_cd({self.vector(compiler)}, {tsquery})", params


def search(queryset, text):
    """`queryset` narrowed to the articles matching `text` (search_syntax.parse)."""
    if not text.strip():
        return queryset
    query = parse(text)
    if not query:
        return queryset.none()  # only punctuation: nothing to look for
    if query.required:
        queryset = queryset.filter(Matches(query.required))
    if query.excluded:
        queryset = queryset.exclude(Matches((query.excluded,)))  # any of them
    return queryset


def by_relevance(queryset, text):
    """`queryset` (already narrowed by search()) best match first, newest on a tie."""
    query = parse(text)
    if not query.required:
        return queryset.order_by("-published_at", "-id")
    return queryset.annotate(search_rank=Rank(query.required)).order_by(
        "-search_rank", "-published_at", "-id"
    )


def search_articles(queryset, text):
    """The admin's article search: the reader index for words in the title and excerpt, or
    the start of a URL or a provider's domain, or words in the provider's name."""
    text = text.strip()
    if not text:
        return queryset
    matches = Q(pk__in=search(queryset.model.objects.all(), text).values("pk"))
    if len(text) <= 200:
        matches |= Q(url__startswith=text) | Q(provider__domain__startswith=text.lower())
        matches |= Q(provider__name__icontains=text)
    return queryset.filter(matches)
