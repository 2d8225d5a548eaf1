"""Factories that build a valid row from no arguments."""

import datetime

import factory

from actors.models import Actor, Alias, Role
from articles.models import (
    Article,
    Event,
    EventParticipant,
    Outlet,
    Place,
    PublicationStatus,
    Statement,
    StatementEvent,
)


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor

    name = factory.Sequence(lambda n: f"Actor {n}")
    slug = factory.Sequence(lambda n: f"actor-{n}")
    kind = Actor.Kind.PERSON


class OrganisationFactory(ActorFactory):
    name = factory.Sequence(lambda n: f"Ministry {n}")
    slug = factory.Sequence(lambda n: f"ministry-{n}")
    kind = Actor.Kind.GOVERNMENT_BODY


class AliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Alias

    actor = factory.SubFactory(ActorFactory)
    name = factory.Sequence(lambda n: f"Alias {n}")


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    person = factory.SubFactory(ActorFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    title = "Minister"
    start_date = datetime.date(2022, 1, 1)
    end_date = None


class OutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outlet

    name = factory.Sequence(lambda n: f"Outlet {n}")
    slug = factory.Sequence(lambda n: f"outlet-{n}")
    url = factory.Sequence(lambda n: f"https://outlet{n}.example.org/")


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place

    name = factory.Sequence(lambda n: f"Place {n}")
    slug = factory.Sequence(lambda n: f"place-{n}")
    kind = Place.Kind.CITY


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    outlet = factory.SubFactory(OutletFactory)
    url = factory.Sequence(lambda n: f"https://news.example.org/articles/{n}")
    published_on = datetime.date(2023, 10, 30)
    body = factory.Sequence(
        lambda n: f"Report number {n}. The minister said: “We will keep talking.” Then left."
    )
    status = PublicationStatus.PUBLISHED


class StatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Statement
        skip_postgeneration_save = True

    article = factory.SubFactory(ArticleFactory)
    speaker = factory.SubFactory(ActorFactory)
    text = "We will keep talking."
    kind = Statement.Kind.QUOTE
    channel = Statement.Channel.INTERVIEW
    said_on = factory.LazyAttribute(lambda o: o.article.published_on)
    status = PublicationStatus.PUBLISHED

    @factory.post_generation
    def event(self, create, extracted, **kwargs):
        """`StatementFactory(event=e)`: a link that describes the event (`stance=` to vary)."""
        if create and extracted is not None:
            StatementEvent.objects.create(statement=self, event=extracted, **kwargs)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Event {n}")
    slug = factory.Sequence(lambda n: f"event-{n}")
    kind = Event.Kind.CALL
    # A diplomatic kind's usual CAMEO code; none for the other kinds.
    cameo_code = factory.LazyAttribute(lambda o: str(Event.DEFAULT_CAMEO_CODES.get(o.kind, "")))
    start_date = datetime.date(2023, 10, 28)
    status = PublicationStatus.PUBLISHED


class EventParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventParticipant

    event = factory.SubFactory(EventFactory)
    actor = factory.SubFactory(ActorFactory)
    role = EventParticipant.Role.PARTICIPANT
