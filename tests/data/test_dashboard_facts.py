"""The dashboard's snapshot (articles/dashboard/facts.py) stays exactly what the database says.

Every kind of write is followed by a dashboard request; the snapshot each process keeps, brought
up to date from the change log, must equal one read afresh from the articles, and the page's
figures must count what the list counts.
"""

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction

from articles import changes, curation
from articles.cache import bump_data_version, current_data_version
from articles.dashboard import facts
from articles.dashboard.figures import filterset_for
from articles.filters import filter_params
from articles.models import Article, ArticleChange, ArticleStatus, ArticleTopic, Topic, audience
from tests.importing import run_manage, write_article


def assert_snapshot_is_fresh():
    version = current_data_version()
    kept = facts.current_facts(version)
    fresh = facts.read_facts(version, Article.objects.all())
    assert kept.columns.keys() == fresh.columns.keys()
    for name, column in fresh.columns.items():
        np.testing.assert_array_equal(kept.columns[name], column, err_msg=name)
    kept_pairs = sorted(zip(kept.pair_article.tolist(), kept.pair_topic.tolist(), strict=True))
    fresh_pairs = sorted(zip(fresh.pair_article.tolist(), fresh.pair_topic.tolist(), strict=True))
    assert kept_pairs == fresh_pairs


def headline(client):
    return client.get("/dashboard/").context["figures"]["headline"]


@pytest.fixture
def three(make_article):
    articles = [
        make_article(topics=["Robotics"], quality=40, heat=10),
        make_article(topics=["Robotics", "Ethics"], quality=60),
        make_article(topics=["Ethics"]),
    ]
    with transaction.atomic():
        bump_data_version()
    return articles


def test_every_kind_of_write_reaches_the_snapshot_without_a_full_read(
    client, three, make_article, monkeypatch
):
    assert headline(client)["total"] == 3
    reads = []
    read_facts = facts.read_facts

    def recorded(version, articles):
        reads.append("changed" if articles.query.where else "all")
        return read_facts(version, articles)

    monkeypatch.setattr(facts, "read_facts", recorded)

    new = make_article(topics=["Robotics"], quality=90)
    with transaction.atomic():
        bump_data_version()
    assert headline(client)["total"] == 4
    assert_snapshot_is_fresh()

    curation.set_quality(Article.objects.filter(pk=three[0].pk), 75)
    assert headline(client)["median_quality"] == 75
    assert_snapshot_is_fresh()

    curation.hide(Article.objects.filter(pk=new.pk))
    assert headline(client)["total"] == 3
    assert_snapshot_is_fresh()

    ethics, robotics = Topic.objects.get(slug="ethics"), Topic.objects.get(slug="robotics")
    curation.merge_topics(ethics, robotics)
    assert headline(client)["topics"] == 1
    assert_snapshot_is_fresh()

    with transaction.atomic():
        Article.objects.filter(pk=three[2].pk).delete()
        bump_data_version()
    assert headline(client)["total"] == 2
    # Each request read only the changed articles; the four checks above read them all.
    assert reads == ["changed", "all"] * 4 + ["changed"]
    assert_snapshot_is_fresh()


def test_a_write_without_a_bump_is_still_seen(client, three):
    assert headline(client)["with_quality"] == 2
    Article.objects.filter(pk=three[2].pk).update(quality=5)
    assert ArticleChange.objects.get(article_id=three[2].pk).version is None
    other_filters = client.get("/dashboard/?quality_min=0")  # not cached yet
    assert other_filters.context["figures"]["headline"]["with_quality"] == 3
    assert_snapshot_is_fresh()


def test_the_log_marks_only_the_columns_the_dashboard_counts(three):
    ArticleChange.objects.all().delete()
    Article.objects.filter(pk=three[0].pk).update(title="A new title", excerpt="Other words")
    assert not ArticleChange.objects.exists()
    Article.objects.filter(pk=three[0].pk).update(heat=11)
    ArticleTopic.objects.filter(article=three[1]).first().delete()
    Article.objects.filter(pk=three[2].pk).update(published_at=datetime(2020, 1, 1, tzinfo=UTC))
    marked = dict(ArticleChange.objects.values_list("article_id", "version"))
    assert marked == {three[0].pk: None, three[1].pk: None, three[2].pk: None}
    with transaction.atomic():
        bump_data_version()
    assert set(ArticleChange.objects.values_list("version", flat=True)) == {current_data_version()}


def test_a_version_going_back_means_another_database(client, three):
    facts.current_facts(current_data_version() + 5)
    assert headline(client)["total"] == 3
    assert_snapshot_is_fresh()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite drops triggers on ALTER")
def test_triggers_lost_to_a_table_rebuild_are_put_back(three):
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER articles_change_article_update")
    before = current_data_version()
    changes.ensure_triggers(sender=None)
    Article.objects.filter(pk=three[0].pk).update(quality=1)
    assert ArticleChange.objects.get(article_id=three[0].pk).version is None
    # Changes made while a trigger was missing were not logged: every article counts as changed.
    assert current_data_version() == before + 1
    assert ArticleChange.objects.filter(version=before + 1).count() == 2


@pytest.mark.django_db(transaction=True)
def test_an_import_in_another_process_reaches_this_process_snapshot(client, tmp_path, monkeypatch):
    write_article(tmp_path, "a.md", title="First", quality=30)
    write_article(tmp_path, "b.md", title="Second", quality=50)
    assert run_manage("import_articles", str(tmp_path))[0] == 0
    assert headline(client)["median_quality"] == 40
    reads = []
    read_facts = facts.read_facts
    monkeypatch.setattr(
        facts,
        "read_facts",
        lambda version, articles: reads.append(articles) or read_facts(version, articles),
    )

    write_article(tmp_path, "b.md", title="Second", quality=90)
    write_article(tmp_path, "c.md", title="Third", quality=100)
    assert run_manage("import_articles", str(tmp_path))[0] == 0
    figures = headline(client)
    assert (figures["total"], figures["median_quality"]) == (3, 90)
    assert [sorted(articles.values_list("title", flat=True)) for articles in reads] == [
        ["Second", "Third"]
    ]
    assert_snapshot_is_fresh()


FILTER_VALUES = {
    "topic": ["robotics", "ethics", "vision"],
    "provider": ["a.example", "b.example", "c.example"],
    "quality_min": ["0", "40", "61"],
    "quality_max": ["0", "59", "100"],
    "date_from": ["2024-03-10", "2024-03-11"],
    "date_to": ["2024-03-10", "2024-03-12"],
    "period": ["today", "7d", "30d", "year"],
}


@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
def test_the_filters_the_columns_answer_select_what_the_filterset_selects(
    make_article, make_provider, admin_user, settings, zone
):
    settings.TIME_ZONE = zone
    providers = [make_provider(domain) for domain in FILTER_VALUES["provider"]]
    today = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    moments = [
        datetime(2024, 3, 10, 3, 59, tzinfo=UTC),  # the 9th in New York
        datetime(2024, 3, 11, 4, 0, tzinfo=UTC),
        datetime(2024, 3, 12, 23, 59, 59, tzinfo=UTC),
        today,
        today - timedelta(days=6, hours=11),
        None,
    ]
    topic_sets = [["Robotics"], ["Ethics", "Vision"], [], ["Vision"]]
    for n in range(36):
        make_article(
            published_at=moments[n % len(moments)],
            provider=providers[n % 3],
            topics=topic_sets[n % len(topic_sets)],
            quality=[None, 0, 40, 59, 61, 100, 1_000_000][n % 7],
            status=ArticleStatus.HIDDEN if n % 11 == 0 else ArticleStatus.PUBLISHED,
        )
    snapshot = facts.current_facts(current_data_version())
    combos = [[(name, value)] for name, values in FILTER_VALUES.items() for value in values]
    combos += [
        [("topic", "robotics"), ("topic", "vision"), ("quality_min", "40")],
        [("provider", "a.example"), ("provider", "c.example"), ("date_to", "2024-03-12")],
        [("period", "7d"), ("quality_max", "59"), ("topic", "ethics")],
        [("date_from", "2024-03-10"), ("date_to", "2024-03-11"), ("provider", "b.example")],
    ]
    for user in (AnonymousUser(), admin_user):
        for combo in combos:
            filterset = filterset_for(user, combo)
            assert filterset.is_valid(), combo
            params = filter_params(filterset.form.cleaned_data)
            selected = snapshot.select(audience(user), filterset, params)
            expected = sorted(filterset.qs.values_list("pk", flat=True))
            assert snapshot.ids[selected.mask].tolist() == expected, combo


@pytest.mark.django_db(transaction=True)
def test_a_new_web_worker_reads_the_snapshot_on_a_thread_of_its_own(three):
    reader = facts.read_in_background()
    assert reader.daemon  # never holds a stopping worker up
    reader.join(timeout=30)
    assert not reader.is_alive()
    read_there = facts._facts
    assert read_there.ids.tolist() == sorted(article.pk for article in three)
    assert facts.current_facts(current_data_version()) is read_there
