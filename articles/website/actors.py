"""`/actors/<slug>/`: an actor's roles, statements by and about them, events, articles and
timeline.

As data (`?format=csv|json|atom`) the page gives statements: `section=by` those the actor
made, `section=about` those about them, each narrowed by its section's period
(`by_from`/`by_to`, `about_from`/`about_to`) as on the page; without a section, both (the
statements of the actor's feed, `/actors/<slug>/feed/`).
"""

from urllib.parse import urlencode

from django.db.models import Count, F, Func, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import TruncMonth
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from actors.models import Actor, FormerSlug

from ..formats.tabular import bad_request, export_response, requested_format
from ..models import EventParticipant
from ..records import articles as article_records
from ..records import events as event_records
from ..records import statements as statement_records
from . import accounts, timeline
from .citing import offers_ris
from .exports import export_links, fixed_feed
from .forms import ActorStatementsForm

SECTION_SIZE = 10  # statements shown per section before "see all"
RELATED_SIZE = 20  # events and articles shown before "see all"
TIMELINE_SIZE = 40


def _see_all(params: dict) -> str:
    return "?" + urlencode({key: value for key, value in params.items() if value})


def _count(queryset) -> Subquery:
    """The number of rows, as a value in another query's SELECT (no GROUP BY)."""
    return Subquery(
        queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"),
        output_field=IntegerField(),
    )


SECTIONS = {"by": "Statements by", "about": "Statements about"}


def _merged_redirect(request, slug) -> HttpResponsePermanentRedirect:
    """A merged actor's address (page or export): 301 to the actor it was merged into,
    query string kept; 404 when the slug was never an actor's."""
    merged_into = FormerSlug.objects.filter(slug=slug).values_list("actor__slug", flat=True)
    if not (target := merged_into.first()):
        raise Http404("No actor has this address.")
    query = request.META.get("QUERY_STRING", "")
    url = reverse("actors:detail", args=[target]) + (f"?{query}" if query else "")
    return HttpResponsePermanentRedirect(url)


def actor_export(request, slug):
    """The actor's statements as CSV, JSON or Atom: one section's, or both sections'."""
    actor = Actor.objects.filter(slug=slug).first()
    if actor is None:
        return _merged_redirect(request, slug)
    section = request.GET.get("section", "").strip()
    public = statement_records.public()
    if not section:
        rows, title = public.involving(actor), f"Statements by or about {actor.name}"
    elif section in SECTIONS:
        form = ActorStatementsForm(request.GET)
        fields = (f"{section}_from", f"{section}_to")
        errors = [
            f"{name}: {' '.join(form.errors[name])}" for name in fields if name in form.errors
        ]
        if errors:
            return bad_request("; ".join(errors))
        by_section = public.by_speaker if section == "by" else public.about
        rows = by_section(actor).between(*form.period(section))
        title = f"{SECTIONS[section]} {actor.name}"
    else:
        return bad_request(f"Unknown section {section[:20]!r}: use section=by or section=about.")
    return export_response(request, rows, record=statement_records.RECORD, title=title)


@offers_ris("actors")
def actor_detail(request, slug):
    if requested_format(request):
        return actor_export(request, slug)
    form = ActorStatementsForm(request.GET or None)
    public = statement_records.public()
    periods = {prefix: form.period(prefix) for prefix in ("by", "about")}
    by_speaker = public.by_speaker(OuterRef("pk")).between(*periods["by"])
    about = public.about(OuterRef("pk")).between(*periods["about"])
    # The sections' counts come with the actor, in its own query.
    try:
        actor = get_object_or_404(
            Actor.objects.for_detail().annotate(
                by_count=_count(by_speaker), about_count=_count(about)
            ),
            slug=slug,
        )
    except Http404:
        # A merged actor's page: its citations lead to the actor it was merged into.
        return _merged_redirect(request, slug)

    # The actor's latest statements: the timeline's, and the first section's unless a
    # period narrows it. Their speaker is the actor, whose roles are already loaded.
    recent = list(public.by_speaker(actor).for_listing().prefetch_related(None)[:TIMELINE_SIZE])
    by_statements = (
        recent[:SECTION_SIZE]
        if periods["by"] == (None, None)
        else list(
            public.by_speaker(actor)
            .between(*periods["by"])
            .for_listing()
            .prefetch_related(None)[:SECTION_SIZE]
        )
    )
    for statement in (*recent, *by_statements):
        statement.speaker = actor

    sections = []
    for prefix, count, statements, list_param, heading in (
        ("by", actor.by_count, by_statements, "speaker", "Statements by"),
        (
            "about",
            actor.about_count,
            list(public.about(actor).between(*periods["about"]).for_listing()[:SECTION_SIZE]),
            "actor",
            "Statements about",
        ),
    ):
        start, end = periods[prefix]
        sections.append(
            {
                "prefix": prefix,
                "heading": f"{heading} {actor.name}",
                "count": count,
                "statements": statements,
                "from_field": form[f"{prefix}_from"],
                "to_field": form[f"{prefix}_to"],
                "filtered": bool(start or end),
                "exports": export_links(
                    request,
                    label=f"the {heading.lower()} {actor.name}"
                    + (" in this period" if start or end else ""),
                    section=prefix,
                ),
                "see_all": reverse("articles:statement_list")
                + _see_all(
                    {
                        list_param: actor.slug,
                        "date_from": start.isoformat() if start else "",
                        "date_to": end.isoformat() if end else "",
                    }
                ),
            }
        )

    participations = list(
        EventParticipant.objects.filter(actor=actor, event__in=event_records.public())
        .select_related("event", "event__place")
        .order_by("-event__start_date", "event__title")[: RELATED_SIZE + 1]
    )
    articles = list(article_records.public().mentioning(actor).for_listing()[: RELATED_SIZE + 1])
    event_stances, more_event_stances = accounts.actor_accounts(actor)

    # Timeline: the actor's latest statements and events, and every role change.
    entries = timeline.merge(
        [timeline.statement_entry(statement) for statement in recent],
        [
            timeline.event_entry(p.event, p.get_role_display())
            for p in participations[:RELATED_SIZE]
        ],
        timeline.role_entries(actor.roles.all()),
        limit=TIMELINE_SIZE,
    )

    # Activity per month, in one query: statements by or about the actor (S), events
    # they took part in (E).
    statement_months = (
        public.involving(actor)
        .annotate(month=TruncMonth("said_on"), series=Value("S"))
        .order_by()
        .values("series", "month")
        .annotate(n=Count("pk"))
        .values_list("series", "month", "n")
    )
    event_months = (
        event_records.public()
        .involving(actor)
        .annotate(month=TruncMonth("start_date"), series=Value("E"))
        .order_by()
        .values("series", "month")
        .annotate(n=Count("pk", distinct=True))
        .values_list("series", "month", "n")
    )
    counts = list(statement_months.union(event_months, all=True))
    statement_months = [(month, n) for series, month, n in counts if series == "S"]
    event_months = [(month, n) for series, month, n in counts if series == "E"]
    months = timeline.monthly_activity(statement_months, event_months)
    chart = timeline.activity_svg(
        months,
        title=f"Activity of {actor.name} per month",
        description=(
            "Bars per month: statements by or about the actor (dark), events they took part "
            "in (light). The same numbers are in the table below the chart."
        ),
    )

    return render(
        request,
        "actors/actor_detail.html",
        {
            "actor": actor,
            "form": form,
            "sections": sections,
            "participations": participations[:RELATED_SIZE],
            "more_events": len(participations) > RELATED_SIZE,
            "articles": articles[:RELATED_SIZE],
            "more_articles": len(articles) > RELATED_SIZE,
            "event_stances": event_stances,
            "more_event_stances": more_event_stances,
            "timeline": entries,
            "months": months,
            "chart": chart,
            "feed": fixed_feed(
                f"Statements by or about {actor.name}", reverse("actors:feed", args=[actor.slug])
            ),
        },
    )
