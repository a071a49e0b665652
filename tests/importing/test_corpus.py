"""The real corpus (../shared/corpus): every file imports and survives the export round trip.
Skipped where the corpus is not checked out beside the project."""

import pytest

from articles.ingest.runner import run_import
from articles.models import Article, Provider, Topic

from . import CORPUS
from .test_export import assert_round_trip

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no corpus at {CORPUS}"),
]


def test_every_corpus_article_imports_and_a_second_run_changes_nothing():
    files = sorted((CORPUS / "articles").glob("*.md"))

    result = run_import([CORPUS / "articles"])

    assert result.failed == 0, [str(problem) for problem in result.problems]
    assert (result.seen, result.created) == (len(files), len(files))
    assert Article.objects.filter(is_stub=False).count() == len(files)
    again = run_import([CORPUS / "articles"])
    assert (again.unchanged, again.created, again.updated) == (len(files), 0, 0)


def test_the_corpus_survives_import_export_import_byte_for_byte(tmp_path):
    folders = [CORPUS / "articles", CORPUS / "topics", CORPUS / "organizations"]
    before = assert_round_trip(folders, tmp_path)
    assert sum(a["values"]["is_stub"] for a in before["articles"].values()) > 0
    assert len(before["providers"]) >= len(list((CORPUS / "organizations").glob("*.md")))
    assert sum(topic["external_id"] is not None for topic in before["topics"].values()) == len(
        list((CORPUS / "topics").glob("*.yaml"))
    )


def test_the_taxonomy_and_organization_records_import(settings):
    result = run_import([CORPUS / "topics", CORPUS / "organizations"])

    assert result.failed == 0, [str(problem) for problem in result.problems]
    assert Topic.objects.count() == len(list((CORPUS / "topics").glob("*.yaml")))
    vision = Topic.objects.get(name="Computer Vision")
    assert vision.parent == Topic.objects.get(external_id="ai")
    assert Provider.objects.count() == len(list((CORPUS / "organizations").glob("*.md")))
    bbc = Provider.objects.get(domain="bbc.com")
    assert bbc.logo == {
        "url": "/assets/images/organizations/bbc.com-50x50.jpg",
        "width": 50,
        "height": 50,
    }
    assert bbc.usable_logo is None  # site-relative, and no NEWSROOM_ASSET_BASE_URL to resolve it
    settings.NEWSROOM_ASSET_BASE_URL = "https://assets.example"
    assert bbc.usable_logo == {
        "url": "https://assets.example/assets/images/organizations/bbc.com-50x50.jpg",
        "width": 50,
        "height": 50,
    }
