"""`/search/?q=`: the archive's records that match, ranked and grouped by type."""

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render

from actors.models import Actor
from search import engine
from search.engine import MAX_QUERY_LENGTH

from ..models import Article, Event, EventParticipant, Statement

TYPE_CHOICES = [
    ("", "All types"),
    ("statements", "Statements"),
    ("actors", "Actors"),
    ("articles", "Articles"),
    ("events", "Events"),
]


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search for",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        help_text='Use "quotes" for a phrase, -word to exclude, or between alternatives.',
    )
    type = forms.ChoiceField(label="Type", choices=TYPE_CHOICES, required=False)
    date_from = forms.DateField(
        label="From", required=False, input_formats=["%Y-%m-%d"], help_text="YYYY-MM-DD"
    )
    date_to = forms.DateField(
        label="To", required=False, input_formats=["%Y-%m-%d"], help_text="YYYY-MM-DD"
    )
    actor = forms.SlugField(
        label="Actor",
        required=False,
        help_text="The slug of a speaker or of an actor mentioned, e.g. james-cleverly.",
    )

    def clean_actor(self):
        slug = self.cleaned_data["actor"]
        if not slug:
            return None
        actor = Actor.objects.filter(slug=slug).first()
        if actor is None:
            raise forms.ValidationError(f"No actor has the slug “{slug}”.")
        return actor

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("The “From” date is after the “To” date.")
        return data


PREVIEW_SIZE = 5  # results per type when no type is chosen
TITLE_FIELDS = {"statement": "text", "actor": "name", "article": "title", "event": "title"}


def _statements(actor, start, end):
    qs = Statement.objects.published().for_listing().between(start, end)
    return qs.involving(actor) if actor else qs


def _articles(actor, start, end):
    qs = Article.objects.published().for_listing().between(start, end)
    return qs.filter(mentioned_actors=actor) if actor else qs


def _events(actor, start, end):
    qs = Event.objects.published().for_listing().between(start, end)
    if actor:
        qs = qs.filter(pk__in=EventParticipant.objects.filter(actor=actor).values("event_id"))
    return qs


def _actors(actor, start, end):
    return Actor.objects.for_listing()


# type: (heading, base queryset given the filters); in display order.
GROUPS = {
    "statements": ("Statements", _statements),
    "actors": ("Actors", _actors),
    "articles": ("Articles", _articles),
    "events": ("Events", _events),
}


def _attach_highlights(objects: list, model, q: str) -> None:
    """Mark the matched words in one query for the rows on the page."""
    if not objects:
        return
    marked = engine.highlight(model.objects.filter(pk__in=[o.pk for o in objects]), q)
    found = {pk: (t, s) for pk, t, s in marked.values_list("pk", "search_title", "search_snippet")}
    for obj in objects:
        title, snippet = found.get(obj.pk, ("", ""))
        # A query of exclusions only marks nothing: show the plain title then.
        plain = getattr(obj, TITLE_FIELDS[model._meta.model_name])
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
    for name, (heading, base) in GROUPS.items():
        if name == "actors" and skip_actors:
            continue
        ranked = engine.rank(base(actor, start, end), q)
        group = {"type": name, "heading": heading}
        if chosen == name:
            page = Paginator(ranked, settings.PAGE_SIZE).get_page(request.GET.get("page"))
            group.update(count=page.paginator.count, page_obj=page)
            objects = list(page.object_list)
        else:
            group["count"] = ranked.count()
            if chosen:  # another type is chosen: its count only
                context["groups"].append(group)
                continue
            objects = list(ranked[:PREVIEW_SIZE]) if group["count"] else []
        _attach_highlights(objects, ranked.model, q)
        group["results"] = objects
        context["groups"].append(group)
    context["total"] = sum(group["count"] for group in context["groups"])
    context["chosen"] = chosen
    context["skip_actors"] = skip_actors
    return render(request, "search/results.html", context)
