"""Date pages: `/dates/`, `/dates/<yyyy>/`, `/dates/<yyyy>/<mm>/`, `/dates/<yyyy>/<mm>/<dd>/`.

The index lists the years that have public records; each date page shows everything
public on that date, each kind of record from its type's public rows, with calendars
linking the days that have records.

A date page as data (`?format=csv|json|atom`) holds the period's statements, or with
`type=articles` or `type=events` its articles or events: all of them (the page shows the
first 50 of each), the same rows the page's sections are the start of.
"""

import calendar
import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from .. import freshness, tallies
from ..formats.tabular import bad_request, export_response, requested_format
from ..models import DatePrecision
from ..records import articles as article_records
from ..records import events as event_records
from ..records import statements as statement_records
from ..records.facets import count_per_year
from .exports import export_links, page_feed

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
    url: str  # the day's page
    label: str  # what its link says to a screen reader: "10 July 2024: 3 records"


def _day_url(index: str, day: datetime.date) -> str:
    """The day's page under the dates index `index` (`articles:day`), built without a
    `reverse()` per day: a year's calendars link hundreds of days."""
    return f"{index}{day.year:04d}/{day.month:02d}/{day.day:02d}/"


@dataclass
class CalendarMonth:
    first: datetime.date
    weeks: list[list[CalendarDay | None]] = field(default_factory=list)
    weekdays: list[tuple[str, str]] = field(default_factory=lambda: WEEKDAYS)

    @property
    def total(self) -> int:
        return sum(day.count for week in self.weeks for day in week if day)


@dataclass(frozen=True)
class YearSummary:
    """One line of the dates index: a year and how many public records it holds."""

    year: int
    url: str
    statements: int
    articles: int
    events: int


def years_with_records() -> list[YearSummary]:
    """Every year with public statements, articles or events, newest first.

    Three queries whatever the number of years: one per kind of record, the statements'
    from the totals the database keeps (a million rows otherwise). An event counts in the
    year it starts, whatever its date precision, as the events' year facet does.
    """
    statements = tallies.per_year()
    articles = count_per_year(article_records.public(), "published_on")
    events = count_per_year(event_records.public(), "start_date")
    return [
        YearSummary(
            year=year,
            url=reverse("articles:year", args=[f"{year:04d}"]),
            statements=statements.get(year, 0),
            articles=articles.get(year, 0),
            events=events.get(year, 0),
        )
        for year in sorted(statements.keys() | articles.keys() | events.keys(), reverse=True)
    ]


def records_per_day(start: datetime.date, end: datetime.date) -> Counter:
    """`count_per_day()` for the period, computed once per generation of the archive and
    per day: an ongoing event adds a day to the count every day."""
    today = timezone.localdate()
    return freshness.cached(
        "per-day", (start, end, today), lambda: count_per_day(start, end, today=today)
    )


def count_per_day(
    start: datetime.date, end: datetime.date, *, today: datetime.date | None = None
) -> Counter:
    """How many public statements, articles and day-precise events fall on each day.

    An event counts on every day from its start to its end; an ongoing one to `today`.
    Three queries for any period: one per kind of record, the statements' from the totals
    the database keeps (a year of them is hundreds of thousands of rows).
    """
    today = today or timezone.localdate()
    per_day: Counter = Counter(tallies.per_day(start, end))
    articles = (
        article_records.public()
        .between(start, end)
        .order_by()
        .values("published_on")
        .annotate(n=Count("pk"))
    )
    for row in articles:
        per_day[row["published_on"]] += row["n"]
    # Events of the same dates come as one row with their number: a year holds thousands
    # of events and hundreds of distinct spans.
    events = (
        event_records.public()
        .between(start, end)
        .filter(date_precision=DatePrecision.DAY)
        .order_by()
        .values_list("start_date", "end_date", "ongoing")
        .annotate(n=Count("pk"))
    )
    # Each event adds one from its first day in the period and takes it away after its
    # last: a walk over the period's days, however many days the events span together.
    changes: Counter = Counter()
    for event_start, event_end, ongoing, n in events:
        first = max(event_start, start)
        last = min(max(today, event_start) if ongoing else (event_end or event_start), end)
        if first > last:
            continue
        changes[first] += n
        if last < end:
            changes[last + datetime.timedelta(days=1)] -= n
    running, day = 0, start
    while True:
        running += changes[day]
        if running:
            per_day[day] += running
        if day == end:
            return per_day
        day += datetime.timedelta(days=1)


def month_calendar(
    year: int, month: int, per_day: Counter, current: datetime.date | None = None
) -> CalendarMonth:
    result = CalendarMonth(first=datetime.date(year, month, 1))
    index = reverse("articles:dates")
    # The month's name once, not a date format per day: a year's calendars label hundreds.
    name = date_format(result.first, "F")
    # Day numbers, 0 outside the month: unlike dates, safe in January of year 1 and
    # December of 9999.
    for week in calendar.Calendar(firstweekday=0).monthdayscalendar(year, month):
        days = [datetime.date(year, month, number) if number else None for number in week]
        result.weeks.append(
            [
                CalendarDay(
                    date=day,
                    count=(count := per_day.get(day, 0)),
                    current=day == current,
                    url=_day_url(index, day),
                    label=f"{day.day} {name} {year:04d}: {count} record{pluralize(count)}",
                )
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
    """The first rows of a period, read once per generation of the archive."""
    rows = freshness.cached(
        "period-rows",
        freshness.query_key(queryset),
        lambda: list(queryset[: DATE_PAGE_LIMIT + 1]),
    )
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


def period_rows(level: str, start: datetime.date, end: datetime.date) -> dict[str, QuerySet]:
    """The public records of the period, by type, in the page's order (all, not the first 50)."""
    return {
        "statements": statement_records.public()
        .for_listing()
        .between(start, end)
        .order_by("said_on", "pk"),
        "articles": article_records.public()
        .for_listing()
        .between(start, end)
        .order_by("published_on", "title", "pk"),
        "events": event_records.public()
        .for_listing()
        .between(start, end)
        .filter(date_precision__in=PRECISIONS[level])
        .order_by("start_date", "title", "pk"),
    }


RECORDS = {
    "statements": statement_records.RECORD,
    "articles": article_records.RECORD,
    "events": event_records.RECORD,
}


def period_export(
    request: HttpRequest, *, level: str, start: datetime.date, end: datetime.date, title: str
) -> HttpResponse:
    """The period's statements (or `type=articles|events`) as CSV, JSON or Atom."""
    kind = request.GET.get("type", "").strip() or "statements"
    if kind not in RECORDS:
        return bad_request(f"Unknown type {kind[:20]!r}: use type=statements, articles or events.")
    rows = period_rows(level, start, end)[kind]
    return export_response(
        request, rows, record=RECORDS[kind], title=f"{kind.capitalize()}, {title}"
    )


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
    rows = period_rows(level, start, end)
    statements, more_statements = _first_n(rows["statements"])
    articles, more_articles = _first_n(rows["articles"])
    events, more_events = _first_n(rows["events"])
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
        "feed": page_feed(request, title=f"Statements, {title}"),
        "statement_exports": export_links(
            request, label=f"the statements of {title}", type="statements"
        ),
        "article_exports": export_links(request, label=f"the articles of {title}", type="articles"),
        "event_exports": export_links(request, label=f"the events of {title}", type="events"),
    }
    return render(request, "dates/period.html", context)


def index_view(request: HttpRequest) -> HttpResponse:
    years = freshness.cached("years", (), years_with_records)
    return render(request, "dates/index.html", {"years": years})


def year_view(request: HttpRequest, year: str) -> HttpResponse:
    start = _date_or_404(year)
    end = datetime.date(start.year, 12, 31)
    if requested_format(request):
        return period_export(request, level="year", start=start, end=end, title=str(start.year))
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
    if requested_format(request):
        title = date_format(start, "F Y")
        return period_export(request, level="month", start=start, end=end, title=title)
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
    if requested_format(request):
        title = date_format(date, "j F Y")
        return period_export(request, level="day", start=date, end=date, title=title)
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
