"""validate_*: a loaded mapping → a typed record, with every rule of docs/format-rules.md."""

import json
import math
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from articles.ingest.validate import (
    MAX_EXCERPT,
    MAX_TITLE,
    json_safe,
    validate_article,
    validate_provider,
    validate_topic,
)

PATH = "2025-03-01-a.md"


def front(**fields):
    base = {
        "title": "A title",
        "webUrl": "https://news.example.com/a",
        "publishedDateTime": datetime(2025, 3, 1, 10, tzinfo=UTC),
    }
    base.update(fields)
    return {key: value for key, value in base.items() if value is not None}


def check(body="", **fields):
    return validate_article(front(**fields), body, PATH)


def problems_of(problems, severity):
    return [(p.field, p.message) for p in problems if p.severity == severity]


def only_problem(problems, severity):
    found = [p for p in problems if p.severity == severity]
    assert len(found) == 1, [str(p) for p in problems]
    return found[0]


def refused(**fields):
    """The one error for a file with these fields (and no record)."""
    record, problems = check(**fields)
    assert record is None
    return only_problem(problems, "error")


def accepted(**fields):
    """The record and its warnings for a file with these fields (and no error)."""
    record, problems = check(**fields)
    assert record is not None, [str(p) for p in problems]
    return record, [(p.field, p.message) for p in problems]


# title -------------------------------------------------------------------------------------------


def test_it_keeps_a_title_with_quotes_colons_and_non_ascii():
    record, warnings = accepted(title='Übersetzung: "Quotes" & ‘more’ — 日本語')

    assert record.title == 'Übersetzung: "Quotes" & ‘more’ — 日本語'
    assert warnings == []


def test_a_missing_or_blank_title_is_an_error():
    assert refused(title=None).field == "title"
    assert refused(title="   ").message == "is required"


def test_a_numeric_title_becomes_text_with_a_warning():
    record, warnings = accepted(title=1984)

    assert record.title == "1984"
    assert warnings == [("title", "is a number; read as the text '1984'")]


@pytest.mark.parametrize("title", [["a", "b"], {"a": 1}, True, date(2024, 1, 1)])
def test_a_title_of_another_type_is_an_error(title):
    problem = refused(title=title)

    assert problem.field == "title"
    assert problem.message.startswith("must be text, not ")


def test_a_very_long_title_is_truncated_with_a_warning():
    record, warnings = accepted(title="x" * 5000)

    assert len(record.title) == MAX_TITLE
    assert warnings == [("title", "is longer than 1,000 characters; truncated")]


def test_control_characters_leave_the_title_and_line_breaks_become_spaces():
    record, warnings = accepted(title="Bell\x07 and\nnew\tline\x00")

    assert record.title == "Bell and new line"
    assert warnings == [("title", "control characters removed")]


# URLs --------------------------------------------------------------------------------------------


def test_the_identity_is_web_url_else_original_url():
    with_both, _ = accepted(originalUrl="https://orig.example.com/a")
    only_original, _ = accepted(webUrl=None, originalUrl="https://orig.example.com/a")

    assert with_both.url == "https://news.example.com/a"
    assert with_both.original_url == "https://orig.example.com/a"
    assert only_original.url == "https://orig.example.com/a"
    assert only_original.web_url == ""


def test_an_article_without_any_url_is_an_error():
    problem = refused(webUrl=None)

    assert problem.field == "webUrl"
    assert problem.message == "is required (or originalUrl): it is the article's identity"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("javascript:alert(1)", "is a javascript: URL; only absolute http(s) URLs are allowed"),
        ("JaVaScRiPt:alert(1)", "is a javascript: URL; only absolute http(s) URLs are allowed"),
        ("data:text/html,<script>", "is a data: URL; only absolute http(s) URLs are allowed"),
        ("ftp://files.example.com/a", "is a ftp: URL; only absolute http(s) URLs are allowed"),
        ("/relative/path", "is a relative URL; only absolute http(s) URLs are allowed"),
        ("https:///no-host", "has no host name"),
        ("https://a.example/\tb", "contains whitespace or control characters"),
        ("https://a.example:99999/", "is not a valid URL"),
        ("https://a.example/" + "x" * 2000, "is longer than 2000 bytes"),
    ],
)
def test_a_bad_identity_url_is_an_error(url, reason):
    problem = refused(webUrl=url)

    assert problem.field == "webUrl"
    assert problem.message.endswith(reason)


def test_the_url_length_limit_counts_utf8_bytes():
    fits = "https://a.example/" + "ä" * 991  # 18 + 1,982 bytes
    too_long = fits + "ä"

    assert accepted(webUrl=fits)[0].url == fits
    assert refused(webUrl=too_long).message.endswith("is longer than 2000 bytes")


def test_a_bad_optional_url_is_dropped_with_a_warning():
    record, warnings = accepted(
        ampWebUrl="javascript:alert(1)", cdnAmpWebUrl="data:text/html;base64,AAAA"
    )

    assert (record.amp_url, record.cdn_amp_url) == ("", "")
    assert [field for field, _ in warnings] == ["ampWebUrl", "cdnAmpWebUrl"]
    assert warnings[0][1].endswith("; dropped")


def test_a_bad_original_url_beside_a_good_web_url_is_dropped():
    record, warnings = accepted(originalUrl="javascript:alert(1)")

    assert record.url == "https://news.example.com/a"
    assert record.original_url == ""
    assert [field for field, _ in warnings] == ["originalUrl"]


def test_spaces_inside_a_url_are_encoded_with_a_warning():
    record, warnings = accepted(webUrl="https://apnews.com/Wired Release/20e8")

    assert record.url == "https://apnews.com/Wired%20Release/20e8"
    assert warnings == [("webUrl", "spaces removed or encoded as %20")]


def test_non_ascii_urls_and_ports_are_fine():
    record, warnings = accepted(
        webUrl="https://de.wikipedia.org/wiki/Künstliche_Intelligenz",
        ampWebUrl="http://news.example.com:8080/amp?x=1&y=2#top",
    )

    assert record.url == "https://de.wikipedia.org/wiki/Künstliche_Intelligenz"
    assert record.amp_url == "http://news.example.com:8080/amp?x=1&y=2#top"
    assert warnings == []


# publishedDateTime -------------------------------------------------------------------------------


def test_an_aware_datetime_is_stored_in_utc():
    pacific = timezone(timedelta(hours=-7))

    record, warnings = accepted(publishedDateTime=datetime(2025, 6, 3, 14, 20, tzinfo=pacific))

    assert record.published_at == datetime(2025, 6, 3, 21, 20, tzinfo=UTC)
    assert record.published_at.tzinfo is UTC
    assert warnings == []


def test_a_naive_datetime_is_read_as_utc_with_a_warning():
    record, warnings = accepted(publishedDateTime=datetime(2025, 6, 3, 14, 20))

    assert record.published_at == datetime(2025, 6, 3, 14, 20, tzinfo=UTC)
    assert warnings == [("publishedDateTime", "has no UTC offset; read as UTC")]


def test_a_date_is_read_as_midnight_utc_with_a_warning():
    record, warnings = accepted(publishedDateTime=date(2025, 6, 3))

    assert record.published_at == datetime(2025, 6, 3, tzinfo=UTC)
    assert warnings == [("publishedDateTime", "is a date without a time; read as midnight UTC")]


@pytest.mark.parametrize(
    ("text", "expected", "warned"),
    [
        ("2025-06-03T14:20:00Z", datetime(2025, 6, 3, 14, 20, tzinfo=UTC), False),
        ("2025-06-03T14:20:00+05:30", datetime(2025, 6, 3, 8, 50, tzinfo=UTC), False),
        ("2025-06-03 14:20:00", datetime(2025, 6, 3, 14, 20, tzinfo=UTC), True),
        ("2025-06-03", datetime(2025, 6, 3, tzinfo=UTC), True),
    ],
)
def test_an_iso_8601_string_follows_the_same_rules(text, expected, warned):
    record, warnings = accepted(publishedDateTime=text)

    assert record.published_at == expected
    assert bool(warnings) is warned


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("yesterday", "'yesterday' is not an ISO 8601 date and time"),
        ("2023-02-30T10:00:00Z", "'2023-02-30T10:00:00Z' is not an ISO 8601 date and time"),
        (1700000000, "must be a date and time, not a number"),
        (None, "is required (a date and time such as 2024-05-01T09:30:00Z)"),
        (
            datetime(1, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1))),
            "is out of the supported date range",
        ),
    ],
)
def test_an_unusable_date_is_an_error_naming_the_field(value, message):
    problem = refused(publishedDateTime=value)

    assert (problem.field, problem.message) == ("publishedDateTime", message)


# quality and heat --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "stored", "warning"),
    [
        (161, 161, None),
        (0, 0, None),
        ("42", 42, "is text; read as the number 42"),
        (5.0, 5, "5.0 read as the whole number 5"),
    ],
)
def test_quality_is_a_whole_number_with_no_upper_bound(value, stored, warning):
    record, warnings = accepted(quality=value)

    assert record.quality == stored
    assert warnings == ([("quality", warning)] if warning else [])


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("high", "must be a whole number ≥ 0, not 'high'"),
        (-3, "must not be negative (-3)"),
        ("-3", "must not be negative (-3)"),
        (5.5, "must be a whole number ≥ 0, not 5.5"),
        (True, "must be a whole number ≥ 0, not True"),
        (math.inf, "must be a whole number ≥ 0, not inf"),
        (2**31, "is too large (2147483648; at most 2147483647)"),
    ],
)
def test_a_bad_quality_is_an_error_naming_the_field(value, message):
    problem = refused(quality=value)

    assert (problem.field, problem.message) == ("quality", message)


def test_absent_quality_and_heat_are_none():
    record, _ = accepted()

    assert (record.quality, record.heat) == (None, None)


def test_heat_minus_one_means_no_heat():
    assert accepted(heat=-1)[0].heat is None
    assert accepted(heat=0)[0].heat == 0
    assert accepted(heat=152)[0].heat == 152


@pytest.mark.parametrize("value", [1.5, 5.0, True, "5", -2, [1]])
def test_heat_of_another_kind_is_an_error(value):
    assert refused(heat=value).field == "heat"


# published / deleted -----------------------------------------------------------------------------


def test_flags_are_kept_as_the_file_gave_them():
    record, _ = accepted(published=False, deleted=True)
    absent, _ = accepted()

    assert (record.published, record.deleted) == (False, True)
    assert (absent.published, absent.deleted) == (None, None)


@pytest.mark.parametrize(("text", "flag"), [("true", True), ("No", False), (" yes ", True)])
def test_flag_words_are_read_with_a_warning(text, flag):
    record, warnings = accepted(published=text)

    assert record.published is flag
    assert [field for field, _ in warnings] == ["published"]


@pytest.mark.parametrize("value", ["maybe", 1, 0, ["true"]])
def test_other_flag_values_are_errors(value):
    problem = refused(deleted=value)

    assert problem.field == "deleted"
    assert problem.message.startswith("must be true or false")


# topics ------------------------------------------------------------------------------------------


def test_topics_are_deduplicated_case_and_space_insensitively_keeping_the_first_spelling():
    record, warnings = accepted(
        topics=[" Machine Learning", "AI", "machine  learning ", "MACHINE LEARNING", "ai"]
    )

    assert record.topics == ["Machine Learning", "AI"]
    assert [field for field, _ in warnings] == ["topics[2]", "topics[3]", "topics[4]"]


def test_a_single_topic_string_is_one_topic_with_a_warning():
    record, warnings = accepted(topics="Machine Learning")

    assert record.topics == ["Machine Learning"]
    assert warnings == [("topics", "is a single text, not a list; read as one topic")]


def test_empty_topic_entries_are_skipped_with_a_warning():
    record, warnings = accepted(topics=["AI", None, "  "])

    assert record.topics == ["AI"]
    assert [field for field, _ in warnings] == ["topics[1]", "topics[2]"]


@pytest.mark.parametrize("item", [42, {"name": "AI"}, ["AI"], True])
def test_a_topic_that_is_not_text_is_an_error(item):
    assert refused(topics=["AI", item]).field == "topics[1]"


def test_a_topic_made_only_of_control_characters_is_skipped():
    record, warnings = accepted(topics=["AI", "\x00\x07"])

    assert record.topics == ["AI"]
    assert [field for field, _ in warnings] == ["topics[1]", "topics[1]"]


def test_a_topic_name_over_200_characters_is_an_error():
    assert refused(topics=["x" * 201]).message == "is longer than 200 characters"


def test_topics_of_another_shape_are_an_error():
    assert refused(topics={"AI": True}).field == "topics"


# provider ----------------------------------------------------------------------------------------


def test_the_provider_domain_is_lower_cased_and_stripped():
    record, warnings = accepted(
        provider={"name": "Medium", "domain": " Medium.COM ", "images": [{"url": "/a/m.jpg"}]}
    )

    assert record.provider.domain == "medium.com"
    assert record.provider.name == "Medium"
    assert record.provider.images == [{"url": "/a/m.jpg"}]
    assert warnings == []


def test_a_provider_without_a_name_is_named_after_its_domain():
    record, warnings = accepted(provider={"domain": "example.com"})

    assert record.provider.name == "example.com"
    assert warnings == [("provider.name", "is missing; the domain 'example.com' is used")]


@pytest.mark.parametrize(
    ("provider", "field"),
    [
        ("example.com", "provider"),
        (["example.com"], "provider"),
        ({"name": "No domain"}, "provider.domain"),
        ({"domain": "https://example.com/"}, "provider.domain"),
        ({"domain": "not a host"}, "provider.domain"),
        ({"domain": "localhost"}, "provider.domain"),
        ({"domain": 42}, "provider.domain"),
        ({"domain": "example.com", "name": ["x"]}, "provider.name"),
    ],
)
def test_a_provider_of_the_wrong_shape_is_an_error_naming_the_field(provider, field):
    assert refused(provider=provider).field == field


def test_an_international_domain_is_accepted():
    record, _ = accepted(provider={"name": "Zeitung", "domain": "bücher.example"})

    assert record.provider.domain == "bücher.example"


def test_a_bad_logo_size_is_dropped_not_kept_as_an_extra_key():
    logo = {"url": "/logo.png", "width": "wide", "height": 50, "alt": "Logo"}

    record, warnings = accepted(provider={"name": "N", "domain": "n.example", "images": [logo]})

    assert record.provider.images == [{"url": "/logo.png", "height": 50, "alt": "Logo"}]
    assert [field for field, _ in warnings] == ["provider.images[0].width"]


def test_provider_keys_outside_the_format_are_kept():
    record, _ = accepted(provider={"name": "N", "domain": "n.example", "_id": "n.example"})

    assert record.provider.extra == {"_id": "n.example"}


# images ------------------------------------------------------------------------------------------


def test_images_keep_every_field():
    record, warnings = accepted(
        images=[
            {
                "url": "https://img.example.com/a.jpg",
                "width": 640,
                "height": 480,
                "isCached": True,
                "title": "A",
                "credit": "Photographer",
            }
        ]
    )

    image = record.images[0]
    assert (image.url, image.width, image.height, image.is_cached, image.title) == (
        "https://img.example.com/a.jpg",
        640,
        480,
        True,
        "A",
    )
    assert image.extra == {"credit": "Photographer"}
    assert warnings == []


def test_a_bad_image_is_dropped_with_a_warning_naming_it():
    record, warnings = accepted(
        images=[
            {"url": "https://img.example.com/ok.jpg"},
            "https://img.example.com/not-a-mapping.jpg",
            {"url": "javascript:alert(1)"},
            {"width": 10},
        ]
    )

    assert [image.url for image in record.images] == ["https://img.example.com/ok.jpg"]
    assert [field for field, _ in warnings] == ["images[1]", "images[2].url", "images[3].url"]


def test_a_bad_image_size_is_dropped_but_the_image_kept():
    record, warnings = accepted(images=[{"url": "https://i.example/a.jpg", "width": "wide"}])

    assert record.images[0].width is None
    assert warnings == [("images[0].width", "must be a whole number ≥ 0, not 'wide'; dropped")]


# related -----------------------------------------------------------------------------------------


RELATED = {
    "title": "Other story",
    "excerpt": "About it ...",
    "publishedDateTime": datetime(2019, 12, 17, 11, 40, tzinfo=timezone(timedelta(hours=-8))),
    "webUrl": "https://other.example.com/story",
    "ampWebUrl": "https://other.example.com/story/amp",
    "type": "article",
    "provider": {"name": "ABC News", "domain": "Go.com"},
    "quality": 39,
    "images": [{"url": "https://img.example.com/o.jpg", "width": 10, "height": 10}],
    "score": 0.5,
}


def test_a_related_entry_keeps_its_fields_in_file_order_as_json():
    record, warnings = accepted(related=[RELATED])

    related = record.related[0]
    assert (related.url, related.title, related.quality) == (
        "https://other.example.com/story",
        "Other story",
        39,
    )
    assert related.published_at == datetime(2019, 12, 17, 19, 40, tzinfo=UTC)
    assert related.provider.domain == "go.com"
    assert [image.url for image in related.images] == ["https://img.example.com/o.jpg"]
    assert list(related.entry) == list(RELATED)
    assert related.entry["publishedDateTime"] == "2019-12-17T19:40:00Z"
    assert related.entry["provider"] == {"name": "ABC News", "domain": "go.com"}
    assert related.entry["score"] == 0.5
    assert json.loads(json.dumps(related.entry)) == related.entry
    assert warnings == []


def test_a_related_entry_may_be_identified_by_its_original_url():
    record, _ = accepted(related=[{"title": "T", "originalUrl": "https://o.example.com/x"}])

    assert record.related[0].url == "https://o.example.com/x"
    assert record.related[0].web_url == ""


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ({"title": "No URL"}, "related[1].webUrl"),
        ({"title": "Script", "webUrl": "javascript:alert(1)"}, "related[1].webUrl"),
        ({"webUrl": "https://o.example.com/untitled"}, "related[1].title"),
        ({"title": "T", "webUrl": "https://o.example.com/q", "quality": -1}, "related[1].quality"),
        ("https://o.example.com/a-string", "related[1]"),
    ],
)
def test_an_unusable_related_entry_is_dropped_with_a_warning(entry, field):
    good = {"title": "Good", "webUrl": "https://o.example.com/good"}

    record, warnings = accepted(related=[good, entry])

    assert [related.url for related in record.related] == ["https://o.example.com/good"]
    assert [f for f, _ in warnings] == [field]
    assert warnings[0][1].endswith("dropped")


def test_an_unsafe_optional_url_in_a_related_entry_is_dropped_from_it():
    entry = {"title": "T", "webUrl": "https://o.example.com/x", "ampWebUrl": "data:,x"}

    record, warnings = accepted(related=[entry])

    assert record.related[0].amp_url == ""
    assert "ampWebUrl" not in record.related[0].entry
    assert [field for field, _ in warnings] == ["related[0].ampWebUrl"]


# other text fields and extra keys ----------------------------------------------------------------


def test_excerpt_keeps_line_breaks_and_is_capped():
    short, _ = accepted(excerpt="Line one\n\tLine two\x00")
    long, warnings = accepted(excerpt="y" * (MAX_EXCERPT + 1))

    assert short.excerpt == "Line one\n\tLine two"
    assert len(long.excerpt) == MAX_EXCERPT
    assert warnings == [("excerpt", "is longer than 20,000 characters; truncated")]


def test_secured_is_kept_verbatim_except_nul():
    blob = "  Kj9I+RUIPzyZ/x==;9YlJ\tSF8==\n"

    assert accepted(secured=blob)[0].secured == blob
    assert accepted(secured="ab\x00cd")[0].secured == "abcd"


def test_category_and_type_are_text():
    record, _ = accepted(category="news", type="video")

    assert (record.category, record.type) == ("news", "video")
    assert refused(category=["news"]).field == "category"


def test_the_body_keeps_markdown_but_not_control_characters():
    record, problems = check(body="# Head\n\n\tcode\x00\n")

    assert record.body == "# Head\n\n\tcode\n"
    assert problems_of(problems, "warning") == [("body", "control characters removed")]


def test_unknown_keys_are_kept_as_json_safe_extra():
    record, warnings = accepted(
        layout="post",
        permalink="/x/",
        updated=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
        tags={"a", "b"},
        blob=b"\x00\x01",
        nested={1: date(2024, 1, 2), False: None},
        note="tab\tand NUL\x00",
    )

    assert record.extra == {
        "layout": "post",
        "permalink": "/x/",
        "updated": "2024-01-02T03:04:05Z",
        "tags": ["a", "b"],
        "blob": "AAE=",
        "nested": {"1": "2024-01-02", "false": None},
        "note": "tab\tand NUL",
    }
    assert warnings == [("note", "control characters removed")]


def test_nothing_in_the_file_is_silently_dropped():
    fields = {
        "category": "news",
        "excerpt": "E",
        "originalUrl": "https://o.example.com/a",
        "ampWebUrl": "https://news.example.com/a/amp",
        "cdnAmpWebUrl": "https://news-example-com.cdn.ampproject.org/c/s/news.example.com/a",
        "type": "article",
        "quality": 3,
        "heat": 4,
        "published": True,
        "deleted": False,
        "provider": {"name": "N", "domain": "news.example.com"},
        "topics": ["AI"],
        "images": [{"url": "https://i.example.com/a.jpg"}],
        "related": [{"title": "R", "webUrl": "https://r.example.com/"}],
        "secured": "S",
        "brandNewKey": [1, 2],
    }

    record, warnings = accepted(**fields)

    assert warnings == []
    assert (record.category, record.excerpt, record.original_url) == (
        "news",
        "E",
        "https://o.example.com/a",
    )
    assert (record.amp_url, record.cdn_amp_url, record.type) == (
        fields["ampWebUrl"],
        fields["cdnAmpWebUrl"],
        "article",
    )
    assert (record.quality, record.heat, record.published, record.deleted) == (3, 4, True, False)
    assert (record.provider.domain, record.topics, record.secured) == (
        "news.example.com",
        ["AI"],
        "S",
    )
    assert [record.images[0].url, record.related[0].url] == [
        "https://i.example.com/a.jpg",
        "https://r.example.com/",
    ]
    assert record.extra == {"brandNewKey": [1, 2]}


# json_safe ---------------------------------------------------------------------------------------


def test_json_safe_turns_yaml_values_into_json():
    value = {
        "when": datetime(2024, 5, 1, 9, 30, tzinfo=timezone(timedelta(hours=2))),
        "day": date(2024, 5, 1),
        "raw": b"hi",
        "set": {3, 1, 2},
        "tuple": (1, "a"),
        2024: "number key",
        None: "null key",
        "nan": math.nan,
        "inf": -math.inf,
    }

    safe = json_safe(value)

    assert safe == {
        "when": "2024-05-01T09:30:00+02:00",
        "day": "2024-05-01",
        "raw": "aGk=",
        "set": [1, 2, 3],
        "tuple": [1, "a"],
        "2024": "number key",
        "null": "null key",
        "nan": ".nan",
        "inf": "-.inf",
    }
    assert json.loads(json.dumps(safe, allow_nan=False)) == safe


def test_json_safe_writes_utc_with_a_z():
    assert json_safe(datetime(2024, 5, 1, 9, 30, tzinfo=UTC)) == "2024-05-01T09:30:00Z"


# topic and provider records ----------------------------------------------------------------------


TOPIC = {
    "taxonomy": "topic",
    "_id": "computer-vision",
    "name": "Computer Vision",
    "shortname": "Vision",
    "parent": "AI",
    "description": "How machines “see”",
    "keywords": ["computer vision", "face recognition"],
    "hashtags": ["#ComputerVision"],
    "images": ["https://img.example.com/cv.jpg"],
    "services": {"news": "https://api.example.com/news/computer-vision/"},
}


def test_a_topic_record_keeps_every_key():
    record, problems = validate_topic(TOPIC, "02-computer-vision.yaml", position=2)

    assert problems == []
    assert (record.external_id, record.name, record.shortname, record.parent) == (
        "computer-vision",
        "Computer Vision",
        "Vision",
        "AI",
    )
    assert record.description == "How machines “see”"
    assert record.keywords == ["computer vision", "face recognition"]
    assert record.hashtags == ["#ComputerVision"]
    assert record.images == ["https://img.example.com/cv.jpg"]
    assert record.position == 2
    assert record.extra == {"taxonomy": "topic", "services": TOPIC["services"]}


@pytest.mark.parametrize("missing", ["_id", "name"])
def test_a_topic_needs_an_id_and_a_name(missing):
    data = {key: value for key, value in TOPIC.items() if key != missing}

    record, problems = validate_topic(data, "x.yaml")

    assert record is None
    assert [(p.field, p.severity) for p in problems] == [(missing, "error")]


def test_unsafe_topic_images_are_dropped_with_a_warning():
    data = {**TOPIC, "images": ["https://ok.example.com/a.jpg", "javascript:alert(1)"]}

    record, problems = validate_topic(data, "x.yaml")

    assert record.images == ["https://ok.example.com/a.jpg"]
    assert [(p.field, p.severity) for p in problems] == [("images[1]", "warning")]


def test_a_provider_record_uses_its_id_as_the_domain():
    data = {
        "taxonomy": "organization",
        "_id": "Medium.com",
        "name": "Medium",
        "images": [{"url": "/assets/images/organizations/medium.com-50x50.jpg", "width": 50}],
    }

    record, problems = validate_provider(data, "organizations/medium.com.md")

    assert problems == []
    assert (record.domain, record.name) == ("medium.com", "Medium")
    assert record.images == [
        {"url": "/assets/images/organizations/medium.com-50x50.jpg", "width": 50}
    ]
    # What every record says is dropped (export writes it); an `_id` spelled otherwise is kept.
    assert record.extra == {"_id": "Medium.com"}


def test_a_provider_record_whose_id_and_domain_differ_uses_the_domain():
    data = {"_id": "old.example.com", "domain": "new.example.com", "name": "N"}

    record, problems = validate_provider(data, "x.md")

    assert record.domain == "new.example.com"
    assert [(p.field, p.severity) for p in problems] == [("_id", "warning")]


def test_a_provider_record_without_a_domain_is_an_error():
    record, problems = validate_provider({"taxonomy": "organization", "name": "N"}, "x.md")

    assert record is None
    assert [(p.field, p.severity) for p in problems] == [("domain", "error")]
