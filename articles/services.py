"""Writes that touch several rows: loading the demo archive."""

import datetime
from decimal import Decimal

from django.db import transaction

from actors.models import Actor, Alias, Role

from . import demo
from .models import (
    Article,
    Event,
    EventParticipant,
    Outlet,
    Place,
    PublicationStatus,
    Statement,
)


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _save(instance):
    instance.full_clean()
    instance.save()
    return instance


def _upsert(model, lookup: dict, values: dict):
    """Create or update one row by its natural key, validating it first."""
    instance = model.objects.filter(**lookup).first() or model(**lookup)
    changed = instance._state.adding
    for field, value in values.items():
        if changed or getattr(instance, field) != value:
            setattr(instance, field, value)
            changed = True
    # Saving an unchanged row would only add a history entry: skip it.
    return _save(instance) if changed else instance


@transaction.atomic
def demo_load() -> dict[str, int]:
    """Load the seed article, fully annotated. Running it again changes nothing."""
    actors: dict[str, Actor] = {}
    for slug, name, kind, country, parent, wikidata_id, description, aliases in demo.ACTORS:
        actor = _upsert(
            Actor,
            {"slug": slug},
            {
                "name": name,
                "kind": kind,
                "country": country,
                "parent": actors[parent] if parent else None,
                "wikidata_id": wikidata_id,
                "description": description,
            },
        )
        actors[slug] = actor
        for alias in aliases:
            Alias.objects.get_or_create(actor=actor, name=alias)

    for person, title, organisation, start, end in demo.ROLES:
        _upsert(
            Role,
            {"person": actors[person], "title": title, "start_date": _date(start)},
            {"organisation": actors[organisation], "end_date": _date(end)},
        )

    places: dict[str, Place] = {}
    for slug, name, kind, parent, latitude, longitude in demo.PLACES:
        places[slug] = _upsert(
            Place,
            {"slug": slug},
            {
                "name": name,
                "kind": kind,
                "parent": places[parent] if parent else None,
                "latitude": Decimal(latitude) if latitude else None,
                "longitude": Decimal(longitude) if longitude else None,
            },
        )

    outlet = _upsert(Outlet, {"slug": demo.OUTLET["slug"]}, demo.OUTLET)
    article = _upsert(
        Article,
        {"slug": demo.ARTICLE["slug"]},
        {
            **demo.ARTICLE,
            "published_on": _date(demo.ARTICLE["published_on"]),
            "outlet": outlet,
            "status": PublicationStatus.PUBLISHED,
        },
    )
    article.mentioned_actors.set([actors[slug] for slug in demo.MENTIONED_IN_ARTICLE])

    events: dict[str, Event] = {}
    for data in demo.EVENTS:
        event = _upsert(
            Event,
            {"slug": data["slug"]},
            {
                "title": data["title"],
                "kind": data["kind"],
                "start_date": _date(data["start_date"]),
                "date_precision": data["date_precision"],
                "place": places[data["place"]] if data["place"] else None,
                "description": data["description"],
                "status": PublicationStatus.PUBLISHED,
            },
        )
        event.articles.set([article])
        for actor_slug, role in data["participants"]:
            EventParticipant.objects.update_or_create(
                event=event, actor=actors[actor_slug], defaults={"role": role}
            )
        events[data["slug"]] = event

    for data in demo.STATEMENTS:
        statement = _upsert(
            Statement,
            {"article": article, "speaker": actors[data["speaker"]], "text": data["text"]},
            {
                "on_behalf_of": actors[data["on_behalf_of"]] if data["on_behalf_of"] else None,
                "kind": data["kind"],
                "channel": data["channel"],
                "said_on": _date(data["said_on"]) or article.published_on,
                "event": events[data["event"]],
                "language": "en",
                "status": PublicationStatus.PUBLISHED,
            },
        )
        statement.mentioned_actors.set([actors[slug] for slug in data["mentioned"]])

    return {
        "actors": len(actors),
        "places": len(places),
        "articles": 1,
        "events": len(events),
        "statements": len(demo.STATEMENTS),
    }
