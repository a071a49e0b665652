"""The reader pages in a real Chromium: filter through the form, follow an article, stay safe."""

import csv
import io
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest

from tests.reader import fresh_cache  # noqa: F401 - autouse fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 780}
ATOM = "{http://www.w3.org/2005/Atom}"
SCRIPT_TITLE = "<script>window.pwned = true</script> Robots & <b>bold</b> claims"


@pytest.fixture
def newsroom(make_article, make_provider, make_topic):
    """A small newsroom: robotics and vision stories, one with a hostile title."""
    lab = make_provider("lab.example", name="The Lab")
    make_topic("Robotics", description="Machines that move.")
    make_topic("Computer Vision")
    start = datetime(2024, 5, 1, 9, tzinfo=UTC)
    for n in range(12):
        make_article(
            f"Vision story {n}",
            topics=["Computer Vision"],
            quality=30 + n,
            published_at=start + timedelta(hours=n),
            images=1,
        )
    for n in range(5):
        make_article(
            f"Robotics story {n}",
            topics=["Robotics"],
            provider=lab,
            quality=60 + n,
            published_at=start + timedelta(days=1, hours=n),
            images=1,
        )
    return make_article(
        SCRIPT_TITLE,
        topics=["Robotics"],
        provider=lab,
        quality=90,
        excerpt='</script><img src=x onerror="window.pwned=true">',
        body_html="<p>A <strong>sanitised</strong> body.</p>",
        published_at=start + timedelta(days=2),
        images=1,
    )


def test_a_reader_filters_the_list_and_reads_an_article(page, newsroom, test_output_dir):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    page.goto("/")
    assert page.locator(".result-count").inner_text() == "18 articles"
    page.screenshot(path=test_output_dir / "reader-list-desktop.png", full_page=True)

    page.get_by_role("checkbox", name="Robotics").check()
    page.get_by_label("At least").fill("61")
    page.get_by_role("button", name="Apply filters").click()

    page.wait_for_url("**/?**topic=robotics**")
    assert page.locator(".result-count").inner_text() == "5 articles"
    chips = page.locator(".chips .chip").all_text_contents()
    assert chips == ["Topic: Robotics×", "Quality ≥ 61×", "Clear all"]
    titles = page.locator(".card__title a").all_inner_texts()
    assert titles == [SCRIPT_TITLE] + [f"Robotics story {n}" for n in (4, 3, 2, 1)]

    page.get_by_role("link", name="Remove filter Quality ≥ 61").click()
    assert page.locator(".result-count").inner_text() == "6 articles"

    page.get_by_role("link", name=SCRIPT_TITLE).click()
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text().strip() == SCRIPT_TITLE
    assert page.locator(".story__body strong").inner_text() == "sanitised"
    assert page.evaluate("window.pwned") is None
    assert dialogs == []
    read_link = page.get_by_role("link", name="Read at The Lab")
    assert read_link.get_attribute("rel") == "noopener noreferrer"
    page.screenshot(path=test_output_dir / "reader-detail-desktop.png", full_page=True)


def test_a_failed_image_collapses_instead_of_leaving_an_empty_box(page, newsroom):
    """The test images point at an unreachable host, so every one fails."""
    page.goto(newsroom.get_absolute_url())

    # Not wait_for_function: it evaluates a string, which the Content-Security-Policy forbids.
    page.wait_for_selector("figure.story__image.img-failed", state="attached")
    assert page.locator("figure.story__image").bounding_box() is None

    page.goto("/")
    page.wait_for_selector(".card__image.img-failed", state="attached")
    assert page.locator(".card__image").first.bounding_box() is None


def test_on_a_phone_the_results_come_first_and_filters_unfold(page, newsroom, test_output_dir):
    page.set_viewport_size(PHONE)
    page.goto("/?topic=robotics")

    panel = page.locator("details.filters-panel")
    assert panel.get_attribute("open") is None
    assert page.get_by_role("button", name="Apply filters").is_hidden()
    page.screenshot(path=test_output_dir / "reader-list-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.locator("details.filters-panel > summary").click()
    assert page.get_by_role("button", name="Apply filters").is_visible()

    page.goto(newsroom.get_absolute_url())
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=test_output_dir / "reader-detail-phone.png", full_page=True)


def test_the_keyboard_reaches_the_skip_link_first_and_the_filters(page, newsroom):
    page.goto("/")

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to results"
    assert page.locator(".skip-link").first.is_visible()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.cards') !== null")
    assert page.evaluate("document.activeElement.textContent") == SCRIPT_TITLE

    page.goto("/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"

    page.locator("#f-topic-top-2").focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Space")
    assert page.locator("#f-topic-top-1").is_checked()
    assert page.evaluate("document.activeElement.id") == "f-topic-top-1"
    assert page.evaluate("document.activeElement.matches(':focus-visible')")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"


def test_bad_parameters_show_a_message_not_an_error_page(page, newsroom):
    response = page.goto("/?quality_min=abc&page=1")

    assert response.status == 400
    assert "Some filters are not valid" in page.get_by_role("alert").inner_text()
    assert page.locator("#id_quality_min-error").inner_text() == "Enter a whole number."


def test_the_dark_theme_follows_the_system(browser, live_server, newsroom, test_output_dir):
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, color_scheme="dark")
    tab = context.new_page()
    tab.goto("/")
    background = tab.evaluate("getComputedStyle(document.body).backgroundColor")
    tab.screenshot(path=test_output_dir / "reader-list-dark.png")
    context.close()

    assert background == "rgb(20, 20, 20)"


def test_the_follow_links_give_exactly_the_articles_of_the_filtered_page(page, newsroom):
    page.goto("/")
    page.get_by_role("checkbox", name="Robotics").check()
    page.get_by_label("At least").fill("61")
    page.get_by_label("Search titles and excerpts").fill("story OR claims")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/?**topic=robotics**")
    titles = page.locator(".card__title a").all_inner_texts()
    assert len(titles) == 5

    follow = page.get_by_role("navigation", name="Follow or export this list")
    atom = follow.get_by_role("link", name="Atom feed").get_attribute("href")
    assert (
        page.locator('link[rel="alternate"][type="application/atom+xml"]').get_attribute("href")
        == atom
    )
    feed = ET.fromstring(page.request.get(atom).body())
    assert [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")] == titles
    assert feed.findtext(f"{ATOM}title") == (
        "Newsroom — Robotics, search “story OR claims”, quality ≥ 61"
    )

    exported = page.request.get(follow.get_by_role("link", name="CSV").get_attribute("href"))
    rows = list(csv.DictReader(io.StringIO(exported.text())))
    assert [row["title"] for row in rows] == titles

    api = page.request.get(follow.get_by_role("link", name="JSON").get_attribute("href"))
    assert [item["title"] for item in api.json()["results"]] == titles


def test_keyboard_shortcuts_move_through_the_list_and_explain_themselves(page, newsroom):
    page.goto("/?topic=robotics")
    titles = page.locator(".card__title a").all_inner_texts()
    assert page.get_by_text("Press ? for keyboard shortcuts.").is_visible()

    page.keyboard.press("j")
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.textContent") == titles[1]
    assert page.locator(".card--current .card__title a").inner_text() == titles[1]
    page.keyboard.press("k")
    assert page.evaluate("document.activeElement.textContent") == titles[0]

    page.keyboard.press("?")
    help = page.get_by_role("dialog", name="Keyboard shortcuts")
    assert help.is_visible()
    assert "Next article" in help.inner_text()
    page.keyboard.press("j")  # ignored while the help is open
    assert page.evaluate("document.activeElement.textContent") != titles[1]
    page.keyboard.press("Escape")
    assert help.is_hidden()

    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "site-search-q"
    page.keyboard.type("jko")  # typing in the box is not a shortcut
    assert page.input_value("#site-search-q") == "jko"

    page.locator("main").click(position={"x": 5, "y": 5})
    page.keyboard.press("j")  # from the current (first) article to the next
    page.keyboard.press("o")
    page.wait_for_url("**/articles/**")
    assert page.get_by_role("heading", level=1).inner_text().strip() == titles[1]


def test_a_search_is_titled_kept_in_the_box_and_highlighted(page, newsroom):
    page.goto("/")
    page.locator("#site-search-q").fill("robotics")
    page.locator("#site-search-q").press("Enter")

    page.wait_for_url("**/?q=robotics")
    assert page.get_by_role("heading", level=1).inner_text() == "Results for “robotics”"
    assert page.input_value("#site-search-q") == "robotics"
    assert page.input_value("#id_q") == "robotics"
    assert set(page.locator(".card__title mark").all_inner_texts()) == {"Robotics"}
    assert page.evaluate("window.pwned") is None


def test_a_year_and_then_a_month_narrow_the_list(page, make_article):
    for when, title in [
        (datetime(2023, 11, 5, tzinfo=UTC), "November story"),
        (datetime(2024, 2, 1, tzinfo=UTC), "February story"),
        (datetime(2024, 3, 3, tzinfo=UTC), "March story"),
    ]:
        make_article(title, published_at=when)
    page.goto("/")
    years = page.get_by_role("list", name="Results by year and month")

    years.get_by_role("link", name="2024 2").click()
    page.wait_for_url("**date_from=2024-01-01**")
    assert page.locator(".card__title a").all_inner_texts() == ["March story", "February story"]
    assert page.input_value("#id_date_to") == "2024-12-31"

    page.get_by_role("link", name="February 1").click()
    page.wait_for_url("**date_to=2024-02-29**")
    assert page.locator(".card__title a").all_inner_texts() == ["February story"]
