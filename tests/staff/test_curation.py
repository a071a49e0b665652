"""The curation operations the admin calls, used directly (as from a shell)."""

import pytest

from articles import curation
from articles.aliases import topic_by_slug
from articles.cache import current_data_version
from articles.models import (
    Article,
    ArticleStatus,
    ArticleTopic,
    Provider,
    ProviderAlias,
    Topic,
    TopicAlias,
)

pytestmark = pytest.mark.django_db


def topic_names(article):
    return list(
        ArticleTopic.objects.filter(article=article)
        .order_by("position")
        .values_list("topic__name", flat=True)
    )


def test_publish_shows_drafts_and_marks_only_the_changed_ones(make_article):
    draft = make_article(status=ArticleStatus.DRAFT)
    live = make_article(status=ArticleStatus.PUBLISHED)

    changed = curation.publish(Article.objects.filter(pk__in=[draft.pk, live.pk]))

    draft.refresh_from_db()
    live.refresh_from_db()
    assert changed == 1
    assert (draft.status, draft.edited_by_staff) == (ArticleStatus.PUBLISHED, True)
    assert (live.status, live.edited_by_staff) == (ArticleStatus.PUBLISHED, False)


def test_hide_takes_a_list_of_articles_too(make_article):
    article = make_article()

    assert curation.hide([article]) == 1

    article.refresh_from_db()
    assert (article.status, article.edited_by_staff) == (ArticleStatus.HIDDEN, True)
    assert Article.objects.visible().count() == 0


def test_every_operation_bumps_the_data_version(make_article, make_topic):
    article, topic = make_article(), make_topic()
    operations = [
        lambda: curation.hide([article]),
        lambda: curation.publish([article]),
        lambda: curation.set_quality([article], 7),
        lambda: curation.add_topic([article], topic),
        lambda: curation.remove_topic([article], topic),
        lambda: curation.release_edit_mark([article]),
    ]
    for operation in operations:
        before = current_data_version()
        operation()
        assert current_data_version() == before + 1


def test_set_quality_sets_clears_and_counts_nulls_as_different(make_article):
    scored, unscored = make_article(quality=40), make_article(quality=None)
    both = Article.objects.filter(pk__in=[scored.pk, unscored.pk])

    assert curation.set_quality(both, 150) == 2
    assert sorted(both.values_list("quality", flat=True)) == [150, 150]
    assert curation.set_quality(both, 150) == 0
    assert curation.set_quality(both, None) == 2
    assert list(both.values_list("quality", flat=True)) == [None, None]


@pytest.mark.parametrize("bad", [-1, 2.5, "10"])
def test_set_quality_refuses_what_is_not_a_whole_number_from_zero(make_article, bad):
    article = make_article(quality=3)

    with pytest.raises(curation.CurationError, match="quality must be a whole number"):
        curation.set_quality([article], bad)

    article.refresh_from_db()
    assert article.quality == 3


def test_add_topic_appends_it_once(make_article, make_topic):
    robots = make_topic("Robots")
    has_it = make_article(topics=["AI", robots])
    lacks_it = make_article(topics=["AI", "Vision"])
    bare = make_article()

    changed = curation.add_topic(Article.objects.all(), robots)

    assert changed == 2
    assert topic_names(has_it) == ["AI", "Robots"]
    assert topic_names(lacks_it) == ["AI", "Vision", "Robots"]
    assert topic_names(bare) == ["Robots"]
    edited = set(Article.objects.filter(edited_by_staff=True).values_list("pk", flat=True))
    assert edited == {lacks_it.pk, bare.pk}


def test_remove_topic_leaves_other_topics_and_articles(make_article, make_topic):
    robots = make_topic("Robots")
    tagged = make_article(topics=["AI", robots])
    untagged = make_article(topics=["AI"])

    assert curation.remove_topic(Article.objects.all(), robots) == 1

    assert topic_names(tagged) == ["AI"]
    assert topic_names(untagged) == ["AI"]
    assert Topic.objects.filter(pk=robots.pk).exists()
    assert list(Article.objects.filter(edited_by_staff=True)) == [tagged]


def test_release_edit_mark_lets_imports_update_again(make_article):
    edited, untouched = make_article(edited_by_staff=True), make_article()

    assert curation.release_edit_mark(Article.objects.all()) == 1

    assert not Article.objects.filter(edited_by_staff=True).exists()
    assert {edited.pk, untouched.pk} == set(Article.objects.values_list("pk", flat=True))


def test_merge_topics_moves_articles_without_duplicates(make_article, make_topic):
    ml = make_topic("Machine Learning", slug="machine-learning")
    variant = make_topic("Machine-learning", slug="machine-learning-2")
    only_variant = make_article(topics=[variant])
    both = make_article(topics=[ml, variant])
    only_target = make_article(topics=[ml])

    moved = curation.merge_topics(variant, ml)

    assert moved == 1
    assert not Topic.objects.filter(pk=variant.pk).exists()
    for article in (only_variant, both, only_target):
        assert topic_names(article) == ["Machine Learning"]
    assert ArticleTopic.objects.filter(topic=ml).count() == 3
    assert Article.objects.count() == 3
    # The alias carries the merge through re-imports, so upstream updates are not blocked.
    assert not Article.objects.filter(edited_by_staff=True).exists()


def test_merge_topics_keeps_the_old_slug_and_name_as_an_alias(make_topic):
    target = make_topic("Computer Vision", slug="computer-vision")
    source = make_topic("Computer  Vision  (old)", slug="computer-vision-2")
    older = TopicAlias.objects.create(slug="cv", name_key="cv", topic=source)

    curation.merge_topics(source, target)

    alias = TopicAlias.objects.get(slug="computer-vision-2")
    assert (alias.name_key, alias.topic) == ("computer vision (old)", target)
    older.refresh_from_db()
    assert older.topic == target
    assert topic_by_slug("computer-vision-2", None) == (target, True)
    assert topic_by_slug("cv", None) == (target, True)
    assert topic_by_slug("computer-vision", None) == (target, False)


def test_merge_topics_moves_children_under_the_target(make_topic):
    ai = make_topic("AI")
    source, target = make_topic("Deep learning", parent=ai), make_topic("Deep Learning 2")
    child = make_topic("Transformers", parent=source)

    curation.merge_topics(source, target)

    child.refresh_from_db()
    assert child.parent == target


def test_merging_a_topic_into_its_own_descendant_makes_no_loop(make_topic):
    ai = make_topic("AI")
    source = make_topic("Learning", parent=ai)
    middle = make_topic("Machine Learning", parent=source)
    target = make_topic("Deep Learning", parent=middle)
    sibling = make_topic("Reinforcement", parent=source)

    curation.merge_topics(source, target)

    middle.refresh_from_db()
    target.refresh_from_db()
    sibling.refresh_from_db()
    assert middle.parent == ai  # takes the merged topic's place
    assert target.parent == middle
    assert sibling.parent == target


def test_merging_several_topics_one_after_another_uses_fresh_parents(make_topic):
    ai = make_topic("AI")
    first = make_topic("A", parent=ai)
    second = make_topic("B", parent=first)
    target = make_topic("C", parent=second)

    for source in [first, second]:  # `second` still believes its parent is `first`
        curation.merge_topics(source, target)

    target.refresh_from_db()
    assert target.parent == ai
    assert list(Topic.objects.order_by("name").values_list("name", flat=True)) == ["AI", "C"]


def test_a_topic_cannot_be_merged_into_itself(make_topic):
    topic = make_topic("AI")

    with pytest.raises(curation.CurationError, match="into itself"):
        curation.merge_topics(topic, topic)

    assert Topic.objects.filter(pk=topic.pk).exists()


def test_merge_providers_moves_articles_and_keeps_the_domain_as_alias(make_article, make_provider):
    target = make_provider("bbc.com", "BBC")
    source = make_provider("bbc.co.uk", "BBC News")
    ProviderAlias.objects.create(domain="news.bbc.co.uk", provider=source)
    moved_one, moved_two = make_article(provider=source), make_article(provider=source)
    stays = make_article(provider=target)

    moved = curation.merge_providers(source, target)

    assert moved == 2
    assert not Provider.objects.filter(pk=source.pk).exists()
    assert set(target.articles.all()) == {moved_one, moved_two, stays}
    assert dict(ProviderAlias.objects.values_list("domain", "provider")) == {
        "bbc.co.uk": target.pk,
        "news.bbc.co.uk": target.pk,
    }
    assert not Article.objects.filter(edited_by_staff=True).exists()


def test_a_provider_cannot_be_merged_into_itself(make_provider):
    provider = make_provider()

    with pytest.raises(curation.CurationError, match="into itself"):
        curation.merge_providers(provider, provider)
