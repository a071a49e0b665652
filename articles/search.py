"""Full-text search of articles: the index (migration 0005_search_index) and the queries on it.

Both databases index title and excerpt and take the same syntax (articles/search_syntax.py):
SQLite through an FTS5 table kept in step by triggers, ranked by bm25; PostgreSQL through a
stored tsvector column with a GIN index, ranked by ts_rank_cd. In both, the title weighs more.

`search(queryset, text)` narrows any article queryset (the reader filter, the API, feeds, the
admin through `search_articles`), and `by_relevance(queryset, text)` orders it best first.
"""

from django.db import connections
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
    """True when the row matches every group (each: any of its terms).

    On SQLite, `few` says whether the index has only a few matches (see `search`): then the
    matches drive the query (each row found by its id), else the query walks its own index
    (newest first, as every list does) and checks each row against the matches, read once.
    """

    output_field = BooleanField()

    def __init__(self, groups, row=None, *, few=True):
        super().__init__(groups, row)
        self.few = few

    def as_sqlite(self, compiler, connection, **extra):
        pk, params = self.row(compiler)
        # A unary + keeps SQLite from using the id as the way in (https://sqlite.org/optoverview.html).
        probe = pk if self.few else f"+{pk}"
        sql = f"{probe} IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)"  # noqa: S608
        return sql, [*params, fts5_match(self.groups)]

    def as_postgresql(self, compiler, connection, **extra):
        tsquery, params = tsquery_sql(self.groups, PG_CONFIG)
        return f"{self.vector(compiler)} @@ {tsquery}", params


class IndexEntryOfRow(_OnIndex):
    """SQLite: the joined index table's row is this article's (the join condition of
    by_relevance, written through the pk column so that it follows the table's alias)."""

    output_field = BooleanField()

    def as_sqlite(self, compiler, connection, **extra):
        pk, params = self.row(compiler)
        return f"{FTS_TABLE}.rowid = {pk}", params


class Rank(_OnIndex):
    """How well the row matches, higher is better: PostgreSQL's ts_rank_cd of its column."""

    output_field = FloatField()

    def as_postgresql(self, compiler, connection, **extra):
        tsquery, params = tsquery_sql(self.groups, PG_CONFIG)
        return f"ts_rank_cd({self.vector(compiler)}, {tsquery})", params


# Past this many matches, a search walks the list's own index instead (see Matches).
FEW_MATCHES = 2_000


def few_matches(queryset, query):
    """Whether the SQLite index holds at most FEW_MATCHES matches: one query, reading at most
    that many ids. Both plans are right; the wrong one costs up to ~0.5 s at 100,000 articles
    (a common word driving a date sort, or a rare one walking every row)."""
    connection = connections[queryset.db]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "  # noqa: S608
            "LIMIT %s)",
            [fts5_match(query.required), FEW_MATCHES + 1],
        )
        return cursor.fetchone()[0] <= FEW_MATCHES


def search(queryset, text, *, plans=None):
    """`queryset` narrowed to the articles matching `text` (search_syntax.parse).

    `plans`, a dict kept by the caller, remembers the SQLite plan for each text, so the
    several passes of one list (facets, page) ask the index only once.
    """
    if not text.strip():
        return queryset
    query = parse(text)
    if not query:
        return queryset.none()  # only punctuation: nothing to look for
    if query.required:
        plans = {} if plans is None else plans
        if text not in plans:
            plans[text] = vendor(queryset) != "sqlite" or few_matches(queryset, query)
        few = plans[text]
        queryset = queryset.filter(Matches(query.required, few=few))
    if query.excluded:
        # Any of them; never the way in (the rows without them are most rows).
        queryset = queryset.exclude(Matches((query.excluded,), few=False))
    return queryset


def by_relevance(queryset, text):
    """`queryset` (already narrowed by search()) best match first, newest on a tie.

    Annotates `search_rank`. On SQLite bm25 exists only inside the FTS5 query, where it is
    computed for every match in one pass; a subquery per row would run the whole search again
    for each (~3 ms a row), so the index table is joined instead, which Django's ORM can only
    say through extra(); the join condition is an expression, so it follows the article
    table's alias when the queryset becomes a subquery (the dashboard's aggregates).
    """
    query = parse(text)
    if not query.required:
        return queryset.order_by("-published_at", "-id")
    if vendor(queryset) == "sqlite":
        queryset = queryset.extra(  # noqa: S610 - constant SQL; the search goes as a parameter
            tables=[FTS_TABLE],
            where=[f"{FTS_TABLE} MATCH %s"],
            params=[fts5_match(query.required)],
            select={"search_rank": f"-bm25({FTS_TABLE}, {TITLE_WEIGHT}, 1.0)"},
        ).filter(IndexEntryOfRow(query.required))
    else:
        queryset = queryset.annotate(search_rank=Rank(query.required))
    return queryset.order_by("-search_rank", "-published_at", "-id")


def vendor(queryset):
    return connections[queryset.db].vendor


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
