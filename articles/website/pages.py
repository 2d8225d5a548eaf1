"""The home page and the detail pages of statements, articles, events, outlets and places.

An article, an event, an outlet and a place page list records, and answer
`?format=csv|json|atom` with them, all of them: the article's public statements (reading
order), the event's public statements (`about_event`), the outlet's public articles, the
public events in the place and the places inside it. A draft has no export, not even for
staff: data files leave the site, previews do not.
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from .. import freshness, wording
from ..formats.tabular import export_response, requested_format
from ..models import Article, Correction, Event, Outlet, Place, Statement
from ..records import actors, articles, events, statements
from . import accounts, timeline
from .citing import offers_ris
from .exports import export_links, fixed_feed, page_feed
from .highlight import highlight_body

HOME_SIZE = 10


def _get_for_reader(request, queryset, **lookup):
    """The record and whether it is a staff preview of a draft.

    Anonymous readers get only public records (404 otherwise). Staff get drafts too,
    shown with a "Draft — not public" banner and kept out of search engines.
    """
    if request.user.is_staff:
        record = get_object_or_404(queryset, **lookup)
        return record, not record.is_public
    record = get_object_or_404(queryset.published(), **lookup)
    if not record.is_public:  # defensive: published() already guarantees this
        raise Http404
    return record, False


def home(request):
    latest_statements = list(statements.public().for_listing()[:HOME_SIZE])
    latest_events = list(events.public().for_listing()[:HOME_SIZE])
    most_quoted = freshness.cached(
        "most-quoted", HOME_SIZE, lambda: list(actors.most_quoted()[:HOME_SIZE])
    )
    recent = timeline.merge(
        [timeline.statement_entry(statement) for statement in latest_statements],
        [timeline.event_entry(event) for event in latest_events],
        limit=HOME_SIZE,
        newest_first=True,
    )
    return render(
        request,
        "home.html",
        {
            "statements": latest_statements,
            "events": latest_events,
            "most_quoted": most_quoted,
            "timeline": recent,
            "feed": fixed_feed("Latest statements", reverse("discovery:statements_feed")),
        },
    )


@offers_ris("statements")
def statement_detail(request, pk):
    statement, preview = _get_for_reader(request, Statement.objects.for_detail(), pk=pk)
    return render(
        request,
        "articles/statement_detail.html",
        {
            "statement": statement,
            "role": statement.speaker_role(),
            "located": statement.passage() is not None,
            "event_links": statement.public_event_links,
            "comparison": (
                wording.compare(statement.text, statement.primary_text)
                if statement.primary_text
                else None
            ),
            "preview": preview,
        },
    )


@offers_ris("articles")
def article_detail(request, slug):
    if requested_format(request):
        article = get_object_or_404(Article.objects.published(), slug=slug)
        rows = statements.public().in_article(article)
        title = f"Statements in {article.title}"
        return export_response(request, rows, record=statements.RECORD, title=title)
    article, preview = _get_for_reader(request, Article.objects.for_detail(), slug=slug)
    # for_detail() loads the published statements only; list them in reading order. Their
    # passages were located when they or the body were saved: the body is not searched.
    passages, not_found = [], []
    for statement in article.statements.all():
        span = statement.passage()
        if span:
            passages.append((*span, statement))
        else:
            not_found.append(statement)
    passages.sort(key=lambda item: (item[0], item[1]))
    return render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "body": highlight_body(article.body, passages),
            "statements": [statement for _start, _end, statement in passages] + not_found,
            "not_found": not_found,
            "corrections": list(Correction.objects.for_article_page(article)),
            "preview": preview,
            "feed": None if preview else page_feed(request, title=f"Statements in {article.title}"),
            "statement_exports": export_links(request, label="the statements in this article"),
        },
    )


@offers_ris("events")
def event_detail(request, slug):
    if requested_format(request):
        # Data is public only: a draft event has no export, not even for staff.
        event = get_object_or_404(Event.objects.published(), slug=slug)
        rows = statements.public().about_event(event)
        title = f"Statements about {event.title}"
        return export_response(request, rows, record=statements.RECORD, title=title)
    event, preview = _get_for_reader(request, Event.objects.for_detail(), slug=slug)
    groups = {}
    for participation in event.participations.all():
        groups.setdefault(participation.get_role_display(), []).append(participation.actor)
    reports = event.articles.published().for_listing().order_by("-published_on", "title")
    return render(
        request,
        "articles/event_detail.html",
        {
            "event": event,
            "place_chain": Place.objects.chain(event.place),
            "participant_groups": sorted(groups.items(), key=_role_order),
            "articles": reports,
            "accounts": accounts.event_accounts(event),
            "preview": preview,
            "feed": None
            if preview
            else page_feed(request, title=f"Statements about {event.title}"),
            "statement_exports": export_links(request, label=f"the statements about {event.title}"),
        },
    )


def _role_order(item):
    order = {"Initiator": 0, "Target": 1, "Participant": 2}
    return order.get(item[0], 9)


@offers_ris("outlets")
def outlet_detail(request, slug):
    outlet = get_object_or_404(Outlet.objects.for_detail(), slug=slug)
    published = articles.public().by_outlet(outlet).for_listing()
    title = f"Articles from {outlet.name}"
    export = export_response(request, published, record=articles.RECORD, title=title)
    if export is not None:
        return export
    page_obj = Paginator(published, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "articles/outlet_detail.html",
        {
            "outlet": outlet,
            "page_obj": page_obj,
            "feed": page_feed(request, title=title),
            "article_exports": export_links(request, label=f"the articles from {outlet.name}"),
        },
    )


@offers_ris("places")
def place_detail(request, slug):
    place = get_object_or_404(Place.objects.for_detail(), slug=slug)
    inside = events.public().within(place).select_related("place")
    title = f"Events in {place.name}"
    export = export_response(request, inside, record=events.RECORD, title=title)
    if export is not None:
        return export
    page_obj = Paginator(inside, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "articles/place_detail.html",
        {
            "place": place,
            "place_chain": Place.objects.chain(place),
            "page_obj": page_obj,
            "feed": page_feed(request, title=title),
            "event_exports": export_links(request, label=f"the events in {place.name}"),
        },
    )
