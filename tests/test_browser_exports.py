"""A reader downloading a page's rows and finding its feed, in a real Chromium."""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from articles.services import demo_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reader_downloads_a_days_statements_as_csv_excel_can_read(live_server, page):
    demo_load()
    page.goto(f"{live_server.url}/dates/2023/10/28/")
    statements = page.get_by_role(
        "navigation", name=re.compile("the statements of .*28 October 2023")
    )
    with page.expect_download() as download:
        statements.get_by_role("link", name="CSV").click()
    data = open(download.value.path(), "rb").read()
    assert data.startswith(b"\xef\xbb\xbfid,permalink,said_on,")  # UTF-8 with its BOM
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows and {row["said_on"] for row in rows} == {"2023-10-28"}
    assert download.value.suggested_filename.endswith(".csv")


def test_reader_finds_the_actor_feed_from_the_actor_page(live_server, page):
    demo_load()
    page.goto(f"{live_server.url}/actors/james-cleverly/")
    alternate = page.locator('head link[rel="alternate"][type="application/atom+xml"]')
    expect(alternate).to_have_attribute("href", re.compile(r"/actors/james-cleverly/feed/$"))
    page.get_by_role("link", name=re.compile("Atom feed of statements by or about")).click()
    expect(page).to_have_url(f"{live_server.url}/actors/james-cleverly/feed/")
    # Chromium shows the feed as XML: its entries are the actor's statements.
    assert "James Cleverly" in page.content()


def test_an_unknown_format_shows_a_reason_not_the_page(live_server, page):
    demo_load()
    response = page.goto(f"{live_server.url}/outlets/techballad/?format=xml")
    assert response.status == 400
    expect(page.locator("body")).to_contain_text("Unknown format 'xml'")
