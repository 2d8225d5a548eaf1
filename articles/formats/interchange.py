"""The archive as one JSON document: `archive_export()` writes it, `archive_import()` reads it.

Format `{"format": "conflict-archive", "version": 1, ...}`, documented in
docs/data-format.md. Records refer to each other by natural keys (slugs, article URLs,
a statement's article + speaker + text), never by database ids, so an archive moves
between databases. Export is deterministic (sorted by natural key, one record per line),
so export → import into an empty database → export gives the same bytes.

Import runs in one transaction and validates every record with `full_clean()`; the first
invalid record stops it with "record N (kind key): field 'x': message" and nothing is
written. Importing the same file twice changes nothing the second time: unchanged rows
are not saved (no new history entries, no new `updated_at`).
"""

import datetime
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q

from actors.models import Actor, Alias, Role

from ..models import (
    Article,
    Event,
    EventParticipant,
    Outlet,
    Place,
    PublicationStatus,
    Statement,
)

FORMAT = "conflict-archive"
VERSION = 1
CHUNK_SIZE = 2000
PROGRESS_EVERY = 1000

SECTIONS = ["outlets", "places", "actors", "roles", "articles", "events", "statements"]
FIELDS = {
    "outlets": ["slug", "name", "url", "country", "description"],
    "places": ["slug", "name", "kind", "parent", "latitude", "longitude"],
    "actors": ["slug", "name", "kind", "country", "parent", "wikidata_id", "description",
               "aliases"],
    "roles": ["person", "title", "start_date", "end_date", "organisation"],
    "articles": ["url", "slug", "title", "outlet", "archive_url", "byline", "published_on",
                 "language", "summary", "body", "status", "retrieved_at", "mentioned_actors"],
    "events": ["slug", "title", "kind", "start_date", "end_date", "date_precision", "place",
               "description", "fatalities", "status", "articles", "participants"],
    "statements": ["key", "article", "speaker", "on_behalf_of", "text", "kind", "channel",
                   "said_on", "translation", "source_url", "event", "language", "status",
                   "mentioned_actors"],
}  # fmt: skip
LIST_FIELDS = {"aliases", "mentioned_actors", "articles", "participants"}
NULLABLE_FIELDS = {
    "parent", "latitude", "longitude", "end_date", "organisation", "retrieved_at", "place",
    "fatalities", "on_behalf_of", "event", "said_on",
}  # fmt: skip
Progress = Callable[[str], None] | None


def statement_key(article_url: str, speaker_slug: str, text: str) -> str:
    """A statement's natural key: a digest of its source article, speaker and text."""
    digest = hashlib.sha256(f"{article_url}\n{speaker_slug}\n{text}".encode()).hexdigest()
    return digest[:24]


def _iso(value: datetime.date | datetime.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _decimal(value) -> str | None:
    return str(value) if value is not None else None


# Export ---------------------------------------------------------------------------------


def _outlets(_filters) -> Iterator[dict]:
    for outlet in Outlet.objects.order_by("slug").iterator(chunk_size=CHUNK_SIZE):
        yield {name: getattr(outlet, name) for name in FIELDS["outlets"]}


def _places(_filters) -> Iterator[dict]:
    places = Place.objects.select_related("parent").order_by("slug")
    for place in places.iterator(chunk_size=CHUNK_SIZE):
        yield {
            "slug": place.slug,
            "name": place.name,
            "kind": place.kind,
            "parent": place.parent.slug if place.parent_id else None,
            "latitude": _decimal(place.latitude),
            "longitude": _decimal(place.longitude),
        }


def _actors(_filters) -> Iterator[dict]:
    actors = (
        Actor.objects.select_related("parent")
        .prefetch_related(Prefetch("aliases", queryset=Alias.objects.order_by("name")))
        .order_by("slug")
    )
    for actor in actors.iterator(chunk_size=CHUNK_SIZE):
        yield {
            "slug": actor.slug,
            "name": actor.name,
            "kind": actor.kind,
            "country": actor.country,
            "parent": actor.parent.slug if actor.parent_id else None,
            "wikidata_id": actor.wikidata_id,
            "description": actor.description,
            "aliases": [alias.name for alias in actor.aliases.all()],
        }


def _roles(_filters) -> Iterator[dict]:
    roles = Role.objects.select_related("person", "organisation").order_by(
        "person__slug", "start_date", "title"
    )
    for role in roles.iterator(chunk_size=CHUNK_SIZE):
        yield {
            "person": role.person.slug,
            "title": role.title,
            "start_date": _iso(role.start_date),
            "end_date": _iso(role.end_date),
            "organisation": role.organisation.slug if role.organisation_id else None,
        }


def _slugs(actors: Iterable[Actor]) -> list[str]:
    return sorted(actor.slug for actor in actors)


def _article_queryset(filters: dict):
    articles = Article.objects.between(filters.get("date_from"), filters.get("date_to"))
    if filters.get("published_only"):
        articles = articles.published()
    return articles


def _articles(filters: dict) -> Iterator[dict]:
    articles = (
        _article_queryset(filters)
        .select_related("outlet")
        .prefetch_related("mentioned_actors")
        .order_by("url")
    )
    for article in articles.iterator(chunk_size=CHUNK_SIZE):
        yield {
            "url": article.url,
            "slug": article.slug,
            "title": article.title,
            "outlet": article.outlet.slug,
            "archive_url": article.archive_url,
            "byline": article.byline,
            "published_on": _iso(article.published_on),
            "language": article.language,
            "summary": article.summary,
            "body": article.body,
            "status": article.status,
            "retrieved_at": _iso(article.retrieved_at),
            "mentioned_actors": _slugs(article.mentioned_actors.all()),
        }


def _statement_queryset(filters: dict):
    statements = Statement.objects.filter(article__in=_article_queryset(filters))
    if filters.get("published_only"):
        statements = statements.published()
    return statements


def _events(filters: dict) -> Iterator[dict]:
    events = Event.objects.all()
    if filters.get("date_from") or filters.get("date_to"):
        referenced = _statement_queryset(filters).exclude(event=None).values("event_id")
        events = Event.objects.filter(
            Q(pk__in=events.between(filters.get("date_from"), filters.get("date_to")))
            | Q(pk__in=referenced)
        )
    if filters.get("published_only"):
        events = events.published()
    exported_articles = _article_queryset(filters).order_by("url")
    events = (
        events.select_related("place")
        .prefetch_related(
            Prefetch("articles", queryset=exported_articles),
            Prefetch(
                "participations",
                queryset=EventParticipant.objects.select_related("actor").order_by("actor__slug"),
            ),
        )
        .order_by("slug")
    )
    for event in events.iterator(chunk_size=CHUNK_SIZE):
        yield {
            "slug": event.slug,
            "title": event.title,
            "kind": event.kind,
            "start_date": _iso(event.start_date),
            "end_date": _iso(event.end_date),
            "date_precision": event.date_precision,
            "place": event.place.slug if event.place_id else None,
            "description": event.description,
            "fatalities": event.fatalities,
            "status": event.status,
            "articles": [article.url for article in event.articles.all()],
            "participants": [
                {"actor": p.actor.slug, "role": p.role} for p in event.participations.all()
            ],
        }


def _statements(filters: dict) -> Iterator[dict]:
    statements = (
        _statement_queryset(filters)
        .select_related("article", "speaker", "on_behalf_of", "event")
        .prefetch_related("mentioned_actors")
        .order_by("article__url", "speaker__slug", "said_on", "text")
    )
    if filters.get("published_only"):
        # An exported statement may only point to an exported (published) event.
        statements = statements.filter(Q(event=None) | Q(event__status=PublicationStatus.PUBLISHED))
    for statement in statements.iterator(chunk_size=CHUNK_SIZE):
        article, speaker = statement.article.url, statement.speaker.slug
        yield {
            "key": statement_key(article, speaker, statement.text),
            "article": article,
            "speaker": speaker,
            "on_behalf_of": statement.on_behalf_of.slug if statement.on_behalf_of_id else None,
            "text": statement.text,
            "kind": statement.kind,
            "channel": statement.channel,
            "said_on": _iso(statement.said_on),
            "translation": statement.translation,
            "source_url": statement.source_url,
            "event": statement.event.slug if statement.event_id else None,
            "language": statement.language,
            "status": statement.status,
            "mentioned_actors": _slugs(statement.mentioned_actors.all()),
        }


EXPORTERS = {
    "outlets": _outlets,
    "places": _places,
    "actors": _actors,
    "roles": _roles,
    "articles": _articles,
    "events": _events,
    "statements": _statements,
}


def archive_export(
    out: IO[str],
    *,
    published_only: bool = False,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    progress: Progress = None,
) -> dict[str, int]:
    """Write the archive (or the part chosen by the filters) to `out`; return counts.

    Reference data (outlets, places, actors, roles) is always exported whole. The dates
    choose articles by publication date, their statements, and the events that overlap
    the period or that an exported statement is about. Records are written one at a time.
    """
    filters = {"published_only": published_only, "date_from": date_from, "date_to": date_to}
    counts: dict[str, int] = {}
    out.write(f'{{"format": "{FORMAT}", "version": {VERSION}')
    for section in SECTIONS:
        out.write(f',\n"{section}": [')
        count = 0
        for record in EXPORTERS[section](filters):
            out.write(",\n" if count else "\n")
            out.write(json.dumps(record, ensure_ascii=False))
            count += 1
            if progress and count % PROGRESS_EVERY == 0:
                progress(f"{section}: {count} exported")
        out.write("\n]" if count else "]")
        counts[section] = count
        if progress:
            progress(f"{section}: {count}")
    out.write("\n}\n")
    return counts


# Import ---------------------------------------------------------------------------------


class ArchiveError(Exception):
    """The archive cannot be imported; the message names the record and the field."""


class _RecordError(Exception):
    def __init__(self, field: str | None, message: str):
        self.field, self.message = field, message


def _validation_message(error: ValidationError) -> tuple[str | None, str]:
    if hasattr(error, "error_dict"):
        field, errors = next(iter(error.message_dict.items()))
        return (None if field == NON_FIELD_ERRORS else field), " ".join(errors)
    return None, " ".join(error.messages)


class _Importer:
    def __init__(self, progress: Progress):
        self.progress = progress
        self.counts: dict[str, dict[str, int]] = {}
        self.outlets = {o.slug: o for o in Outlet.objects.all()}
        self.places = {p.slug: p for p in Place.objects.all()}
        self.actors = {a.slug: a for a in Actor.objects.all()}
        self.articles: dict[str, Article] = {}
        self.events: dict[str, Event] = {}

    # helpers

    def count(self, section: str, outcome: str) -> None:
        section_counts = self.counts.setdefault(
            section, {"created": 0, "updated": 0, "unchanged": 0}
        )
        section_counts[outcome] += 1

    def ref(self, table: dict, field: str, key, what: str):
        if key is None or key == "":
            return None
        if not isinstance(key, str):
            raise _RecordError(field, f"expected the {what}'s key as a string, not {key!r}")
        if key not in table:
            raise _RecordError(field, f"no {what} “{key}” in the archive or the database")
        return table[key]

    def refs(self, table: dict, field: str, keys, what: str) -> list:
        return [self.ref(table, field, key, what) for key in keys]

    def save(self, instance, values: dict, section: str, *, exclude=()) -> bool:
        """Set values, validate, and save only when something changed."""
        adding = instance._state.adding
        before = {name: getattr(instance, name) for name in values}
        for name, value in values.items():
            setattr(instance, name, value)
        try:
            instance.full_clean(exclude=list(exclude))
        except ValidationError as error:
            raise _RecordError(*_validation_message(error)) from None
        changed = adding or any(getattr(instance, name) != before[name] for name in values)
        if changed:
            instance.save()
        self.count(section, "created" if adding else ("updated" if changed else "unchanged"))
        return changed

    def resave(self, instance) -> None:
        try:
            instance.full_clean()
        except ValidationError as error:
            raise _RecordError(*_validation_message(error)) from None
        instance.save()

    def set_m2m(self, manager, objects: list) -> None:
        wanted = {obj.pk for obj in objects}
        if set(manager.values_list("pk", flat=True)) != wanted:
            manager.set(objects)

    # sections

    def outlet(self, r: dict) -> None:
        outlet = self.outlets.get(r["slug"]) or Outlet(slug=r["slug"])
        values = {name: r[name] for name in FIELDS["outlets"] if name != "slug"}
        self.save(outlet, values, "outlets")
        self.outlets[outlet.slug] = outlet

    def place(self, r: dict) -> None:
        place = self.places.get(r["slug"]) or Place(slug=r["slug"])
        values = {"name": r["name"], "kind": r["kind"]}
        values.update(latitude=r["latitude"], longitude=r["longitude"])
        if place._state.adding:
            values["parent_id"] = None
        self.save(place, values, "places")
        self.places[place.slug] = place

    def place_parent(self, r: dict) -> None:
        place = self.places[r["slug"]]
        parent = self.ref(self.places, "parent", r["parent"], "place")
        if place.parent_id != (parent.pk if parent else None):
            place.parent = parent
            self.resave(place)

    def actor(self, r: dict) -> None:
        actor = self.actors.get(r["slug"]) or Actor(slug=r["slug"])
        values = {
            name: r[name] for name in ("name", "kind", "country", "wikidata_id", "description")
        }
        if actor._state.adding:
            values["parent_id"] = None
        self.save(actor, values, "actors")
        self.actors[actor.slug] = actor
        if not isinstance(r["aliases"], list):
            raise _RecordError("aliases", "expected a list of names")
        existing = {alias.name: alias for alias in actor.aliases.all()}
        for name in r["aliases"]:
            if name not in existing:
                alias = Alias(actor=actor, name=name)
                try:
                    alias.full_clean()
                except ValidationError as error:
                    raise _RecordError("aliases", _validation_message(error)[1]) from None
                alias.save()
        for name, alias in existing.items():
            if name not in r["aliases"]:
                alias.delete()

    def actor_parent(self, r: dict) -> None:
        actor = self.actors[r["slug"]]
        parent = self.ref(self.actors, "parent", r["parent"], "actor")
        if actor.parent_id != (parent.pk if parent else None):
            actor.parent = parent
            self.resave(actor)

    def role(self, r: dict) -> None:
        person = self.ref(self.actors, "person", r["person"], "actor")
        if person is None:
            raise _RecordError("person", "This field cannot be blank.")
        role = (
            Role.objects.filter(person=person, title=r["title"], start_date=r["start_date"]).first()
            if _is_date(r["start_date"])
            else None
        )
        role = role or Role(person=person, title=r["title"], start_date=r["start_date"])
        organisation = self.ref(self.actors, "organisation", r["organisation"], "actor")
        values = {
            "end_date": r["end_date"],
            "organisation_id": organisation.pk if organisation else None,
        }
        self.save(role, values, "roles")

    def article(self, r: dict) -> None:
        outlet = self.ref(self.outlets, "outlet", r["outlet"], "outlet")
        article = Article.objects.filter(url=r["url"]).first() or Article(url=r["url"])
        values = {
            name: r[name]
            for name in FIELDS["articles"]
            if name not in ("url", "outlet", "mentioned_actors")
        }
        values["outlet_id"] = outlet.pk if outlet else None
        self.save(article, values, "articles")
        self.articles[article.url] = article
        mentioned = self.refs(self.actors, "mentioned_actors", r["mentioned_actors"], "actor")
        self.set_m2m(article.mentioned_actors, mentioned)

    def event(self, r: dict) -> None:
        place = self.ref(self.places, "place", r["place"], "place")
        event = Event.objects.filter(slug=r["slug"]).first() or Event(slug=r["slug"])
        values = {
            name: r[name]
            for name in FIELDS["events"]
            if name not in ("slug", "place", "articles", "participants")
        }
        values["place_id"] = place.pk if place else None
        self.save(event, values, "events")
        self.events[event.slug] = event
        articles = [self._article(url, "articles") for url in r["articles"]]
        self.set_m2m(event.articles, articles)
        wanted = {}
        for participant in r["participants"]:
            if not isinstance(participant, dict) or set(participant) != {"actor", "role"}:
                raise _RecordError("participants", 'expected {"actor": slug, "role": role}')
            actor = self.ref(self.actors, "participants", participant["actor"], "actor")
            wanted[actor.pk] = participant["role"]
        existing = {p.actor_id: p for p in event.participations.all()}
        for actor_id, participation in existing.items():
            if actor_id not in wanted:
                participation.delete()
        for actor_id, role in wanted.items():
            participation = existing.get(actor_id) or EventParticipant(
                event=event, actor_id=actor_id
            )
            if participation._state.adding or participation.role != role:
                participation.role = role
                try:
                    participation.full_clean()
                except ValidationError as error:
                    raise _RecordError("participants", _validation_message(error)[1]) from None
                participation.save()

    def _article(self, url, field: str) -> Article:
        if url in self.articles:
            return self.articles[url]
        article = Article.objects.filter(url=url).first() if isinstance(url, str) else None
        if article is None:
            raise _RecordError(field, f"no article with the URL “{url}”")
        self.articles[url] = article
        return article

    def _event(self, slug) -> Event | None:
        if slug is None:
            return None
        if slug not in self.events:
            event = Event.objects.filter(slug=slug).first() if isinstance(slug, str) else None
            if event is None:
                raise _RecordError("event", f"no event “{slug}”")
            self.events[slug] = event
        return self.events[slug]

    def statement(self, r: dict) -> None:
        if r["article"] is None:
            raise _RecordError("article", "This field cannot be blank.")
        article = self._article(r["article"], "article")
        speaker = self.ref(self.actors, "speaker", r["speaker"], "actor")
        if speaker is None:
            raise _RecordError("speaker", "This field cannot be blank.")
        if not isinstance(r["text"], str):
            raise _RecordError("text", "expected a string")
        key = statement_key(article.url, speaker.slug, r["text"])
        if r["key"] not in (None, "", key):
            raise _RecordError(
                "key", f"“{r['key']}” does not match the article, speaker and text ({key})"
            )
        statement = Statement.objects.filter(
            article=article, speaker=speaker, text=r["text"]
        ).first() or Statement(article=article, speaker=speaker, text=r["text"])
        behalf = self.ref(self.actors, "on_behalf_of", r["on_behalf_of"], "actor")
        event = self._event(r["event"])
        values = {
            name: r[name]
            for name in ("kind", "channel", "said_on", "translation", "source_url", "language")
        }
        values.update(
            status=r["status"],
            on_behalf_of_id=behalf.pk if behalf else None,
            event_id=event.pk if event else None,
        )
        if values["said_on"] is None:
            values["said_on"] = article.published_on
        self.save(statement, values, "statements")
        mentioned = self.refs(self.actors, "mentioned_actors", r["mentioned_actors"], "actor")
        self.set_m2m(statement.mentioned_actors, mentioned)


def _is_date(value) -> bool:
    try:
        datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


def _label(section: str, record: Any) -> str:
    kind = section.removesuffix("s")
    if not isinstance(record, dict):
        return kind
    if section == "statements":
        key = record.get("key") or f"{record.get('article')} by {record.get('speaker')}"
    elif section == "roles":
        key = f"{record.get('person')}: {record.get('title')} from {record.get('start_date')}"
    elif section == "articles":
        key = record.get("url")
    else:
        key = record.get("slug")
    return f"{kind} {key}"


def _records(data: dict, section: str) -> list[dict]:
    records = data.get(section, [])
    if not isinstance(records, list):
        raise ArchiveError(f"“{section}” must be a list of records")
    checked = []
    for number, record in enumerate(records, start=1):
        where = f"record {number} ({_label(section, record)})"
        if not isinstance(record, dict):
            raise ArchiveError(f"{where}: expected an object")
        unknown = sorted(set(record) - set(FIELDS[section]))
        if unknown:
            raise ArchiveError(f"{where}: field '{unknown[0]}': not a field of {section}")
        for name in FIELDS[section]:
            if name not in record:
                record[name] = (
                    [] if name in LIST_FIELDS else (None if name in NULLABLE_FIELDS else "")
                )
            elif name in LIST_FIELDS and not isinstance(record[name], list):
                raise ArchiveError(f"{where}: field '{name}': expected a list")
        checked.append(record)
    return checked


def archive_read(stream: IO[str]) -> dict:
    """Parse and check the envelope of an archive file."""
    try:
        data = json.load(stream)
    except json.JSONDecodeError as error:
        raise ArchiveError(f"not valid JSON: {error}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ArchiveError(f'not a conflict archive: expected "format": "{FORMAT}"')
    if data.get("version") != VERSION:
        raise ArchiveError(
            f"archive version {data.get('version')!r} is not supported: this program reads "
            f"version {VERSION}"
        )
    unknown = sorted(set(data) - {"format", "version", *SECTIONS})
    if unknown:
        raise ArchiveError(f"unknown section “{unknown[0]}”")
    return data


@transaction.atomic
def archive_import(*, stream: IO[str], progress: Progress = None) -> dict[str, dict[str, int]]:
    """Import an archive file in one transaction; return created/updated/unchanged counts.

    Raises ArchiveError, naming the record and the field, when any record is invalid;
    the transaction is then rolled back and nothing is written.
    """
    data = archive_read(stream)
    importer = _Importer(progress)
    steps = [
        ("outlets", importer.outlet),
        ("places", importer.place),
        ("places", importer.place_parent),
        ("actors", importer.actor),
        ("actors", importer.actor_parent),
        ("roles", importer.role),
        ("articles", importer.article),
        ("events", importer.event),
        ("statements", importer.statement),
    ]
    records = {section: _records(data, section) for section in SECTIONS}
    for section, step in steps:
        for number, record in enumerate(records[section], start=1):
            try:
                step(record)
            except _RecordError as error:
                where = f"record {number} ({_label(section, record)})"
                field = f"field '{error.field}': " if error.field else ""
                raise ArchiveError(f"{where}: {field}{error.message}") from None
            if progress and number % PROGRESS_EVERY == 0:
                progress(f"{section}: {number} of {len(records[section])}")
    return importer.counts
