"""Competing accounts: who claimed, denied or condemned what about an event, side by side.

The event page's Accounts section groups the public statements about the event by side
(the speaker's country, else its top parent organisation) and, within a side, by stance;
its figures table lists each claimed figure on its own row, never added up. The actor
page lists, per event, the stances the actor took. Everything here is grouped from rows
loaded in a bounded number of queries: the links (with their statements), one query per
level of the organisation tree for the speakers' parents, and the names of the states.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from actors.models import Actor

from .. import freshness
from ..models import Event, Statement, StatementEvent

ACCOUNTS_SIZE = 100  # links shown on an event page before "see all"
FIGURES_SIZE = 100  # rows of its figures table
ACTOR_ACCOUNTS_SIZE = 30  # links shown on an actor page
STANCE_ORDER = {value: position for position, value in enumerate(StatementEvent.Stance.values)}


@dataclass(frozen=True)
class Side:
    """Whose account it is: a country ("IL", named by its state's actor when the archive
    has one), else the top organisation the speaker belongs to, else the speaker."""

    key: str
    label: str
    actor: Actor | None = None  # the page the side's name links to


@dataclass
class Account:
    """One statement's account of the event under one stance: its links (one per figure)."""

    statement: object
    links: list[StatementEvent]

    @property
    def figures(self) -> list[str]:
        return [link.figure for link in self.links if link.figure]

    @property
    def notes(self) -> list[str]:
        return [link.note for link in self.links if link.note]


@dataclass
class StanceGroup:
    stance: str
    label: str
    accounts: list[Account] = field(default_factory=list)


@dataclass
class Column:
    side: Side
    groups: list[StanceGroup] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len({a.statement.pk for group in self.groups for a in group.accounts})


@dataclass(frozen=True)
class FigureRow:
    link: StatementEvent
    side: Side


def _side_actor(statement) -> tuple[Actor, str]:
    """The actor whose side the statement speaks for, and its country ("" for none).

    The speaker's country, else the first country above it; else, when the speaker is
    part of an organisation, the top one; else the same for whom the statement is made
    on behalf of (a spokesperson recorded without a country); else the speaker."""
    for who in (statement.speaker, statement.on_behalf_of):
        if who is None:
            continue
        chain = who.chain()
        country = next((actor.country for actor in chain if actor.country), "")
        if country:
            return chain[-1], country
        if len(chain) > 1:
            return chain[-1], ""
    return statement.speaker, ""


def _state_names(codes: set[str]) -> dict[str, Actor]:
    """The state actor of each country code, when the archive has one: one query,
    cached for the archive's generation."""
    if not codes:
        return {}
    key = tuple(sorted(codes))

    def read() -> dict[str, Actor]:
        states = Actor.objects.filter(kind=Actor.Kind.STATE, country__in=key).order_by("name")
        found: dict[str, Actor] = {}
        for state in states.only("pk", "name", "slug", "country", "kind"):
            found.setdefault(state.country, state)
        return found

    return freshness.cached("state-names", key, read)


def sides_of(statements: Iterable) -> dict[int, Side]:
    """The side of each statement, by statement id: the speakers' organisation trees read
    one level per query, the countries named by one (cached) query."""
    statements = list(statements)
    actors = [s.speaker for s in statements] + [s.on_behalf_of for s in statements]
    Actor.objects.load_parents([actor for actor in actors if actor is not None])
    found = {s.pk: _side_actor(s) for s in statements}
    states = _state_names({country for _actor, country in found.values() if country})
    sides = {}
    for pk, (actor, country) in found.items():
        if country:
            state = states.get(country)
            sides[pk] = Side(f"country:{country}", state.name if state else country, state)
        else:
            sides[pk] = Side(f"actor:{actor.pk}", actor.name, actor)
    return sides


@dataclass
class EventAccounts:
    columns: list[Column]
    figures: list[FigureRow]
    stance_counts: list[tuple[str, str, int]]  # (stance, label, statements)
    total: int  # public statements about the event
    shown: int  # statements shown in the columns


def _links_of_event(event: Event) -> QuerySet:
    """The event's links from public statements (the event is the page's own record:
    public, or a draft that staff preview)."""
    return StatementEvent.objects.filter(event=event, statement__is_public=True)


def _counts(event: Event) -> tuple[list[tuple[str, int]], int]:
    """Statements per stance and in all, of the event's public accounts (cached)."""

    def read():
        counts = _links_of_event(event).aggregate(
            total=Count("statement", distinct=True),
            **{
                stance: Count("statement", distinct=True, filter=Q(stance=stance))
                for stance in StatementEvent.Stance.values
            },
        )
        total = counts.pop("total")
        return [(stance, n) for stance, n in counts.items() if n], total

    return freshness.cached("event-accounts", event.pk, read)


def _ordered(links):
    return links.order_by(
        "statement__said_on", "statement_id", "stance", "figure_kind", "claimed_figure"
    )


def event_accounts(event: Event) -> EventAccounts:
    """The event's accounts by side and stance, and its claimed figures."""
    rows = list(
        _ordered(
            _links_of_event(event)
            .for_accounts()
            .select_related("statement__speaker__parent", "statement__on_behalf_of__parent")
        )[: ACCOUNTS_SIZE + 1]
    )
    truncated = len(rows) > ACCOUNTS_SIZE
    rows = rows[:ACCOUNTS_SIZE]
    if truncated:  # the figures of accounts beyond the columns too
        figure_links = list(
            _ordered(
                _links_of_event(event)
                .with_figure()
                .select_related(
                    "statement__speaker__parent",
                    "statement__on_behalf_of__parent",
                    "statement__article",
                )
            )[:FIGURES_SIZE]
        )
    else:
        figure_links = [link for link in rows if link.claimed_figure is not None]
    sides = sides_of(
        {link.statement.pk: link.statement for link in [*rows, *figure_links]}.values()
    )

    columns: dict[str, Column] = {}
    groups: dict[tuple[str, str], StanceGroup] = {}
    accounts: dict[tuple[str, int], Account] = {}
    for link in rows:
        side = sides[link.statement.pk]
        column = columns.setdefault(side.key, Column(side))
        group = groups.get((side.key, link.stance))
        if group is None:
            group = groups[(side.key, link.stance)] = StanceGroup(
                link.stance, link.get_stance_display()
            )
            column.groups.append(group)
        account = accounts.get((link.stance, link.statement.pk))
        if account is None:
            account = accounts[(link.stance, link.statement.pk)] = Account(link.statement, [])
            group.accounts.append(account)
        account.links.append(link)
    for column in columns.values():
        column.groups.sort(key=lambda group: STANCE_ORDER[group.stance])

    if truncated:
        per_stance, total = _counts(event)
    else:
        counted: dict[str, set[int]] = {}
        for link in rows:
            counted.setdefault(link.stance, set()).add(link.statement.pk)
        per_stance = [(stance, len(pks)) for stance, pks in counted.items()]
        total = len({link.statement.pk for link in rows})
    labels = dict(StatementEvent.Stance.choices)
    stance_counts = [
        (stance, labels[stance], n)
        for stance, n in sorted(per_stance, key=lambda item: STANCE_ORDER[item[0]])
    ]
    figures = sorted(
        figure_links,
        key=lambda link: (
            link.figure_kind,
            link.statement.said_on or datetime.date.min,
            link.statement.pk,
        ),
    )
    return EventAccounts(
        columns=sorted(columns.values(), key=lambda c: (-c.count, c.side.label)),
        figures=[FigureRow(link, sides[link.statement.pk]) for link in figures],
        stance_counts=stance_counts,
        total=total,
        shown=len({link.statement.pk for link in rows}),
    )


@dataclass
class EventStances:
    """What one actor said about one event: its accounts, newest first."""

    event: Event
    links: list[StatementEvent] = field(default_factory=list)


def actor_accounts(actor: Actor) -> tuple[list[EventStances], bool]:
    """Per event, the stances the actor took (as speaker, or on whose behalf the statement
    was made), the latest events first: one query. True when there are more."""
    # Two indexed lookups in a UNION, not `speaker = X OR on_behalf_of = X` on the join,
    # which walks every link in event order until it has found enough of them.
    said = Statement.objects.filter(speaker=actor).order_by().values("pk")
    on_behalf = Statement.objects.filter(on_behalf_of=actor).order_by().values("pk")
    links = list(
        StatementEvent.objects.public()
        .filter(statement__in=said.union(on_behalf))
        .select_related("event", "statement")
        .defer("event__description", "statement__translation")
        .order_by("-event__start_date", "event__title", "event_id", "-statement__said_on", "pk")[
            : ACTOR_ACCOUNTS_SIZE + 1
        ]
    )
    per_event: dict[int, EventStances] = {}
    for link in links[:ACTOR_ACCOUNTS_SIZE]:
        per_event.setdefault(link.event_id, EventStances(link.event)).links.append(link)
    return list(per_event.values()), len(links) > ACTOR_ACCOUNTS_SIZE
