"""Stories made by imports (articles/story_store.py through the runner), staff splits and merges,
and the real corpus."""

from datetime import UTC, datetime

import pytest

from articles import stories
from articles.ingest import runner
from articles.ingest.runner import run_import
from articles.models import Article, Story
from articles.story_store import merge, next_chunk, regroup, split_out, store_grouping
from tests.importing import CORPUS, write_article

pytestmark = pytest.mark.django_db

TITLE = "Chatbot maker Talkwise exposed 3 million customer conversations"
EXCERPT = (
    "A misconfigured Elasticsearch cluster at Talkwise left 3 million chatbot transcripts, "
    "including email addresses and payment notes, open to anyone for six weeks."
)
OTHERS = [
    ("Quantum annealer beats GPUs on logistics routing", "A routing benchmark for a retailer."),
    ("EU agrees final text of AI liability directive", "Who pays when a hiring tool errs."),
    ("Robot dog learns to open doors from video", "A quadruped trained on clips of doors."),
]


def copy(directory, n, day=4, hour=9, excerpt=EXCERPT):
    return write_article(
        directory,
        f"2024-03-0{day}-copy-{n}.md",
        title=TITLE,
        excerpt=excerpt,
        url=f"https://outlet{n}.example/talkwise-leak",
        publishedDateTime=datetime(2024, 3, day, hour, tzinfo=UTC),
        provider={"name": f"Outlet {n}", "domain": f"outlet{n}.example"},
    )


def others(directory):
    for n, (title, excerpt) in enumerate(OTHERS):
        write_article(directory, f"2024-03-05-other-{n}.md", title=title, excerpt=excerpt)


def story_of(url_part):
    return Article.objects.get(url__contains=url_part).story


def test_an_import_groups_syndicated_copies_and_leaves_other_news_alone(tmp_path):
    copy(tmp_path, 1)
    copy(tmp_path, 2, hour=15)
    others(tmp_path)

    run_import([tmp_path])

    story = Story.objects.get()
    assert sorted(story.articles.values_list("url", flat=True)) == [
        "https://outlet1.example/talkwise-leak",
        "https://outlet2.example/talkwise-leak",
    ]
    assert story.title == TITLE
    assert story.first_published_at == datetime(2024, 3, 4, 9, tzinfo=UTC)
    assert story.last_published_at == datetime(2024, 3, 4, 15, tzinfo=UTC)
    assert Article.objects.filter(story=None).count() == len(OTHERS)


def test_a_later_import_adds_a_new_copy_to_the_same_story(tmp_path):
    copy(tmp_path, 1)
    copy(tmp_path, 2)
    others(tmp_path)
    run_import([tmp_path])
    story = Story.objects.get()

    copy(tmp_path, 3, day=6)
    run_import([tmp_path])

    assert story_of("outlet3") == story
    assert Story.objects.count() == 1
    story.refresh_from_db()
    assert story.last_published_at == datetime(2024, 3, 6, 9, tzinfo=UTC)


def test_a_dry_run_makes_no_story(tmp_path):
    copy(tmp_path, 1)
    copy(tmp_path, 2)
    run_import([tmp_path], dry_run=True)
    assert not Story.objects.exists()


def test_an_import_with_no_stories_leaves_grouping_to_the_next_import(tmp_path):
    copy(tmp_path, 1)
    copy(tmp_path, 2)
    run_import([tmp_path], group_stories=False)
    assert not Story.objects.exists()

    others(tmp_path)  # cron's next run, without the option
    run_import([tmp_path])

    assert story_of("outlet1") == story_of("outlet2") is not None


def test_a_large_import_groups_on_a_process_of_its_own_with_the_same_stories(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "PARALLEL_FROM", 1)
    monkeypatch.setattr(runner, "worker_count", lambda: 2)
    monkeypatch.setattr(runner, "BATCH_SIZE", 2)  # a grouping in flight while the next stores
    for n in (1, 2, 3):
        copy(tmp_path, n)
    others(tmp_path)
    # Grouping here is the fallback should the process fail: switched off, so that every
    # story below was made by the grouping process.
    monkeypatch.setattr(runner, "group_new_articles", lambda: 0)

    run_import([tmp_path])

    assert story_of("outlet1") == story_of("outlet2") == story_of("outlet3") is not None
    assert Story.objects.count() == 1
    assert Article.objects.filter(story_checked=False, is_stub=False).count() == 0


def test_a_grouping_process_that_dies_costs_no_story(tmp_path, monkeypatch):
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    class DyingPool:
        """A grouping process killed before it answers (the OOM killer, a crash in NumPy)."""

        def submit(self, *args):
            future = Future()
            future.set_exception(BrokenProcessPool("killed"))
            return future

        def shutdown(self, **options):
            pass

    monkeypatch.setattr(runner, "PARALLEL_FROM", 1)
    monkeypatch.setattr(runner, "worker_count", lambda: 2)
    monkeypatch.setattr(runner, "BATCH_SIZE", 2)
    monkeypatch.setattr(
        runner.StoryGrouping, "start_process", lambda self: setattr(self, "pool", DyingPool())
    )
    for n in (1, 2, 3):
        copy(tmp_path, n)
    others(tmp_path)

    result = run_import([tmp_path])

    assert result.failed == 0
    assert story_of("outlet1") == story_of("outlet2") == story_of("outlet3") is not None
    assert Article.objects.filter(story_checked=False, is_stub=False).count() == 0


def test_a_grouping_read_before_staff_moved_a_story_is_not_stored(tmp_path):
    copy(tmp_path, 1)
    copy(tmp_path, 2)
    run_import([tmp_path])
    story = story_of("outlet1")
    copy(tmp_path, 3, day=5)
    run_import([tmp_path], group_stories=False)
    chunk = next_chunk()
    grouping = stories.group(chunk.new_items, chunk.known_items)
    assert grouping.joins == {Article.objects.get(url__contains="outlet3").pk: story.pk}

    split_out(Article.objects.get(url__contains="outlet2"))  # the story ends meanwhile

    assert store_grouping(chunk, grouping) is False
    assert story_of("outlet3") is None
    assert Article.objects.get(url__contains="outlet3").story_checked is False


def test_a_split_survives_a_changed_re_import_and_a_regroup(tmp_path):
    for n in (1, 2, 3):
        copy(tmp_path, n)
    others(tmp_path)
    run_import([tmp_path])
    split_out(Article.objects.get(url__contains="outlet3"))
    copy(tmp_path, 3, excerpt=EXCERPT + " Updated.")  # the file changes upstream
    run_import([tmp_path])
    regroup()

    assert story_of("outlet3") is None
    assert story_of("outlet1") == story_of("outlet2") is not None


def test_splitting_one_of_two_articles_ends_the_story(tmp_path):
    copy(tmp_path, 1)
    copy(tmp_path, 2)
    run_import([tmp_path])

    split_out(Article.objects.get(url__contains="outlet2"))

    assert not Story.objects.exists()
    assert Article.objects.filter(story__isnull=False).count() == 0


def test_merged_stories_stay_merged_after_a_regroup(make_article):
    a1 = make_article("Alpha launches a rover", excerpt="Moon rover with a drill.")
    a2 = make_article("Alpha launches a rover", excerpt="Moon rover with a drill.")
    b1 = make_article("Beta opens a lab in Oslo", excerpt="Forty robotics researchers.")
    b2 = make_article("Beta opens a lab in Oslo", excerpt="Forty robotics researchers.")
    regroup()
    alpha, beta = story_of(a1.url), story_of(b1.url)
    assert alpha != beta

    kept = merge([beta, alpha])
    regroup()

    assert kept == alpha  # the story whose first article is older keeps its id and page
    assert {story_of(article.url) for article in (a1, a2, b1, b2)} == {alpha}
    assert not Story.objects.filter(pk=beta.pk).exists()


@pytest.mark.skipif(not (CORPUS / "articles").is_dir(), reason="../shared/corpus is absent")
def test_the_real_corpus_groups_coverage_of_one_event_and_nothing_merely_alike():
    run_import([CORPUS / "articles"])

    stories = {
        story.title: sorted(story.articles.values_list("provider__domain", flat=True))
        for story in Story.objects.all()
    }
    facebook = (
        "Facebook Removes Hundreds of Fake Pro-Trump Accounts Using AI-Generated Profile Photos"
    )
    assert stories[facebook] == ["forbes.com", "livemint.com", "scmp.com", "straitstimes.com"]
    assert stories["Artificial intelligence tracks down leukemia"] == [
        "asianage.com",
        "medicalxpress.com",
        "sciencedaily.com",
    ]
    # Same template, two companies, one day: two announcements.
    titles = set(Article.objects.filter(story__isnull=False).values_list("title", flat=True))
    assert not any("Competency Status" in title for title in titles)
    assert not any("SageMaker" in title for title in titles)  # blog posts that only link
    assert len(stories) == 5
