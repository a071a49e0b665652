"""Readers (the web workers) keep reading while an import writes, and never see half of it."""

import pytest
from django.db.models import Count

from articles.ingest.parse import parse_file
from articles.models import Article
from benchmarks.generate import generate

from . import start_manage


@pytest.mark.django_db(transaction=True)
def test_readers_never_see_a_locked_database_or_a_half_written_article(tmp_path):
    paths = generate(tmp_path / "files", 3000)
    expected = {}
    for path in paths:
        record, _ = parse_file(path.read_bytes(), str(path))
        expected[record.url] = (len(record.topics), len(record.images), len(record.related))

    process = start_manage("import_articles", str(tmp_path / "files"))
    sizes_seen = set()
    while process.poll() is None:
        # One SELECT: one consistent snapshot of every article with its children counted.
        rows = (
            Article.objects.filter(is_stub=False)
            .annotate(
                topic_count=Count("article_topics", distinct=True),
                image_count=Count("images", distinct=True),
                related_count=Count("related_links", distinct=True),
            )
            .values_list("url", "topic_count", "image_count", "related_count")
        )
        seen = {url: counts for url, *counts in rows}  # "database is locked" would raise here
        for url, counts in seen.items():
            assert tuple(counts) == expected[url], f"{url} was read half-written"
        sizes_seen.add(len(seen))
    stdout, stderr = process.communicate(timeout=60)

    assert process.returncode == 0, stderr
    assert len(sizes_seen - {0, len(paths)}) >= 1, "no read happened while the import wrote"
    assert Article.objects.filter(is_stub=False).count() == len(paths)
