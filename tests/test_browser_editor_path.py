"""The whole editor path, in a real Chromium: one short article with two quotes, one
paraphrase and one event, counting the page loads, pop-up windows and clicks it takes.

The counts are written in docs/decisions.md ("The editor's path through the admin").
"""

import pytest
from playwright.sync_api import expect

from actors.models import Actor, Alias
from articles.models import Article, Event, Outlet, Statement, StatementEvent
from articles.services import editor_create

from .test_browser_admin import editors_group  # noqa: F401 (a fixture)

TITLE = "Blinken meets Shoukry in Cairo as aid waits at Rafah"
BODY = (
    "Cairo, 21 October. US Secretary of State Antony Blinken met Egyptian Foreign Minister "
    "Sameh Shoukry in Cairo on Saturday.\n\n"
    "“We are working to get aid into Gaza as fast as possible,” Blinken told reporters "
    "after the meeting. Shoukry said: “The crossing must open to aid without delay.”\n\n"
    "He added that Egypt would not accept the displacement of Palestinians into Sinai."
)
FIRST_QUOTE = "We are working to get aid into Gaza as fast as possible,"
SECOND_QUOTE = "The crossing must open to aid without delay."
PARAPHRASE = "Egypt will not accept Palestinians being displaced into Sinai, Shoukry said."
PARAPHRASED = "He added that Egypt would not accept the displacement of Palestinians into Sinai."
EVENT = "Blinken–Shoukry meeting in Cairo"


class Path:
    """Counts what the editor does and what the browser loads on the way."""

    def __init__(self, page):
        self.page = page
        self.loaded: list[str] = []
        self.popups = 0
        self.clicks = 0
        page.on("framenavigated", self._navigated)
        page.context.on("page", self._popup)

    @property
    def loads(self) -> int:
        return len(self.loaded)

    def _navigated(self, frame):
        # A new document in the tab (a link followed, a form posted, a redirect's target).
        if frame == self.page.main_frame:
            self.loaded.append(frame.url)

    def _popup(self, _page):
        self.popups += 1

    def click(self, selector):
        self.clicks += 1
        self.page.click(selector)

    def select(self, selector, value):
        self.clicks += 1
        self.page.select_option(selector, value)

    def check(self, selector):
        self.clicks += 1
        self.page.check(selector)

    def pick(self, select_id, term, option):
        """The admin's autocomplete: open it, type, choose (two clicks)."""
        self.click(f"#{select_id} + .select2 .select2-selection")
        self.page.keyboard.type(term)
        self.click(f".select2-results__option:text-is('{option}')")

    def go(self, url):
        """The editor opens a page from a link elsewhere (a bookmark, the menu): one click."""
        self.clicks += 1
        self.page.goto(url)


def log_in(page, base_url):
    editor_create(username="maria", email="", password="a-long-pass-phrase-7")
    page.goto(f"{base_url}/admin/login/?next=/admin/")
    page.fill("#id_username", "maria")
    page.fill("#id_password", "a-long-pass-phrase-7")
    page.click("input[type=submit]")
    page.get_by_role("heading", name="Site administration").wait_for()


def reference_data():
    """What the archive already holds: the outlet, the two speakers and their surnames."""
    Outlet.objects.create(name="Gaza Wire", slug="gaza-wire", url="https://gazawire.example/")
    blinken = Actor.objects.create(name="Antony Blinken", slug="antony-blinken")
    shoukry = Actor.objects.create(name="Sameh Shoukry", slug="sameh-shoukry")
    Alias.objects.create(actor=blinken, name="Blinken")
    Alias.objects.create(actor=shoukry, name="Shoukry")
    return blinken, shoukry


def assert_entered(blinken, shoukry):
    """What the data says once the path is walked, whatever the path."""
    article = Article.objects.get(title=TITLE)
    assert set(article.mentioned_actors.all()) == {blinken, shoukry}
    quotes = {s.text: s.speaker for s in article.statements.filter(kind="quote")}
    assert quotes == {FIRST_QUOTE: blinken, SECOND_QUOTE: shoukry}
    paraphrase = article.statements.get(kind="paraphrase")
    assert (paraphrase.text, paraphrase.speaker) == (PARAPHRASE, shoukry)
    event = Event.objects.get(title=EVENT)
    assert list(event.articles.all()) == [article]
    assert set(event.participations.values_list("actor__name", flat=True)) == {
        "Antony Blinken",
        "Sameh Shoukry",
    }
    linked = StatementEvent.objects.filter(event=event)
    assert set(linked.values_list("statement__text", flat=True)) == {
        FIRST_QUOTE,
        SECOND_QUOTE,
        PARAPHRASE,
    }
    assert Statement.objects.count() == 3
    return article, paraphrase, event


# The same path on main's admin before issue 10's changes (docs/decisions.md): every
# suggestion reloaded the page, each quote went through the statement form to the
# statement list, and the event through its own form to the event list.
BEFORE = {"loads": 14, "popups": 0, "clicks": 31}
AFTER_LOADS = 4  # at most: the add form, its save, the event form, its save


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_editor_path_takes_four_page_loads(live_server, page, editors_group):  # noqa: F811
    blinken, shoukry = reference_data()
    log_in(page, live_server.url)
    admin = f"{live_server.url}/admin"
    path = Path(page)

    # The article, with the paraphrase in a compact inline row anchored to its sentence;
    # the editor typed quotation marks around the paraphrase, which are dropped.
    path.go(f"{admin}/articles/article/add/")
    page.fill("#id_title", TITLE)
    path.pick("id_outlet", "Gaza", "Gaza Wire")
    page.fill("#id_published_on", "2023-10-21")
    page.fill("#id_url", "https://gazawire.example/blinken-shoukry/")
    page.fill("#id_body", BODY)
    path.click("text=Add another Statement")
    path.pick("id_statements-0-speaker", "Shoukry", "Sameh Shoukry")
    path.select("#id_statements-0-kind", "paraphrase")
    page.fill("#id_statements-0-text", f"“{PARAPHRASE}”")
    page.fill("#id_statements-0-anchor", PARAPHRASED)
    # The statement's other fields are folded away.
    expect(page.locator("#id_statements-0-channel")).not_to_be_visible()
    path.click("input[name=_continue]")
    expect(page.get_by_text("was added successfully")).to_be_visible()
    change_url = page.url

    # The suggestions are at the top of the page and act without reloading it.
    status = page.locator("[data-suggestions-status]")
    for name in ["Antony Blinken", "Sameh Shoukry"]:
        path.click(f"button[aria-label='Add {name} to the actors mentioned']")
        expect(status).to_have_text(f"Added {name} to the actors mentioned.")
        expect(page.locator("#id_mentioned_actors option:checked", has_text=name)).to_have_count(1)
    for name in ["Antony Blinken", "Sameh Shoukry"]:
        path.click(f"text=Record the quote of {name}")
        expect(status).to_contain_text(f"Recorded the quote of {name} as statement")

    # The event, filled in from the article; saving it comes back to the article.
    path.click("text=Create an event from this article")
    expect(page.locator("#id_title")).to_have_value(TITLE)
    expect(page.locator("#id_kind")).to_have_value("meeting")
    expect(page.locator("#id_start_date")).to_have_value("2023-10-21")
    expect(page.locator("#id_articles option:checked")).to_have_text(TITLE)
    for row, name in enumerate(["Antony Blinken", "Sameh Shoukry"]):
        actor = page.locator(f"#id_participations-{row}-actor option:checked")
        expect(actor).to_have_text(name)
    page.fill("#id_title", EVENT)
    path.click("input[name=_save]")
    expect(page.get_by_text("was added successfully")).to_be_visible()
    assert page.url == change_url

    # Each statement is proposed for the event reported in the article: link them all.
    checkboxes = page.locator(".event-suggestions input[name=link]")
    expect(checkboxes).to_have_count(3)
    for checkbox in checkboxes.all():
        path.clicks += 1
        checkbox.check()
    path.click("text=Link the checked statements to their events")
    expect(status).to_contain_text("Linked:")

    article, paraphrase, event = assert_entered(blinken, shoukry)
    assert paraphrase.anchor == PARAPHRASED
    assert article.body[paraphrase.passage_start : paraphrase.passage_end] == PARAPHRASED
    print(f"\nBEFORE: {BEFORE}")
    print(f"AFTER: {path.loads} page loads, {path.popups} pop-ups, {path.clicks} clicks")
    print("\n".join(path.loaded))
    assert path.loads <= AFTER_LOADS
    assert path.popups == 0

    # The article's form, open all along, still saves: the mentions added by the
    # suggestions are in it, and its version moved with them (no conflict).
    page.click("input[name=_continue]")
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    assert set(Article.objects.get(pk=article.pk).mentioned_actors.all()) == {blinken, shoukry}
    assert_entered(blinken, shoukry)  # the quotes recorded in place and the links kept


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_deleting_a_speaker_offers_to_merge_it_into_another_actor(
    live_server, page, django_user_model
):
    blinken, _shoukry = reference_data()
    duplicate = Actor.objects.create(name="A. Blinken", slug="a-blinken")
    article = Article.objects.create(
        title=TITLE,
        slug="blinken-meets-shoukry",
        outlet=Outlet.objects.get(),
        url="https://gazawire.example/blinken-shoukry/",
        published_on="2023-10-21",
        body=BODY,
    )
    quote = Statement.objects.create(article=article, speaker=duplicate, text=FIRST_QUOTE)
    django_user_model.objects.create_superuser("admin", "", "a-long-pass-phrase-7")
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "a-long-pass-phrase-7")
    page.click("input[type=submit]")
    page.get_by_role("heading", name="Site administration").wait_for()

    page.goto(f"{live_server.url}/admin/actors/actor/{duplicate.pk}/change/")
    page.click("a.deletelink")
    expect(page.locator("#content")).to_contain_text("cannot be deleted")
    expect(page.locator("#deleted-objects")).to_contain_text(FIRST_QUOTE[:40])
    pick = Path(page).pick
    pick("id_into", "Antony", "Antony Blinken")
    page.click("text=Show what would move")
    expect(
        page.get_by_role("heading", name="What moves from A. Blinken to Antony Blinken")
    ).to_be_visible()
    page.click("text=Yes, merge A. Blinken into Antony Blinken")
    expect(page.get_by_text("Merged “A. Blinken” into “Antony Blinken”")).to_be_visible()
    quote.refresh_from_db()
    assert quote.speaker == blinken
    assert not Actor.objects.filter(pk=duplicate.pk).exists()
