"""`/search/?q=`: the archive's records that match, ranked and grouped by type.

The groups are the record types that declare a `search_title` (`articles/records/`),
each searched within its public rows.

As data (`?format=csv|json|atom`) the page gives the matching records of the chosen type
(`type=`, statements when none is chosen), all of them, in the page's order (best match
first; newest first when the words are broad; a feed: the latest to become public
first), with the same filters as the page.
"""

import difflib

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, QuerySet
from django.http import JsonResponse
from django.shortcuts import render

from actors.models import Actor
from search import engine, normalise

from .. import freshness
from ..formats.tabular import bad_request, export_response, requested_format
from ..lookups import Among
from ..records.base import RecordType
from ..records.filtering import words_are_broad_each
from ..records.registry import RECORD_TYPES
from .exports import export_links, page_feed
from .forms import SearchForm
from .lists import ArchivePaginator, matched_ids

PREVIEW_SIZE = 5  # results per type when no type is chosen
SEARCHED = {key: record for key, record in RECORD_TYPES.items() if record.search_title}


def _first(rows, size: int):
    """A function reading the first `size` rows (bound now, run when the cache misses)."""
    return lambda: list(rows[:size])


def _base(record: RecordType, actor, start, end):
    """The public rows of one type, narrowed to the period and the actor when given."""
    rows = record.public().for_listing()
    if start or end:
        rows = rows.between(start, end)
    return rows.involving(actor) if actor else rows


def _attach_highlights(objects: list, record: RecordType, q: str) -> None:
    """Mark the matched words in one query for the rows on the page."""
    if not objects:
        return
    marked = engine.highlight(record.model.objects.filter(pk__in=[o.pk for o in objects]), q)
    for obj in objects:
        found = marked.get(obj.pk)
        # A query of exclusions only marks nothing: the plain title then.
        obj.search_title_html = engine.marked_html(
            found.title if found else getattr(obj, record.search_title)
        )
        obj.search_snippet_html = engine.marked_html(found.snippet if found else "")


def _matched(bases: dict[str, QuerySet], q: str, narrowed: bool) -> dict[str, list | None]:
    """For each base that a date or an actor narrows, when the words match more than
    SEARCH_BROAD_MATCHES documents of the type's index (a word in a quarter of the
    statements): the ids of its matching rows, at most SEARCH_BROAD_MATCHES and one,
    the words tested on the rows the filters keep, read once per generation
    (`lists.matched_ids`, as the lists do). Looked up by id, every match of the words
    would be read to find a speaker's few, and ranked, every match would be scored.
    None for the other bases."""
    broad = words_are_broad_each(bases, q) if narrowed else {}
    return {
        name: (
            matched_ids(engine.filter_text(base, q, broad=True).order_by())
            if broad.get(name)
            else None
        )
        for name, base in bases.items()
    }


def _counts(bases: dict[str, QuerySet], q: str, matched: dict[str, list | None]) -> dict[str, int]:
    """How many rows of each base match `q`, up to `broad + 1` (more says "more than
    `broad`"): the ids `matched` when read, the others counted once per generation, all
    in one query."""
    broad = settings.SEARCH_BROAD_MATCHES
    querysets = {
        name: engine.counting(base, q) for name, base in bases.items() if matched[name] is None
    }
    key = [freshness.query_key(queryset) for queryset in querysets.values()] + [broad]
    counts = (
        freshness.cached("search-counts", key, lambda: _count_at_once(querysets, broad))
        if querysets
        else {}
    )
    return {name: counts[name] if ids is None else len(ids) for name, ids in matched.items()}


def _count_at_once(querysets: dict[str, QuerySet], broad: int) -> dict[str, int]:
    """`SELECT (SELECT COUNT(*) FROM (… LIMIT n)), (SELECT COUNT(*) FROM (…)), …`: one
    round trip, each count stopping at `broad + 1` rows."""
    if not querysets:
        return {}
    columns, params = [], []
    for number, queryset in enumerate(querysets.values()):
        try:
            sql, sql_params = queryset.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # matches nothing (a search of punctuation only)
            columns.append("0")
            continue
        columns.append(f"(SELECT COUNT(*) FROM ({sql} LIMIT {int(broad) + 1}) counted_{number})")
        params.extend(sql_params)
    first = next(iter(querysets.values()))
    with connections[first.db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns), params)
        counts = cursor.fetchone()
    return dict(zip(querysets, counts, strict=True))


def _matches(
    record: RecordType,
    base: QuerySet,
    q: str,
    *,
    broad: bool,
    matched: list | None,
    every: bool = False,
) -> tuple[QuerySet, str]:
    """The rows of `base` that match, in the order the page and its exports give them,
    and that order's name when it is not relevance. `matched`: see `_matched` (those
    rows are scored each by itself).

    No engine ranks a quarter of a million matches within a page's time: a broad type
    (more than SEARCH_BROAD_MATCHES matches) comes in the list's own order, newest first,
    and the page says so. A page reads its first rows along the list's order index; an
    export of `every` match finds them by id and sorts them (walking the index would read
    all of it for the last match)."""
    if not broad and matched is not None:
        return engine.score(base.filter(Among(F("pk"), matched)), q, alone=True), ""
    if not broad:
        return engine.rank(base, q), ""
    label, order = next(iter(record.filterset.SORTS.values()))
    return engine.filter_text(base, q, broad=not every).order_by(*order), label.lower()


def search_export(request, *, q: str, chosen: str, actor, start, end):
    """The matching records of the chosen type (statements by default) as data: best
    match first, or newest first when the words are broad, as the page lists them."""
    name = chosen or "statements"
    record = SEARCHED[name]
    if name == "actors" and (actor or start or end):
        return bad_request(
            "Actors carry no dates and are not involved with one another: "
            "leave out actor, date_from and date_to, or choose another type."
        )
    if not q:
        rows = record.public().none()
    else:
        bases = {name: _base(record, actor, start, end)}
        matched = _matched(bases, q, bool(actor or start or end))
        broad = _counts(bases, q, matched)[name] > settings.SEARCH_BROAD_MATCHES
        rows, _ = _matches(record, bases[name], q, broad=broad, matched=matched[name], every=True)
    title = f"{record.noun[1].capitalize()} matching “{q}”"
    return export_response(request, rows, record=record, title=title)


def search(request):
    form = SearchForm(request.GET)
    context = {"form": form, "groups": [], "query": ""}
    if not form.is_valid():
        return render(request, "search/results.html", context, status=400)
    data = form.cleaned_data
    q, chosen = data["q"].strip(), data["type"]
    actor, start, end = data["actor"], data["date_from"], data["date_to"]
    if requested_format(request):
        return search_export(request, q=q, chosen=chosen, actor=actor, start=start, end=end)
    context.update(query=q, actor=actor)
    if not q:
        return render(request, "search/results.html", context)
    if not (chosen == "actors" and (actor or start or end)):
        exported = SEARCHED[chosen or "statements"].noun[1]
        context["feed"] = page_feed(request, title=f"{exported.capitalize()} matching “{q}”")
        context["exports"] = export_links(
            request, label=f"the matching {exported}", type=chosen or "statements"
        )

    # Actors carry no dates and are not "involved" with one another: a date or actor
    # filter narrows the three record types and leaves actors out.
    skip_actors = bool(actor or start or end)
    bases = {
        name: _base(record, actor, start, end)
        for name, record in SEARCHED.items()
        if not (name == "actors" and skip_actors)
    }
    # Every type's count at once, each stopping past SEARCH_BROAD_MATCHES.
    matched = _matched(bases, q, skip_actors)
    counts = _counts(bases, q, matched)
    limit = settings.SEARCH_BROAD_MATCHES
    for name, base in bases.items():
        record = SEARCHED[name]
        broad = counts[name] > limit
        group = {"type": name, "heading": record.noun[1].capitalize(), "broad": broad}
        group["count"] = min(counts[name], limit)
        rows, group["order"] = _matches(record, base, q, broad=broad, matched=matched[name])
        if chosen == name:
            # Pages read once per generation of the archive (lists.py).
            paginator = ArchivePaginator(
                rows, settings.PAGE_SIZE, known_count=lambda n=counts[name]: n, cap=limit
            )
            page = paginator.get_page(request.GET.get("page"))
            group["page_obj"] = page
            objects = list(page.object_list)
        else:
            if chosen:  # another type is chosen: its count only
                context["groups"].append(group)
                continue
            key = freshness.query_key(rows)
            objects = (
                freshness.cached("search-preview", key, _first(rows, PREVIEW_SIZE))
                if group["count"]
                else []
            )
        _attach_highlights(objects, record, q)
        group["results"] = objects
        context["groups"].append(group)
    context["total"] = sum(group["count"] for group in context["groups"])
    context["broad"] = any(group["broad"] for group in context["groups"])
    if not context["total"]:
        context.update(_suggestions(q))
    context["chosen"] = chosen
    context["skip_actors"] = skip_actors
    return render(request, "search/results.html", context)


# "No results": the closest known spellings and actor names ---------------------------

VOCABULARY_SOURCES = 20_000  # newest titles of each type the spelling suggestions read
VOCABULARY_TEXTS = 2_000  # and the newest statements' words and articles' summaries
ACTOR_SUGGESTIONS = 5


def _vocabulary() -> dict[str, str]:
    """{folded word: word as written} of the public actors' names and aliases, the newest
    public article and event titles, statements and article summaries: the spellings a
    query is corrected towards."""
    texts = []
    for name in ("actors", "articles", "events"):
        record = SEARCHED[name]
        texts += (
            record.public()
            .order_by("-pk")
            .values_list(record.search_title, flat=True)[:VOCABULARY_SOURCES]
        )
    texts += Actor.objects.filter(pk__in=SEARCHED["actors"].public().values("pk")).values_list(
        "aliases__name", flat=True
    )[:VOCABULARY_SOURCES]
    newest = {"statements": "text", "articles": "summary"}
    for name, field in newest.items():
        rows = SEARCHED[name].public().order_by("-pk").values_list(field, flat=True)
        texts += rows[:VOCABULARY_TEXTS]
    words = {}
    for text in texts:
        for word in normalise.WORD.findall(text or ""):
            folded = normalise.fold(word)
            if len(folded) > 2 and not folded.isdigit():
                words.setdefault(folded, word)
    return words


def _actor_names() -> list[tuple[str, str, int]]:
    """(folded name or alias, name, pk) of every public actor."""
    actors = SEARCHED["actors"].public()
    names = [(name, name, pk) for pk, name in actors.values_list("pk", "name")]
    names += Actor.objects.filter(pk__in=actors.values("pk")).values_list(
        "aliases__name", "name", "pk"
    )
    return [
        (normalise.fold(" ".join(normalise.WORD.findall(a or ""))), n, pk)
        for a, n, pk in names
        if a
    ]


def _corrected(q: str, vocabulary: dict[str, str]) -> str:
    """`q` with each word no known text holds replaced by the closest known word."""
    corrected, changed = q, False
    for match in reversed(list(normalise.WORD.finditer(q))):
        word = match.group()
        folded = normalise.fold(word)
        if folded in vocabulary or len(folded) < 3 or folded.isdigit():
            continue
        # Words of about the same length only: difflib's ratio needs it for 0.75 anyway.
        near = [w for w in vocabulary if abs(len(w) - len(folded)) <= len(folded) // 3 + 1]
        close = difflib.get_close_matches(folded, near, n=1, cutoff=0.75)
        # Another form of the same word (hostage, hostages) is no correction.
        if close and normalise.word_key(close[0]) != normalise.word_key(word):
            known = vocabulary[close[0]]
            known = known.lower() if word.islower() else known  # the reader's case
            corrected = corrected[: match.start()] + known + corrected[match.end() :]
            changed = True
    return corrected if changed else ""


def _suggestions(q: str) -> dict:
    """What a search that found nothing suggests: a corrected query, similar actors."""
    vocabulary = freshness.cached("search-vocabulary", VOCABULARY_SOURCES, _vocabulary)
    names = freshness.cached("search-actor-names", "all", _actor_names)
    wanted = normalise.fold(" ".join(normalise.WORD.findall(q)))
    scored: dict[int, float] = {}
    if len(wanted) >= 3:
        matcher = difflib.SequenceMatcher()
        matcher.set_seq2(wanted)
        words = set(wanted.split())
        for folded, _, pk in names:
            matcher.set_seq1(folded)
            if words & set(folded.split()):
                # A query word that is a whole word of the name counts as close.
                ratio = max(matcher.ratio(), 0.6)
            elif matcher.real_quick_ratio() < 0.6 or matcher.quick_ratio() < 0.6:
                continue
            else:
                ratio = matcher.ratio()
                if ratio < 0.6:
                    continue
            scored[pk] = max(scored.get(pk, 0.0), ratio)
    best = sorted(scored, key=lambda pk: -scored[pk])[:ACTOR_SUGGESTIONS]
    actors = {actor.pk: actor for actor in Actor.objects.filter(pk__in=best)} if best else {}
    return {
        "suggested_query": _corrected(q, vocabulary),
        "suggested_actors": [actors[pk] for pk in best if pk in actors],
    }


SUGGESTIONS = 10


def actor_suggestions(request):
    """`/search/actors.json?q=`: up to ten actors whose name or an alias contains `q`.

    What the actor fields of the filters suggest as the reader types (static/js/suggest.js).
    """
    text = request.GET.get("q", "").strip()[:100]
    if len(text) < 2 or "\x00" in text:
        return JsonResponse([], safe=False)
    rows = freshness.cached(
        "actor-suggestions",
        text.lower(),
        lambda: [
            {"slug": actor.slug, "name": actor.name}
            for actor in Actor.objects.suggested(text, limit=SUGGESTIONS)
        ],
    )
    return JsonResponse(rows, safe=False)
