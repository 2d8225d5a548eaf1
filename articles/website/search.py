"""`/search/?q=`: the archive's records that match, ranked and grouped by type.

The groups are the record types that declare a `search_title` (`articles/records/`),
each searched within its public rows.
"""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render

from actors.models import Actor
from search import engine

from .. import freshness
from ..records.base import RecordType
from ..records.registry import RECORD_TYPES
from .forms import SearchForm
from .lists import ArchivePaginator

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
    found = {pk: (t, s) for pk, t, s in marked.values_list("pk", "search_title", "search_snippet")}
    for obj in objects:
        title, snippet = found.get(obj.pk, ("", ""))
        # A query of exclusions only marks nothing: show the plain title then.
        plain = getattr(obj, record.search_title)
        obj.search_title_html = engine.marked_html(title or plain)
        obj.search_snippet_html = engine.marked_html(snippet)


def search(request):
    form = SearchForm(request.GET)
    context = {"form": form, "groups": [], "query": ""}
    if not form.is_valid():
        return render(request, "search/results.html", context, status=400)
    data = form.cleaned_data
    q, chosen = data["q"].strip(), data["type"]
    actor, start, end = data["actor"], data["date_from"], data["date_to"]
    context.update(query=q, actor=actor)
    if not q:
        return render(request, "search/results.html", context)

    # Actors carry no dates and are not "involved" with one another: a date or actor
    # filter narrows the three record types and leaves actors out.
    skip_actors = bool(actor or start or end)
    for name, record in SEARCHED.items():
        if name == "actors" and skip_actors:
            continue
        ranked = engine.rank(_base(record, actor, start, end), q)
        group = {"type": name, "heading": record.noun[1].capitalize()}
        if chosen == name:
            # Counts and pages read once per generation of the archive (lists.py).
            paginator = ArchivePaginator(ranked, settings.PAGE_SIZE)
            page = paginator.get_page(request.GET.get("page"))
            group.update(count=paginator.count, page_obj=page)
            objects = list(page.object_list)
        else:
            key = freshness.query_key(ranked)
            group["count"] = freshness.cached("search-count", key, ranked.count)
            if chosen:  # another type is chosen: its count only
                context["groups"].append(group)
                continue
            objects = (
                freshness.cached("search-preview", key, _first(ranked, PREVIEW_SIZE))
                if group["count"]
                else []
            )
        _attach_highlights(objects, record, q)
        group["results"] = objects
        context["groups"].append(group)
    context["total"] = sum(group["count"] for group in context["groups"])
    context["chosen"] = chosen
    context["skip_actors"] = skip_actors
    return render(request, "search/results.html", context)


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
