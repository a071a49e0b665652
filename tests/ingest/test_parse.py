"""parse_file: bytes → front matter → bounded, safe YAML → a record, or a clear error."""

import random
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from articles.ingest import parse
from articles.ingest.parse import parse_file, split_front_matter
from articles.ingest.records import ArticleRecord, ProviderRecord, TopicRecord
from tests.conftest import CORPUS, EXAMPLES

FILES = Path(__file__).parent / "files"

HEAD = (
    "---\n"
    'title: "A title"\n'
    "webUrl: https://news.example.com/a\n"
    "publishedDateTime: 2025-03-01T10:00:00Z\n"
)


def article(front_extra="", body="", head=HEAD):
    return f"{head}{front_extra}---\n{body}".encode()


def errors(problems):
    return [p for p in problems if p.severity == "error"]


def warnings(problems):
    return [p for p in problems if p.severity == "warning"]


def only_error(problems):
    found = errors(problems)
    assert len(found) == 1, [str(p) for p in problems]
    return found[0]


def parse_sample(name):
    return parse_file((FILES / name).read_bytes(), f"files/{name}")


# Front matter and encoding ------------------------------------------------------------------


def test_it_reads_a_plain_article():
    record, problems = parse_file(article(body="Hello *world*.\n"), "2025-03-01-a.md")

    assert problems == []
    assert isinstance(record, ArticleRecord)
    assert record.title == "A title"
    assert record.url == "https://news.example.com/a"
    assert record.published_at == datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
    assert record.body == "Hello *world*.\n"


def test_it_accepts_a_bom_and_crlf_line_endings():
    record, problems = parse_sample("bom-crlf.md")

    assert problems == []
    assert record.title == "Written on Windows"
    assert record.published_at == datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    assert record.body == "First line.\nSecond line.\n"


def test_the_body_loses_one_separating_blank_line_only():
    record, _ = parse_file(article(body="\n\nTwo blank lines above.\n"), "a.md")

    assert record.body == "\nTwo blank lines above.\n"


def test_split_front_matter_works_on_text_and_bytes():
    assert split_front_matter("---\na: 1\n---\nbody\n") == ("a: 1\n", "body\n")
    assert split_front_matter(b"---\na: 1\n---\n\nbody\n") == (b"a: 1\n", b"body\n")


def test_a_dashes_line_inside_the_body_is_body_text():
    record, _ = parse_file(article(body="Above\n---\nBelow\n"), "a.md")

    assert record.body == "Above\n---\nBelow\n"


@pytest.mark.parametrize(
    ("name", "message", "line"),
    [
        ("empty.md", "the file is empty", None),
        ("no-front-matter.md", "the file must start with a '---' line", 1),
        ("unterminated.md", "the front matter is not closed", 1),
        ("not-a-mapping.md", "the front matter must be a mapping of keys to values, not a list", 2),
    ],
)
def test_it_refuses_files_without_usable_front_matter(name, message, line):
    record, problems = parse_sample(name)

    assert record is None
    problem = only_error(problems)
    assert problem.message.startswith(message)
    assert problem.line == line
    assert problem.path == f"files/{name}"


@pytest.mark.parametrize(
    "data",
    [b"", b"   \n\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n"],
    ids=["zero-bytes", "blank", "bom-only", "bom-newline"],
)
def test_an_empty_file_is_an_error(data):
    record, problems = parse_file(data, "empty.md")

    assert record is None
    assert only_error(problems).message == "the file is empty"


@pytest.mark.parametrize(
    "front",
    ["", "# only a comment\n", "\n\n"],
    ids=["nothing", "comment", "blank-lines"],
)
def test_empty_front_matter_is_an_error(front):
    record, problems = parse_file(f"---\n{front}---\nbody\n".encode(), "a.md")

    assert record is None
    assert only_error(problems).message == "the front matter is empty"


def test_front_matter_holding_a_single_value_is_an_error():
    record, problems = parse_file(b"---\njust text\n---\n", "a.md")

    assert record is None
    assert only_error(problems).message == (
        "the front matter must be a mapping of keys to values, not a single str value"
    )


def test_invalid_utf8_names_the_byte_offset_and_line():
    data = article(head=HEAD.replace("A title", "caf\N{LATIN SMALL LETTER E WITH ACUTE}"))
    latin_1 = data.decode("utf-8").encode("latin-1")  # what a Windows editor might save

    record, problems = parse_file(latin_1, "latin-1.md")

    assert record is None
    problem = only_error(problems)
    offset = latin_1.index(b"\xe9")
    assert problem.message == f"invalid UTF-8 at byte offset {offset} (byte 0xe9)"
    assert problem.line == 2


def test_a_bom_counts_in_the_byte_offset():
    record, problems = parse_file(b"\xef\xbb\xbf---\ntitle: \xff\n---\n", "a.md")

    assert record is None
    assert only_error(problems).message == "invalid UTF-8 at byte offset 14 (byte 0xff)"


def test_raw_nul_and_control_bytes_are_removed_with_a_warning():
    record, problems = parse_sample("nul-bytes.md")

    assert errors(problems) == []
    assert record.title == "Nullbytes and a bell"
    assert record.excerpt == "escaped  NUL and a \t tab"
    assert record.body == "Body with a NUL byte.\n"
    assert [(p.field, p.line) for p in warnings(problems)] == [
        ("", 2),
        ("excerpt", 5),
        ("body", None),
    ]


# YAML safety --------------------------------------------------------------------------------


def test_invalid_yaml_reports_the_line_in_the_file():
    record, problems = parse_sample("invalid-yaml.md")

    assert record is None
    problem = only_error(problems)
    assert problem.message.startswith("invalid YAML: while parsing a flow sequence")
    assert problem.line == 6  # the line after the unclosed "[" on line 5


def test_invalid_yaml_in_a_taxonomy_file_counts_lines_from_the_top():
    record, problems = parse_file(b"taxonomy: topic\n_id: x\nname: [X\n", "00-x.yaml")

    assert record is None
    assert only_error(problems).line == 4


def test_python_tags_are_refused_and_never_executed():
    marker = Path("/tmp/newsroom-unsafe-tag-was-executed")
    marker.unlink(missing_ok=True)

    record, problems = parse_sample("unsafe-tag.md")

    assert record is None
    problem = only_error(problems)
    assert problem.message == "YAML tag '!!python/object/apply:os.system' is not allowed"
    assert problem.line == 5
    assert not marker.exists()


def test_local_tags_are_refused():
    record, problems = parse_sample("local-tag.md")

    assert record is None
    assert only_error(problems).message == "YAML tag '!include' is not allowed"


def test_an_alias_bomb_is_refused_before_loading():
    record, problems = parse_sample("alias-bomb.md")

    assert record is None
    problem = only_error(problems)
    assert problem.message == "YAML anchors and aliases (&name, *name) are not allowed"
    assert problem.line == 5


def test_html_entities_in_text_are_not_taken_for_anchors():
    record, problems = parse_file(
        article('excerpt: "Amazon Athena,&nbsp;Amazon Redshift, Data &amp; AI"\n'), "a.md"
    )

    assert problems == []
    assert record.excerpt == "Amazon Athena,&nbsp;Amazon Redshift, Data &amp; AI"


def test_an_unquoted_entity_where_a_value_starts_is_invalid_yaml_not_an_anchor():
    record, problems = parse_file(article("a: &amp; [1, 2]\n"), "a.md")

    assert record is None
    assert only_error(problems).message.startswith("invalid YAML: while scanning an anchor")


def test_an_anchor_alone_is_refused_too():
    record, problems = parse_file(article("topics: &t [AI]\n"), "a.md")

    assert record is None
    assert only_error(problems).message.startswith("YAML anchors and aliases")


def test_ampersands_and_asterisks_in_text_are_not_anchors():
    record, problems = parse_file(
        article(
            'excerpt: "Q &A with *stars* and AT&T"\nimages:\n  - url: https://i.example/1*a&b=2\n'
        ),
        "a.md",
    )

    assert problems == []
    assert record.excerpt == "Q &A with *stars* and AT&T"
    assert record.images[0].url == "https://i.example/1*a&b=2"


DEEP_NESTING = {
    "flow-sequences": lambda: "x: " + "[" * 100_000 + "]" * 100_000 + "\n",
    "flow-mappings": lambda: "x: " + "{a: " * 100_000 + "1" + "}" * 100_000 + "\n",
    "block-sequences": lambda: "x:\n" + "- " * 100_000 + "deep\n",
    "block-then-flow": lambda: "x:\n" + "- " * 50_000 + "[" * 50_000 + "]" * 50_000 + "\n",
    # Each level indents one more space, so 3,000 levels already take 4.5 MB.
    "block-mappings": lambda: (
        "x:\n" + "".join(" " * depth + "a:\n" for depth in range(1, 3_001)) + " " * 3_001 + "1\n"
    ),
}


def _loader_must_not_run(*args):
    raise AssertionError("the YAML loader ran on a document the depth check should refuse")


@pytest.mark.parametrize("shape", DEEP_NESTING)
def test_deep_nesting_is_a_clean_error_before_loading(shape, monkeypatch):
    # libyaml's loader recurses per level and crashes the process (segfault) on deep enough
    # nesting, so the document must be refused before the loader ever sees it.
    monkeypatch.setattr(parse, "_Loader", _loader_must_not_run)

    record, problems = parse_file(article(DEEP_NESTING[shape]()), "deep.md")

    assert record is None
    problem = only_error(problems)
    assert problem.message == "YAML nested deeper than 64 levels"
    assert problem.line is not None and problem.line >= 5


def _true_depth(data):
    depth = deepest = 0
    for event in yaml.parse(data, Loader=yaml.CSafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            deepest = max(deepest, depth)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return deepest


def _nested(rng, depth):
    value = rng.choice(["leaf", 1, None])
    for _ in range(depth):
        if rng.random() < 0.5:
            value = [value] + ["sibling"] * rng.randint(0, 2)
        else:
            value = {rng.choice(["a", "key", "? odd"]): value, "other": rng.randint(0, 9)}
    return {"x": value}


def test_the_pre_scan_never_passes_a_document_deeper_than_the_limit():
    rng = random.Random(20261125)
    passed = []
    for _ in range(400):
        depth = rng.randint(1, 120)
        data = yaml.safe_dump(
            _nested(rng, depth),
            default_flow_style=rng.choice([False, None, True]),
            indent=rng.choice([2, 3, 4]),
            width=rng.choice([20, 80, 10_000]),
        ).encode()
        if parse.provably_bounded(data):
            passed.append(depth)
            assert _true_depth(data) <= parse.MAX_DEPTH, data

    assert passed and max(passed) >= 8  # it does prove ordinary documents safe


@pytest.mark.parametrize(
    "text",
    [
        "a:\n" + "".join(" " * (2 * n) + "- b:\n" for n in range(40)),  # indentless sequences
        "a:\n" + "- " * 40 + "x\n",
        "a:\r" + "".join(" " * n + "b:\r" for n in range(1, 70)),  # lone CR breaks lines
        "a: [" + "[" * 30 + "]" * 31 + "\n",
        "a: &anchor 1\n",
        "a: *alias\n",
    ],
    ids=["indentless", "compact", "lone-cr", "brackets", "anchor", "alias"],
)
def test_the_pre_scan_sends_suspicious_documents_to_the_exact_scan(text):
    assert not parse.provably_bounded(text.encode())


def test_nesting_within_the_limit_loads():
    record, problems = parse_file(article("x: " + "[" * 60 + "]" * 60 + "\n"), "a.md")

    assert errors(problems) == []
    value = record.extra["x"]
    for _ in range(59):
        value = value[0]
    assert value == []


def test_nesting_one_level_past_the_limit_is_refused():
    record, problems = parse_file(article("x: " + "[" * 65 + "]" * 65 + "\n"), "a.md")

    assert record is None
    assert only_error(problems).message == "YAML nested deeper than 64 levels"


def test_too_many_values_are_refused():
    many = "x: [" + ",".join(["1"] * (parse.MAX_NODES + 1)) + "]\n"

    record, problems = parse_file(article(many), "a.md")

    assert record is None
    assert only_error(problems).message == f"more than {parse.MAX_NODES:,} YAML values"


def test_an_impossible_date_names_the_field_and_line():
    record, problems = parse_sample("impossible-date.md")

    assert record is None
    problem = only_error(problems)
    assert problem.field == "publishedDateTime"
    assert problem.line == 4
    assert problem.message == "impossible value: day is out of range for month"


def test_an_impossible_date_deep_inside_names_its_path():
    front = (
        "related:\n"
        "  - title: Other\n"
        "    webUrl: https://o.example/\n"
        "    publishedDateTime: 2024-13-01\n"
    )

    record, problems = parse_file(article(front), "a.md")

    assert record is None
    problem = only_error(problems)
    assert (problem.field, problem.line) == ("related[0].publishedDateTime", 8)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("!!timestamp hello", "impossible value: 'hello' is not a valid !!timestamp"),
        ("!!bool maybe", "impossible value: 'maybe' is not a valid !!bool"),
        ("!!int abc", "impossible value: invalid literal for int() with base 10: 'abc'"),
    ],
)
def test_a_value_its_explicit_tag_cannot_read_is_an_error_not_a_crash(value, message):
    record, problems = parse_file(article(f"x: {value}\n"), "a.md")

    assert record is None
    problem = only_error(problems)
    assert (problem.field, problem.line, problem.message) == ("x", 5, message)


def test_a_huge_integer_is_an_error_not_a_crash():
    record, problems = parse_file(article("quality: " + "9" * 5000 + "\n"), "a.md")

    assert record is None
    assert only_error(problems).field == "quality"


def test_a_repeated_key_is_reported_and_the_last_value_wins():
    record, problems = parse_file(article("published: true\npublished: false\n"), "a.md")

    assert record.published is False
    assert [(p.field, p.line, p.severity) for p in problems] == [("published", 6, "warning")]


# Validation problems get their file line ------------------------------------------------------


def test_validation_problems_carry_the_line_of_their_field():
    record, problems = parse_sample("wrong-types.md")

    assert record is None
    assert sorted((p.field, p.line, p.severity) for p in problems) == [
        ("heat", 7, "error"),
        ("quality", 6, "error"),
        ("topics", 5, "warning"),
    ]


def test_a_missing_field_has_no_line():
    record, problems = parse_sample("missing-title-and-url.md")

    assert record is None
    assert [(p.field, p.line) for p in problems] == [("title", None), ("webUrl", None)]


def test_a_javascript_identity_url_is_an_error_with_its_line():
    record, problems = parse_sample("javascript-url.md")

    assert record is None
    problem = only_error(problems)
    assert (problem.field, problem.line) == ("webUrl", 3)
    assert "only absolute http(s) URLs are allowed" in problem.message


def test_unsafe_links_around_a_safe_identity_are_dropped_with_warnings():
    record, problems = parse_sample("unsafe-links.md")

    assert errors(problems) == []
    assert record.amp_url == ""
    assert [image.url for image in record.images] == ["https://img.example.com/ok.jpg"]
    assert [related.url for related in record.related] == ["https://other.example.com/fine"]
    assert [(p.field, p.line) for p in problems] == [
        ("ampWebUrl", 4),
        ("images[1].url", 10),
        ("related[1].webUrl", 17),
    ]


# Kinds of file --------------------------------------------------------------------------------


def test_a_yaml_file_is_a_topic_with_its_position_from_the_file_name():
    data = b"taxonomy: topic\n_id: computer-vision\nname: Computer Vision\nparent: AI\n"

    record, problems = parse_file(data, "topics/02-computer-vision.yaml")

    assert problems == []
    assert isinstance(record, TopicRecord)
    assert (record.external_id, record.name, record.parent, record.position) == (
        "computer-vision",
        "Computer Vision",
        "AI",
        2,
    )
    assert record.extra == {"taxonomy": "topic"}


def test_a_taxonomy_file_may_end_with_a_dashes_line():
    record, problems = parse_file(b"_id: ai\nname: AI\n---", "00-ai.yml")

    assert problems == []
    assert record.name == "AI"


def test_a_topic_file_without_a_number_prefix_sorts_last():
    record, _ = parse_file(b"_id: ai\nname: AI\n", "ai.yaml")

    assert record.position == 1000


def test_an_organization_record_is_a_provider():
    data = b"---\ntaxonomy: organization\n_id: example.com\nname: Example News\n---\n"

    record, problems = parse_file(data, "organizations/example.com.md")

    assert problems == []
    assert isinstance(record, ProviderRecord)
    assert (record.domain, record.name) == ("example.com", "Example News")


def test_the_path_is_only_used_in_messages_never_opened():
    good, good_problems = parse_file(article(), "/does/not/exist/a.md")
    bad, bad_problems = parse_file(b"", "/does/not/exist/b.md")

    assert good.title == "A title" and good_problems == []
    assert bad is None and bad_problems[0].path == "/does/not/exist/b.md"


# Real files -----------------------------------------------------------------------------------


def _files_under(folder):
    return sorted(path for path in folder.rglob("*") if path.is_file() and path.name != "FORMAT.md")


@pytest.mark.skipif(not CORPUS.exists(), reason="../shared/corpus is not on this machine")
def test_every_corpus_file_parses_without_errors():
    paths = _files_under(CORPUS)
    assert len(paths) > 100

    failures = {}
    for path in paths:
        record, problems = parse_file(path.read_bytes(), str(path))
        if record is None or errors(problems):
            failures[path.name] = [str(problem) for problem in problems]

    assert failures == {}


def test_every_example_parses_without_any_problem():
    kinds = {}
    for path in _files_under(EXAMPLES):
        record, problems = parse_file(path.read_bytes(), str(path))
        assert problems == [], path
        kinds.setdefault(type(record), []).append(record)

    articles = kinds[ArticleRecord]
    assert 18 <= len(articles) <= 25
    assert 6 <= len(kinds[TopicRecord]) <= 10
    assert 5 <= len(kinds[ProviderRecord]) <= 8
    assert sum(a.published is False for a in articles) >= 2
    assert sum(a.deleted is True for a in articles) == 1
    assert sum(bool(a.body) for a in articles) >= 1
    assert sum(bool(a.images) for a in articles) >= 3


def test_examples_use_only_topics_and_providers_they_define():
    records = [parse_file(p.read_bytes(), str(p))[0] for p in _files_under(EXAMPLES)]
    articles = [r for r in records if isinstance(r, ArticleRecord)]
    topic_names = {r.name for r in records if isinstance(r, TopicRecord)}
    provider_domains = {r.domain for r in records if isinstance(r, ProviderRecord)}

    assert {name for a in articles for name in a.topics} <= topic_names
    assert {a.provider.domain for a in articles} == provider_domains
    parents = {r.parent for r in records if isinstance(r, TopicRecord) and r.parent}
    assert parents <= topic_names


def test_examples_link_to_each_other_and_to_outside_stories():
    articles = [
        r
        for r in (parse_file(p.read_bytes(), str(p))[0] for p in _files_under(EXAMPLES))
        if isinstance(r, ArticleRecord)
    ]
    own_urls = {a.url for a in articles}
    related_urls = {related.url for a in articles for related in a.related}

    assert len(related_urls & own_urls) >= 5
    assert len(related_urls - own_urls) >= 3
