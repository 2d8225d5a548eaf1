import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from actors.models import Actor
from articles.models import PublicationStatus, Statement

from .factories import (
    ActorFactory,
    AliasFactory,
    ArticleFactory,
    EventFactory,
    EventParticipantFactory,
    OutletFactory,
    PlaceFactory,
    RoleFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db


def raises_integrity_error(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_actor_slug_is_unique_in_the_database():
    ActorFactory(slug="james-cleverly")
    raises_integrity_error(lambda: ActorFactory(slug="james-cleverly"))


def test_wikidata_id_is_unique_only_when_set():
    ActorFactory(wikidata_id="Q6279")
    ActorFactory(wikidata_id="")
    ActorFactory(wikidata_id="")  # many actors without an id are fine
    raises_integrity_error(lambda: ActorFactory(wikidata_id="Q6279"))


@pytest.mark.parametrize("bad", ["6279", "q6279", "Q", "Q01", "Q12a", "P39"])
def test_wikidata_id_format_is_enforced_by_the_database(bad):
    raises_integrity_error(lambda: ActorFactory(wikidata_id=bad))


def test_wikidata_id_format_error_reads_well_in_forms():
    actor = ActorFactory.build(wikidata_id="wd:6279")
    with pytest.raises(ValidationError, match="Q followed by digits"):
        actor.full_clean()


def test_country_must_be_two_capital_letters():
    raises_integrity_error(
        lambda: Actor.objects.bulk_create([Actor(name="X", slug="x", country="g1")])
    )
    assert ActorFactory(country="gb").country == "GB"


def test_actor_cannot_be_its_own_parent():
    actor = ActorFactory()
    actor.parent = actor
    raises_integrity_error(actor.save)


def test_parent_cycles_are_refused_on_validation():
    air_force = ActorFactory(kind=Actor.Kind.MILITARY)
    army = ActorFactory(kind=Actor.Kind.MILITARY)
    air_force.parent = army
    air_force.save()
    army.parent = air_force
    with pytest.raises(ValidationError, match="part of itself"):
        army.full_clean()


def test_role_cannot_end_before_it_starts():
    raises_integrity_error(
        lambda: RoleFactory(
            start_date=datetime.date(2023, 11, 13), end_date=datetime.date(2023, 11, 12)
        )
    )


def test_event_cannot_end_before_it_starts():
    raises_integrity_error(
        lambda: EventFactory(
            start_date=datetime.date(2023, 10, 27), end_date=datetime.date(2023, 10, 26)
        )
    )


def test_article_url_and_slug_are_unique():
    article = ArticleFactory()
    raises_integrity_error(lambda: ArticleFactory(url=article.url))
    raises_integrity_error(lambda: ArticleFactory(slug=article.slug))


def test_place_coordinates_come_in_valid_pairs():
    PlaceFactory(latitude=33.2833, longitude=35.7)
    raises_integrity_error(lambda: PlaceFactory(latitude=95, longitude=35.7))
    raises_integrity_error(lambda: PlaceFactory(latitude=33.2, longitude=None))


def test_alias_is_unique_per_actor():
    alias = AliasFactory(name="@SecBlinken")
    raises_integrity_error(lambda: AliasFactory(actor=alias.actor, name="@SecBlinken"))


def test_participant_appears_once_per_event():
    participation = EventParticipantFactory()
    raises_integrity_error(
        lambda: EventParticipantFactory(event=participation.event, actor=participation.actor)
    )


def test_outlet_with_articles_cannot_be_deleted():
    article = ArticleFactory()
    with pytest.raises(ProtectedError):
        article.outlet.delete()


def test_article_with_statements_cannot_be_deleted():
    statement = StatementFactory()
    with pytest.raises(ProtectedError):
        statement.article.delete()


def test_speaker_cannot_be_deleted():
    statement = StatementFactory()
    with pytest.raises(ProtectedError):
        statement.speaker.delete()


def test_on_behalf_of_actor_cannot_be_deleted():
    statement = StatementFactory(on_behalf_of=ActorFactory())
    with pytest.raises(ProtectedError):
        statement.on_behalf_of.delete()


def test_event_participant_and_place_cannot_be_deleted():
    place = PlaceFactory()
    participation = EventParticipantFactory(event=EventFactory(place=place))
    with pytest.raises(ProtectedError):
        participation.actor.delete()
    with pytest.raises(ProtectedError):
        place.delete()


def test_event_with_statements_cannot_be_deleted():
    event = EventFactory()
    StatementFactory(event=event)
    with pytest.raises(ProtectedError):
        event.delete()


def test_person_with_roles_and_organisation_with_members_cannot_be_deleted():
    role = RoleFactory()
    with pytest.raises(ProtectedError):
        role.person.delete()
    with pytest.raises(ProtectedError):
        role.organisation.delete()


def test_parent_organisation_cannot_be_deleted():
    parent = ActorFactory(kind=Actor.Kind.MILITARY)
    ActorFactory(kind=Actor.Kind.MILITARY, parent=parent)
    with pytest.raises(ProtectedError):
        parent.delete()


@pytest.fixture
def cleverly():
    person = ActorFactory(name="James Cleverly")
    RoleFactory(
        person=person,
        title="Foreign Secretary",
        start_date=datetime.date(2022, 9, 6),
        end_date=datetime.date(2023, 11, 13),
    )
    RoleFactory(
        person=person,
        title="Home Secretary",
        start_date=datetime.date(2023, 11, 13),
        end_date=datetime.date(2024, 7, 5),
    )
    return person


@pytest.mark.parametrize(
    ("day", "title"),
    [
        (datetime.date(2022, 9, 5), None),  # the day before the first role
        (datetime.date(2022, 9, 6), "Foreign Secretary"),  # first day
        (datetime.date(2023, 10, 28), "Foreign Secretary"),
        (datetime.date(2023, 11, 12), "Foreign Secretary"),
        (datetime.date(2023, 11, 13), "Home Secretary"),  # hand-over day: the newer role
        (datetime.date(2024, 7, 5), "Home Secretary"),  # last day is inclusive
        (datetime.date(2024, 7, 6), None),
    ],
)
def test_role_on_at_the_edges(cleverly, day, title):
    role = cleverly.role_on(day)
    assert (role.title if role else None) == title


def test_role_on_with_an_open_ended_role():
    role = RoleFactory(start_date=datetime.date(2020, 1, 1), end_date=None)
    assert role.person.role_on(datetime.date(2030, 1, 1)) == role
    assert role.person.role_on(datetime.date(2019, 12, 31)) is None


def test_statement_said_on_defaults_to_the_article_date():
    article = ArticleFactory(published_on=datetime.date(2023, 10, 30))
    statement = StatementFactory(article=article, said_on=None)
    assert statement.said_on == datetime.date(2023, 10, 30)


def test_quote_not_in_the_body_is_refused_with_the_closest_passage():
    article = ArticleFactory(body="The minister said: “We will keep talking to our partners.”")
    statement = Statement(
        article=article,
        speaker=ActorFactory(),
        text="We shall keep talking to our partners",
        kind=Statement.Kind.QUOTE,
    )
    with pytest.raises(ValidationError) as error:
        statement.full_clean()
    message = error.value.message_dict["text"][0]
    assert "not in the source article" in message
    assert "We will keep talking to our partners" in message


def test_quote_matches_across_typographic_differences():
    article = ArticleFactory(body="He said “Israel’s right — to   self-defense” today.")
    statement = Statement(
        article=article,
        speaker=ActorFactory(),
        text="israel's right - to self-defense",
        kind=Statement.Kind.QUOTE,
    )
    statement.full_clean()
    start, end = statement.locate_passage()
    assert article.body[start:end] == "Israel’s right — to   self-defense"


def test_paraphrase_is_not_checked_against_the_body():
    article = ArticleFactory(body="Nothing relevant here.")
    statement = Statement(
        article=article,
        speaker=ActorFactory(),
        text="The army said it hit targets.",
        kind=Statement.Kind.PARAPHRASE,
    )
    statement.full_clean()


def test_statement_is_public_only_when_it_and_its_article_are_published():
    public = StatementFactory()
    draft_statement = StatementFactory(status=PublicationStatus.DRAFT)
    draft_article = StatementFactory(article=ArticleFactory(status=PublicationStatus.DRAFT))
    assert list(Statement.objects.published()) == [public]
    assert public.is_public
    assert not draft_statement.is_public
    assert not draft_article.is_public


def test_article_records_a_checksum_of_its_body():
    article = ArticleFactory(body="abc")
    assert article.body_sha256 == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )


def test_involving_finds_statements_by_and_about_an_actor_once():
    actor = ActorFactory()
    by = StatementFactory(speaker=actor)
    by.mentioned_actors.add(actor)  # speaker also mentioned: still listed once
    about = StatementFactory()
    about.mentioned_actors.add(actor)
    StatementFactory()
    assert set(Statement.objects.involving(actor)) == {by, about}
    assert Statement.objects.involving(actor).count() == 2


def test_outlet_factory_builds_a_valid_row():
    OutletFactory().full_clean()
