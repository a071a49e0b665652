"""The grouping rule on its own (articles/stories.py): hand-made cases, no database."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from articles.stories import Item, different_subjects, group, url_keys

MONDAY = datetime(2024, 3, 4, 9, 0, tzinfo=UTC)

LEAK_TITLE = "Chatbot maker Talkwise exposed 3 million customer conversations"
LEAK_EXCERPT = (
    "A misconfigured Elasticsearch cluster at Talkwise left 3 million chatbot transcripts, "
    "including email addresses and payment notes, open to anyone for six weeks, researchers said."
)
OTHER_NEWS = [
    (
        "Quantum annealer beats GPUs on logistics routing",
        "D-Wave says its machine solved a "
        "routing benchmark for a Dutch retailer faster than a GPU cluster.",
    ),
    (
        "EU agrees final text of AI liability directive",
        "Negotiators in Brussels settled who pays "
        "when an automated hiring tool discriminates against applicants.",
    ),
    (
        "Robot dog learns to open doors from video",
        "Researchers trained a quadruped on YouTube clips of people opening doors and handles.",
    ),
    (
        "Hospital triage model cuts waiting times",
        "An emergency department in Leeds reports "
        "shorter queues after nurses began using a risk score.",
    ),
]


def item(id, title, excerpt="", hours=0, urls=(), **fields):
    return Item(
        id=id,
        title=title,
        excerpt=excerpt,
        published_at=MONDAY + timedelta(hours=hours),
        urls=urls or (f"https://outlet{id}.example/news/{id}",),
        **fields,
    )


def background(first_id=100):
    """Unrelated news of the same week, as a real window has."""
    return [
        item(first_id + n, title, excerpt, hours=5 * n)
        for n, (title, excerpt) in enumerate(OTHER_NEWS)
    ]


def stories_of(grouping):
    return sorted(sorted(ids) for ids in grouping.new_stories)


def test_syndicated_copies_of_a_release_make_one_story():
    copies = [
        item(1, LEAK_TITLE, LEAK_EXCERPT),
        item(2, LEAK_TITLE, LEAK_EXCERPT, hours=3),
        item(3, LEAK_TITLE.upper(), LEAK_EXCERPT + " ...", hours=30),
    ]
    assert stories_of(group([*copies, *background()])) == [[1, 2, 3]]


def test_outlets_rewording_the_same_event_make_one_story():
    retold = item(
        2,
        "Talkwise leak: 3 million chatbot conversations were left open",
        "Researchers found an open Elasticsearch cluster holding Talkwise chatbot transcripts "
        "with customer email addresses.",
        hours=20,
    )
    assert stories_of(group([item(1, LEAK_TITLE, LEAK_EXCERPT), retold, *background()])) == [[1, 2]]


def test_a_refile_under_another_address_joins_the_original():
    original = item(
        1,
        "Talkwise statement",
        "We take security seriously.",
        urls=(
            "https://talkwise.example/blog/statement",
            "https://www.talkwise.example/blog/statement/",
        ),
    )
    refile = item(
        2,
        "Update: a statement from our CEO",
        "Corrected the figures.",
        hours=26,
        urls=(
            "https://talkwise.example/blog/statement-v2",
            "http://talkwise.example/blog/statement",
        ),
    )
    assert stories_of(group([original, refile, *background()])) == [[1, 2]]


def test_two_different_announcements_on_one_day_stay_apart():
    electrifai = item(
        1,
        "ElectrifAi Achieves AWS Machine Learning Competency Status in Applied AI",
        "ElectrifAi, a machine learning company, announced today that it has achieved the AWS "
        "Machine Learning Competency status in the Applied AI category.",
    )
    xapp = item(
        2,
        "XAPP AI Achieves AWS Machine Learning Competency Status in Applied AI",
        "XAPP AI, a conversational AI company, announced today that it has achieved the AWS "
        "Machine Learning Competency status in the Applied AI category.",
        hours=6,
    )
    openai = item(
        3,
        "OpenAI releases a speech model for call centres",
        "The model transcribes and summarises calls in 40 languages.",
        hours=2,
    )
    google = item(
        4,
        "Google releases a weather model for farmers",
        "The model forecasts rainfall ten days ahead for smallholders.",
        hours=4,
    )
    grouping = group([electrifai, xapp, openai, google, *background()])
    assert grouping.new_stories == [] and grouping.joins == {}


def test_the_same_words_weeks_apart_are_another_story():
    first = item(1, LEAK_TITLE, LEAK_EXCERPT)
    again = item(2, LEAK_TITLE, LEAK_EXCERPT, hours=24 * 30)
    assert group([first, again, *background()]).new_stories == []


def test_a_new_article_joins_the_story_it_matches():
    known = [
        item(1, LEAK_TITLE, LEAK_EXCERPT, story=77),
        item(2, LEAK_TITLE, LEAK_EXCERPT, hours=1, story=77),
        *background(),
    ]
    late = item(3, LEAK_TITLE, LEAK_EXCERPT + " Talkwise has since closed the cluster.", hours=48)
    grouping = group([late], known)
    assert grouping.joins == {3: 77}
    assert grouping.new_stories == []


def test_a_new_article_matching_one_that_was_alone_starts_a_story_with_it():
    known = [item(1, LEAK_TITLE, LEAK_EXCERPT), *background()]
    grouping = group([item(2, LEAK_TITLE, LEAK_EXCERPT, hours=5)], known)
    assert grouping.new_stories == [[1, 2]]


def test_an_article_staff_took_out_of_a_story_is_left_alone():
    known = [item(1, LEAK_TITLE, LEAK_EXCERPT, pinned=True), *background()]
    grouping = group([item(2, LEAK_TITLE, LEAK_EXCERPT, hours=5)], known)
    assert grouping.new_stories == [] and grouping.joins == {}


def test_a_related_link_lowers_the_likeness_needed_but_does_not_replace_it():
    first = item(1, LEAK_TITLE, LEAK_EXCERPT)
    follow_up = item(
        2,
        "Talkwise fined after chatbot transcripts leak",
        "The regulator fined Talkwise over the open cluster of chatbot transcripts.",
        hours=72,
    )
    unrelated = item(3, "Chip startup opens a design centre in Porto", "Forty engineers.", hours=3)
    strict = {"threshold": 0.9, "related": 0.1}
    assert group([first, follow_up, unrelated, *background()], **strict).new_stories == []
    follow_up = replace(follow_up, related_ids=frozenset({1, 3}))
    grouping = group([first, follow_up, unrelated, *background()], **strict)
    assert stories_of(grouping) == [[1, 2]]  # and the unrelated one it links stays apart


def test_articles_without_words_or_dates_are_grouped_without_error():
    grouping = group([Item(1, "", ""), Item(2, "!!!", "", published_at=None), item(3, "?")])
    assert grouping.new_stories == []


def test_template_titles_with_different_names_are_different_subjects():
    assert different_subjects(
        "ElectrifAi Achieves AWS Machine Learning Competency Status",
        "XAPP AI Achieves AWS Machine Learning Competency Status",
    )
    assert not different_subjects(LEAK_TITLE, LEAK_TITLE)
    assert not different_subjects(
        "Facebook removes manipulative accounts with AI-generated pics",
        "Facebook says group used AI-generated faces to push pro-Trump messages",
    )


def test_urls_compare_without_scheme_www_and_trailing_slash():
    assert url_keys(["https://www.a.example/x/", "http://a.example/x#top"]) == {"a.example/x"}
    assert url_keys(["https://a.example/x?id=2"]) == {"a.example/x?id=2"}
    assert url_keys(["", "not a url"]) == set()
