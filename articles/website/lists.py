"""Public list pages (statements, articles, events) and date pages.

Every list follows one order (STYLE.md): published base queryset → FilterSet → data
export when asked for → paginate → render with `filter` and `page_obj`. `list_page()`
holds that order once, with the parts every list shares: removable chips for the
active filters, facet counts of the current result, and readable errors for bad input.
"""

import calendar
import datetime
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Model, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, ExtractYear
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.dateformat import format as date_format

from ..formats.tabular import export_response
from ..models import Article, DatePrecision, Event, Statement
from ..records.filtering import ArticleFilter, EventFilter, StatementFilter

# Query parameters that are not filters: they never become chips and facets drop them.
NOT_FILTERS = ("page", "format")
FACET_SIZE = 10


# -- Chips and facets ---------------------------------------------------------------


@dataclass(frozen=True)
class Chip:
    """One active filter, shown as "Speaker: Matthew Miller", linking to the URL without it."""

    name: str
    label: str
    value: str
    query: QueryDict


@dataclass(frozen=True)
class FacetValue:
    label: str
    count: int
    query: QueryDict
    active: bool


@dataclass(frozen=True)
class Facet:
    title: str
    values: list[FacetValue]


# A facet specification: a title and a function from the filtered queryset to rows of
# (label, {parameter: value}, count). Each function runs exactly one aggregate query.
FacetRows = list[tuple[str, dict[str, str], int]]
FacetSpec = tuple[str, Callable[[QuerySet], FacetRows]]


def _plain(queryset: QuerySet) -> QuerySet:
    """The filtered rows without the listing's ordering and prefetches, ready to group."""
    return queryset.order_by().prefetch_related(None)


def count_by(
    value_field: str, param: str, label_field: str | None = None, choices=None
) -> Callable[[QuerySet], FacetRows]:
    """Top values of one column with their counts: one GROUP BY query."""

    def facet(queryset: QuerySet) -> FacetRows:
        fields = [value_field] + ([label_field] if label_field else [])
        rows = (
            _plain(queryset)
            .exclude(**{f"{value_field}__isnull": True})
            .exclude(**{value_field: ""})
            .values(*fields)
            .annotate(n=Count("pk"))
            .order_by("-n", label_field or value_field)[:FACET_SIZE]
        )
        labels = dict(choices or [])
        result = []
        for row in rows:
            value = row[value_field]
            label = row[label_field] if label_field else labels.get(value, value)
            result.append((label, {param: value}, row["n"]))
        return result

    return facet


def count_by_year(date_field: str) -> Callable[[QuerySet], FacetRows]:
    """Counts per year, newest first; each links to that year as a date range."""

    def facet(queryset: QuerySet) -> FacetRows:
        rows = (
            _plain(queryset)
            .annotate(year=ExtractYear(date_field))
            .values("year")
            .annotate(n=Count("pk"))
            .order_by("-year")
        )
        return [
            (
                str(row["year"]),
                {"date_from": f"{row['year']:04d}-01-01", "date_to": f"{row['year']:04d}-12-31"},
                row["n"],
            )
            for row in rows
        ]

    return facet


def _without(query: QueryDict, names: Iterable[str]) -> QueryDict:
    query = query.copy()
    for name in names:
        query.pop(name, None)
    return query


def build_facets(request: HttpRequest, queryset: QuerySet, specs: list[FacetSpec]) -> list[Facet]:
    base = _without(request.GET, NOT_FILTERS)
    facets = []
    for title, function in specs:
        values = []
        for label, params, count in function(queryset):
            active = all(request.GET.get(name) == value for name, value in params.items())
            query = _without(base, params) if active else base.copy()
            if not active:
                for name, value in params.items():
                    query[name] = value
            values.append(FacetValue(label=str(label), count=count, query=query, active=active))
        facets.append(Facet(title=title, values=values))
    return facets


def build_chips(request: HttpRequest, filterset) -> list[Chip]:
    """A chip for every filter in the URL, valid or not, so a bad one is one click away."""
    form = filterset.form
    cleaned = getattr(form, "cleaned_data", {})
    chips = []
    for name, filter_ in filterset.filters.items():
        raw = request.GET.get(name, "").strip()
        if not raw or name == "sort":
            continue
        value = cleaned.get(name) if name not in form.errors else None
        if isinstance(value, Model):
            shown = str(value)
        elif isinstance(value, datetime.date):
            shown = date_format(value, "j F Y")
        elif value and getattr(filter_.field, "choices", None):
            shown = str(dict(filter_.field.choices).get(value, raw))
        else:
            shown = raw
        query = _without(request.GET, (name, *NOT_FILTERS))
        chips.append(Chip(name=name, label=str(filter_.label), value=shown, query=query))
    return chips


# -- Pagination ------------------------------------------------------------------------


def paginate(request: HttpRequest, queryset: QuerySet) -> tuple[Paginator, Page | None, str, int]:
    """The requested page, or an explanation and a status when there is no such page.

    A page number that is not a positive whole number answers 400; a page past the end
    answers 404. Neither shows rows: a URL that names a page that does not exist should
    not quietly show another page's rows, which a citation would then misdescribe.
    """
    paginator = Paginator(queryset, settings.PAGE_SIZE)
    raw = request.GET.get("page", "").strip() or "1"
    try:
        number = int(raw) if raw.isdigit() else 0
    except ValueError:  # thousands of digits
        number = 0
    pages = paginator.num_pages
    plural = "page" if pages == 1 else "pages"
    if number < 1:
        message = f"“{raw[:40]}” is not a page number: pages are numbered from 1 to {pages}."
        return paginator, None, message, 400
    if number > pages:
        message = f"Page {number} does not exist: there {'is' if pages == 1 else 'are'} "
        message += f"{pages} {plural} of results."
        return paginator, None, message, 404
    return paginator, paginator.page(number), "", 200


# -- The list pattern -----------------------------------------------------------------


def list_page(
    request: HttpRequest,
    *,
    queryset: QuerySet,
    filterset_class,
    kind: str,
    template: str,
    facets: list[FacetSpec],
    noun: tuple[str, str],
) -> HttpResponse:
    """Filter, export or paginate, and render a public list. Bad input answers 400 or 404."""
    filterset = filterset_class(request.GET, queryset=queryset, request=request)
    context = {
        "filter": filterset,
        "page_obj": None,
        "paginator": None,
        "page_error": "",
        "facets": [],
        "noun": noun[0],
        "noun_plural": noun[1],
    }
    if filterset.is_valid():
        export = export_response(request, filterset.qs, kind=kind)
        if export is not None:
            return export
        paginator, page_obj, page_error, status = paginate(request, filterset.qs)
        context.update(
            paginator=paginator,
            page_obj=page_obj,
            page_error=page_error,
            facets=build_facets(request, filterset.qs, facets),
        )
    else:
        status = 400
    context["chips"] = build_chips(request, filterset)
    return render(request, template, context, status=status)


def statement_list(request: HttpRequest) -> HttpResponse:
    return list_page(
        request,
        queryset=Statement.objects.published().for_listing(),
        filterset_class=StatementFilter,
        kind="statements",
        template="articles/statement_list.html",
        noun=("statement", "statements"),
        facets=[
            ("Speakers", count_by("speaker__slug", "speaker", "speaker__name")),
            ("Kinds", count_by("kind", "kind", choices=Statement.Kind.choices)),
            ("Channels", count_by("channel", "channel", choices=Statement.Channel.choices)),
            ("Outlets", count_by("article__outlet__slug", "outlet", "article__outlet__name")),
            ("Years", count_by_year("said_on")),
        ],
    )


def article_list(request: HttpRequest) -> HttpResponse:
    return list_page(
        request,
        queryset=Article.objects.published().for_listing(),
        filterset_class=ArticleFilter,
        kind="articles",
        template="articles/article_list.html",
        noun=("article", "articles"),
        facets=[
            ("Outlets", count_by("outlet__slug", "outlet", "outlet__name")),
            ("Languages", count_by("language", "language")),
            ("Years", count_by_year("published_on")),
        ],
    )


def event_list(request: HttpRequest) -> HttpResponse:
    return list_page(
        request,
        queryset=Event.objects.published().for_listing(),
        filterset_class=EventFilter,
        kind="events",
        template="articles/event_list.html",
        noun=("event", "events"),
        facets=[
            ("Kinds", count_by("kind", "kind", choices=Event.Kind.choices)),
            ("Places", count_by("place__slug", "place", "place__name")),
            ("Start years", count_by_year("start_date")),
        ],
    )


def published_statement_count(actor_field: str = "speaker") -> Coalesce:
    """Subquery: how many public statements an actor made (0 when none)."""
    counts = (
        Statement.objects.published()
        .filter(**{actor_field: OuterRef("pk")})
        .order_by()
        .values(actor_field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts), 0)


# -- Date pages -----------------------------------------------------------------------

DATE_PAGE_LIMIT = 50
WEEKDAYS = [(calendar.day_name[i], calendar.day_abbr[i]) for i in range(7)]
# Which event date precisions a page of each level may claim: an event known only to
# the month is not shown on the 1st of that month.
PRECISIONS = {
    "day": [DatePrecision.DAY],
    "month": [DatePrecision.DAY, DatePrecision.MONTH],
    "year": [DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR],
}


@dataclass(frozen=True)
class CalendarDay:
    date: datetime.date
    count: int
    current: bool


@dataclass
class CalendarMonth:
    first: datetime.date
    weeks: list[list[CalendarDay | None]] = field(default_factory=list)
    weekdays: list[tuple[str, str]] = field(default_factory=lambda: WEEKDAYS)

    @property
    def total(self) -> int:
        return sum(day.count for week in self.weeks for day in week if day)


def records_per_day(start: datetime.date, end: datetime.date) -> Counter:
    """How many public statements, articles and day-precise events fall on each day.

    Three queries for any period: one per kind of record.
    """
    per_day: Counter = Counter()
    statements = (
        Statement.objects.published()
        .between(start, end)
        .order_by()
        .values("said_on")
        .annotate(n=Count("pk"))
    )
    for row in statements:
        per_day[row["said_on"]] += row["n"]
    articles = (
        Article.objects.published()
        .between(start, end)
        .order_by()
        .values("published_on")
        .annotate(n=Count("pk"))
    )
    for row in articles:
        per_day[row["published_on"]] += row["n"]
    events = (
        Event.objects.published()
        .between(start, end)
        .filter(date_precision=DatePrecision.DAY)
        .values_list("start_date", "end_date")
    )
    for event_start, event_end in events:
        day = max(event_start, start)
        last = min(event_end or event_start, end)
        while day <= last:
            per_day[day] += 1
            day += datetime.timedelta(days=1)
    return per_day


def month_calendar(
    year: int, month: int, per_day: Counter, current: datetime.date | None = None
) -> CalendarMonth:
    result = CalendarMonth(first=datetime.date(year, month, 1))
    # Day numbers, 0 outside the month: unlike dates, safe in January of year 1 and
    # December of 9999.
    for week in calendar.Calendar(firstweekday=0).monthdayscalendar(year, month):
        days = [datetime.date(year, month, number) if number else None for number in week]
        result.weeks.append(
            [
                CalendarDay(date=day, count=per_day.get(day, 0), current=day == current)
                if day
                else None
                for day in days
            ]
        )
    return result


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _first_n(queryset: QuerySet) -> tuple[list, bool]:
    rows = list(queryset[: DATE_PAGE_LIMIT + 1])
    return rows[:DATE_PAGE_LIMIT], len(rows) > DATE_PAGE_LIMIT


def _list_url(name: str, start: datetime.date, end: datetime.date) -> str:
    query = QueryDict(mutable=True)
    query["date_from"], query["date_to"] = start.isoformat(), end.isoformat()
    return f"{reverse(name)}?{query.urlencode()}"


def _date_or_404(year: str, month: str = "1", day: str = "1") -> datetime.date:
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        raise Http404("There is no such date.") from None


def date_page(
    request: HttpRequest,
    *,
    level: str,
    start: datetime.date,
    end: datetime.date,
    title: str,
    previous: tuple[str, str] | None,
    following: tuple[str, str] | None,
    calendars: list[CalendarMonth],
) -> HttpResponse:
    statements, more_statements = _first_n(
        Statement.objects.published().for_listing().between(start, end).order_by("said_on", "pk")
    )
    articles, more_articles = _first_n(
        Article.objects.published()
        .for_listing()
        .between(start, end)
        .order_by("published_on", "title", "pk")
    )
    events, more_events = _first_n(
        Event.objects.published()
        .for_listing()
        .between(start, end)
        .filter(date_precision__in=PRECISIONS[level])
        .order_by("start_date", "title", "pk")
    )
    context = {
        "level": level,
        "start": start,
        "end": end,
        "title": title,
        "previous": previous,
        "following": following,
        "calendars": calendars,
        "statements": statements,
        "articles": articles,
        "events": events,
        "more_statements": more_statements,
        "more_articles": more_articles,
        "more_events": more_events,
        "statements_url": _list_url("articles:statement_list", start, end),
        "articles_url": _list_url("articles:article_list", start, end),
        "events_url": _list_url("articles:event_list", start, end),
        "year_url": reverse("articles:year", args=[f"{start.year:04d}"]),
        "month_url": reverse("articles:month", args=[f"{start.year:04d}", f"{start.month:02d}"]),
        "limit": DATE_PAGE_LIMIT,
        "empty": not (statements or articles or events),
    }
    return render(request, "dates/period.html", context)


def year_view(request: HttpRequest, year: str) -> HttpResponse:
    start = _date_or_404(year)
    end = datetime.date(start.year, 12, 31)
    per_day = records_per_day(start, end)
    y = start.year
    return date_page(
        request,
        level="year",
        start=start,
        end=end,
        title=str(y),
        previous=(reverse("articles:year", args=[f"{y - 1:04d}"]), str(y - 1)) if y > 1 else None,
        following=(reverse("articles:year", args=[f"{y + 1:04d}"]), str(y + 1))
        if y < 9999
        else None,
        calendars=[month_calendar(y, month, per_day) for month in range(1, 13)],
    )


def _month_link(year: int, month: int) -> tuple[str, str] | None:
    if not 1 <= year <= 9999:
        return None
    first = datetime.date(year, month, 1)
    url = reverse("articles:month", args=[f"{year:04d}", f"{month:02d}"])
    return url, date_format(first, "F Y")


def month_view(request: HttpRequest, year: str, month: str) -> HttpResponse:
    start = _date_or_404(year, month)
    end = datetime.date(start.year, start.month, calendar.monthrange(start.year, start.month)[1])
    per_day = records_per_day(start, end)
    return date_page(
        request,
        level="month",
        start=start,
        end=end,
        title=date_format(start, "F Y"),
        previous=_month_link(*_shift_month(start.year, start.month, -1)),
        following=_month_link(*_shift_month(start.year, start.month, 1)),
        calendars=[month_calendar(start.year, start.month, per_day)],
    )


def _day_link(day: datetime.date, delta: int) -> tuple[str, str] | None:
    try:
        other = day + datetime.timedelta(days=delta)
    except OverflowError:
        return None
    url = reverse(
        "articles:day", args=[f"{other.year:04d}", f"{other.month:02d}", f"{other.day:02d}"]
    )
    return url, date_format(other, "j F Y")


def day_view(request: HttpRequest, year: str, month: str, day: str) -> HttpResponse:
    date = _date_or_404(year, month, day)
    first = date.replace(day=1)
    last = date.replace(day=calendar.monthrange(date.year, date.month)[1])
    per_day = records_per_day(first, last)
    return date_page(
        request,
        level="day",
        start=date,
        end=date,
        title=date_format(date, "l j F Y"),
        previous=_day_link(date, -1),
        following=_day_link(date, 1),
        calendars=[month_calendar(date.year, date.month, per_day, current=date)],
    )
