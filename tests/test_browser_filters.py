"""Finding things in a real Chromium: several values of one filter, facets that add a
value, forms that submit only what was filled in, and the lists on a phone."""

import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import expect

from articles.services import demo_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def no_script(browser):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def params(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


def facet(page, title: str):
    return page.locator(".facet").filter(has=page.get_by_role("heading", name=title, exact=True))


def test_on_a_phone_the_first_result_is_in_the_first_screen(live_server, phone):
    demo_load()
    phone.goto(f"{live_server.url}/statements/")
    first = phone.locator(".statement-card").first
    expect(first).to_be_visible()
    box = first.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box
    # The form is folded behind one button, which opens it.
    apply = phone.get_by_role("button", name="Apply filters")
    expect(apply).to_be_hidden()
    phone.locator("summary.filter-toggle").click()
    expect(apply).to_be_visible()
    phone.get_by_label("Kind", exact=True).select_option("quote")
    apply.click()
    expect(phone.get_by_role("heading", name=re.compile(r"^2 statements"))).to_be_visible()
    assert params(phone.url) == [("kind", "quote")]
    expect(phone.locator("summary.filter-toggle")).to_contain_text("1 active")
    box = phone.locator(".statement-card").first.bounding_box()
    assert 0 <= box["y"] < PHONE["height"] / 2, box  # a long quote: its start, high up


def test_every_list_puts_its_first_result_in_a_phone_s_first_screen(live_server, phone):
    demo_load()
    for path, row in [
        ("/articles/", ".article-item"),
        ("/events/", ".list-item"),
        ("/actors/", ".list-item"),
    ]:
        phone.goto(f"{live_server.url}{path}")
        box = phone.locator(row).first.bounding_box()
        assert box is not None and box["y"] < PHONE["height"], (path, box)
        expect(phone.get_by_role("button", name="Apply filters")).to_be_hidden()


def test_facets_add_values_a_filter_takes_either_and_filters_take_both(live_server, page):
    demo_load()
    page.goto(f"{live_server.url}/statements/")
    expect(page.get_by_role("heading", name=re.compile(r"^9 statements"))).to_be_visible()
    facet(page, "Speakers").get_by_role("link", name=re.compile(r"^Matthew Miller")).click()
    expect(page.get_by_role("heading", name=re.compile(r"^1 statement\b"))).to_be_visible()
    # The speaker facet still offers the others, to add beside the chosen one.
    speakers = facet(page, "Speakers")
    speakers.get_by_role("link", name=re.compile(r"^Israel Defense Forces")).click()
    expect(page.get_by_role("heading", name=re.compile(r"^5 statements"))).to_be_visible()
    assert params(page.url) == [("speaker", "matthew-miller"), ("speaker", "israel-defense-forces")]
    chips = page.locator(".chip")
    expect(chips).to_have_count(2)
    expect(chips.nth(0)).to_contain_text("Matthew Miller")
    expect(chips.nth(1)).to_contain_text("Israel Defense Forces")
    active = facet(page, "Speakers").locator("li.active")
    expect(active).to_have_count(2)
    # Another filter narrows the union: quotes by either of them.
    facet(page, "Kinds").get_by_role("link", name=re.compile(r"^Quote")).click()
    expect(page.get_by_role("heading", name=re.compile(r"^1 statement\b"))).to_be_visible()
    expect(page.locator(".statement-card").first).to_contain_text("Matthew Miller")
    # The form shows both speakers, each in its own field, and one more to add.
    speaker_fields = page.locator("input[name=speaker]")
    expect(speaker_fields).to_have_count(3)
    expect(speaker_fields.nth(0)).to_have_value("matthew-miller")
    expect(speaker_fields.nth(1)).to_have_value("israel-defense-forces")
    expect(speaker_fields.nth(2)).to_have_value("")
    # A chosen facet value removes only itself.
    facet(page, "Speakers").locator("li.active").filter(has_text="Matthew Miller").get_by_role(
        "link"
    ).click()
    assert params(page.url) == [("speaker", "israel-defense-forces"), ("kind", "quote")]
    expect(page.locator(".chip")).to_have_count(2)


def test_a_second_value_typed_in_the_form_widens_the_filter(live_server, page):
    demo_load()
    page.goto(f"{live_server.url}/statements/?speaker=matthew-miller")
    expect(page.get_by_role("heading", name=re.compile(r"^1 statement\b"))).to_be_visible()
    page.locator("#id_speaker_2").fill("James Cleverly")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", name=re.compile(r"^2 statements"))).to_be_visible()
    assert params(page.url) == [("speaker", "matthew-miller"), ("speaker", "James Cleverly")]
    expect(page.locator(".chip").nth(1)).to_contain_text("James Cleverly")


def test_the_form_submits_only_the_fields_filled_in(live_server, page):
    demo_load()
    page.goto(f"{live_server.url}/articles/")
    page.get_by_label("Language", exact=True).select_option(label="English")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"/articles/\?language=en$"))
    expect(page.locator(".chip")).to_contain_text("English")
    # Emptying the only filter gives the bare list.
    page.get_by_label("Language", exact=True).select_option("")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(f"{live_server.url}/articles/")


def test_without_javascript_the_form_works_and_links_drop_its_empty_fields(
    live_server, no_script, settings
):
    demo_load()
    settings.PAGE_SIZE = 2
    no_script.goto(f"{live_server.url}/statements/")
    # Without the script the panel is still open beside the results on a wide screen.
    no_script.get_by_label("Kind", exact=True).select_option("paraphrase")
    no_script.get_by_role("button", name="Apply filters").click()
    expect(no_script.get_by_role("heading", name=re.compile(r"^7 statements"))).to_be_visible()
    assert ("date_from", "") in params(no_script.url)  # the browser sent every field
    pager = no_script.get_by_role("navigation", name="Pages")
    next_link = pager.get_by_role("link", name=re.compile("Next"))
    assert params(next_link.get_attribute("href")) == [
        ("kind", "paraphrase"),
        ("sort", "-date"),  # the browser sent the default order, which is no empty field
        ("page", "2"),
    ]
    for link in no_script.locator(".facet a, .export-links a, .chip").all():
        assert not any(value == "" for _name, value in params(link.get_attribute("href")))
