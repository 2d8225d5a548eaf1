"""Competing accounts in a real Chromium: side by side on a wide screen, stacked on a phone."""

import datetime
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from actors.models import Actor
from articles.models import StatementEvent

from .factories import ActorFactory, ArticleFactory, EventFactory, StatementFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARMY_TEXT = "Our aircraft struck a militant cell in the camp, killing 12 militants."
MINISTRY_TEXT = "The strike on the camp killed between 40 and 50 civilians."


def opposing_accounts():
    event = EventFactory(
        title="Air strike on the Al-Nur camp",
        kind="air_strike",
        start_date=datetime.date(2023, 11, 2),
    )
    army = ActorFactory(name="Northland Defence Forces", kind=Actor.Kind.MILITARY, country="NL")
    ministry = ActorFactory(
        name="Southland Ministry of Health", kind=Actor.Kind.GOVERNMENT_BODY, country="SL"
    )
    article = ArticleFactory(title="Both sides on the Al-Nur strike")
    for speaker, text, stance, low, high in (
        (army, ARMY_TEXT, "claims", 12, None),
        (ministry, MINISTRY_TEXT, "denies", 40, 50),
    ):
        statement = StatementFactory(article=article, speaker=speaker, kind="paraphrase", text=text)
        StatementEvent.objects.create(
            statement=statement,
            event=event,
            stance=stance,
            figure_kind="killed",
            claimed_figure=low,
            claimed_figure_max=high,
        )
    return event


def test_opposing_accounts_side_by_side_on_a_wide_screen_stacked_on_a_phone(
    live_server, browser, tmp_path
):
    event = opposing_accounts()
    shots = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    for name, viewport in (
        ("wide", {"width": 1280, "height": 900}),
        ("phone", {"width": 390, "height": 844}),
    ):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(live_server.url + event.get_absolute_url())
        sides = page.locator(".account-side")
        expect(sides).to_have_count(2)
        army, ministry = sides.nth(0), sides.nth(1)
        expect(army.get_by_role("heading", level=3)).to_contain_text("NL")
        expect(army.locator(".stance-heading")).to_have_text("Claims")
        expect(army).to_contain_text(ARMY_TEXT)
        expect(army).to_contain_text("12 killed")
        expect(ministry.get_by_role("heading", level=3)).to_contain_text("SL")
        expect(ministry.locator(".stance-heading")).to_have_text("Denies")
        expect(ministry).to_contain_text(MINISTRY_TEXT)
        expect(ministry).to_contain_text("40–50 killed")
        left, right = army.bounding_box(), ministry.bounding_box()
        if name == "wide":  # two columns, tops aligned, not overlapping
            assert right["x"] >= left["x"] + left["width"]
            assert abs(right["y"] - left["y"]) < 2
        else:  # one above the other, the same width
            assert right["y"] >= left["y"] + left["height"]
            assert abs(right["x"] - left["x"]) < 2
            assert right["width"] <= viewport["width"]
        figures = page.get_by_role("table")
        expect(figures.get_by_role("row")).to_have_count(3)  # a header and one row each
        expect(figures.get_by_role("row").nth(1)).to_contain_text("12")
        expect(figures.get_by_role("row").nth(2)).to_contain_text("40–50")
        page.screenshot(path=str(shots / f"event-accounts-{name}.png"), full_page=True)
        context.close()


def test_a_reader_follows_a_stance_to_the_filtered_list(live_server, page):
    event = opposing_accounts()
    page.goto(live_server.url + event.get_absolute_url())
    page.get_by_role("list", name="Statements by stance").get_by_role("link", name="Denies").click()
    page.wait_for_url(f"**/statements/?event={event.slug}&stance=denies")
    expect(page.locator(".statement-card")).to_have_count(1)
    expect(page.locator(".statement-card")).to_contain_text(MINISTRY_TEXT)
