"""Statement ↔ event links (StatementEvent): the migration from one event per statement,
the rules of a link, and what the statement page shows of them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from articles.models import Statement, StatementEvent
from tests.factories import EventFactory, StatementFactory

BEFORE = ("articles", "0007_statement_passage")
AFTER = ("articles", "0008_statement_events")


def _apps_at(migration: tuple[str, str]):
    return MigrationExecutor(connection).loader.project_state(migration).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_every_statement_event_as_a_link_that_describes_it():
    call_command("migrate", *BEFORE, verbosity=0)
    try:
        apps = _apps_at(BEFORE)
        actor = apps.get_model("actors", "Actor").objects.create(name="Speaker", slug="speaker")
        outlet = apps.get_model("articles", "Outlet").objects.create(
            name="Outlet", slug="outlet", url="https://outlet.example"
        )
        article = apps.get_model("articles", "Article").objects.create(
            title="Report",
            slug="report",
            outlet=outlet,
            url="https://outlet.example/report",
            published_on=datetime.date(2023, 10, 28),
            body="Words one. Words two. Words three.",
        )
        Event = apps.get_model("articles", "Event")
        call = Event.objects.create(title="Call", slug="call", start_date=article.published_on)
        strike = Event.objects.create(title="Strike", slug="strike", start_date="2023-10-01")
        Statement = apps.get_model("articles", "Statement")
        made = [
            Statement.objects.create(
                article=article,
                speaker=actor,
                text=text,
                said_on=article.published_on,
                event=event,
            )
            for text, event in [
                ("Words one.", call),
                ("Words two.", strike),
                ("Words three.", None),
            ]
        ]
        call_command("migrate", *AFTER, verbosity=0)
        links = _apps_at(AFTER).get_model("articles", "StatementEvent").objects
        assert sorted(links.values_list("statement_id", "event__slug", "stance")) == [
            (made[0].pk, "call", "describes"),
            (made[1].pk, "strike", "describes"),
        ]
    finally:
        call_command("migrate", verbosity=0)


@pytest.mark.django_db
def test_a_claimed_figure_goes_with_what_it_counts_and_a_range_is_in_order():
    statement, event = StatementFactory(), EventFactory()

    def link(**values) -> StatementEvent:
        return StatementEvent(statement=statement, event=event, stance="claims", **values)

    with pytest.raises(ValidationError, match="A claimed figure and what it counts go together"):
        link(claimed_figure=12).full_clean()
    with pytest.raises(ValidationError, match="A claimed figure and what it counts go together"):
        link(figure_kind="killed").full_clean()
    with pytest.raises(ValidationError, match="The top of a range is at least its bottom"):
        link(figure_kind="killed", claimed_figure=50, claimed_figure_max=40).full_clean()
    link(figure_kind="killed", claimed_figure=40, claimed_figure_max=50).full_clean()
    link(figure_kind="killed", claimed_figure=40, claimed_figure_max=50).save()
    with pytest.raises(ValidationError, match="already has this stance and figure"):
        link(figure_kind="killed", claimed_figure=41).full_clean()


@pytest.mark.django_db
def test_the_statement_page_shows_each_public_event_with_its_stance_and_figure(client):
    statement = StatementFactory()
    strike = EventFactory(title="Strike on the camp")
    StatementEvent.objects.create(
        statement=statement,
        event=strike,
        stance="denies",
        figure_kind="killed",
        claimed_figure=40,
        claimed_figure_max=50,
    )
    StatementEvent.objects.create(
        statement=statement, event=EventFactory(title="Hidden raid", status="draft")
    )
    page = client.get(statement.get_absolute_url()).content.decode()
    assert "Denies" in page and "Strike on the camp" in page and "40–50 killed" in page
    assert "Hidden raid" not in page
    assert list(Statement.objects.about_event(strike, stance="denies")) == [statement]
    assert not Statement.objects.about_event(strike, stance="claims").exists()
