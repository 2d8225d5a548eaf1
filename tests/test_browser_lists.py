"""A reader using the list and date pages in a real Chromium."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from actors.models import Actor
from articles.services import demo_load

from .factories import ArticleFactory, StatementFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_typed_name_filters_without_javascript_help(live_server, page):
    demo_load()
    page.goto(f"{live_server.url}/statements/")
    page.get_by_label("Speaker", exact=True).fill("Matthew Miller")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", name=re.compile(r"^1 statement\b"))).to_be_visible()
    expect(page.locator(".chip").first).to_contain_text("Matthew Miller")


def test_reader_filters_statements_by_speaker_and_dates(live_server, page):
    demo_load()
    miller = Actor.objects.get(slug="matthew-miller")
    later = ArticleFactory(published_on=datetime.date(2023, 11, 15))
    StatementFactory(article=later, speaker=miller)  # the same speaker, outside the range
    StatementFactory(article=ArticleFactory(published_on=datetime.date(2023, 10, 20)))

    page.goto(f"{live_server.url}/statements/")
    # The demo's 9 statements and the 2 made here.
    expect(page.get_by_role("heading", name=re.compile(r"^11 statements"))).to_be_visible()

    speaker = page.get_by_label("Speaker", exact=True)
    speaker.press_sequentially("Mill")  # suggestions come as the reader types
    suggestion = page.locator("#id_speaker-suggestions option[value='matthew-miller']")
    expect(suggestion).to_have_count(1)
    expect(suggestion).to_have_attribute("label", "Matthew Miller")
    speaker.fill("matthew-miller")  # what picking the suggestion puts in the field
    page.get_by_label("Said from", exact=True).fill("2023-10-01")
    page.get_by_label("Said until", exact=True).fill("2023-10-31")
    page.get_by_role("button", name="Apply filters").click()

    expect(page).to_have_url(re.compile(r"speaker=matthew-miller"))
    assert "date_from=2023-10-01" in page.url and "date_to=2023-10-31" in page.url
    expect(page.get_by_role("heading", name=re.compile(r"^1 statement\b"))).to_be_visible()
    cards = page.locator(".statement-card")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Secretary of State Antony J. Blinken had a conversation")
    expect(cards.first).to_contain_text("29 October 2023")
    # The form keeps its state, and the chips remove one filter each.
    expect(page.get_by_label("Speaker", exact=True)).to_have_value("matthew-miller")
    page.get_by_role("link", name=re.compile(r"^Said from: 1 October 2023")).click()
    expect(page.get_by_role("heading", name=re.compile(r"^1 statement\b"))).to_be_visible()
    expect(page.get_by_label("Said from", exact=True)).to_have_value("")
    page.get_by_role("link", name=re.compile(r"^Said until: 31 October 2023")).click()
    expect(page.get_by_role("heading", name=re.compile(r"^2 statements"))).to_be_visible()


def test_reader_browses_a_month_and_opens_a_day(live_server, page):
    demo_load()
    page.goto(f"{live_server.url}/dates/2023/")
    page.get_by_role("link", name="October 2023", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/dates/2023/10/")
    expect(page.get_by_role("heading", name="October 2023", exact=True)).to_be_visible()

    calendar = page.get_by_role("table", name="October 2023")
    # Seven days with records, and the 31st: the ground operations are ongoing.
    expect(calendar.locator("tbody").get_by_role("link")).to_have_count(8)
    calendar.get_by_role("link", name="28 October 2023: 4 records", exact=True).click()

    expect(page).to_have_url(f"{live_server.url}/dates/2023/10/28/")
    expect(page.get_by_role("heading", name="Saturday 28 October 2023")).to_be_visible()
    statements = page.locator(".statement-card")
    expect(statements).to_have_count(1)
    expect(statements.first).to_contain_text("Today @JamesCleverly spoke to @elicoh1")
    expect(page.get_by_role("link", name="Blinken–Cleverly phone call on Gaza")).to_be_visible()
    expect(page.get_by_role("link", name="Cleverly–Cohen phone call")).to_be_visible()
    # The next day is one click away.
    page.get_by_role("link", name=re.compile(r"29 October 2023")).first.click()
    expect(page).to_have_url(f"{live_server.url}/dates/2023/10/29/")
    expect(page.locator(".statement-card")).to_have_count(2)
