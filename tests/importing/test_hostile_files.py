"""Hostile and broken files, end to end: each is a clear per-file problem (or a warning with a
normalised value), the rest of the batch still imports, and nothing is half-written."""

import os

import pytest

from articles.ingest import runner
from articles.ingest.runner import run_import
from articles.models import Article, ArticleImage, RelatedLink

from . import article_text, write_article

pytestmark = pytest.mark.django_db

GOOD = article_text(title="Good neighbour", url="https://news.example/good")


def front(yaml_lines):
    return f"---\n{yaml_lines}\n---\n".encode()


def valid_with(**fields):
    fields = {"title": "Hostile", "url": "https://news.example/hostile", **fields}
    return article_text(**fields).encode()


# (file content, the line of the problem or None, words the message must contain)
BROKEN = {
    "empty": (b"", None, "empty"),
    "only-spaces": (b"  \n\n  \n", None, "empty"),
    "no-front-matter": (b"title: Plain text\nwebUrl: https://x.example\n", 1, "start with"),
    "unterminated": (b"---\ntitle: Never closed\nwebUrl: https://x.example\n", 1, "not closed"),
    "a-list": (front("- one\n- two"), 2, "mapping"),
    "a-scalar": (front("just a sentence"), 2, "mapping"),
    "bad-yaml": (front("title: fine\nexcerpt: [unclosed\nwebUrl: x"), 4, "invalid YAML"),
    "tab-indent": (front("title: x\nprovider:\n\tname: y"), 4, "invalid YAML"),
    "invalid-utf8": (b"---\ntitle: caf\xe9\n---\n", 2, "UTF-8"),
    "python-tag": (
        front('title: !!python/object/apply:os.system ["touch /tmp/newsroom-pwned"]'),
        2,
        "!!python/object/apply:os.system",
    ),
    "unknown-tag": (front("title: !secret x"), None, "tag"),
    "alias-bomb": (
        front(
            'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
            "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
            "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
            "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
            "e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]"
        ),
        2,
        "aliases",
    ),
    # libyaml's C loader crashes the process on this; it must be refused before loading.
    "deep-nesting": (front("title: " + "[" * 50_000 + "]" * 50_000), None, "deeper"),
    "deep-block-nesting": (
        front("\n".join(" " * depth + f"k{depth}:" for depth in range(0, 400, 2)) + " x"),
        None,
        "deeper",
    ),
    "impossible-date": (valid_with(publishedDateTime="2023-02-30T10:00:00Z"), 5, "2023-02-30"),
    "impossible-unquoted-date": (
        front("title: x\nwebUrl: https://x.example/d\npublishedDateTime: 2023-02-30T10:00:00Z"),
        4,
        "publishedDateTime",
    ),
    "quality-as-word": (valid_with(quality="high"), 8, "whole number"),
    "negative-quality": (valid_with(quality=-5), 8, "negative"),
    "heat-float": (valid_with(heat=2.5), 9, "heat"),
    "topics-numbers": (valid_with(topics=[1, 2]), None, "topic name"),
    "no-title": (valid_with(title=None), None, "title"),
    "no-url": (article_text(title="No URL", webUrl=None).encode(), None, "webUrl"),
    "javascript-url": (valid_with(webUrl="javascript:alert(1)"), 6, "javascript"),
    "data-url": (valid_with(webUrl="data:text/html,<script>alert(1)</script>"), 6, "data"),
}


@pytest.mark.parametrize("name", BROKEN)
def test_a_broken_file_fails_alone_with_a_clear_problem(tmp_path, name):
    content, line, words = BROKEN[name]
    (tmp_path / "a-good.md").write_text(GOOD)
    (tmp_path / f"b-{name}.md").write_bytes(content)
    (tmp_path / "c-good.md").write_text(GOOD.replace("/good", "/good-2"))

    result = run_import([tmp_path])

    assert (result.created, result.failed) == (2, 1)
    errors = [problem for problem in result.problems if problem.severity == "error"]
    assert len(errors) >= 1
    assert {problem.path for problem in errors} == {str(tmp_path / f"b-{name}.md")}
    assert words.lower() in str(errors[0]).lower()
    if line is not None:
        assert errors[0].line == line
    assert set(Article.objects.values_list("url", flat=True)) == {
        "https://news.example/good",
        "https://news.example/good-2",
    }


def test_a_yaml_tag_is_never_executed(tmp_path):
    marker = tmp_path / "pwned"
    (tmp_path / "evil.md").write_bytes(
        front(f'title: !!python/object/apply:os.system ["touch {marker}"]')
    )
    assert run_import([tmp_path]).failed == 1
    assert not marker.exists()


# (file content, words the warning must contain, what is stored instead)
NORMALISED = {
    "bom-and-crlf": (
        b"\xef\xbb\xbf" + valid_with(excerpt="Line").replace(b"\n", b"\r\n"),
        None,
        {"excerpt": "Line"},
    ),
    "nul-and-control-characters": (
        valid_with(excerpt="A\x00B\x07C"),
        "control characters",
        {"excerpt": "ABC"},
    ),
    "very-long-title": (valid_with(title="T" * 100_000), "truncated", {"title": "T" * 1000}),
    "topics-as-a-string": (valid_with(topics="Machine Learning"), "topics", {}),
    "quality-as-text": (valid_with(quality="42"), "quality", {"quality": 42}),
    "heat-minus-one": (valid_with(heat=-1), None, {"heat": None}),
}


@pytest.mark.parametrize("name", NORMALISED)
def test_a_harmless_oddity_imports_with_a_warning_and_a_normalised_value(tmp_path, name):
    content, words, stored = NORMALISED[name]
    (tmp_path / "hostile.md").write_bytes(content)

    result = run_import([tmp_path])

    assert (result.created, result.failed) == (1, 0)
    warnings = [str(problem) for problem in result.problems]
    if words:
        assert any(words in warning for warning in warnings), warnings
    article = Article.objects.get()
    for name, value in stored.items():
        assert getattr(article, name) == value


def test_dangerous_link_urls_inside_an_article_are_dropped_never_stored(tmp_path):
    (tmp_path / "a.md").write_bytes(
        valid_with(
            images=[{"url": "javascript:alert(1)"}, {"url": "https://img.example/ok.jpg"}],
            related=[
                {"title": "Evil", "webUrl": "data:text/html,x"},
                {"title": "Fine", "webUrl": "https://other.example/fine"},
            ],
            ampWebUrl="javascript:void(0)",
        )
    )

    result = run_import([tmp_path])

    assert (result.created, result.failed) == (1, 0)
    assert list(ArticleImage.objects.values_list("url", flat=True)) == [
        "https://img.example/ok.jpg"
    ]
    assert list(RelatedLink.objects.values_list("target__url", flat=True)) == [
        "https://other.example/fine"
    ]
    article = Article.objects.get(url="https://news.example/hostile")
    assert article.amp_url == ""
    stored_urls = Article.objects.values_list("url", "web_url", "amp_url", "cdn_amp_url")
    assert not any(url.startswith(("javascript:", "data:")) for row in stored_urls for url in row)


def test_a_file_over_the_size_limit_is_refused_without_being_read(tmp_path, settings, monkeypatch):
    settings.NEWSROOM_IMPORT_MAX_BYTES = 1000
    write_article(tmp_path, "small.md")
    big = tmp_path / "big.md"
    big.write_bytes(valid_with(excerpt="x" * 2000))
    opened = []
    real_open = os.open
    monkeypatch.setattr(
        runner.os, "open", lambda path, *a, **k: opened.append(path) or real_open(path, *a, **k)
    )

    result = run_import([tmp_path])

    assert (result.created, result.failed) == (1, 1)
    assert str(big) not in opened
    assert str(result.problems[0]) == (
        f"{big}: is {big.stat().st_size:,} bytes, over the 1,000 byte limit; not read"
    )


def test_symlinks_are_reported_and_never_followed(tmp_path):
    outside = tmp_path / "outside"
    write_article(outside, "secret.md", title="Outside the import")
    news = tmp_path / "news"
    write_article(news, "real.md", title="Real")
    (news / "link.md").symlink_to(outside / "secret.md")
    (news / "linked-dir").symlink_to(outside, target_is_directory=True)

    result = run_import([news])

    assert (result.seen, result.created, result.failed) == (3, 1, 2)
    assert sorted(str(problem) for problem in result.problems) == [
        f"{news / 'link.md'}: is a symbolic link; not followed",
        f"{news / 'linked-dir'}: is a symbolic link; not followed",
    ]
    assert list(Article.objects.values_list("title", flat=True)) == ["Real"]


def test_a_directory_named_on_the_command_line_may_itself_be_a_symlink(tmp_path):
    write_article(tmp_path / "real", "a.md")
    (tmp_path / "current").symlink_to(tmp_path / "real", target_is_directory=True)
    assert run_import([tmp_path / "current"]).created == 1


def test_a_fifo_is_refused_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "pipe.md")
    write_article(tmp_path, "a.md")

    result = run_import([tmp_path])

    assert (result.created, result.failed) == (1, 1)
    assert str(result.problems[0]) == (
        f"{tmp_path / 'pipe.md'}: is not a regular file (a device, pipe or socket); not read"
    )


def test_an_undecodable_file_name_is_reported_readably(tmp_path):
    name = os.fsdecode(b"caf\xe9.md")
    (tmp_path / name).write_bytes(GOOD.encode())

    result = run_import([tmp_path])

    assert result.created == 1
    assert Article.objects.get().source_path == f"{tmp_path}/caf\\udce9.md"


def test_an_article_with_thousands_of_topics_keeps_the_first_fifty_with_a_warning(tmp_path):
    names = [f"Topic number {number}" for number in range(40_000)]
    write_article(tmp_path, "many.md", topics=names)
    result = run_import([tmp_path])
    assert (result.created, result.failed) == (1, 0)
    article = Article.objects.get()
    assert [topic.name for topic in article.topics.order_by("article_topics__position")] == (
        names[:50]
    )
    [warning] = [p for p in result.problems if p.field == "topics"]
    assert warning.path == str(tmp_path / "many.md")
    assert "more than 50 topics" in warning.message
