"""Suggest annotations for an article: actors named in its body, quoted passages.

Names and aliases are matched as whole words, ignoring case, except short all-capital
aliases ("US", "IDF", "UK") which must match exactly, so that "us" in "join us" is not
taken for the United States. Quoted passages are text between “…” or "…" with a known
actor's name or alias within `NEARBY` characters; a person is preferred to an
organisation, then the nearest name wins.

Events proposed for the article's statements are the events reported in the article
and the events in which the statement's speaker took part around the article's date;
see `event_link_suggestions`.
"""

import datetime
import re
from dataclasses import dataclass

from django.db.models import Q

from actors.models import Actor, Alias

from ..models import Article, Event, EventParticipant, Statement, StatementEvent
from ..quotes import normalise

NEARBY = 200
MIN_QUOTE_LENGTH = 12
_QUOTED = re.compile(r"“([^”]+)”|\"([^\"]+)\"")


@dataclass(frozen=True)
class ActorSuggestion:
    actor: Actor
    matched: str  # the name or alias as found in the body
    count: int


@dataclass(frozen=True)
class QuoteSuggestion:
    text: str
    speaker: Actor
    matched: str  # the name or alias found near the passage
    start: int


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


def quote_suggestions(body: str, *, recorded: list[str] = (), names=None) -> list[QuoteSuggestion]:
    """Quoted passages of `body` with a known actor named nearby, not yet recorded.

    `recorded` holds the texts of the statements already taken from this article;
    a passage that one of them contains, or that contains one of them, is left out.
    """
    names = known_names() if names is None else names
    matches = _name_matches(body, names)
    recorded_norm = [normalise(text).casefold() for text in recorded if text.strip()]
    suggestions = []
    for quoted in _QUOTED.finditer(body):
        text = (quoted.group(1) or quoted.group(2) or "").strip()
        if len(text) < MIN_QUOTE_LENGTH:
            continue
        norm = normalise(text).casefold()
        if any(norm in done or done in norm for done in recorded_norm):
            continue
        best = None
        for start, end, name, actor in matches:
            if start >= quoted.start() and end <= quoted.end():
                continue  # a name inside the quote is who it talks about, not who spoke
            if end <= quoted.start():
                distance = quoted.start() - end
            elif start >= quoted.end():
                distance = start - quoted.end()
            else:
                continue
            if distance > NEARBY:
                continue
            # People speak more often than organisations are quoted; then the nearest.
            score = (not actor.is_person, distance)
            if best is None or score < best[0]:
                best = (score, name, actor)
        if best:
            suggestions.append(
                QuoteSuggestion(text=text, speaker=best[2], matched=best[1], start=quoted.start())
            )
    return suggestions


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
