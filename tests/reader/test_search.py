"""Search (`?q=`): the same cases on SQLite (FTS5) and PostgreSQL (tsvector), through the page.

The syntax is docs/reader.md's "Search"; articles/search_syntax.py parses it.
"""

import io
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from articles.models import Article, ArticleTopic
from articles.search import ensure_sqlite_triggers, search_articles
from tests.importing import write_article
from tests.reader import fresh_cache  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.django_db

LIST_URL = reverse("articles:article_list")


def found(client, query, **params):
    """Titles the list shows for `query`, in its order."""
    response = client.get(LIST_URL, {"q": query, **params})
    assert response.status_code == 200, response.context["errors"]
    return [article.title for article in response.context["page_obj"]]


@pytest.fixture
def stories(make_article):
    make_article("Language model beats benchmark", excerpt="A new record.")
    make_article("Model of language acquisition", excerpt="How children learn to speak.")
    make_article("Self-driving cars in Zürich", excerpt="Robotaxis on Swiss streets.")
    make_article("Transformers explained", excerpt="Attention, step by step.")
    make_article("Crypto and AI", excerpt="Tokens everywhere.")
    make_article("Über expands its robot fleet", excerpt="Delivery robots in more cities.")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("benchmark", ["Language model beats benchmark"]),
        ("BENCHMARK", ["Language model beats benchmark"]),
        ('"language model"', ["Language model beats benchmark"]),
        (
            "language model",
            ["Language model beats benchmark", "Model of language acquisition"],
        ),
        ("language -benchmark", ["Model of language acquisition"]),
        ('language -"model beats"', ["Model of language acquisition"]),
        ("transform*", ["Transformers explained"]),
        ("self-driving", ["Self-driving cars in Zürich"]),
        ('"self-driving"', ["Self-driving cars in Zürich"]),
        ("zurich", ["Self-driving cars in Zürich"]),
        ("ZÜRICH", ["Self-driving cars in Zürich"]),
        ("uber", ["Über expands its robot fleet"]),
        ("robots", ["Über expands its robot fleet"]),
        ("crypto OR transformers", ["Transformers explained", "Crypto and AI"]),
        ("speak", ["Model of language acquisition"]),  # in the excerpt
        ("-crypto -language -model -zurich -uber", ["Transformers explained"]),
        ("quantum", []),
        ("!!! ???", []),
    ],
)
def test_the_syntax_means_the_same_on_both_databases(client, stories, query, expected):
    assert sorted(found(client, query)) == sorted(expected)


def test_best_match_comes_first_then_the_newest(client, make_article):
    make_article(
        "Chip news",
        excerpt="Quantum computing startup raises money.",
        published_at=datetime(2024, 1, 3, tzinfo=UTC),
    )
    make_article(
        "Quantum computing milestone",
        excerpt="Researchers report a quantum computing result.",
        published_at=datetime(2024, 1, 1, tzinfo=UTC),
    )

    assert found(client, "quantum computing") == ["Quantum computing milestone", "Chip news"]
    assert found(client, "quantum computing", sort="newest") == [
        "Chip news",
        "Quantum computing milestone",
    ]


def test_the_results_page_says_what_was_searched_and_keeps_it_in_the_box(client, stories):
    response = client.get(LIST_URL, {"q": 'robots "<b>"'})

    html = response.content.decode()
    assert "<h1>Results for “robots &quot;&lt;b&gt;&quot;”</h1>" in html
    assert 'id="id_q" name="q" maxlength="200" value="robots &quot;&lt;b&gt;&quot;"' in html
    assert 'id="site-search-q" type="search" name="q"' in html
    assert 'value="robots &quot;&lt;b&gt;&quot;" aria-keyshortcuts="/"' in html
    assert [link["value"] for link in response.context["sort_links"] if link["current"]] == [
        "relevance"
    ]


def test_matched_words_are_highlighted_and_the_rest_escaped(client, make_article):
    make_article("<i>Robots</i> & robotics", excerpt="A robot <script>x</script> works.")

    html = client.get(LIST_URL, {"q": "robot"}).content.decode()

    assert "&lt;i&gt;<mark>Robots</mark>&lt;/i&gt; &amp; robotics</a>" in html
    assert "A <mark>robot</mark> &lt;script&gt;x&lt;/script&gt; works." in html
    assert "<script>x" not in html


def test_without_a_search_nothing_is_highlighted(client, make_article):
    make_article("Robots")

    html = client.get(LIST_URL).content.decode()

    assert "<mark>" not in html
    assert "<h1>Latest AI news</h1>" in html


def test_a_blank_search_matches_everything(client, make_article):
    make_article("One")
    make_article("Two")

    assert sorted(found(client, "   ")) == ["One", "Two"]


@pytest.mark.parametrize(
    "query",
    ['"unclosed', "a & b | !c", "(((", ":*", "-", "' OR 1=1 --", "%_\\", "ünïcödé 漢字", "OR", "*"],
)
def test_any_text_is_a_valid_search(client, make_article, query):
    make_article("Something")

    response = client.get(LIST_URL, {"q": query, "sort": "relevance"})

    assert response.status_code == 200


def test_only_the_first_terms_are_searched(client, make_article):
    make_article("Alpha", excerpt="a")
    query = "alpha " + " ".join(f"word{n}" for n in range(20))

    response = client.get(LIST_URL, {"q": query})

    assert response.status_code == 200
    assert "Only the first 10 terms were searched; the other 11 were left out." in (
        response.content.decode()
    )


MANY_WORDS = " ".join(["a"] * 95)


@pytest.mark.parametrize(
    "url",
    [
        LIST_URL,
        reverse("api_articles"),
        reverse("feed_articles"),
        reverse("export_articles_csv"),
    ],
)
def test_many_short_words_sorted_by_relevance_answer_on_every_surface(client, make_article, url):
    """Issue 14, item 4: ~90 words made SQLite's parser overflow (a 500; a CSV cut after its
    header). Terms past the tenth are dropped."""
    make_article("A story", excerpt="a a a")

    response = client.get(url, {"q": MANY_WORDS, "sort": "relevance"})

    assert response.status_code == 200
    if url == reverse("export_articles_csv"):
        body = b"".join(response.streaming_content).decode()
        assert body.count("\n") >= 1 + (connection.vendor == "sqlite")


# --- the index stays in step with every way an article changes ---


def test_an_edited_title_is_found_by_its_new_words_only(client, make_article):
    article = make_article("Old headline", excerpt="")

    article.title = "Fresh headline"
    article.save()

    assert found(client, "fresh") == ["Fresh headline"]
    assert found(client, "old") == []


def test_a_bulk_update_and_a_delete_reach_the_index(client, make_article):
    kept = make_article("Kept story")
    gone = make_article("Gone story")

    Article.objects.filter(pk=kept.pk).update(excerpt="Now about penguins.")
    gone.delete()

    assert found(client, "penguins") == ["Kept story"]
    assert found(client, "story") == ["Kept story"]


def test_an_imported_file_is_searchable_at_once_and_its_update_too(client, tmp_path):
    url = "https://news.example/birds"
    write_article(tmp_path, "a.md", title="Pelican robots", excerpt="Birds.", url=url)
    call_command("import_articles", str(tmp_path), stdout=io.StringIO())
    assert found(client, "pelican") == ["Pelican robots"]

    write_article(tmp_path, "a.md", title="Heron robots", excerpt="Birds.", url=url)
    call_command("import_articles", str(tmp_path), stdout=io.StringIO())

    assert found(client, "pelican") == []
    assert found(client, "heron") == ["Heron robots"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite rebuilds tables to alter them")
def test_lost_triggers_are_put_back_after_migrate_and_the_index_rebuilt(client, make_article):
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER articles_article_fts_insert")
    make_article("Written while the trigger was missing")

    ensure_sqlite_triggers(sender=None, using="default")
    make_article("Written after")

    assert sorted(found(client, "written")) == [
        "Written after",
        "Written while the trigger was missing",
    ]


# --- the admin's search (articles.search.search_articles) ---


def test_the_admin_search_uses_the_index_and_matches_urls_and_domains(make_article, make_provider):
    lab = make_provider("lab.example", name="Deep Lab")
    make_article("Über robots", url="https://news.example/uber-robots")
    make_article("Unrelated", provider=lab, url="https://lab.example/x")
    articles = Article.objects.all()

    def titles(text):
        return sorted(search_articles(articles, text).values_list("title", flat=True))

    assert titles("uber robot") == ["Über robots"]
    assert titles("https://news.example/uber") == ["Über robots"]
    assert titles("lab.exam") == ["Unrelated"]
    assert titles("deep lab") == ["Unrelated"]
    assert titles(MANY_WORDS) == []  # bounded like the reader's


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's GIN index")
def test_postgresql_answers_from_the_gin_index(make_article):
    make_article("Index me")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")

        plan = Article.objects.search("index").explain()

    assert "article_search_vector" in plan


@pytest.mark.parametrize("url", [reverse("dashboard"), reverse("api_dashboard")])
def test_the_dashboard_counts_a_search(client, stories, url):
    """The dashboard reuses the list's filtered queryset inside its own aggregates."""
    response = client.get(url, {"q": "language"})

    assert response.status_code == 200


def test_a_ranked_search_still_works_as_a_subquery(stories):
    """The dashboard aggregates over the list's queryset, relevance order and all."""
    ranked = Article.objects.search("language").by_relevance("language")

    assert sorted(
        Article.objects.filter(pk__in=ranked.values("pk")).values_list("title", flat=True)
    ) == [
        "Language model beats benchmark",
        "Model of language acquisition",
    ]
    assert list(ArticleTopic.objects.filter(article__in=ranked.order_by())) == []
