"""A reader searching in a real Chromium: other spellings found, a misspelling corrected."""

import re

import pytest
from playwright.sync_api import expect

from articles.services import demo_load
from tests.factories import StatementFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def search_for(page, text):
    form = page.get_by_role("search", name="Search the archive")
    form.get_by_label("Search for").fill(text)
    form.get_by_role("button", name="Search").click()


def test_reader_misspells_a_name_follows_the_suggestions_and_sees_the_match(live_server, page):
    demo_load()
    page.goto(live_server.url + "/search/")
    search_for(page, "Cleverley")

    nothing = page.get_by_role("region", name="Nothing matches")
    expect(nothing).to_be_visible()
    expect(nothing.get_by_role("link", name="James Cleverly")).to_be_visible()
    nothing.get_by_role("link", name="Cleverly", exact=True).click()
    page.wait_for_url(re.compile(r"/search/\?q=Cleverly(&|$)"))
    # The match is marked in the original text, not in its normalised form.
    expect(page.locator(".search-result-actors mark").first).to_have_text("Cleverly")

    search_for(page, "Cleverley")
    page.get_by_role("region", name="Nothing matches").get_by_role(
        "link", name="James Cleverly"
    ).click()
    page.wait_for_url(f"{live_server.url}/actors/james-cleverly/")
    expect(page.get_by_role("heading", level=1)).to_have_text("James Cleverly")


def test_reader_finds_the_british_spelling_with_the_american_one(live_server, page):
    StatementFactory(text="The ministry called it an act of self-defence.")
    page.goto(live_server.url + "/search/")
    search_for(page, "self-defense")
    result = page.locator(".search-result-statements").first
    expect(result).to_contain_text("self-defence")
    expect(result.locator("mark")).to_have_text(["self", "defence"])
