from urllib.parse import urlencode

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from actors.models import Actor

from ..models import EventParticipant
from ..records import articles as article_records
from ..records import events as event_records
from ..records import statements as statement_records
from . import timeline
from .forms import ActorStatementsForm

SECTION_SIZE = 10  # statements shown per section before "see all"
RELATED_SIZE = 20  # events and articles shown before "see all"
TIMELINE_SIZE = 40


def _see_all(params: dict) -> str:
    return "?" + urlencode({key: value for key, value in params.items() if value})


def actor_detail(request, slug):
    actor = get_object_or_404(Actor.objects.for_detail(), slug=slug)
    form = ActorStatementsForm(request.GET or None)
    public = statement_records.public()

    sections = []
    for prefix, base, list_param, heading in (
        ("by", public.by_speaker(actor), "speaker", "Statements by"),
        ("about", public.about(actor), "actor", "Statements about"),
    ):
        start, end = form.period(prefix)
        queryset = base.between(start, end)
        sections.append(
            {
                "prefix": prefix,
                "heading": f"{heading} {actor.name}",
                "count": queryset.count(),
                "statements": list(queryset.for_listing()[:SECTION_SIZE]),
                "from_field": form[f"{prefix}_from"],
                "to_field": form[f"{prefix}_to"],
                "filtered": bool(start or end),
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

    # Timeline: the actor's latest statements and events, and every role change.
    recent = public.by_speaker(actor).select_related("speaker")[:TIMELINE_SIZE]
    entries = timeline.merge(
        [timeline.statement_entry(statement) for statement in recent],
        [
            timeline.event_entry(p.event, p.get_role_display())
            for p in participations[:RELATED_SIZE]
        ],
        timeline.role_entries(actor.roles.all()),
        limit=TIMELINE_SIZE,
    )

    # Activity per month: statements by or about the actor, events they took part in.
    statement_months = (
        public.involving(actor)
        .annotate(month=TruncMonth("said_on"))
        .order_by("month")
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    event_months = (
        event_records.public()
        .involving(actor)
        .annotate(month=TruncMonth("start_date"))
        .order_by("month")
        .values("month")
        .annotate(n=Count("pk", distinct=True))
        .values_list("month", "n")
    )
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
            "timeline": entries,
            "months": months,
            "chart": chart,
        },
    )
