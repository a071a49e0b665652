"""The dashboard page: figures, charts, their links, filters, staff import health, caching."""

import re
import statistics
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, time, timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db.models.functions import TruncDate
from django.utils import timezone

from articles.cache import bump_data_version
from articles.dashboard import facts
from articles.models import (
    Article,
    ArticleStatus,
    ImportProblem,
    ImportRun,
    ImportStatus,
    ImportTrigger,
)

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def empty_cache():
    """The cache outlives a test's database; figures from another test must not be served."""
    cache.clear()


def midday(day):
    return timezone.make_aware(datetime.combine(day, time(12)))


@pytest.fixture
def newsroom(make_article, make_provider):
    """Twelve visible articles over three providers and four topics, plus rows nobody may count."""
    today = timezone.localdate()
    wired = make_provider("wired.com", "Wired")
    verge = make_provider("theverge.com", "The Verge")
    register = make_provider("theregister.com", "The Register")
    specs = [
        # days ago, provider, topics (first listed first), quality, heat
        (1, wired, ["AI", "Robotics"], 120, 120),
        (2, wired, ["AI"], 45, 45),
        (3, verge, ["Machine Learning", "AI"], 47, 30),
        (6, verge, ["Robotics"], None, None),
        (10, register, ["AI"], 8, 8),
        (15, wired, ["Ethics"], 99, 99),
        (20, verge, ["AI", "Ethics"], 0, None),
        (29, register, [], 61, 61),
        (40, wired, ["Machine Learning"], 161, 150),
        (90, verge, ["AI"], 33, 33),
        (200, register, ["Robotics", "AI"], None, 5),
        (500, wired, ["AI"], 70, 70),
    ]
    visible = [
        make_article(
            published_at=midday(today - timedelta(days=days)),
            provider=provider,
            topics=topics,
            quality=quality,
            heat=heat,
        )
        for days, provider, topics, quality, heat in specs
    ]
    now = timezone.now()
    # None of these may be counted for readers.
    make_article(
        published_at=now - timedelta(days=1),
        provider=wired,
        topics=["AI"],
        quality=5,
        status=ArticleStatus.DRAFT,
    )
    make_article(
        published_at=now - timedelta(days=1),
        provider=verge,
        topics=["Secret"],
        quality=5,
        status=ArticleStatus.HIDDEN,
    )
    make_article(
        published_at=now - timedelta(days=2),
        provider=register,
        quality=5,
        status=ArticleStatus.WITHDRAWN,
    )
    make_article(published_at=now - timedelta(days=2), provider=wired, quality=5, is_stub=True)
    return visible


def svgs_in(html):
    """Each inline <svg> of the page, parsed as XML (fails the test if one is malformed)."""
    parsed = [ET.fromstring(svg) for svg in re.findall(r"<svg.*?</svg>", html, re.S)]  # noqa: S314
    return {element.get("id"): element for element in parsed}


def test_headline_figures_equal_counts_computed_here(client, newsroom):
    today = timezone.localdate()

    def within(days):
        first = today - timedelta(days=days - 1)
        return sum(1 for a in newsroom if first <= timezone.localdate(a.published_at) <= today)

    qualities = [a.quality for a in newsroom if a.quality is not None]
    topics = {link.topic_id for a in newsroom for link in a.article_topics.all()}

    response = client.get("/dashboard/")

    assert response.status_code == 200
    headline = response.context["figures"]["headline"]
    assert headline["total"] == len(newsroom) == 12
    assert headline["last_7_days"] == within(7) == 4
    assert headline["last_30_days"] == within(30) == 8
    assert headline["providers"] == len({a.provider_id for a in newsroom}) == 3
    assert headline["topics"] == len(topics) == 4
    assert headline["quality_share"] == round(100 * len(qualities) / len(newsroom), 1) == 83.3
    assert headline["median_quality"] == statistics.median(qualities) == 54
    html = response.content.decode()
    assert re.search(r'<dd id="figure-total"><a href="/" data-count="12">12</a></dd>', html)
    assert '<dd id="figure-median-quality">54</dd>' in html
    assert '<dd id="figure-quality-share">83.3%</dd>' in html


def test_median_of_an_odd_count_is_the_middle_score(client, make_article):
    for quality in (3, 161, 40):
        make_article(quality=quality)
    assert client.get("/dashboard/").context["figures"]["headline"]["median_quality"] == 40


def test_staff_figures_include_drafts_and_hidden_but_never_stubs(admin_client, newsroom):
    headline = admin_client.get("/dashboard/").context["figures"]["headline"]
    assert headline["total"] == len(newsroom) + 3


def test_every_chart_is_well_formed_svg_with_title_and_axis_labels(client, newsroom):
    svgs = svgs_in(client.get("/dashboard/").content.decode())

    assert set(svgs) == {
        "chart-timeline",
        "chart-series",
        "chart-topics",
        "chart-providers",
        "chart-quality",
        "chart-heat-quality",
    }
    expected = {
        "chart-timeline": ("Articles per month", {"Month", "Articles"}),
        "chart-series": ("Topics per month", {"Period", "Articles"}),
        "chart-topics": ("Articles per topic", {"Topic", "Articles"}),
        "chart-providers": ("Top providers", {"Provider", "Articles"}),
        "chart-quality": ("Quality distribution", {"Quality score", "Articles"}),
        "chart-heat-quality": ("Heat by quality", {"Quality", "Mean heat"}),
    }
    for chart_id, (title, axis_labels) in expected.items():
        svg = svgs[chart_id]
        assert svg.find(f"{SVG}title").text == title
        assert svg.find(f"{SVG}desc").text
        assert svg.get("aria-labelledby") == f"{chart_id}-title {chart_id}-desc"
        labels = {text.text for text in svg.iter(f"{SVG}text") if text.get("class") == "axis-label"}
        assert labels == axis_labels
        links = list(svg.iter(f"{SVG}a"))
        assert links, chart_id
        assert all(link.get("href").startswith("/?") for link in links)


def test_topic_bars_count_articles_per_topic_and_link_to_lists_of_that_count(client, newsroom):
    topics = client.get("/dashboard/").context["figures"]["topics"]

    assert [(t["name"], t["count"]) for t in topics] == [
        ("AI", 8),
        ("Robotics", 3),
        ("Ethics", 2),
        ("Machine Learning", 2),
    ]
    for topic in topics:
        listing = client.get(topic["href"])
        assert listing.status_code == 200
        assert listing.context["total"] == topic["count"], topic["name"]


def test_provider_bars_link_to_lists_of_the_same_count(client, newsroom):
    providers = client.get("/dashboard/?topic=ai").context["figures"]["providers"]

    assert [(p["domain"], p["count"]) for p in providers] == [
        ("wired.com", 3),
        ("theverge.com", 3),
        ("theregister.com", 2),
    ] or [(p["domain"], p["count"]) for p in providers] == [
        ("theverge.com", 3),
        ("wired.com", 3),
        ("theregister.com", 2),
    ]
    for provider in providers:
        assert parse_qs(urlsplit(provider["href"]).query)["topic"] == ["ai"]
        assert client.get(provider["href"]).context["total"] == provider["count"]


def test_quality_histogram_has_bins_of_ten_up_to_the_highest_score(client, newsroom):
    bins = client.get("/dashboard/").context["figures"]["quality"]["bins"]

    assert [(b["from"], b["to"]) for b in bins] == [(n, n + 9) for n in range(0, 170, 10)]
    counts = {b["from"]: b["count"] for b in bins}
    assert counts[0] == 2  # 0 and 8
    assert counts[40] == 2  # 45 and 47
    assert counts[160] == 1
    assert sum(counts.values()) == sum(1 for a in newsroom if a.quality is not None)
    for histogram_bin in bins:
        if histogram_bin["count"]:
            assert client.get(histogram_bin["href"]).context["total"] == histogram_bin["count"]


def test_histogram_links_stay_inside_the_active_quality_range(client, newsroom):
    bins = client.get("/dashboard/?quality_min=45&quality_max=99").context["figures"]["quality"]
    forty = next(b for b in bins["bins"] if b["from"] == 40)
    assert forty["count"] == 2
    assert parse_qs(urlsplit(forty["href"]).query) == {"quality_min": ["45"], "quality_max": ["49"]}
    assert client.get(forty["href"]).context["total"] == 2


def test_the_time_chart_covers_the_whole_history_and_links_to_each_bucket(client, newsroom):
    timeline = client.get("/dashboard/").context["figures"]["timeline"]
    today = timezone.localdate()
    first = today - timedelta(days=500)

    assert timeline["unit"] == "month"
    buckets = timeline["buckets"]
    assert buckets[0]["from"] == first.replace(day=1).isoformat()
    assert buckets[-1]["from"] == today.replace(day=1).isoformat()
    assert sum(bucket["count"] for bucket in buckets) == len(newsroom)
    for bucket in buckets:
        assert client.get(bucket["href"]).context["total"] == bucket["count"], bucket["label"]


def test_a_two_year_range_is_drawn_by_month_from_its_first_to_its_last(client, make_article):
    for day in (date(2019, 5, 2), date(2021, 1, 31), date(2023, 8, 9)):
        make_article(published_at=midday(day))
    timeline = client.get("/dashboard/?date_from=2020-03-15&date_to=2022-03-14").context["figures"][
        "timeline"
    ]

    buckets = timeline["buckets"]
    assert timeline["unit"] == "month"
    assert (buckets[0]["label"], buckets[-1]["label"]) == ("Mar 2020", "Mar 2022")
    assert len(buckets) == 25
    assert parse_qs(urlsplit(buckets[0]["href"]).query) == {
        "date_from": ["2020-03-15"],
        "date_to": ["2020-03-31"],
    }
    assert [b["count"] for b in buckets if b["count"]] == [1]


def test_the_last_days_count_back_from_the_end_of_the_range(client, make_article):
    for day in (date(2019, 12, 20), date(2019, 12, 30), date(2019, 11, 15)):
        make_article(published_at=midday(day))
    response = client.get("/dashboard/?date_to=2019-12-31")

    headline = response.context["figures"]["headline"]
    assert (headline["last_7_days"], headline["last_30_days"]) == (1, 2)
    assert "7 days to 2019-12-31" in response.content.decode()
    for name in ("last_7_days", "last_30_days"):
        assert client.get(headline["links"][name]).context["total"] == headline[name]


def test_series_are_the_most_specific_topics_not_the_root_everyone_has(
    client, make_article, make_topic
):
    ai = make_topic("AI")
    vision = make_topic("Computer Vision", parent=ai)
    autos = make_topic("AI in Autos", parent=ai)
    for n in range(6):
        make_article(topics=[ai, vision if n % 2 else autos])
    make_article(topics=[ai])
    make_article(topics=[make_topic("Policy")])

    timeline = client.get("/dashboard/").context["figures"]["timeline"]

    assert {series["name"] for series in timeline["series"]} == {
        "Computer Vision",
        "AI in Autos",
        "Policy",
    }
    for series in timeline["series"]:
        for point in series["counts"]:
            assert client.get(point["href"]).context["total"] == point["count"]


def test_with_a_topic_filter_the_series_are_the_chosen_topics(client, make_article, make_topic):
    ai = make_topic("AI")
    vision = make_topic("Computer Vision", parent=ai)
    autos = make_topic("AI in Autos", parent=ai)
    for n in range(6):
        make_article(topics=[ai, vision if n % 2 else autos])

    figures = client.get("/dashboard/?topic=ai-in-autos").context["figures"]

    assert [series["slug"] for series in figures["timeline"]["series"]] == ["ai-in-autos"]
    points = figures["timeline"]["series"][0]["counts"]
    assert sum(point["count"] for point in points) == 3
    for point in points:
        assert parse_qs(urlsplit(point["href"]).query)["topic"] == ["ai-in-autos"]
        assert client.get(point["href"]).context["total"] == point["count"]


def test_filters_narrow_every_figure(client, newsroom):
    response = client.get("/dashboard/?provider=wired.com&date_from=2000-01-01&quality_min=50")
    expected = [a for a in newsroom if a.provider.domain == "wired.com" and (a.quality or 0) >= 50]

    assert response.context["figures"]["headline"]["total"] == len(expected) == 4
    assert response.context["figures"]["headline"]["providers"] == 1


def test_bad_filters_are_shown_as_form_errors_with_status_400(client, db):
    response = client.get("/dashboard/?quality_min=lots&date_from=2023-02-30&topic=nope")

    assert response.status_code == 400
    assert set(response.context["filterset"].errors) == {"quality_min", "date_from", "topic"}
    assert "figures" not in response.context
    assert 'role="alert"' in response.content.decode()


def test_hostile_topic_names_are_escaped_in_the_svg_and_table(client, make_article):
    make_article(topics=['<script>alert(1)</script> & "AI" \x07'], quality=10, heat=10)
    html = client.get("/dashboard/").content.decode()

    assert "<script>alert(1)</script>" not in html
    topics_svg = svgs_in(html)["chart-topics"]
    assert '<script>alert(1)</script> & "AI"' in "".join(topics_svg.itertext())


def test_an_empty_database_gives_a_dashboard_without_errors(client, db):
    response = client.get("/dashboard/")

    assert response.status_code == 200
    assert response.context["figures"]["headline"]["median_quality"] is None
    assert len(svgs_in(response.content.decode())) == 4  # no weekly chart without articles


def test_staff_see_the_last_five_import_runs_and_failed_files(admin_client, client, db):
    start = timezone.now() - timedelta(hours=10)
    for hour in range(7):
        run = ImportRun.objects.create(
            started_at=start + timedelta(hours=hour), status=ImportStatus.PARTIAL, failed=hour
        )
    ImportProblem.objects.create(
        run=run, path="articles/broken.md", field="title", message="title is required"
    )

    staff_page = admin_client.get("/dashboard/")
    reader_page = client.get("/dashboard/")

    runs = staff_page.context["import_health"].recent_runs
    assert [r.failed for r in runs] == [6, 5, 4, 3, 2]
    assert "articles/broken.md" in staff_page.content.decode()
    assert "import_health" not in reader_page.context
    assert "Import health" not in reader_page.content.decode()


def test_the_import_panel_follows_the_import_permission_not_is_staff(client, django_user_model):
    plain_staff = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    client.force_login(plain_staff)
    assert "import_health" not in client.get("/dashboard/").context

    plain_staff.user_permissions.add(Permission.objects.get(codename="view_importrun"))
    client.force_login(django_user_model.objects.get(pk=plain_staff.pk))
    assert "import_health" in client.get("/dashboard/").context


def test_the_import_panel_shows_dry_runs_but_dates_the_last_scheduled_import(admin_client, db):
    now = timezone.now()
    ImportRun.objects.create(
        started_at=now - timedelta(days=3),
        finished_at=now - timedelta(days=3),
        status=ImportStatus.SUCCESS,
    )
    ImportRun.objects.create(
        started_at=now - timedelta(minutes=5),
        finished_at=now - timedelta(minutes=5),
        status=ImportStatus.SUCCESS,
        dry_run=True,
    )
    ImportRun.objects.create(
        started_at=now - timedelta(minutes=2),
        finished_at=now - timedelta(minutes=2),
        status=ImportStatus.SUCCESS,
        trigger=ImportTrigger.UPLOAD,
    )

    response = admin_client.get("/dashboard/")

    health = response.context["import_health"]
    assert len(health.recent_runs) == 3
    assert health.stale
    html = response.content.decode()
    assert "(dry run)" in html
    line = re.search(r'<p id="import-last-scheduled"[^>]*>(.*?)</p>', html, re.S).group(1)
    assert "3\xa0days ago" in line
    assert "Stale" in line


def test_the_filter_form_is_the_lists_with_providers_chosen_by_name(client, newsroom):
    html = client.get("/dashboard/?topic=ai").content.decode()

    assert '<form class="filters" method="get" action="/dashboard/">' in html
    assert re.search(
        r'<input type="checkbox" id="f-provider-top-\d+" name="provider" value="wired.com">'
        r'<label for="f-provider-top-\d+"><span class="facet__label">Wired</span>',
        html,
    )
    assert re.search(r'name="topic" value="ai" checked', html)


def test_figures_are_cached_until_the_data_version_changes(
    client, make_article, django_assert_num_queries
):
    make_article()
    bump_data_version()
    assert client.get("/dashboard/").context["figures"]["headline"]["total"] == 1
    make_article()
    # Cached: the new row is not counted, and the page costs one query (the data version).
    with django_assert_num_queries(1):
        assert client.get("/dashboard/").context["figures"]["headline"]["total"] == 1
    bump_data_version()  # what an import does
    assert client.get("/dashboard/").context["figures"]["headline"]["total"] == 2


def test_an_uncached_dashboard_runs_one_query_per_chart(
    client, newsroom, django_assert_max_num_queries
):
    """No chart may issue a query per bar, week or topic.

    21 = data version, 2 × validating the topic/provider parameters for the page and 2 more for
    the two facet charts, 3 for the filter form's facet counts (shared with the list's cache),
    3 for the headline (aggregate, distinct topics, median), 3 for the time charts (totals by
    day, series topics, series by day), one each for topics, providers, quality, heat, and 3 for
    rising topics and providers (one each, and the recent total when a topic might rise).
    """
    with django_assert_max_num_queries(21):
        client.get("/dashboard/?topic=ai&provider=wired.com")


@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
def test_the_snapshot_dates_agree_with_the_database(make_article, zone):
    """The dashboard counts each article on its day in the site's zone, as the date filters do."""
    moments = [
        datetime(2024, 1, 1, 0, 0, tzinfo=UTC),
        datetime(2024, 1, 7, 23, 59, 59, tzinfo=UTC),
        datetime(2024, 2, 29, 12, 30, 15, 123456, tzinfo=UTC),
        datetime(2023, 12, 31, 23, 0, tzinfo=UTC),
    ]
    for moment in moments:
        make_article(published_at=moment)
    with timezone.override(zone):
        snapshot = facts.read_facts(0, Article.objects.all())
        expected = Article.objects.order_by("pk").annotate(day=TruncDate("published_at"))
        expected = list(expected.values_list("day", "published_at"))
    days = [date.fromordinal(day) for day in snapshot.columns["day"].tolist()]
    moments = [facts.datetime_of(moment) for moment in snapshot.columns["moment"].tolist()]
    assert list(zip(days, moments, strict=True)) == expected
    assert days[0] == (date(2024, 1, 1) if zone == "UTC" else date(2023, 12, 31))


def follow_every_count(client, figures_page):
    """Each `data-count` link of a dashboard page, followed: its list shows that count."""
    html = figures_page.content.decode()
    links = {
        unescape(href): count
        for href, count in re.findall(r'<a href="([^"]+)" data-count="(\d+)"', html)
    }
    assert links
    for href, count in links.items():
        listing = client.get(href)
        assert listing.status_code == 200, href
        assert listing.context["total"] == int(count), href
    return links


def test_an_absurd_quality_score_costs_one_open_bin(client, make_article):
    """Issue 14: `quality: 2147483647` once meant 214 million bins and a worker timeout."""
    for quality in (0, 45, 161, 2147483647):
        make_article(quality=quality, heat=quality)

    response = client.get("/dashboard/")

    assert response.status_code == 200
    bins = response.context["figures"]["quality"]["bins"]
    assert len(bins) == 30
    assert (bins[-1]["from"], bins[-1]["to"], bins[-1]["count"]) == (290, None, 1)
    assert parse_qs(urlsplit(bins[-1]["href"]).query) == {"quality_min": ["290"]}
    assert client.get("/api/dashboard/").status_code == 200
    follow_every_count(client, response)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?date_from=2020-01-01",
        "?date_to=2024-06-30",
        "?quality_min=1",
        "?topic=ai",
        "?date_from=2999-01-01",
        "?date_to=1900-12-31",
    ],
)
def test_extreme_dates_never_take_the_dashboard_down(client, make_article, query):
    """Issue 14: 9999-12-31T23:00Z overflowed the weekly figures; 0001-01-01 filtered ones."""
    for moment in (
        datetime(9999, 12, 31, 23, 0, tzinfo=UTC),
        datetime(1, 1, 1, 0, 0, tzinfo=UTC),
        datetime(2024, 3, 1, 12, 0, tzinfo=UTC),
    ):
        make_article(published_at=moment, topics=["AI"], quality=5)

    response = client.get(f"/dashboard/{query}")

    assert response.status_code == 200
    assert client.get(f"/api/dashboard/{query}").status_code == 200
    timeline = response.context["figures"]["timeline"]
    assert len(timeline["buckets"]) <= 60
    total = response.context["figures"]["headline"]["total"]
    assert sum(bucket["count"] for bucket in timeline["buckets"]) == total
    follow_every_count(client, response)
