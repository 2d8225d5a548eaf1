"""An editor enters the seed article in the admin, in a real Chromium, and readers see it."""

import importlib

import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import expect

from actors.models import Actor
from articles.demo import SEED_BODY, SEED_TITLE
from articles.models import (
    Article,
    Correction,
    Event,
    PublicationStatus,
    Statement,
    StatementEvent,
)
from articles.services import demo_load, editor_create

MILLER_QUOTE = (
    "Secretary of State Antony J. Blinken had a conversation with UK Foreign Secretary "
    "James Cleverly."
)
PARAPHRASE = "Cleverly reaffirmed the UK’s support for Israel’s right to self-defense."


@pytest.fixture
def editors_group(transactional_db):
    """The Editors group as its data migration makes it.

    Transactional tests empty the database after each test, and only the permissions
    are created again, so the group is rebuilt from the migration's own list.
    """
    migration = importlib.import_module("articles.migrations.0003_editors_group")
    group, _ = Group.objects.get_or_create(name=migration.EDITORS)
    for app_label, model, actions in migration.PERMISSIONS:
        for action in actions:
            group.permissions.add(
                Permission.objects.get(
                    content_type__app_label=app_label, codename=f"{action}_{model}"
                )
            )
    links = importlib.import_module("articles.migrations.0010_editors_statement_events")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="articles",
            codename__in=[f"{action}_statementevent" for action in links.ACTIONS],
        )
    )
    return group


def pick(page, select_id: str, term: str, option: str):
    """Choose `option` in the admin's select2 autocomplete next to `select_id`."""
    page.click(f"#{select_id} + .select2 .select2-selection")
    page.keyboard.type(term)
    page.click(f".select2-results__option:text-is('{option}')")


def save(page):
    page.click("input[name=_save]")
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_editor_enters_and_publishes_the_seed_article(live_server, page, editors_group):
    editor_create(username="maria", email="maria@example.org", password="a-long-pass-phrase-7")
    admin = f"{live_server.url}/admin"

    page.goto(f"{admin}/login/?next=/admin/")
    page.fill("#id_username", "maria")
    page.fill("#id_password", "a-long-pass-phrase-7")
    page.click("input[type=submit]")
    page.get_by_role("heading", name="Site administration").wait_for()
    assert "Users" not in page.inner_text("#content-main")

    # An outlet.
    page.goto(f"{admin}/articles/outlet/add/")
    page.fill("#id_name", "TechBallad")
    page.fill("#id_url", "https://www.techballad.com/")
    save(page)
    page.get_by_text("was added successfully").wait_for()

    # Two actors.
    for name in ["Matthew Miller", "James Cleverly"]:
        page.goto(f"{admin}/actors/actor/add/")
        page.fill("#id_name", name)
        save(page)
        page.get_by_text("was added successfully").wait_for()

    # The seed article, its two actors picked through the autocomplete, a verified quote
    # and a paraphrase inline.
    page.goto(f"{admin}/articles/article/add/")
    page.fill("#id_title", SEED_TITLE)
    pick(page, "id_outlet", "Tech", "TechBallad")
    page.fill("#id_published_on", "2023-10-30")
    page.fill("#id_url", "https://www.techballad.com/seed/")
    page.fill("#id_body", SEED_BODY)
    pick(page, "id_mentioned_actors", "Miller", "Matthew Miller")
    pick(page, "id_mentioned_actors", "Clever", "James Cleverly")
    page.click("text=Add another Statement")
    pick(page, "id_statements-0-speaker", "Miller", "Matthew Miller")
    page.fill("#id_statements-0-text", MILLER_QUOTE)
    page.select_option("#id_statements-0-kind", "quote")
    page.select_option("#id_statements-0-status", "published")
    page.click("text=Add another Statement")
    pick(page, "id_statements-1-speaker", "Clever", "James Cleverly")
    page.fill("#id_statements-1-text", PARAPHRASE)
    page.select_option("#id_statements-1-kind", "paraphrase")
    page.select_option("#id_statements-1-status", "published")
    save(page)
    page.get_by_text("was added successfully").wait_for()

    article = Article.objects.get(title=SEED_TITLE)
    assert article.status == PublicationStatus.DRAFT
    assert set(article.mentioned_actors.values_list("slug", flat=True)) == {
        "matthew-miller",
        "james-cleverly",
    }
    assert article.retrieved_at is not None  # provenance: prefilled when entered
    assert len(article.body_sha256) == 64
    quote = Statement.objects.get(kind="quote")
    assert quote.passage() is not None

    # An event.
    page.goto(f"{admin}/articles/event/add/")
    page.fill("#id_title", "Blinken–Cleverly phone call on Gaza")
    page.select_option("#id_kind", "call")
    page.fill("#id_start_date", "2023-10-28")
    pick(page, "id_articles", "Israel", SEED_TITLE)
    pick(page, "id_participations-0-actor", "Clever", "James Cleverly")
    save(page)
    page.get_by_text("was added successfully").wait_for()

    # Nothing is public yet: a reader gets 404, the editor a marked preview.
    reader = page.context.browser.new_context()
    response = reader.new_page().goto(f"{live_server.url}/statements/{quote.pk}/")
    assert response.status == 404
    reader.close()
    page.goto(f"{live_server.url}/statements/{quote.pk}/")
    assert page.get_by_text("Draft — not public").first.is_visible()

    # Publish the article and the event with the bulk action.
    for changelist in ["articles/article", "articles/event"]:
        page.goto(f"{admin}/{changelist}/")
        page.check("input[name=_selected_action]")
        page.select_option("select[name=action]", "publish_selected")
        page.click("button[name=index]")
        page.locator("li.success", has_text="Published 1").wait_for()

    event = Event.objects.get(title="Blinken–Cleverly phone call on Gaza")
    assert event.status == PublicationStatus.PUBLISHED

    # Readers see them.
    page.goto(f"{live_server.url}/statements/{quote.pk}/")
    assert MILLER_QUOTE in page.inner_text("main")
    assert "Matthew Miller" in page.inner_text("main")
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    assert SEED_TITLE in page.inner_text("main")
    assert MILLER_QUOTE in page.inner_text("main")
    paraphrase = Statement.objects.get(kind="paraphrase")
    page.goto(f"{live_server.url}/statements/{paraphrase.pk}/")
    assert PARAPHRASE in page.inner_text("main")
    page.goto(f"{live_server.url}{event.get_absolute_url()}")
    assert "Blinken–Cleverly phone call on Gaza" in page.inner_text("main")

    # Saving the published article unchanged asks for nothing (the browser sends the
    # body with CRLF line ends); changing its text asks for a public correction note.
    change_url = f"{admin}/articles/article/{article.pk}/change/"
    page.goto(change_url)
    save(page)
    page.get_by_text("was changed successfully").wait_for()
    assert not Correction.objects.exists()
    assert Article.objects.get(pk=article.pk).body_sha256 == article.body_sha256
    page.goto(change_url)
    page.fill("#id_title", SEED_TITLE + " (updated)")
    save(page)
    assert "write a one-line correction note for readers" in page.inner_text(".errorlist")
    page.fill("#id_correction_note", "The headline now matches the source.")
    save(page)
    page.get_by_text("was changed successfully").wait_for()
    assert Correction.objects.get().changed_fields == "title"
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    assert "Corrections" in page.inner_text("main")
    assert "The headline now matches the source." in page.inner_text("main")

    # A quote that is not in the body is refused, with the closest passage.
    page.goto(f"{admin}/articles/statement/add/")
    pick(page, "id_article", "Israel", SEED_TITLE + " (updated)")
    pick(page, "id_speaker", "Miller", "Matthew Miller")
    page.fill(
        "#id_text", "Secretary Blinken had a long conversation with Foreign Secretary Cleverly."
    )
    save(page)
    errors = page.inner_text(".errorlist")
    assert "This quote is not in the source article's body." in errors
    assert "The closest passage there reads" in errors
    assert Statement.objects.count() == 2


def log_in(page, base_url, username, password):
    page.goto(f"{base_url}/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.get_by_role("heading", name="Site administration").wait_for()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_two_editors_on_one_article_the_second_gets_a_conflict_and_keeps_their_text(
    live_server, browser, page, editors_group
):
    demo_load()
    article = Article.objects.get()
    for name in ("maria", "sam"):
        editor_create(username=name, email="", password="a-long-pass-phrase-7")
    other = browser.new_context(viewport={"width": 1280, "height": 900})
    second = other.new_page()
    second.set_default_timeout(10_000)
    try:
        log_in(page, live_server.url, "maria", "a-long-pass-phrase-7")
        log_in(second, live_server.url, "sam", "a-long-pass-phrase-7")
        url = f"{live_server.url}/admin/articles/article/{article.pk}/change/"
        page.goto(url)
        second.goto(url)

        page.fill("#id_summary", "Summary by Maria.")
        save(page)
        page.get_by_text("was changed successfully").wait_for()

        second.fill("#id_summary", "Summary by Sam.")
        save(second)
        message = second.inner_text(".errornote + .errorlist, ul.errorlist.nonfield")
        assert "Someone else saved this article after you opened it by maria" in message
        assert second.input_value("#id_summary") == "Summary by Sam."
        assert Article.objects.get().summary == "Summary by Maria."

        # Sam has read the message and saves again on purpose.
        save(second)
        second.get_by_text("was changed successfully").wait_for()
        assert Article.objects.get().summary == "Summary by Sam."
    finally:
        other.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_two_editors_on_hamas_the_wikidata_id_does_not_undo_the_new_description(
    live_server, browser, page, editors_group
):
    """The tracker's case: the second editor, adding a Wikidata id, is refused, sees the
    first editor's new description, takes it and saves both on purpose."""
    demo_load()
    hamas = Actor.objects.get(name="Hamas")
    for name in ("maria", "sam"):
        editor_create(username=name, email="", password="a-long-pass-phrase-7")
    other = browser.new_context(viewport={"width": 1280, "height": 900})
    second = other.new_page()
    second.set_default_timeout(10_000)
    new_description = "Palestinian Islamist movement; its armed wing is the Qassam Brigades."
    try:
        log_in(page, live_server.url, "maria", "a-long-pass-phrase-7")
        log_in(second, live_server.url, "sam", "a-long-pass-phrase-7")
        url = f"{live_server.url}/admin/actors/actor/{hamas.pk}/change/"
        page.goto(url)
        second.goto(url)

        page.fill("#id_description", new_description)
        page.fill("#id_correction_note", "Named the armed wing.")
        save(page)
        page.get_by_text("was changed successfully").wait_for()

        second.fill("#id_wikidata_id", "Q38799")
        save(second)
        message = second.locator("ul.errorlist.nonfield")
        expect(message).to_contain_text(
            "Someone else saved this actor after you opened it by maria"
        )
        expect(message).to_contain_text(
            f"In the saved version, Description reads: “{new_description}”"
        )
        expect(message).to_contain_text("In the saved version, Wikidata ID is empty.")
        expect(second.locator("#id_wikidata_id")).to_have_value("Q38799")
        hamas.refresh_from_db()
        assert (hamas.description, hamas.wikidata_id) == (new_description, "")

        # Sam takes Maria's description from the message and saves both on purpose.
        second.fill("#id_description", new_description)
        save(second)
        second.get_by_text("was changed successfully").wait_for()
        hamas.refresh_from_db()
        assert (hamas.description, hamas.wikidata_id) == (new_description, "Q38799")
    finally:
        other.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_editor_links_a_statement_to_an_event_with_a_stance_from_the_article_page(
    live_server, page, editors_group
):
    demo_load()
    article = Article.objects.get()
    statement = article.statements.get(speaker__slug="matthew-miller")
    StatementEvent.objects.filter(statement=statement).delete()
    event = Event.objects.create(
        title="Strike on the Jabalia camp",
        slug="strike-on-the-jabalia-camp",
        start_date=article.published_on,
    )
    index = list(article.statements.all()).index(statement)  # the inline's order
    editor_create(username="maria", email="", password="a-long-pass-phrase-7")
    log_in(page, live_server.url, "maria", "a-long-pass-phrase-7")
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")

    row = f"statements-{index}-events-0"
    pick(page, f"id_{row}-event", "Jabalia", "Strike on the Jabalia camp")
    page.select_option(f"#id_{row}-stance", label="Condemns")
    # A figure without what it counts: the error is on "Figure counts", nothing saved.
    page.fill(f"#id_{row}-claimed_figure", "50")
    save(page)
    cell = page.locator(f"td.field-figure_kind:has(#id_{row}-figure_kind)")
    expect(cell.locator(".errorlist")).to_contain_text("A figure needs what it counts")
    assert not StatementEvent.objects.filter(statement=statement).exists()

    # The editor's choices are still there: say what the figure counts and save.
    expect(page.locator(f"#id_{row}-stance")).to_have_value("condemns")
    page.select_option(f"#id_{row}-figure_kind", label="Killed")
    save(page)
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    link = StatementEvent.objects.get(statement=statement)
    assert (link.event, link.stance, link.figure_kind, link.claimed_figure) == (
        event,
        "condemns",
        "killed",
        50,
    )
    assert link.history.get().history_user.username == "maria"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_choosing_an_event_kind_proposes_its_cameo_code(live_server, page, editors_group):
    editor_create(username="maria", email="maria@example.org", password="a-long-pass-phrase-7")
    page.goto(f"{live_server.url}/admin/login/?next=/admin/articles/event/add/")
    page.fill("#id_username", "maria")
    page.fill("#id_password", "a-long-pass-phrase-7")
    page.click("input[type=submit]")
    code = page.locator("#id_cameo_code")
    expect(code).to_have_value("")

    page.select_option("#id_kind", "multilateral_debate")
    expect(code).to_have_value("040")
    page.select_option("#id_kind", "air_strike")  # not diplomatic: no code
    expect(code).to_have_value("")
    page.select_option("#id_kind", "meeting")
    expect(code).to_have_value("043")
    page.select_option("#id_cameo_code", "044")  # the editor's own choice: a third country

    page.fill("#id_title", "Meeting in Cairo")
    page.fill("#id_start_date", "2023-10-21")
    save(page)
    page.get_by_text("was added successfully").wait_for()
    event = Event.objects.get(title="Meeting in Cairo")
    assert (event.kind, event.cameo_code) == ("meeting", "044")
