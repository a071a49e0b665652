"""Storing records: upserts keyed by URL / domain / topic name, stubs, staff edits, batches."""

from datetime import UTC, datetime

import pytest

from articles.cache import current_data_version
from articles.ingest.records import (
    ArticleRecord,
    ImageRecord,
    ProviderRecord,
    RelatedRecord,
    TopicRecord,
)
from articles.ingest.upsert import ParsedFile, store_batch
from articles.models import (
    Article,
    ArticleStatus,
    Provider,
    ProviderAlias,
    RelatedLink,
    SourceFile,
    Topic,
    TopicAlias,
)

pytestmark = pytest.mark.django_db

WHEN = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
PROVIDER = ProviderRecord(domain="news.example", name="News Example")


def article(url="https://news.example/a", title="A story", **fields):
    fields.setdefault("provider", PROVIDER)
    return ArticleRecord(url=url, web_url=url, title=title, published_at=WHEN, **fields)


def parsed(record, path="/data/a.md", content_hash="h1"):
    return ParsedFile(path, content_hash, record)


def actions(outcomes):
    return [outcome.action for outcome in outcomes]


def related(url, title="Related story", **fields):
    return RelatedRecord(
        url=url, title=title, web_url=url, entry={"title": title, "webUrl": url}, **fields
    )


def test_it_creates_an_article_with_everything_the_record_says():
    record = article(
        excerpt="An excerpt",
        body="Some *body*",
        quality=161,
        heat=12,
        topics=["Machine Learning", "AI"],
        images=[ImageRecord(url="https://img.example/1.jpg", width=600, height=315, title="One")],
        secured="c2VjcmV0;abc==",
        extra={"author": "Ada", "tags": ["x"]},
    )
    assert actions(store_batch([parsed(record)])) == ["created"]

    stored = Article.objects.get(url="https://news.example/a")
    assert (stored.title, stored.slug, stored.excerpt) == ("A story", "a-story", "An excerpt")
    assert stored.published_at == WHEN
    assert (stored.quality, stored.heat) == (161, 12)
    assert stored.status == ArticleStatus.PUBLISHED
    assert stored.provider.domain == "news.example"
    assert [t.topic.name for t in stored.article_topics.order_by("position")] == [
        "Machine Learning",
        "AI",
    ]
    assert list(stored.images.values_list("url", "width", "height", "title")) == [
        ("https://img.example/1.jpg", 600, 315, "One")
    ]
    assert stored.secured == "c2VjcmV0;abc=="
    assert stored.extra == {"author": "Ada", "tags": ["x"]}
    assert "<em>body</em>" in stored.body_html or "body" in stored.body_html
    assert stored.source_path == "/data/a.md"
    assert stored.content_hash == "h1"
    assert SourceFile.objects.get(path="/data/a.md").article == stored


def test_status_follows_the_files_flags_and_the_flags_are_kept_verbatim():
    store_batch(
        [
            parsed(article("https://n.example/draft", published=False), "/d/1.md"),
            parsed(article("https://n.example/gone", deleted=True), "/d/2.md"),
            parsed(article("https://n.example/live", published=True), "/d/3.md"),
            parsed(article("https://n.example/plain"), "/d/4.md"),
        ]
    )
    rows = dict(Article.objects.values_list("url", "status"))
    assert rows == {
        "https://n.example/draft": ArticleStatus.DRAFT,
        "https://n.example/gone": ArticleStatus.WITHDRAWN,
        "https://n.example/live": ArticleStatus.PUBLISHED,
        "https://n.example/plain": ArticleStatus.PUBLISHED,
    }
    flags = Article.objects.filter(url="https://n.example/plain").values_list(
        "published_flag", "deleted_flag"
    )
    assert list(flags) == [(None, None)]


def test_a_changed_record_updates_the_same_row_and_an_identical_one_changes_nothing():
    store_batch([parsed(article(title="First title", topics=["AI"]))])
    first = Article.objects.get()
    version = current_data_version()

    outcomes = store_batch(
        [parsed(article(title="Second title", topics=["Robots"]), content_hash="h2")]
    )
    assert actions(outcomes) == ["updated"]
    second = Article.objects.get()
    assert second.pk == first.pk
    assert second.title == "Second title"
    assert [t.name for t in second.topics.all()] == ["Robots"]
    assert current_data_version() == version + 1

    outcomes = store_batch(
        [parsed(article(title="Second title", topics=["Robots"]), content_hash="h3")]
    )
    assert actions(outcomes) == ["unchanged"]
    assert current_data_version() == version + 1


def test_the_later_of_two_files_with_the_same_url_wins_in_one_batch_or_in_two(tmp_path):
    early = tmp_path / "2019-12-17-story.md"
    late = tmp_path / "2019-12-18-story.md"
    early.touch()
    late.touch()
    files = [
        parsed(article(title="Filed first"), str(early)),
        parsed(article(title="Filed again a day later"), str(late)),
    ]
    assert actions(store_batch(files)) == ["created", "updated"]
    assert Article.objects.get().title == "Filed again a day later"

    Article.objects.all().delete()
    store_batch(files[:1])
    store_batch(files[1:])
    assert Article.objects.get().title == "Filed again a day later"


def test_an_earlier_file_changed_later_does_not_override_the_later_file(tmp_path):
    early = tmp_path / "2019-12-17-story.md"
    late = tmp_path / "2019-12-18-story.md"
    early.touch()
    late.touch()
    store_batch(
        [
            parsed(article(title="Filed first"), str(early)),
            parsed(article(title="Filed again"), str(late)),
        ]
    )
    outcome = store_batch([parsed(article(title="First, corrected"), str(early), "h9")])[0]
    assert outcome.action == "unchanged"
    assert "comes later in path order" in outcome.problems[0].message
    assert outcome.problems[0].severity == "warning"
    assert Article.objects.get().title == "Filed again"


def test_related_entries_make_stubs_that_the_articles_own_file_fills_in():
    entry = related(
        "https://other.example/b",
        excerpt="Stub excerpt",
        quality=19,
        provider=ProviderRecord(domain="other.example", name="Other"),
        images=[ImageRecord(url="https://img.example/b.jpg", width=10, height=10)],
    )
    store_batch([parsed(article(related=[entry]))])
    stub = Article.objects.get(url="https://other.example/b")
    assert stub.is_stub is True
    assert (stub.title, stub.excerpt, stub.quality) == ("Related story", "Stub excerpt", 19)
    assert stub.provider.domain == "other.example"
    assert list(stub.images.values_list("url", flat=True)) == ["https://img.example/b.jpg"]
    assert Article.objects.visible().filter(pk=stub.pk).exists() is False
    link = RelatedLink.objects.get()
    assert (link.target_id, link.entry) == (stub.pk, entry.entry)

    outcomes = store_batch(
        [parsed(article("https://other.example/b", title="The real thing"), "/data/b.md")]
    )
    assert actions(outcomes) == ["created"]
    filled = Article.objects.get(url="https://other.example/b")
    assert (filled.pk, filled.is_stub, filled.title) == (stub.pk, False, "The real thing")
    assert list(filled.images.all()) == []


def test_a_related_entry_never_overwrites_an_article_from_its_own_file():
    store_batch([parsed(article("https://other.example/b", title="Own file"), "/data/b.md")])
    entry = related("https://other.example/b", title="What another file says")
    store_batch([parsed(article(related=[entry]), "/data/c.md")])
    target = Article.objects.get(url="https://other.example/b")
    assert (target.title, target.is_stub) == ("Own file", False)
    assert RelatedLink.objects.get().target == target


def test_related_links_keep_their_order_and_their_entries():
    entries = [related(f"https://other.example/{n}", title=f"Related {n}") for n in (3, 1, 2)]
    store_batch([parsed(article(related=entries))])
    links = RelatedLink.objects.filter(article__url="https://news.example/a").order_by("position")
    assert [link.entry["title"] for link in links] == ["Related 3", "Related 1", "Related 2"]
    assert [link.target.url for link in links] == [
        "https://other.example/3",
        "https://other.example/1",
        "https://other.example/2",
    ]


def test_staff_edits_are_kept_unless_overwriting_is_asked_for():
    store_batch([parsed(article(title="From the file"))])
    Article.objects.update(title="Edited by staff", edited_by_staff=True)

    outcome = store_batch([parsed(article(title="File changed"), content_hash="h2")])
    assert actions(outcome) == ["kept_edited"]
    assert Article.objects.get().title == "Edited by staff"

    outcome = store_batch(
        [parsed(article(title="File changed"), content_hash="h2")], overwrite_edited=True
    )
    assert actions(outcome) == ["updated"]
    assert Article.objects.values_list("title", "edited_by_staff").get() == ("File changed", False)


def test_a_status_set_by_staff_is_recomputed_only_when_the_article_is_not_marked_edited():
    store_batch([parsed(article(title="Story"))])
    Article.objects.update(status=ArticleStatus.HIDDEN)
    store_batch([parsed(article(title="Story, revised"), content_hash="h2")])
    assert Article.objects.get().status == ArticleStatus.PUBLISHED

    Article.objects.update(status=ArticleStatus.HIDDEN, edited_by_staff=True)
    store_batch([parsed(article(title="Story, revised again"), content_hash="h3")])
    assert Article.objects.get().status == ArticleStatus.HIDDEN


def test_topics_match_case_and_space_insensitively_and_through_merge_aliases(make_topic):
    ml = make_topic("Machine Learning")
    vision = make_topic("Computer Vision")
    TopicAlias.objects.create(slug="cv", name_key="cv", topic=vision)
    store_batch([parsed(article(topics=["machine  learning ", "CV", "Brand New"]))])
    topics = [t.topic for t in Article.objects.get().article_topics.order_by("position")]
    assert topics[:2] == [ml, vision]
    assert (topics[2].name, topics[2].slug) == ("Brand New", "brand-new")
    assert Topic.objects.count() == 3


def test_a_new_topic_gets_a_free_slug(make_topic):
    make_topic("C++", slug="c")
    store_batch([parsed(article(topics=["C"]))])
    assert Topic.objects.get(name="C").slug == "c-2"


def test_names_sharing_a_slug_get_running_suffixes(make_topic):
    make_topic("AI", slug="ai")
    store_batch([parsed(article(topics=["AI!", "AI?", "AI."]))])
    assert sorted(Topic.objects.values_list("slug", flat=True)) == ["ai", "ai-2", "ai-3", "ai-4"]


def test_new_topics_cost_a_fixed_number_of_queries(django_assert_max_num_queries):
    """Regression: each new topic's slug was looked up with two queries of its own, so one
    file with 40,000 new topic names held the import lock for minutes."""
    store_batch([parsed(article(topics=["Warm up"]))])  # the first batch primes SourceFile etc.
    names = [f"New topic {number}" for number in range(50)]
    with django_assert_max_num_queries(20):
        store_batch([parsed(article("https://news.example/b", topics=names), "/data/b.md")])
    assert Topic.objects.count() == 51


def test_providers_match_by_lower_cased_domain_and_through_aliases(make_provider):
    kept = make_provider("wired.com", name="WIRED")
    ProviderAlias.objects.create(domain="wired.co.uk", provider=kept)
    store_batch(
        [
            parsed(
                article("https://a.example/1", provider=ProviderRecord("WIRED.com", "x")), "/1.md"
            ),
            parsed(
                article("https://a.example/2", provider=ProviderRecord("wired.co.uk", "y")), "/2.md"
            ),
        ]
    )
    assert set(Article.objects.values_list("provider", flat=True)) == {kept.pk}
    assert Provider.objects.get().name == "WIRED"  # an article's provider mapping changes nothing


def test_an_organization_record_creates_and_then_updates_its_provider():
    logo = [{"url": "/assets/bbc-50x50.jpg", "width": 50, "height": 50}]
    record = ProviderRecord(domain="bbc.com", name="BBC", images=logo)
    assert actions(store_batch([parsed(record, "/org/bbc.com.md")])) == ["created"]
    changed = ProviderRecord(domain="bbc.com", name="BBC News", images=logo, description="UK")
    assert actions(store_batch([parsed(changed, "/org/bbc.com.md", "h2")])) == ["updated"]
    assert Provider.objects.values_list("name", "description", "images").get() == (
        "BBC News",
        "UK",
        logo,
    )
    assert actions(store_batch([parsed(changed, "/org/bbc.com.md", "h3")])) == ["unchanged"]


def test_taxonomy_records_fill_the_topic_an_article_created_and_set_parents_in_any_order():
    store_batch([parsed(article(topics=["computer vision"]))])
    child = TopicRecord(external_id="computer-vision", name="Computer Vision", parent="AI")
    parent = TopicRecord(external_id="ai", name="AI", keywords=["ai"], position=0)
    outcomes = store_batch([parsed(child, "/t/02-cv.yaml"), parsed(parent, "/t/00-ai.yaml")])
    assert actions(outcomes) == ["updated", "updated"]
    vision = Topic.objects.get(external_id="computer-vision")
    assert vision.name == "Computer Vision"
    assert vision.parent == Topic.objects.get(external_id="ai")
    assert vision.parent.keywords == ["ai"]
    assert Topic.objects.count() == 2
    assert actions(store_batch([parsed(child, "/t/02-cv.yaml", "h2")])) == ["unchanged"]


def test_a_taxonomy_parent_cycle_is_refused_with_a_warning():
    store_batch([parsed(TopicRecord(external_id="ai", name="AI", parent="Vision"), "/t/1.yaml")])
    outcome = store_batch(
        [parsed(TopicRecord(external_id="vision", name="Vision", parent="AI"), "/t/2.yaml")]
    )[0]
    assert outcome.action == "updated"
    assert outcome.problems[0].field == "parent"
    assert Topic.objects.get(name="Vision").parent is None


def test_a_database_error_fails_only_that_file_and_leaves_no_partial_article():
    bad = article("https://news.example/bad", quality=-5, topics=["AI"])  # check constraint
    files = [
        parsed(article("https://news.example/1"), "/d/1.md"),
        parsed(bad, "/d/2.md"),
        parsed(article("https://news.example/3"), "/d/3.md"),
    ]
    outcomes = store_batch(files)
    assert actions(outcomes) == ["created", "failed", "created"]
    assert outcomes[1].problems[0].path == "/d/2.md"
    assert "database refused" in outcomes[1].problems[0].message
    assert set(Article.objects.values_list("url", flat=True)) == {
        "https://news.example/1",
        "https://news.example/3",
    }
    assert not SourceFile.objects.filter(path="/d/2.md").exists()


def test_a_dry_run_reports_the_outcomes_and_writes_nothing():
    outcomes = store_batch([parsed(article())], dry_run=True)
    assert actions(outcomes) == ["created"]
    assert not Article.objects.exists()
    assert not SourceFile.objects.exists()
    assert not Topic.objects.exists()


def test_storing_a_batch_takes_a_few_queries_per_table_never_one_per_article(
    django_assert_max_num_queries,
):
    """Rows are fetched and written per batch (bulk_create / bulk_update), so a hundred articles
    with their topics, images and related stubs cost no more queries than a few tables' worth."""
    store_batch([parsed(article("https://news.example/first", topics=["AI", "Robots"]))])

    def batch(title):
        return [
            parsed(
                article(
                    f"https://news.example/{n}",
                    title=title,
                    topics=["AI", "Robots"],
                    images=[ImageRecord(url=f"https://img.example/{n}.jpg")],
                    related=[related(f"https://other.example/{n}")],
                ),
                f"/d/{n}.md",
            )
            for n in range(100)
        ]

    with django_assert_max_num_queries(25):
        store_batch(batch("Created"))
    with django_assert_max_num_queries(25):
        store_batch(batch("Updated"))
    assert Article.objects.filter(title="Updated").count() == 100
