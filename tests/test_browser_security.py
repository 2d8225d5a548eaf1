"""In a real Chromium: the pages work under the Content-Security-Policy with nothing
refused, and markup written by editors runs nowhere even without the policy."""

import pytest
from django.contrib.auth import get_user_model
from django.utils.html import escape

from articles.models import Article, Statement
from articles.services import demo_load

from . import xss

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Console:
    """What Chromium reports in the console: a refused script or style is an error there."""

    def __init__(self, page):
        self.messages = []
        page.on("console", lambda message: self.messages.append(message.text))

    def violations(self) -> list[str]:
        return [
            text
            for text in self.messages
            if "Content Security Policy" in text or "Permissions-Policy" in text
        ]


def visit(page, url: str, ready: str) -> None:
    """Open `url`, assert it came with the policy, and wait until `ready` is shown.

    The wait is a round trip to the page after its load event: console messages from
    parsing the page have arrived by then.
    """
    response = page.goto(url)
    assert response.ok, url
    assert "script-src 'self'" in response.headers["content-security-policy"], url
    assert "camera=()" in response.headers["permissions-policy"], url
    page.wait_for_load_state("load")
    page.locator(ready).first.wait_for()


def test_public_pages_run_under_the_policy_with_nothing_refused(live_server, page):
    demo_load()
    console = Console(page)
    statement = Statement.objects.get(speaker__slug="matthew-miller")
    article = Article.objects.get()
    pages = [
        ("/", "main h1, main h2"),
        ("/statements/", "main h1"),
        (f"/statements/{statement.pk}/", "[data-copy] .copy-button"),  # cite.js ran
        (article.get_absolute_url(), "mark"),
        ("/actors/james-cleverly/", "main h1"),
        ("/search/?q=Cleverly", "main h1"),
    ]
    for path, ready in pages:
        visit(page, live_server.url + path, ready)
    assert console.violations() == []

    # The listener does hear a refusal: an inline script added to the page is not run.
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.inlineRan = true";
            document.head.append(script);
        }"""
    )
    page.wait_for_function("() => true")
    assert page.evaluate("window.inlineRan") is None
    assert any("inline script" in text for text in console.violations())


def test_admin_pages_run_under_the_policy_with_nothing_refused(live_server, page):
    demo_load()
    get_user_model().objects.create_superuser("root", "root@example.org", "a-long-pass-phrase-7")
    console = Console(page)
    article = Article.objects.get()
    statement = Statement.objects.first()
    admin = f"{live_server.url}/admin"

    visit(page, f"{admin}/login/?next=/admin/", "#id_username")
    page.fill("#id_username", "root")
    page.fill("#id_password", "a-long-pass-phrase-7")
    page.click("input[type=submit]")
    page.get_by_role("heading", name="Site administration").wait_for()

    pages = [
        (f"{admin}/", "#nav-sidebar, #content-main"),
        (f"{admin}/articles/article/", "#changelist-filter"),
        (f"{admin}/articles/article/{article.pk}/change/", "#suggestions-heading"),
        (f"{admin}/articles/statement/{statement.pk}/change/", ".select2-selection"),
        (f"{admin}/articles/statement/{statement.pk}/history/", "#content"),
        (f"{admin}/actors/actor/", "#changelist"),
    ]
    for url, ready in pages:
        visit(page, url, ready)
    assert console.violations() == []


# What the page holds after loading: whether a payload ran or became an element, and the
# text a reader sees.
PAGE_STATE = """() => ({
    ran: window.__xss !== undefined,
    elements: document.querySelectorAll(
        'img[src="x"], img[onerror], script:not([src]):not([type="application/ld+json"])'
    ).length,
    text: document.body.innerText,
})"""


def test_editor_markup_runs_nowhere(live_server, browser):
    records = xss.xss_archive()
    # The policy would stop an inline handler that a page failed to escape: without it,
    # this proves the escaping itself.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    shown = set()
    pages = [*xss.html_pages(records), "/search/actors.json?q=actor+name"]
    feeds = xss.feeds(records)
    try:
        for path in pages + feeds:
            response = page.goto(live_server.url + path)
            assert response.ok, path
            page.wait_for_load_state("load")  # images (and their onerror) are settled
            state = page.evaluate(PAGE_STATE)
            assert not state["ran"], path
            assert state["elements"] == 0, path
            if path in feeds:  # Chromium shows a feed's source: the payload escaped
                assert escape(xss.XSS) in state["text"], path
            else:  # shown as the text that was written
                assert xss.XSS in state["text"], path
                shown.update(field for field in xss.FIELDS if xss.xss(field) in state["text"])
    finally:
        context.close()
    assert len(pages + feeds) > 30
    assert set(xss.FIELDS) - shown == set()
