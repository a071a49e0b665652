import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_list_page_shows_an_article_in_a_real_browser(page, make_article):
    make_article("A story a reader can see")
    page.goto("/")
    assert page.get_by_role("link", name="A story a reader can see").is_visible()
