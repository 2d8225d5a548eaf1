"""A reader in a real Chromium: from the home page to the quoted passage."""

import os
from pathlib import Path

import pytest

from articles.models import Article, Event, Statement
from articles.services import demo_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# `make screenshots` sets SCREENSHOTS_DIR=docs/screenshots to refresh the README's pictures;
# otherwise they go to a temporary folder, so a test run leaves the tree clean.
ROOT = Path(__file__).resolve().parent.parent


def test_reader_goes_from_home_to_actor_to_quote_to_highlighted_passage(live_server, page):
    demo_load()
    cleverly = Statement.objects.get(speaker__slug="james-cleverly")

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="James Cleverly", exact=True).first.click()
    page.wait_for_url(f"{live_server.url}/actors/james-cleverly/")
    assert page.get_by_role("heading", level=1).inner_text() == "James Cleverly"

    by_section = page.locator("section#by")
    by_section.get_by_role("link", name=f"Statement {cleverly.pk}: details and citation").click()
    page.wait_for_url(f"{live_server.url}/statements/{cleverly.pk}/")
    speaker = page.locator("dd.speaker").inner_text()
    assert "James Cleverly, Foreign Secretary" in speaker and "(at the time)" in speaker

    page.get_by_role("link", name="Read the passage in the source →").click()
    page.wait_for_url(f"**{cleverly.article.get_absolute_url()}#statement-{cleverly.pk}")
    assert page.evaluate("location.hash") == f"#statement-{cleverly.pk}"
    passage = page.locator(f"mark#statement-{cleverly.pk}")
    assert passage.is_visible()
    assert passage.inner_text() == cleverly.text
    assert passage.evaluate("el => el.matches(':target')")
    box = passage.bounding_box()
    assert box is not None and 0 <= box["y"] < page.viewport_size["height"]


def test_copy_button_appears_on_citations(live_server, page):
    demo_load()
    statement = Statement.objects.get(speaker__slug="matthew-miller")
    page.goto(f"{live_server.url}/statements/{statement.pk}/")
    button = page.get_by_role("button", name="Copy plain-text citation")
    assert button.is_visible()
    button.focus()
    outline = button.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"  # a visible focus state


def test_screenshots_of_the_main_pages(live_server, page, tmp_path):
    demo_load()
    screenshots = (
        ROOT / os.environ["SCREENSHOTS_DIR"] if "SCREENSHOTS_DIR" in os.environ else tmp_path
    )
    screenshots.mkdir(parents=True, exist_ok=True)
    statement = Statement.objects.get(speaker__slug="james-cleverly")
    pages = {
        "home": "/",
        "actor": "/actors/james-cleverly/",
        "statement": statement.get_absolute_url(),
        "article": Article.objects.get().get_absolute_url(),
        "event": Event.objects.get(slug="blinken-cleverly-call-2023-10-28").get_absolute_url(),
    }
    for name, path in pages.items():
        page.goto(live_server.url + path)
        assert page.locator("main h1").count() == 1
        target = screenshots / f"{name}.png"
        page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 10_000


def test_keyboard_reader_skips_to_content_with_a_visible_focus(live_server, page):
    demo_load()
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0  # moved on screen when focused
    assert skip.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    assert page.evaluate("document.activeElement.id") == "main"
