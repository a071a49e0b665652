"""Files from real corpora no one here wrote: kinds of taxonomy the project does not model,
files the walk passes over, records without their extension, mojibake."""

import io

import pytest
import yaml
from django.core.management import call_command

from articles.ingest.runner import run_import
from articles.models import Article, ImportRun, Provider, Topic

from . import write_article
from .test_command import import_articles

pytestmark = pytest.mark.django_db

TAG = "taxonomy: tag\n_id: llm\nname: LLM\n"


def test_a_tag_taxonomy_file_is_skipped_with_one_warning_and_the_run_succeeds(tmp_path):
    (tmp_path / "tags").mkdir()
    (tmp_path / "tags" / "llm.yaml").write_text(TAG)
    write_article(tmp_path, "2024-03-01-a.md", title="A")

    code, stdout, stderr = import_articles(tmp_path)

    assert code == 0
    assert stdout.startswith("2 seen, 1 created, 0 updated, 0 unchanged, 0 kept because edited, ")
    assert ", 0 failed, 1 skipped in " in stdout
    assert stderr.splitlines() == [
        f"warning: {tmp_path / 'tags' / 'llm.yaml'}:1: taxonomy: 'tag' files are not imported "
        "(only topic and organization); skipped"
    ]
    assert not Topic.objects.filter(name="LLM").exists()
    assert ImportRun.objects.get().skipped == 1


def test_files_the_walk_passes_over_are_counted_and_listed_at_verbosity_2(tmp_path):
    write_article(tmp_path, "2024-03-01-a.md", title="A")
    (tmp_path / "README.txt").write_text("notes")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD.md").write_text("not an article")

    code, stdout, stderr = import_articles(tmp_path)
    assert (code, stderr) == (0, "")
    assert ", 0 failed, 2 skipped in " in stdout

    code, stdout, stderr = import_articles(tmp_path, "--verbosity", "2")
    assert stderr.splitlines() == [
        f"skipped: {tmp_path / '.git'}: hidden (its name starts with a dot)",
        f"skipped: {tmp_path / 'README.txt'}: not an import file (.md, .markdown, .yaml, .yml)",
    ]


def test_an_organization_record_without_its_extension_is_reported(tmp_path):
    organizations = tmp_path / "organizations"
    organizations.mkdir()
    record = "---\ntaxonomy: organization\n_id: theguardian.com\nname: The Guardian\n---\n"
    (organizations / "theguardian.com").write_text(record)

    result = run_import([organizations])

    assert (result.seen, result.failed, result.skipped) == (0, 0, 1)
    [warning] = result.problems
    assert warning.path == str(organizations / "theguardian.com")
    assert "has no .md extension" in warning.message
    assert warning.severity == "warning"
    assert not Provider.objects.exists()


def test_mojibake_is_repaired_with_a_warning_and_the_file_comes_back_as_written(tmp_path):
    path = write_article(
        tmp_path / "in",
        "2024-03-01-dall-e.md",
        title="DALLÂ·E meets â€˜Sensitive Dataâ€™",
        topics=["AI", "Ã‰thique"],
        body="Body with cafÃ© in it.\n",
    )

    result = run_import([tmp_path / "in"])

    article = Article.objects.get()
    assert article.title == "DALL·E meets ‘Sensitive Data’"
    assert article.body == "Body with café in it.\n"
    assert [topic.name for topic in article.topics.all() if topic.name != "AI"] == ["Éthique"]
    fields = sorted(p.field for p in result.problems if "mojibake repaired" in p.message)
    assert fields == ["body", "excerpt", "title", "topics[1]"]

    call_command("export_articles", str(tmp_path / "out"), stdout=io.StringIO())
    (exported_path,) = (tmp_path / "out" / "articles").iterdir()
    exported = exported_path.read_text()
    assert yaml.safe_load(exported.split("---\n")[1]) == yaml.safe_load(
        path.read_text().split("---\n")[1]
    )
    assert exported.endswith("---\n\nBody with cafÃ© in it.\n")


def test_a_staff_edit_of_a_repaired_field_is_exported_as_edited(tmp_path):
    write_article(tmp_path / "in", "a.md", title="DALLÂ·E")
    run_import([tmp_path / "in"])
    article = Article.objects.get()
    article.title, article.edited_by_staff = "DALL·E 3", True
    article.save()

    call_command("export_articles", str(tmp_path / "out"), stdout=io.StringIO())

    (exported,) = (tmp_path / "out" / "articles").iterdir()
    assert yaml.safe_load(exported.read_text().split("---\n")[1])["title"] == "DALL·E 3"
