"""Export: articles back to files in the import format, and the round trip import → export →
import that proves the importer keeps everything."""

import io
from datetime import UTC, datetime

import pytest
import yaml
from django.core.management import CommandError, call_command

from articles.ingest.parse import parse_file
from articles.ingest.records import ArticleRecord, ImageRecord, ProviderRecord, RelatedRecord
from articles.ingest.runner import run_import
from articles.ingest.write import article_text, file_name, named_files
from articles.models import (
    Article,
    ArticleStatus,
    ImportTrigger,
    Provider,
    ProviderAlias,
    SourceFile,
    Topic,
    TopicAlias,
)

from . import EXAMPLES, dump_database, write_article

WHEN = datetime(2019, 12, 17, 15, 22, tzinfo=UTC)

RICH = ArticleRecord(
    url="https://news.example/rich",
    web_url="https://news.example/rich",
    original_url="https://source.example/rich",
    amp_url="https://news.example/rich/amp",
    title='A "rich" story: colons, ünïcode & <b>entities</b>',
    published_at=WHEN,
    excerpt="First line\nsecond line, cut mid-sentence ·",
    body="# Heading\n\nSome *Markdown*.\n",
    category="news",
    type="article",
    quality=161,
    heat=7,
    published=False,
    deleted=True,
    provider=ProviderRecord(
        domain="news.example",
        name="News: Example",
        images=[{"url": "/assets/logo-50.png", "width": 50, "height": 50}],
    ),
    provider_entry={
        "name": "News: Example",
        "domain": "news.example",
        "images": [{"url": "/assets/logo-50.png", "width": 50, "height": 50}],
    },
    repaired={"excerpt": "First line\nsecond line, cut mid-sentence Â·"},
    topics=["AI", "Machine Learning"],
    images=[
        ImageRecord(url="https://img.example/1.jpg", width=600, height=315, title="One"),
        ImageRecord(url="https://img.example/2.jpg", is_cached=True, extra={"alt": "Two"}),
    ],
    related=[
        RelatedRecord(
            url="https://other.example/r",
            title="Related",
            published_at=datetime(2019, 12, 24, 11, 15, tzinfo=UTC),
            web_url="https://other.example/r",
            type="article",
            quality=19,
            provider=ProviderRecord(domain="other.example", name="Other"),
            entry={
                "title": "Related",
                "publishedDateTime": "2019-12-24T11:15:00Z",
                "webUrl": "https://other.example/r",
                "type": "article",
                "provider": {"name": "Other", "domain": "other.example"},
                "quality": 19,
            },
        )
    ],
    secured="bG9uZyBibG9i;c3VmZml4==",
    extra={"author": "Ada", "tags": ["x", "y"], "when": "2019-12-17T10:00:00Z"},
)


def test_the_text_keeps_the_formats_key_order_and_writes_datetimes_unquoted():
    text = article_text(RICH)
    front = text.split("---\n")[1]
    keys = [line.split(":")[0] for line in front.splitlines() if line and line[0].isalpha()]
    assert keys == [
        "category",
        "title",
        "excerpt",
        "publishedDateTime",
        "originalUrl",
        "webUrl",
        "ampWebUrl",
        "type",
        "quality",
        "heat",
        "published",
        "deleted",
        "provider",
        "topics",
        "images",
        "related",
        "secured",
        "author",
        "tags",
        "when",
    ]
    assert "\npublishedDateTime: 2019-12-17T15:22:00Z\n" in text
    assert "    publishedDateTime: 2019-12-24T11:15:00Z\n" in text
    assert "\ntopics:\n  - AI\n  - Machine Learning\n" in text
    assert text.endswith("---\n\n# Heading\n\nSome *Markdown*.\n")


def test_the_text_parses_back_to_the_same_record():
    text = article_text(RICH)
    assert "cut mid-sentence Â·" in text  # the mojibake as the file had it
    record, problems = parse_file(text.encode(), "2019-12-17-rich.md")
    assert [(problem.field, problem.severity) for problem in problems] == [("excerpt", "warning")]
    assert record == RICH


def test_a_record_without_a_body_or_optional_keys_stays_minimal():
    record = ArticleRecord(
        url="https://n.example/a", web_url="https://n.example/a", title="A", published_at=WHEN
    )
    assert article_text(record) == (
        "---\ntitle: A\npublishedDateTime: 2019-12-17T15:22:00Z\nwebUrl: https://n.example/a\n---\n"
    )
    assert parse_file(article_text(record).encode(), "a.md")[0] == record


def test_file_names_are_dated_and_disambiguated_in_a_stable_order():
    assert file_name(WHEN, "a-story") == "2019-12-17-a-story.md"
    record = ArticleRecord(url="https://n.example/a", title="A", published_at=WHEN)
    pairs = [("same", record), ("other", record), ("same", record), ("same", record)]
    assert [name for name, _ in named_files(pairs)] == [
        "2019-12-17-same.md",
        "2019-12-17-other.md",
        "2019-12-17-same-2.md",
        "2019-12-17-same-3.md",
    ]


def export(directory):
    stdout = io.StringIO()
    call_command("export_articles", str(directory), stdout=stdout)
    return stdout.getvalue()


def files_of(directory):
    """{path relative to `directory`: bytes} of every file below it."""
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def empty_the_database():
    Article.objects.all().delete()
    Topic.objects.all().delete()
    Provider.objects.all().delete()
    SourceFile.objects.all().delete()
    assert not TopicAlias.objects.exists() and not ProviderAlias.objects.exists()


def assert_round_trip(sources, tmp_path):
    """Import `sources`, export, import the export into an empty database: the same data; and
    exporting that database again gives byte-identical files."""
    first = run_import(sources)
    assert first.failed == 0, first.problems
    before = dump_database()
    export(tmp_path / "exported")

    empty_the_database()
    second = run_import([tmp_path / "exported"])

    assert second.failed == 0, second.problems
    assert dump_database() == before
    export(tmp_path / "again")
    assert files_of(tmp_path / "again") == files_of(tmp_path / "exported")
    return before


@pytest.mark.django_db
def test_import_export_import_of_the_examples_gives_the_same_data(tmp_path):
    articles = sorted(EXAMPLES.glob("*.md"))
    assert len(articles) >= 15
    before = assert_round_trip([EXAMPLES], tmp_path)
    assert sum(not a["values"]["is_stub"] for a in before["articles"].values()) == len(articles)


@pytest.mark.django_db
def test_exporting_twice_gives_byte_identical_files_and_rewrites_nothing(tmp_path):
    run_import(sorted(EXAMPLES.glob("*.md")))
    export(tmp_path / "one")
    summary = export(tmp_path / "one")
    export(tmp_path / "two")

    assert files_of(tmp_path / "one") == files_of(tmp_path / "two")
    count = Article.objects.filter(is_stub=False).count()
    providers = Provider.objects.count()
    where = tmp_path / "one"
    assert summary == (
        f"{count} articles, 0 topics, {providers} organizations and the staff state exported "
        f"to {where}: 0 written, {count + providers + 1} already up to date\n"
    )
    assert not [name for name in files_of(tmp_path / "one") if "/." in f"/{name}"]


@pytest.mark.django_db
def test_staff_edits_flow_back_to_the_files_and_stubs_are_not_exported(tmp_path):
    related = [{"title": "Only a stub", "webUrl": "https://other.example/stub"}]
    write_article(
        tmp_path / "in", "a.md", title="Original", url="https://n.example/a", related=related
    )
    run_import([tmp_path / "in"])
    article = Article.objects.get(url="https://n.example/a")
    article.title, article.status, article.edited_by_staff = "Edited", ArticleStatus.HIDDEN, True
    article.save()

    export(tmp_path / "out")

    (exported,) = (tmp_path / "out" / "articles").iterdir()
    assert exported.name == "2024-03-01-original.md"  # the slug is the article's, kept
    front = yaml.safe_load(exported.read_text().split("---\n")[1])
    assert front["title"] == "Edited"
    assert front["published"] is False  # hidden from readers, as the format can say it
    assert front["related"] == related


@pytest.mark.django_db
def test_two_articles_with_the_same_date_and_slug_get_distinct_names(tmp_path):
    for n in (1, 2):
        write_article(tmp_path / "in", f"{n}.md", title="Same title", url=f"https://n.example/{n}")
    run_import([tmp_path / "in"])
    export(tmp_path / "out")
    assert sorted(files_of(tmp_path / "out" / "articles")) == [
        "2024-03-01-same-title-2.md",
        "2024-03-01-same-title.md",
    ]


@pytest.mark.django_db
def test_an_unwritable_target_is_a_clear_fatal_error(tmp_path):
    write_article(tmp_path / "in", "a.md")
    run_import([tmp_path / "in"])
    (tmp_path / "taken").write_text("a file, not a directory")

    with pytest.raises(CommandError, match=f"cannot write {tmp_path / 'taken'}") as raised:
        export(tmp_path / "taken")
    assert raised.value.returncode == 2


@pytest.mark.django_db
def test_odd_but_importable_files_survive_the_round_trip_byte_for_byte(tmp_path):
    source = tmp_path / "in"
    write_article(
        source,
        "articles/2024-03-01-odd.md",
        title="DALLÂ·E: â€˜quotesâ€™ & <b>tags</b>",
        provider={"name": "Wired", "domain": "WIRED.com", "twitter": "@wired"},
        topics=["machine  learning", "Ã‰thique", "AI"],
        images=[{"url": "https://img.example/a.jpg", "alt": "A", "isCached": True}],
        related=[
            {
                "title": "Other",
                "webUrl": "https://other.example/r",
                "provider": {"name": "Other Co", "domain": "other.example"},
                "rank": 3,
            }
        ],
        featuredContent={"kind": "video", "when": datetime(2024, 1, 1, tzinfo=UTC)},
        heat=-1,
        body="Body Â· with mojibake\n",
    )
    write_article(
        source,
        "articles/2024-03-02-same-provider.md",
        title="Same provider, other spelling",
        provider={"name": "WIRED", "domain": "wired.com", "images": [{"url": "/assets/w.png"}]},
    )
    (source / "topics").mkdir()
    (source / "topics" / "03-ml.yaml").write_text(
        "taxonomy: topic\n_id: ml\nname: Machine Learning\nparent: AI\nkeywords: [ml]\n"
        "services:\n  news: https://x.example/news/ml/\n---\n"
    )
    (source / "organizations").mkdir()
    (source / "organizations" / "wired.com.md").write_text(
        "---\ntaxonomy: organization\n_id: www.wired.com\ndomain: wired.com\n"
        "description: Tech news\nfounded: 1993\n---\n"
    )
    assert_round_trip([source], tmp_path)


@pytest.mark.django_db
def test_staff_decisions_survive_the_round_trip(tmp_path, make_provider):
    """Hidden articles, edit marks and merges live only in the database: the staff state file
    brings them back, and merged names and domains in the articles still follow them."""
    source = tmp_path / "in"
    write_article(source, "a.md", title="Hidden one", url="https://n.example/a", topics=["Vision"])
    write_article(source, "b.md", title="Edited one", url="https://n.example/b")
    write_article(
        source,
        "c.md",
        title="From the UK",
        url="https://n.example/c",
        provider={"name": "Wired UK", "domain": "wired.co.uk"},
    )
    kept = make_provider("wired.com", name="WIRED")
    ProviderAlias.objects.create(domain="wired.co.uk", provider=kept)
    cv = Topic.objects.create(name="Computer Vision", slug="computer-vision")
    TopicAlias.objects.create(slug="vision", name_key="vision", topic=cv)
    run_import([source])
    Article.objects.filter(url="https://n.example/a").update(status=ArticleStatus.HIDDEN)
    Article.objects.filter(url="https://n.example/b").update(title="Edited", edited_by_staff=True)

    before = dump_database()
    export(tmp_path / "exported")
    empty_the_database()
    result = run_import([tmp_path / "exported"])

    assert result.failed == 0, result.problems
    assert dump_database() == before
    assert Article.objects.get(url="https://n.example/a").status == ArticleStatus.HIDDEN
    assert Article.objects.get(url="https://n.example/b").edited_by_staff is True
    assert Article.objects.get(url="https://n.example/c").provider.domain == "wired.com"
    export(tmp_path / "again")
    assert files_of(tmp_path / "again") == files_of(tmp_path / "exported")


@pytest.mark.django_db
def test_an_unchanged_staff_state_is_not_applied_again(tmp_path):
    write_article(tmp_path / "in", "a.md", url="https://n.example/a")
    run_import([tmp_path / "in"])
    Article.objects.update(status=ArticleStatus.HIDDEN)
    export(tmp_path / "out")
    run_import([tmp_path / "out"])
    Article.objects.update(status=ArticleStatus.PUBLISHED)  # staff show it again

    again = run_import([tmp_path / "out"])

    assert again.unchanged == again.seen
    assert Article.objects.get().status == ArticleStatus.PUBLISHED


@pytest.mark.django_db
def test_a_staff_state_with_bad_values_fails_alone_naming_the_field(tmp_path):
    write_article(tmp_path, "articles/a.md", url="https://n.example/a")
    (tmp_path / "_staff.yaml").write_text(
        "taxonomy: staff\narticles:\n  - url: javascript:alert(1)\n    hidden: maybe\n"
    )
    result = run_import([tmp_path])
    assert (result.created, result.failed) == (1, 1)
    assert sorted(p.field for p in result.problems) == ["articles[0].hidden", "articles[0].url"]
    assert Article.objects.get().status == ArticleStatus.PUBLISHED


@pytest.mark.django_db
def test_an_upload_never_applies_a_staff_state(tmp_path):
    write_article(tmp_path, "articles/a.md", url="https://n.example/a")
    (tmp_path / "_staff.yaml").write_text(
        "taxonomy: staff\narticles:\n  - url: https://n.example/a\n    hidden: true\n"
    )
    result = run_import([tmp_path], trigger=ImportTrigger.UPLOAD)
    assert (result.created, result.skipped) == (1, 1)
    assert Article.objects.get().status == ArticleStatus.PUBLISHED
