"""An editor, in a real Chromium, sees who said each quote and creates a missing actor
from the article's page in one click."""

import importlib
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import expect

from actors.models import Actor
from articles.services import editor_create

from .factories import ArticleFactory, OrganisationFactory

BODY = (Path(__file__).parent / "data" / "attribution" / "guterres-security-council.txt").read_text(
    encoding="utf-8"
)


def editors_group():
    """The Editors group as its data migration makes it (a transactional test empties it)."""
    migration = importlib.import_module("articles.migrations.0003_editors_group")
    group, _ = Group.objects.get_or_create(name=migration.EDITORS)
    for app_label, model, actions in migration.PERMISSIONS:
        for action in actions:
            group.permissions.add(
                Permission.objects.get(
                    content_type__app_label=app_label, codename=f"{action}_{model}"
                )
            )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_editor_creates_the_speaker_of_a_quote_and_records_the_statement(live_server, page):
    editors_group()
    OrganisationFactory(name="Hamas", slug="hamas", kind=Actor.Kind.ARMED_GROUP)
    article = ArticleFactory(body=BODY)
    editor_create(username="maria", email="", password="a-long-pass-phrase-7")
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", "maria")
    page.fill("#id_password", "a-long-pass-phrase-7")
    page.click("input[type=submit]")
    page.get_by_role("heading", name="Site administration").wait_for()
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")

    quotes = page.get_by_role("list", name="Quoted passages not yet recorded as statements")
    vacuum = quotes.get_by_role("listitem").filter(has_text="did not happen in a vacuum")
    expect(vacuum).to_contain_text(
        "Speaker: António Guterres, not in the archive yet (subject of 'told')"
    )
    expect(vacuum).not_to_contain_text("by Hamas")

    names = page.get_by_role("list", name="Names not in the archive")
    guterres = names.get_by_role("listitem").filter(has_text="António Guterres")
    expect(guterres.get_by_label("Kind of António Guterres")).to_have_value("person")
    guterres.get_by_role(
        "button", name="Create António Guterres and add to the actors mentioned"
    ).click()
    # The panel answers without a reload (static/js/admin_suggestions.js).
    expect(page.locator("[data-suggestions-status]")).to_contain_text(
        "Created António Guterres (person) and added it to the actors mentioned."
    )
    expect(page.locator("#id_mentioned_actors option:checked")).to_have_text(["António Guterres"])
    actor = Actor.objects.get(name="António Guterres")
    assert list(article.mentioned_actors.all()) == [actor]
    expect(names.get_by_role("listitem").filter(has_text="António Guterres")).to_have_count(0)

    # The quote is now his: one click opens the statement form filled in.
    vacuum = quotes.get_by_role("listitem").filter(has_text="did not happen in a vacuum")
    vacuum.get_by_role(
        "link", name="Create a statement by António Guterres, editing it first"
    ).click()
    expect(page.locator("#id_text")).to_have_value("did not happen in a vacuum")
    expect(page.locator("#id_speaker")).to_have_value(str(actor.pk))
