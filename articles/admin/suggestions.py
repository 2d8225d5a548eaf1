"""Suggest annotations for an article: actors named in its body, quoted passages, names
not in the archive yet.

Names and aliases are matched as whole words, ignoring case, except short all-capital
aliases ("US", "IDF", "UK") which must match exactly, so that "us" in "join us" is not
taken for the United States. A quoted passage's speaker is read from the grammar of its
sentence (`articles.attribution`): the subject of its speech verb, not the nearest name.
The speaker is proposed as the known actor the name or an alias resolves to, otherwise
by name, to be created; each with the reason.

Events proposed for the article's statements are the events reported in the article
and the events in which the statement's speaker took part around the article's date;
see `event_link_suggestions`.
"""

import datetime
import re
from dataclasses import dataclass

from django.db.models import Q

from actors.models import Actor, Alias

from .. import attribution
from ..models import Article, Event, EventParticipant, Place, Statement, StatementEvent
from ..names import COUNTRIES
from ..quotes import normalise

MIN_QUOTE_LENGTH = 12


@dataclass(frozen=True)
class ActorSuggestion:
    actor: Actor
    matched: str  # the name or alias as found in the body
    count: int


@dataclass(frozen=True)
class QuoteSuggestion:
    text: str
    speaker: Actor | None  # the known actor who said it; None when not in the archive
    speaker_name: str  # the speaker as the text names them; "" when not found
    reason: str  # why this speaker: "subject of 'told'"
    start: int


@dataclass(frozen=True)
class NameProposal:
    name: str
    kind: str  # the Actor.Kind proposed
    count: int
    role: str  # the title it came with in the text: "UN Secretary-General"

    @property
    def kind_choices(self) -> list[tuple[str, str]]:
        return Actor.Kind.choices


def _is_acronym(name: str) -> bool:
    letters = name.lstrip("@")
    return len(letters) <= 5 and letters.isupper()


def known_names() -> list[tuple[str, Actor]]:
    """Every actor's name and aliases (two queries)."""
    actors = {actor.pk: actor for actor in Actor.objects.all()}
    names = [(actor.name, actor) for actor in actors.values()]
    for actor_id, name in Alias.objects.values_list("actor_id", "name"):
        names.append((name, actors[actor_id]))
    return names


def _pattern(names: list[str], *, ignore_case: bool) -> re.Pattern | None:
    if not names:
        return None
    # Longest first, so "Israel Air Force" wins over "Israel".
    alternatives = "|".join(re.escape(name) for name in sorted(set(names), key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE if ignore_case else 0)


def _name_matches(body: str, names: list[tuple[str, Actor]]) -> list[tuple[int, int, str, Actor]]:
    """(start, end, text, actor) of every name or alias found in `body`."""
    by_folded: dict[str, list[Actor]] = {}
    by_exact: dict[str, list[Actor]] = {}
    for name, actor in names:
        name = name.strip()
        if not name:
            continue
        if _is_acronym(name):
            by_exact.setdefault(name, []).append(actor)
        else:
            by_folded.setdefault(name.casefold(), []).append(actor)
    found = []
    for pattern, lookup, fold in (
        (_pattern(list(by_folded), ignore_case=True), by_folded, True),
        (_pattern(list(by_exact), ignore_case=False), by_exact, False),
    ):
        if pattern is None:
            continue
        # The folded keys are lower case; the pattern ignores case, so match the body as is.
        for match in pattern.finditer(body):
            text = match.group(0)
            for actor in lookup.get(text.casefold() if fold else text, []):
                found.append((match.start(), match.end(), text, actor))
    found.sort(key=lambda item: item[0])
    return found


def actor_suggestions(
    body: str, *, exclude_ids: set[int] | frozenset = frozenset(), names=None
) -> list[ActorSuggestion]:
    """Actors whose name or an alias occurs in `body`, except those in `exclude_ids`."""
    names = known_names() if names is None else names
    first: dict[int, ActorSuggestion] = {}
    for _start, _end, text, actor in _name_matches(body, names):
        if actor.pk in exclude_ids:
            continue
        if actor.pk in first:
            previous = first[actor.pk]
            first[actor.pk] = ActorSuggestion(actor, previous.matched, previous.count + 1)
        else:
            first[actor.pk] = ActorSuggestion(actor, text, 1)
    return sorted(first.values(), key=lambda s: (-s.count, s.actor.name))


def _known(names) -> tuple[attribution.Known, dict[str, Actor]]:
    """The archive's names for the attribution, and each folded name's actor (an
    actor's own name wins over another's alias)."""
    by_name: dict[str, Actor] = {}
    for name, actor in sorted(names, key=lambda item: item[0] != item[1].name):
        by_name.setdefault(name.strip().casefold(), actor)
    known = attribution.Known((name, actor.is_person) for name, actor in names)
    return known, by_name


def quote_suggestions(body: str, *, recorded: list[str] = (), names=None) -> list[QuoteSuggestion]:
    """Quoted passages of `body` not yet recorded, each with its speaker and the reason.

    `recorded` holds the texts of the statements already taken from this article;
    a passage that one of them contains, or that contains one of them, is left out, and
    a passage quoted twice (a headline and the text) is proposed once. A passage whose
    speaker is not found is still proposed, saying why.
    """
    names = known_names() if names is None else names
    known, by_name = _known(names)
    recorded_norm = [normalise(text).casefold() for text in recorded if text.strip()]
    chosen: dict[str, QuoteSuggestion] = {}
    for found in attribution.attribute(body, known=known):
        text = found.quote.text
        if len(text) < MIN_QUOTE_LENGTH:
            continue
        norm = normalise(text).casefold().rstrip(".,")
        if any(norm in done or done in norm for done in recorded_norm):
            continue
        if norm in chosen and (chosen[norm].speaker_name or not found.speaker):
            continue
        chosen[norm] = QuoteSuggestion(
            text=text,
            speaker=by_name.get(found.speaker.casefold()) if found.speaker else None,
            speaker_name=found.speaker,
            reason=found.reason,
            start=found.quote.start,
        )
    return sorted(chosen.values(), key=lambda suggestion: suggestion.start)


_MILITARY = {"forces", "force", "army", "navy", "brigades", "brigade", "corps", "command"}
_GOVERNMENT = {
    "ministry",
    "office",
    "department",
    "government",
    "cabinet",
    "house",
    "administration",
    "embassy",
    "parliament",
    "knesset",
    "senate",
    "congress",
    "authority",
    "police",
}


def _kind_of(name: attribution.Name) -> str:
    if name.is_person:
        return Actor.Kind.PERSON
    words = {word.casefold() for word in name.name.split()}
    if words & _MILITARY:
        return Actor.Kind.MILITARY
    if words & _GOVERNMENT:
        return Actor.Kind.GOVERNMENT_BODY
    return Actor.Kind.OTHER


def name_proposals(body: str, *, names=None) -> list[NameProposal]:
    """People and organisations named in `body` that are no actor's name or alias, to
    create: the heuristic of `attribution.unknown_names`, places (the archive's and the
    countries) left out. Names inside quoted passages are not proposed. One query for the
    places, and two for the names unless given."""
    names = known_names() if names is None else names
    known, _ = _known(names)
    places = [*Place.objects.values_list("name", flat=True), *COUNTRIES.values()]
    return [
        NameProposal(name=found.name, kind=_kind_of(found), count=found.count, role=found.role)
        for found in attribution.unknown_names(body, known=known, places=places)
    ]


# A speaker's event counts as "around the article's date" when it was under way at some
# time from this many days before the article to the day after it (a report is usually
# about the past week; a statement can announce what starts the next day).
EVENT_DAYS_BEFORE = 7
EVENT_DAYS_AFTER = 1


@dataclass(frozen=True)
class EventLinkSuggestion:
    statement: Statement
    event: Event
    stance: str  # the proposed StatementEvent.Stance
    reason: str  # why the event is proposed, for the editor

    @property
    def key(self) -> str:
        return f"{self.statement.pk}:{self.event.pk}"


def event_link_suggestions(article: Article) -> list[EventLinkSuggestion]:
    """For each statement of `article`, the events it may give an account of, not linked yet.

    Proposed: the events reported in the article (`Event.articles`), and the events in
    which the statement's speaker took part (`Event.participants`) that were under way
    from EVENT_DAYS_BEFORE days before the article's date to EVENT_DAYS_AFTER after it.
    The stance proposed is "claims" when the speaker initiated the event (an army's
    statement about its own strike claims it), otherwise "describes"; the editor can
    change it before accepting. Drafts are included: this is for editors. An event
    already linked to the statement, whatever the stance, is not proposed again.
    Five queries, whatever the number of statements and events.
    """
    statements = list(article.statements.select_related("speaker").order_by("pk"))
    if not statements:
        return []
    speakers = {statement.speaker_id for statement in statements}
    start = article.published_on - datetime.timedelta(days=EVENT_DAYS_BEFORE)
    end = article.published_on + datetime.timedelta(days=EVENT_DAYS_AFTER)
    under_way = Q(start_date__lte=end) & (
        Q(end_date__gte=start) | Q(end_date__isnull=True, start_date__gte=start)
    )
    events = {
        event.pk: event
        for event in Event.objects.filter(
            Q(articles=article) | (Q(participations__actor__in=speakers) & under_way)
        )
        .distinct()
        .only("pk", "title", "start_date", "end_date", "status")
        .order_by("start_date", "title")
    }
    if not events:
        return []
    reported = set(
        Event.articles.through.objects.filter(article=article, event__in=events).values_list(
            "event_id", flat=True
        )
    )
    roles = {
        (event_id, actor_id): role
        for event_id, actor_id, role in EventParticipant.objects.filter(
            event__in=events, actor__in=speakers
        ).values_list("event_id", "actor_id", "role")
    }
    linked = set(
        StatementEvent.objects.filter(statement__in=statements).values_list(
            "statement_id", "event_id"
        )
    )
    suggestions = []
    for statement in statements:
        for event in events.values():
            if (statement.pk, event.pk) in linked:
                continue
            role = roles.get((event.pk, statement.speaker_id))
            reasons = []
            if event.pk in reported:
                reasons.append("reported in this article")
            if role is not None:
                if not (event.start_date <= end and (event.end_date or event.start_date) >= start):
                    if not reasons:
                        continue  # the speaker's event, but far from the article's date
                else:
                    reasons.append(
                        f"{statement.speaker.name} took part as "
                        f"{EventParticipant.Role(role).label.lower()}"
                    )
            if not reasons:
                continue
            stance = (
                StatementEvent.Stance.CLAIMS
                if role == EventParticipant.Role.INITIATOR
                else StatementEvent.Stance.DESCRIBES
            )
            suggestions.append(EventLinkSuggestion(statement, event, stance, "; ".join(reasons)))
    return suggestions
