"""Events: what happened, reported by one or more articles. Everything the pages and
formats know about them."""

import datetime

from django.conf import settings
from django.db.models import Q, QuerySet

from actors.models import Actor

from ..dates import format_period, iso_date
from ..links import path_for, permalink
from ..models import Event, EventParticipant, Place, StatementEvent
from . import actors, places, statements
from . import filtering as f
from .base import Citation, FeedEntry, RecordType, iso, latest
from .facets import count_by, count_by_group, count_by_year
from .interchange_fields import (
    CORRECTIONS,
    STAMPS,
    ArchiveSection,
    Date,
    Nested,
    Ref,
    Refs,
    Scope,
    Value,
)

# The public rows: every public surface starts here and only narrows.
public = Event.objects.published


class EventFilter(f.ListFilterSet):
    SORTS = {
        "-date": ("Newest first", ("-start_date", "title", "pk")),
        "date": ("Oldest first", ("start_date", "title", "pk")),
    }

    q = f.text_filter("Words")
    date_from = f.date_filter("start_date", "gte", "From", method="filter_date_from")
    date_to = f.date_filter("end_date", "lte", "Until", method="filter_date_to")
    actor = f.actor_filter("participants", "Participant", method="filter_actor")
    kind = f.choice_filter("kind", "Kind", Event.Kind.choices, "kind of event")
    event_type = f.choice_filter(
        "kind",
        "ACLED event type",
        list(Event.ACLED_EVENT_TYPE_KEYS.items()),
        "type of event in ACLED's codebook",
        method="filter_event_type",
    )
    place = f.slug_filter(
        "place",
        "Place (or inside it)",
        Place.objects.order_by("name"),
        "place",
        method="filter_place",
    )
    sort = f.sort_filter(SORTS)

    class Meta:
        model = Event
        fields: list[str] = []
        form = f.ListFilterForm

    def __init__(self, data=None, *args, **kwargs):
        # Links made before kinds were renamed keep working: ?kind=diplomatic_contact
        # lists the calls (Event.LEGACY_KINDS).
        if data is not None and data.get("kind") in Event.LEGACY_KINDS:
            data = data.copy()
            data["kind"] = Event.LEGACY_KINDS[data["kind"]][0]
        super().__init__(data, *args, **kwargs)

    # Events overlapping the range, not only those starting in it.
    def filter_date_from(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return queryset.between(value, None)

    def filter_date_to(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return queryset.between(None, value)

    def filter_event_type(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.of_acled_type(Event.ACLED_EVENT_TYPE_KEYS[value])

    def filter_actor(self, queryset: QuerySet, name: str, value: Actor) -> QuerySet:
        return queryset.involving(value)

    def filter_place(self, queryset: QuerySet, name: str, value: Place) -> QuerySet:
        return queryset.within(value)


def _coordinate(event, name: str) -> str:
    place = event.place
    value = getattr(place, name) if place else None
    return "" if value is None else str(value)


COLUMNS = {
    "id": lambda e: e.pk,
    "permalink": lambda e: permalink("articles:event", e.slug),
    "slug": lambda e: e.slug,
    "title": lambda e: e.title,
    "kind": lambda e: e.kind,
    "acled_event_type": lambda e: e.acled_event_type,
    "acled_sub_event_type": lambda e: e.acled_sub_event_type,
    "cameo_code": lambda e: e.cameo_code,
    "start_date": lambda e: iso(e.start_date),
    "end_date": lambda e: iso(e.end_date),
    "date_precision": lambda e: e.date_precision,
    "place_name": lambda e: e.place.name if e.place_id else "",
    "place_slug": lambda e: e.place.slug if e.place_id else "",
    "latitude": lambda e: _coordinate(e, "latitude"),
    "longitude": lambda e: _coordinate(e, "longitude"),
    "fatalities": lambda e: "" if e.fatalities is None else e.fatalities,
    "participants": lambda e: "; ".join(
        f"{p.actor.slug}:{p.role}" for p in e.export_participations
    ),
    "source_urls": lambda e: " ".join(article.url for article in e.export_articles),
    "description": lambda e: e.description,
    "end_date_precision": lambda e: e.end_date_precision if e.end_date else "",
    "ongoing": lambda e: e.ongoing,
}


def _period(event) -> str:
    return format_period(
        event.start_date,
        event.end_date,
        event.date_precision,
        event.end_date_precision,
        ongoing=event.ongoing,
    )


def feed_entry(event) -> FeedEntry:
    where = f" in {event.place.name}" if event.place_id else ""
    return FeedEntry(
        title=event.title,
        link=path_for("articles:event", event.slug),
        description=f"{event.get_kind_display()}{where}, {_period(event)}. " + event.description,
        pubdate=event.published_at,  # in the archive; when it happened is in the description
        updateddate=latest(event.updated_at, event.published_at),
    )


def citation(event) -> Citation:
    """The archive's record of the event, dated when the event happened."""
    return Citation(
        key=f"archive-event-{event.pk}",
        title=event.title,
        path=event.get_absolute_url(),
        modified=event.updated_at.date(),
        csl_type="entry",
        issued=event.start_date,
        issued_precision=event.date_precision,
        note=f"Event record ({event.get_kind_display()})",
    )


def schema_org(event) -> dict:
    """The event with its dates at their precision ("2023-10" when known to the month).

    Initiators organise it, participants attend it; a target is what it is about (an
    air strike's target attends nothing).
    """
    by_role = {}
    for participation in event.participations.all():
        by_role.setdefault(participation.role, []).append(actors.schema_org_of(participation.actor))
    Role = EventParticipant.Role
    return {
        "@type": "Event",
        "name": event.title,
        "url": permalink("articles:event", event.slug),
        "description": event.description,
        "startDate": iso_date(event.start_date, event.date_precision),
        "endDate": iso_date(event.end_date, event.end_date_precision),
        "location": places.schema_org_of(event.place) if event.place_id else None,
        "organizer": by_role.get(Role.INITIATOR),
        "attendee": by_role.get(Role.PARTICIPANT),
        "about": by_role.get(Role.TARGET),
    }


_SITE = settings.SITE_NAME


def open_graph(event) -> list[tuple[str, str | None]]:
    return [
        ("og:type", "website"),
        ("og:title", event.title),
        (
            "og:description",
            event.description or f"{event.get_kind_display()} · {settings.SITE_NAME}",
        ),
    ]


# Each kind ACLED codes, with its event type as the facet writes it: (URL key, name).
_ACLED_GROUPS = {
    kind: next((key, name) for key, name in Event.ACLED_EVENT_TYPE_KEYS.items() if name == type_)
    for kind, (type_, _) in Event.ACLED_TYPES.items()
}

RECORD = RecordType(
    key="events",
    model=Event,
    noun=("event", "events"),
    public=public,
    filterset=EventFilter,
    facets=(
        ("Kinds", count_by("kind", "kind", choices=Event.Kind.choices)),
        ("ACLED event types", count_by_group("kind", "event_type", _ACLED_GROUPS)),
        ("Places", count_by("place__slug", "place", "place__name")),
        ("Start years", count_by_year("start_date")),
    ),
    columns=COLUMNS,
    newest_first=("-published_at", "-id"),
    feed_entry=feed_entry,
    citation=citation,
    schema_org=schema_org,
    open_graph=open_graph,
    sitemap_fields=("slug", "updated_at"),
    search_title="title",
)


def archive_rows(scope: Scope) -> QuerySet:
    """With dates: the events overlapping the period and those an exported statement is
    about, so that no exported statement points to a missing event."""
    rows = Event.objects.all()
    if scope.date_from or scope.date_to:
        about = StatementEvent.objects.filter(statement__in=statements.archive_rows(scope)).values(
            "event_id"
        )
        rows = Event.objects.filter(
            Q(pk__in=rows.between(scope.date_from, scope.date_to)) | Q(pk__in=about)
        )
    return rows.published() if scope.published_only else rows


def _before_acled_kinds(record: dict) -> dict:
    """An event of a file written before the ACLED/CAMEO kinds: a renamed kind gets its
    new name (a diplomatic contact becomes a call, CAMEO 041), a diplomatic kind with no
    CAMEO code the kind's usual one, and a missing end-date precision the day. A record
    written since is left as it is."""
    kind = record.get("kind")
    if not isinstance(kind, str):
        return record  # the check that follows names the wrong type
    if kind in Event.LEGACY_KINDS:
        record["kind"], code = Event.LEGACY_KINDS[kind]
        record.setdefault("cameo_code", code)
    if record["kind"] in Event.DEFAULT_CAMEO_CODES and "cameo_code" not in record:
        record["cameo_code"] = Event.DEFAULT_CAMEO_CODES[record["kind"]]
    record.setdefault("end_date_precision", Event._meta.get_field("end_date_precision").default)
    return record


ARCHIVE = ArchiveSection(
    name="events",
    model=Event,
    key=("slug",),
    fields=(
        Value("slug"),
        Value("title"),
        Value("kind"),
        Date("start_date"),
        Date("end_date"),
        Value("date_precision"),
        Ref("place", "places"),
        Value("description"),
        Value("fatalities"),
        Value("status"),
        Refs("articles", "articles"),
        Nested(
            "participants",
            related="participations",
            fields=(Ref("actor", "actors"), Value("role")),
        ),
        CORRECTIONS,
        *STAMPS,
        Value("cameo_code"),
        Value("end_date_precision"),
        Value("ongoing"),
    ),
    rows=archive_rows,
    # Version 2 files exported before the kinds were renamed (the same release) hold the
    # old kinds as well as version 1 files do.
    upgrades={1: _before_acled_kinds, 2: _before_acled_kinds},
)
