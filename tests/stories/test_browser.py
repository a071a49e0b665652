"""A story's other sources in a real Chromium: the card opens without any script."""

import pytest
from django.urls import reverse

from tests.reader import fresh_cache  # noqa: F401 - autouse fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_story_card_opens_to_its_other_sources_and_leads_to_the_story(page, make_story):
    story, articles = make_story(title="Talkwise leak", size=3)
    page.goto(reverse("articles:article_list") + "?group=story")

    assert page.locator(".card").count() == 1
    others = page.locator(".card__story-list a")
    assert not others.first.is_visible()
    page.get_by_text("+2 sources").click()
    assert others.first.is_visible()
    hrefs = [others.nth(n).get_attribute("href") for n in range(others.count())]
    assert hrefs == [articles[0].get_absolute_url(), articles[1].get_absolute_url()]

    page.get_by_role("link", name="The whole story").click()
    page.wait_for_url(f"**{story.get_absolute_url()}")
    assert page.get_by_role("heading", level=1).inner_text() == "Talkwise leak"
    timeline = page.locator(".storyline__timeline .card__title a")
    assert [timeline.nth(n).get_attribute("href") for n in range(3)] == [
        article.get_absolute_url() for article in articles
    ]
