"""The dashboard in a real Chromium: charts render, links work, screenshots at two widths."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TOPICS = ["AI", "Machine Learning", "Robotics", "Computer Vision", "Ethics", "Startups", "Policy"]


@pytest.fixture
def a_year_of_news(make_article, make_provider):
    cache.clear()
    providers = [make_provider(f"news{n}.example", f"News Outlet {n}") for n in range(6)]
    now = timezone.now()
    for n in range(160):
        make_article(
            f"Story {n}",
            published_at=now - timedelta(days=(n * 37) % 360, hours=n % 24),
            provider=providers[(n * 7) % len(providers) if n % 3 else 0],
            topics=list(dict.fromkeys([TOPICS[(n * 5) % len(TOPICS)], TOPICS[n % 2]])),
            quality=None if n % 9 == 0 else (n * 13) % 165,
            heat=None if n % 5 == 0 else (n * 13) % 165 - (n % 4) * 7,
        )


def test_the_dashboard_draws_its_charts_at_desktop_and_phone_width(
    page, a_year_of_news, test_output_dir
):
    page.goto("/dashboard/")

    assert page.locator("#figure-total").inner_text() == "160"
    for title in [
        "Articles per week",
        "Topics per week",
        "Articles per topic",
        "Top providers",
        "Quality distribution",
        "Heat by quality",
    ]:
        assert page.get_by_role("heading", name=title).is_visible()
    assert page.locator("svg.chart").count() == 6
    assert page.locator("#chart-timeline rect.mark").count() in (52, 53)
    page.screenshot(path=test_output_dir / "dashboard-desktop.png", full_page=True)

    assert not page.locator(".scroll-cue").first.is_visible()

    page.set_viewport_size({"width": 375, "height": 800})
    # Nothing but the charts' own scrolling boxes may be wider than the phone, and those say so.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    timeline = page.locator("#chart-timeline-section .chart-scroll")
    assert timeline.evaluate("box => box.scrollWidth > box.clientWidth")
    assert page.locator("#chart-timeline-section .scroll-cue").is_visible()
    page.screenshot(path=test_output_dir / "dashboard-phone.png", full_page=True)


def test_a_topic_bar_opens_the_list_of_that_topic(page, a_year_of_news):
    page.goto("/dashboard/")

    page.locator("#chart-topics a").first.click()

    page.wait_for_url("**/?topic=*")
    assert "topic=" in page.url


def test_the_data_table_opens_from_its_summary(page, a_year_of_news):
    page.goto("/dashboard/")
    section = page.locator("#chart-quality-section")

    section.get_by_text("Data table").click()

    assert section.get_by_role("table").is_visible()
