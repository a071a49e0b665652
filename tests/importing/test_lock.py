"""One import at a time; a killed import leaves no stale lock and no partial article."""

import os
import signal
import time

import pytest

from articles.ingest.lock import ImportLocked, import_lock
from articles.ingest.parse import parse_file
from articles.ingest.runner import INTERRUPTED, run_import
from articles.models import Article, ImportRun, ImportStatus
from benchmarks.generate import generate

from . import run_manage, start_manage, write_article


def take_and_release_the_lock():
    with import_lock():
        pass


@pytest.mark.django_db
def test_a_second_holder_is_refused_at_once_and_the_lock_is_free_again_after():
    with import_lock(), pytest.raises(ImportLocked, match="another import is running"):
        take_and_release_the_lock()
    take_and_release_the_lock()


@pytest.mark.django_db
def test_an_import_refused_by_the_lock_records_nothing(tmp_path):
    write_article(tmp_path, "a.md")
    with import_lock(), pytest.raises(ImportLocked):
        run_import([tmp_path])
    assert not ImportRun.objects.exists()
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_runs_left_running_by_a_dead_process_are_marked_interrupted(tmp_path):
    write_article(tmp_path, "a.md")
    started = ImportRun.objects.create(started_at="2024-03-01T09:00:00Z")

    run_import([tmp_path])

    started.refresh_from_db()
    assert (started.status, started.message) == (ImportStatus.FAILED, INTERRUPTED)
    assert started.finished_at is not None
    assert ImportRun.objects.filter(status=ImportStatus.SUCCESS).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_second_import_process_exits_promptly_with_code_3(tmp_path):
    write_article(tmp_path, "a.md")
    with import_lock():
        # The timeout only stops a hang; a refused import takes as long as Django's start.
        code, stdout, stderr = run_manage("import_articles", str(tmp_path), timeout=60)
    assert code == 3
    assert stdout == ""
    assert stderr.startswith("CommandError: another import is running")
    assert not Article.objects.exists()
    assert not ImportRun.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_killed_import_leaves_no_stale_lock_and_no_partial_article(tmp_path):
    paths = generate(tmp_path / "files", 2500)
    expected = {}
    for path in paths:
        record, _ = parse_file(path.read_bytes(), str(path))
        expected[record.url] = record

    process = start_manage("import_articles", str(tmp_path / "files"))
    deadline = time.monotonic() + 120
    while not Article.objects.filter(is_stub=False).exists():
        assert process.poll() is None, "the import finished before it could be killed"
        assert time.monotonic() < deadline, "the import never committed a batch"
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL

    imported = Article.objects.filter(is_stub=False).prefetch_related(
        "article_topics__topic", "images", "related_links"
    )
    assert 0 < len(imported) < len(paths)
    for article in imported:
        record = expected[article.url]
        assert [link.topic.name for link in article.article_topics.all()] == record.topics
        assert len(article.images.all()) == len(record.images)
        assert len(article.related_links.all()) == len(record.related)
    killed = ImportRun.objects.get()
    assert killed.status == ImportStatus.RUNNING

    # No clean-up by hand: the kernel dropped the file lock with the process; PostgreSQL drops
    # the advisory lock as soon as it sees the session gone, which can take a moment.
    deadline = time.monotonic() + 10
    while True:
        try:
            result = run_import([tmp_path / "files"])
            break
        except ImportLocked:
            assert time.monotonic() < deadline, "the killed import's lock was never released"
            time.sleep(0.05)

    assert result.failed == 0
    assert Article.objects.filter(is_stub=False).count() == len(paths)
    killed.refresh_from_db()
    assert (killed.status, killed.message) == (ImportStatus.FAILED, INTERRUPTED)
