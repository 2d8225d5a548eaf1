"""Suggest annotations for an article: actors named in its body, quoted passages.

Names and aliases are matched as whole words, ignoring case, except short all-capital
aliases ("US", "IDF", "UK") which must match exactly, so that "us" in "join us" is not
taken for the United States. Quoted passages are text between “…” or "…" with a known
actor's name or alias within `NEARBY` characters; a person is preferred to an
organisation, then the nearest name wins.
"""

import re
from dataclasses import dataclass

from actors.models import Actor, Alias

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
