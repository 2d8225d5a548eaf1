from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from actors.models import Actor

from ..models import Article, Event, Outlet, Place, PublicationStatus, Statement
from . import timeline
from .highlight import highlight_body

HOME_SIZE = 10
EVENT_STATEMENTS_SIZE = 50


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
    statements = list(Statement.objects.published().for_listing()[:HOME_SIZE])
    events = list(Event.objects.published().for_listing()[:HOME_SIZE])
    public_statements = Q(
        statements__status=PublicationStatus.PUBLISHED,
        statements__article__status=PublicationStatus.PUBLISHED,
    )
    most_quoted = (
        Actor.objects.annotate(quoted=Count("statements", filter=public_statements))
        .filter(quoted__gt=0)
        .order_by("-quoted", "name")[:HOME_SIZE]
    )
    recent = timeline.merge(
        [timeline.statement_entry(statement) for statement in statements],
        [timeline.event_entry(event) for event in events],
        limit=HOME_SIZE,
        newest_first=True,
    )
    return render(
        request,
        "home.html",
        {
            "statements": statements,
            "events": events,
            "most_quoted": most_quoted,
            "timeline": recent,
        },
    )


def statement_detail(request, pk):
    statement, preview = _get_for_reader(request, Statement.objects.for_detail(), pk=pk)
    return render(
        request,
        "articles/statement_detail.html",
        {
            "statement": statement,
            "role": statement.speaker_role(),
            "located": statement.passage() is not None,
            "event": statement.event if statement.event and statement.event.is_public else None,
            "preview": preview,
        },
    )


def article_detail(request, slug):
    article, preview = _get_for_reader(request, Article.objects.for_detail(), slug=slug)
    # for_detail() loads the published statements only; list them in reading order.
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
            "preview": preview,
        },
    )


def event_detail(request, slug):
    event, preview = _get_for_reader(
        request,
        Event.objects.for_detail().select_related("place__parent__parent__parent"),
        slug=slug,
    )
    groups = {}
    for participation in event.participations.all():
        groups.setdefault(participation.get_role_display(), []).append(participation.actor)
    articles = event.articles.published().for_listing().order_by("-published_on", "title")
    statements = list(
        Statement.objects.published().filter(event=event).for_listing()[: EVENT_STATEMENTS_SIZE + 1]
    )
    return render(
        request,
        "articles/event_detail.html",
        {
            "event": event,
            "place_chain": _chain(event.place),
            "cameo": Event.CAMEO_CODES.get(event.kind),
            "participant_groups": sorted(groups.items(), key=_role_order),
            "articles": articles,
            "statements": statements[:EVENT_STATEMENTS_SIZE],
            "more_statements": len(statements) > EVENT_STATEMENTS_SIZE,
            "preview": preview,
        },
    )


def _role_order(item):
    order = {"Initiator": 0, "Target": 1, "Participant": 2}
    return order.get(item[0], 9)


def _chain(place: Place | None) -> list[Place]:
    """The place and its parents, outermost first: Palestine › Gaza Strip › Northern Gaza."""
    chain = []
    while place is not None and place not in chain:
        chain.append(place)
        place = place.parent
    return chain[::-1]


def outlet_detail(request, slug):
    outlet = get_object_or_404(Outlet, slug=slug)
    articles = Article.objects.published().filter(outlet=outlet).for_listing()
    page_obj = Paginator(articles, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "articles/outlet_detail.html", {"outlet": outlet, "page_obj": page_obj})


def place_detail(request, slug):
    place = get_object_or_404(
        Place.objects.select_related("parent__parent__parent").prefetch_related("children"),
        slug=slug,
    )
    # Places nest four levels at most (country › region › city › site), so events in
    # the place and in every place below it are one query.
    inside = (
        Q(place=place)
        | Q(place__parent=place)
        | Q(place__parent__parent=place)
        | Q(place__parent__parent__parent=place)
    )
    events = Event.objects.published().filter(inside).select_related("place")
    page_obj = Paginator(events, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "articles/place_detail.html",
        {"place": place, "place_chain": _chain(place), "page_obj": page_obj},
    )
