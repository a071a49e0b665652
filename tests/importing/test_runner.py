"""The import run: walking paths, skipping unchanged files by hash, order, batching, parallelism."""

import os
import time

import pytest

from articles.cache import current_data_version
from articles.ingest import runner
from articles.ingest.runner import ImportPathError, run_import
from articles.models import (
    Article,
    ImportProblem,
    ImportRun,
    ImportStatus,
    ImportTrigger,
    Provider,
    SourceFile,
    Topic,
)

from . import crash_always, crash_on_marker, write_article

pytestmark = pytest.mark.django_db


def counts(result):
    return {
        name: getattr(result, name)
        for name in ("seen", "created", "updated", "unchanged", "kept_edited", "failed")
    }


def test_it_imports_files_and_directories_recursively_and_ignores_other_files(tmp_path):
    write_article(tmp_path / "news", "2024-03-01-one.md", title="One")
    write_article(tmp_path / "news" / "2024" / "03", "2024-03-02-two.markdown", title="Two")
    write_article(tmp_path / "news" / ".drafts", "2024-03-03-hidden.md", title="Hidden")
    (tmp_path / "news" / "README.txt").write_text("not an article")
    (tmp_path / "news" / "logo.png").write_bytes(b"\x89PNG")
    single = write_article(tmp_path / "elsewhere", "three.md", title="Three")

    result = run_import([tmp_path / "news", single])

    assert counts(result) == {
        "seen": 3,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "kept_edited": 0,
        "failed": 0,
    }
    assert sorted(Article.objects.values_list("title", flat=True)) == ["One", "Three", "Two"]
    assert result.status == ImportStatus.SUCCESS


def test_it_imports_taxonomy_and_organization_files_alongside_articles(tmp_path):
    (tmp_path / "topics").mkdir()
    (tmp_path / "topics" / "01-vision.yml").write_text(
        "taxonomy: topic\n_id: computer-vision\nname: Computer Vision\nparent: AI\n"
    )
    (tmp_path / "organizations").mkdir()
    (tmp_path / "organizations" / "bbc.com.md").write_text(
        "---\ntaxonomy: organization\n_id: bbc.com\nname: BBC\ndomain: bbc.com\n---\n"
    )
    write_article(tmp_path / "articles", "a.md", topics=["computer  vision"])

    result = run_import([tmp_path])

    assert (result.created, result.failed) == (3, 0)
    vision = Topic.objects.get(external_id="computer-vision")
    assert vision.parent.name == "AI"
    assert list(Article.objects.get().topics.all()) == [vision]
    assert Provider.objects.get(domain="bbc.com").name == "BBC"


def test_a_missing_path_is_fatal_before_anything_is_done(tmp_path):
    write_article(tmp_path, "a.md")
    with pytest.raises(ImportPathError, match="no such file or directory: .*nowhere"):
        run_import([tmp_path, tmp_path / "nowhere"])
    assert not Article.objects.exists()
    assert not ImportRun.objects.exists()


def test_the_same_files_twice_change_nothing_and_are_not_parsed_again(
    tmp_path, monkeypatch, django_assert_max_num_queries
):
    for n in range(30):
        write_article(tmp_path, f"2024-03-01-story-{n}.md", title=f"Story {n}")
    run_import([tmp_path])
    before = list(Article.objects.order_by("pk").values())
    version = current_data_version()

    def must_not_parse(data, path):
        raise AssertionError(f"{path} was parsed although it did not change")

    monkeypatch.setattr(runner, "parse_file", must_not_parse)
    # A fixed number of queries however many files: one hash lookup per 500 files.
    with django_assert_max_num_queries(12):
        result = run_import([tmp_path])

    assert counts(result) == {
        "seen": 30,
        "created": 0,
        "updated": 0,
        "unchanged": 30,
        "kept_edited": 0,
        "failed": 0,
    }
    assert list(Article.objects.order_by("pk").values()) == before
    assert current_data_version() == version


def test_a_file_whose_size_and_times_are_as_recorded_is_not_even_read(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "RACY_SECONDS", 0)
    write_article(tmp_path, "a.md", title="A")
    write_article(tmp_path, "b.md", title="B")
    run_import([tmp_path])
    time.sleep(0.05)  # past the file-time tick, so the next write shows in the ctime
    os.utime(tmp_path / "b.md")  # touched: read and hashed once more, then skipped unread

    read = []
    real_read = runner.read_file
    monkeypatch.setattr(
        runner, "read_file", lambda path, limit: read.append(path) or real_read(path, limit)
    )
    assert run_import([tmp_path]).unchanged == 2
    assert read == [str(tmp_path / "b.md")]
    read.clear()
    assert run_import([tmp_path]).unchanged == 2
    assert read == []


@pytest.mark.parametrize("files", [3, 40])
def test_an_import_of_unchanged_files_costs_the_same_few_queries_however_many(
    tmp_path, monkeypatch, django_assert_max_num_queries, files
):
    """The unchanged path cron takes every few minutes: a stat per file and one lookup query
    (by path for a few files, the whole table for many), never a query per file, and no worker
    process started."""
    monkeypatch.setattr(runner, "RACY_SECONDS", 0)
    monkeypatch.setattr(runner, "LOOKUP_SIZE", 10)
    monkeypatch.setattr(runner, "PARALLEL_FROM", 1)
    monkeypatch.setattr(runner, "worker_count", lambda: 2)
    for n in range(files):
        write_article(tmp_path, f"{n:02}.md", title=f"Story {n}")
    run_import([tmp_path])

    def no_workers(self):
        raise AssertionError("a worker was started for unchanged files")

    monkeypatch.setattr(runner.ParallelParser, "start", no_workers)
    # The lock, the run's row (and its interrupted predecessors), the lookup, the look for
    # articles left out of stories, the summary.
    with django_assert_max_num_queries(9):
        result = run_import([tmp_path])
    assert (result.seen, result.unchanged) == (files, files)


def test_touched_files_are_hashed_on_the_workers_and_not_parsed_again(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "RACY_SECONDS", 0)
    monkeypatch.setattr(runner, "PARALLEL_FROM", 1)
    monkeypatch.setattr(runner, "worker_count", lambda: 2)
    for n in range(4):
        write_article(tmp_path, f"{n}.md", title=f"Story {n}")
    run_import([tmp_path])
    time.sleep(0.05)  # past the file-time tick, so the touch shows
    for path in tmp_path.iterdir():
        os.utime(path)
    monkeypatch.setattr(runner, "parse_file", crash_always)  # parsing any file now kills a worker

    result = run_import([tmp_path])

    assert (result.unchanged, result.failed) == (4, 0)
    assert SourceFile.objects.filter(size=None).count() == 0  # stamped: next time not even read


def test_a_rewrite_that_keeps_the_size_and_mtime_is_still_seen(tmp_path, monkeypatch):
    """`rsync -t` or a restore can put back the old size and mtime; the ctime still moves."""
    monkeypatch.setattr(runner, "RACY_SECONDS", 0)
    path = write_article(tmp_path, "a.md", title="Old", url="https://news.example/a")
    before = os.stat(path)
    run_import([tmp_path])
    time.sleep(0.05)
    write_article(tmp_path, "a.md", title="New", url="https://news.example/a")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(path).st_size == before.st_size

    assert run_import([tmp_path]).updated == 1
    assert Article.objects.get().title == "New"


def test_a_file_changed_just_before_an_import_is_hashed_again_next_time(tmp_path):
    """File times tick in steps of milliseconds: one written during the last two seconds could
    change again without its times changing, so its times are not trusted yet."""
    write_article(tmp_path, "a.md", title="Old", url="https://news.example/a")
    run_import([tmp_path])
    write_article(tmp_path, "a.md", title="New", url="https://news.example/a")  # same size

    assert run_import([tmp_path]).updated == 1
    assert SourceFile.objects.get().size is None


def test_a_changed_file_updates_its_article_in_place(tmp_path, client):
    url = "https://news.example/a"
    path = write_article(tmp_path, "a.md", title="Before", quality=10, url=url)
    run_import([tmp_path])
    article = Article.objects.get()
    old_page = article.get_absolute_url()

    write_article(tmp_path, "a.md", title="After", quality=90, url=url)
    result = run_import([tmp_path])

    assert (result.updated, result.unchanged) == (1, 0)
    changed = Article.objects.get()
    assert (changed.pk, changed.url) == (article.pk, article.url)
    assert (changed.title, changed.quality) == ("After", 90)
    assert SourceFile.objects.get(path=str(path)).article == changed
    # The same page; its old address (with the old title's slug) leads to it.
    response = client.get(old_page)
    assert (response.status_code, response["Location"]) == (301, changed.get_absolute_url())
    assert client.get(changed.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("batch_size", [1, 2, 500])
def test_the_file_last_in_path_order_wins_whatever_the_batch_size(
    tmp_path, monkeypatch, batch_size
):
    monkeypatch.setattr(runner, "BATCH_SIZE", batch_size)
    url = "https://news.example/same-story"
    write_article(tmp_path / "b", "2019-12-18-story.md", title="Filed again", url=url)
    write_article(tmp_path / "a", "2019-12-17-story.md", title="Filed first", url=url)
    write_article(tmp_path / "a", "2019-12-17-other.md", title="Other")

    result = run_import([tmp_path / "b", tmp_path / "a"])  # argument order does not matter

    assert Article.objects.get(url=url).title == "Filed again"
    assert (result.created, result.updated) == (2, 1)
    warnings = [p for p in result.problems if p.severity == "warning"]
    assert [p.path for p in warnings] == [str(tmp_path / "b" / "2019-12-18-story.md")]

    # Only the earlier file changes: it must not take over from the later one.
    write_article(tmp_path / "a", "2019-12-17-story.md", title="First, corrected", url=url)
    result = run_import([tmp_path])
    assert Article.objects.get(url=url).title == "Filed again"
    assert (result.unchanged, result.updated) == (3, 0)


def test_parsing_on_worker_processes_gives_the_same_result_as_in_process(tmp_path, monkeypatch):
    url = "https://news.example/same-story"
    for n in range(40):
        write_article(tmp_path, f"2024-03-01-story-{n:02}.md", title=f"Story {n}", url=url)
    write_article(tmp_path, "2024-03-02-broken.md", title=None)
    monkeypatch.setattr(runner, "PARALLEL_FROM", 1)
    monkeypatch.setattr(runner, "PARSE_WINDOW", 4)
    monkeypatch.setattr(runner, "PARSE_CHUNK", 2)
    monkeypatch.setattr(runner, "BATCH_SIZE", 3)
    monkeypatch.setattr(runner, "worker_count", lambda: 2)

    result = run_import([tmp_path])

    assert Article.objects.get(url=url).title == "Story 39"
    assert (result.seen, result.created, result.failed) == (41, 1, 1)
    errors = [problem for problem in result.problems if problem.severity == "error"]
    assert [problem.path for problem in errors] == [str(tmp_path / "2024-03-02-broken.md")]


def test_a_crash_in_a_parse_worker_costs_only_that_file(tmp_path, monkeypatch):
    for n in range(6):
        write_article(tmp_path, f"2024-03-01-story-{n}.md", title=f"Story {n}")
    (tmp_path / "2024-03-01-story-3.md").write_text("---\ncrash: now\n---\n")
    monkeypatch.setattr(runner, "PARALLEL_FROM", 1)
    monkeypatch.setattr(runner, "worker_count", lambda: 2)
    monkeypatch.setattr(runner, "parse_file", crash_on_marker)

    result = run_import([tmp_path])

    assert (result.created, result.failed) == (5, 1)
    assert result.problems == [
        runner.Problem(str(tmp_path / "2024-03-01-story-3.md"), "crashed the parser; not imported")
    ]


def test_an_edited_article_is_kept_even_when_its_file_did_not_change(tmp_path):
    write_article(tmp_path, "a.md", title="From the file")
    run_import([tmp_path])
    article = Article.objects.get()
    article.title = "Edited by staff"
    article.edited_by_staff = True
    article.save()

    result = run_import([tmp_path])
    assert (result.kept_edited, result.unchanged) == (1, 0)
    assert Article.objects.get().title == "Edited by staff"

    result = run_import([tmp_path], overwrite_edited=True)
    assert result.updated == 1
    assert Article.objects.values_list("title", "edited_by_staff").get() == ("From the file", False)

    assert run_import([tmp_path]).unchanged == 1


def test_unticking_edited_lets_the_next_import_restore_the_file(tmp_path):
    write_article(tmp_path, "a.md", title="From the file")
    run_import([tmp_path])
    article = Article.objects.get()
    article.title, article.edited_by_staff = "Edited by staff", True
    article.save()
    run_import([tmp_path])
    article.refresh_from_db()
    article.edited_by_staff = False
    article.save()

    result = run_import([tmp_path])

    assert result.updated == 1
    assert Article.objects.get().title == "From the file"


def test_every_run_is_recorded_with_its_counts_and_problems(tmp_path, admin_user):
    write_article(tmp_path, "a.md")
    (tmp_path / "b.md").write_text("no front matter here\n")

    result = run_import([tmp_path], trigger=ImportTrigger.UPLOAD, user=admin_user)

    run = ImportRun.objects.get()
    assert run.pk == result.run_id
    assert (run.status, run.trigger, run.user) == (ImportStatus.PARTIAL, "upload", admin_user)
    assert (run.seen, run.created, run.failed) == (2, 1, 1)
    assert run.paths == [str(tmp_path)]
    assert run.finished_at is not None and run.duration_seconds >= 0
    assert run.message == result.summary_line()
    problem = ImportProblem.objects.get(run=run)
    assert (problem.path, problem.line, problem.severity) == (str(tmp_path / "b.md"), 1, "error")
    assert "front matter" in problem.message


def test_a_dry_run_validates_and_reports_but_writes_only_its_run_record(tmp_path):
    write_article(tmp_path, "a.md")
    (tmp_path / "b.md").write_text("---\ntitle: [unclosed\n---\n")

    result = run_import([tmp_path], dry_run=True)

    assert (result.created, result.failed) == (1, 1)
    assert result.summary_line().startswith("Dry run, nothing written: 2 seen, 1 created")
    assert not Article.objects.exists()
    assert not SourceFile.objects.exists()
    run = ImportRun.objects.get()
    assert (run.dry_run, run.status, run.failed) == (True, ImportStatus.PARTIAL, 1)
    assert run.problems.count() == 1
    assert run_import([tmp_path]).created == 1  # the dry run did not record the hashes


def test_the_result_reads_as_a_summary_line_and_as_a_dict(tmp_path):
    write_article(tmp_path, "a.md")
    (tmp_path / "b.md").write_text("")
    result = run_import([tmp_path])
    assert result.summary_line().startswith(
        "2 seen, 1 created, 0 updated, 0 unchanged, 0 kept because edited, 1 failed in "
    )
    data = result.as_dict()
    assert {key: data[key] for key in ("status", "seen", "created", "failed")} == {
        "status": "partial",
        "seen": 2,
        "created": 1,
        "failed": 1,
    }
    assert data["problems"] == [
        {
            "path": str(tmp_path / "b.md"),
            "field": "",
            "line": None,
            "message": "the file is empty",
            "severity": "error",
        }
    ]
