"""Timelines and the activity chart of the actor and home pages.

Entries come from rows the views have already loaded; these helpers only sort,
merge and count, so a timeline costs no query of its own.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Entry:
    date: datetime.date
    kind: str  # "statement", "event", "role-start", "role-end"
    label: str  # what happened, as plain text (escaped by the template)
    url: str = ""
    detail: str = ""
    precision: str = "day"  # how exactly `date` is known (events can be month or year)


def statement_entry(statement) -> Entry:
    text = " ".join(statement.text.split())
    if len(text) > 140:
        text = text[:139].rstrip() + "…"
    return Entry(
        date=statement.said_on,
        kind="statement",
        label=f"{statement.speaker.name}: {'“' + text + '”' if statement.is_quote else text}",
        url=statement.get_absolute_url(),
        detail=statement.get_kind_display(),
    )


def event_entry(event, role: str = "") -> Entry:
    return Entry(
        date=event.start_date,
        kind="event",
        label=event.title,
        url=event.get_absolute_url(),
        detail=role or event.get_kind_display(),
        precision=event.date_precision,
    )


def role_entries(roles: Iterable) -> list[Entry]:
    entries = []
    for role in roles:
        entries.append(Entry(role.start_date, "role-start", f"Became {role.label}"))
        if role.end_date:
            entries.append(Entry(role.end_date, "role-end", f"Left office as {role.label}"))
    return entries


def merge(*groups: Iterable[Entry], limit: int | None = None, newest_first=False) -> list[Entry]:
    """All entries in date order; with `limit`, only the most recent ones."""
    order = {"role-end": 0, "role-start": 1, "event": 2, "statement": 3}
    entries = sorted(
        (entry for group in groups for entry in group),
        key=lambda entry: (entry.date, order.get(entry.kind, 9)),
    )
    if limit is not None:
        entries = entries[-limit:] if limit else []
    return entries[::-1] if newest_first else entries


# --- Activity per month, as an inline SVG bar chart -------------------------------


@dataclass(frozen=True)
class Month:
    month: datetime.date  # first day of the month
    statements: int
    events: int

    @property
    def total(self) -> int:
        return self.statements + self.events


def _month_key(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = value.date()
    return value.replace(day=1)


def _next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _previous_month(month: datetime.date) -> datetime.date:
    return (month - datetime.timedelta(days=1)).replace(day=1)


def _months_between(start: datetime.date, end: datetime.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def monthly_activity(
    statement_counts: Iterable[tuple], event_counts: Iterable[tuple], max_months: int = 36
) -> list[Month]:
    """One Month per calendar month from the first to the last active one (the last
    `max_months` at most), empty months included so gaps show."""
    statements: dict[datetime.date, int] = {}
    events: dict[datetime.date, int] = {}
    for month, count in statement_counts:
        if month is not None:
            key = _month_key(month)
            statements[key] = statements.get(key, 0) + count
    for month, count in event_counts:
        if month is not None:
            key = _month_key(month)
            events[key] = events.get(key, 0) + count
    active = sorted(set(statements) | set(events))
    if not active:
        return []
    # At least six months, so a single busy month reads as a peak, not as the whole chart.
    first = active[0]
    for _ in range(6 - _months_between(first, active[-1]) - 1):
        first = _previous_month(first)
    months, month = [], first
    while month <= active[-1]:
        months.append(Month(month, statements.get(month, 0), events.get(month, 0)))
        month = _next_month(month)
    return months[-max_months:]


def activity_svg(months: list[Month], title: str, description: str) -> SafeString:
    """A stacked bar per month (statements below, events above), readable without JS."""
    if not months:
        return mark_safe("")
    bar, gap, height, top, bottom, left = 26, 8, 130, 10, 34, 28
    width = left + len(months) * (bar + gap) + gap
    peak = max(month.total for month in months) or 1
    scale = height / peak
    parts = [
        f'<svg class="activity-chart" role="img" aria-labelledby="chart-title chart-desc" '
        f'viewBox="0 0 {width} {top + height + bottom}" width="{width}" '
        f'height="{top + height + bottom}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(description)}</desc>',
        f'<line x1="{left}" y1="{top + height}" x2="{width}" y2="{top + height}" class="axis" />',
        f'<text x="{left - 4}" y="{top + 4}" class="tick" text-anchor="end">{peak}</text>',
        f'<text x="{left - 4}" y="{top + height}" class="tick" text-anchor="end">0</text>',
    ]
    for index, month in enumerate(months):
        x = left + gap + index * (bar + gap)
        base = top + height
        label = f"{month.month:%B %Y}: {month.statements} statements, {month.events} events"
        parts.append(f"<g><title>{escape(label)}</title>")
        s_height = month.statements * scale
        e_height = month.events * scale
        if s_height:
            parts.append(
                f'<rect class="bar-statements" x="{x}" y="{base - s_height:.1f}" '
                f'width="{bar}" height="{s_height:.1f}" />'
            )
        if e_height:
            parts.append(
                f'<rect class="bar-events" x="{x}" y="{base - s_height - e_height:.1f}" '
                f'width="{bar}" height="{e_height:.1f}" />'
            )
        parts.append("</g>")
        first_of_year = index == 0 or month.month.month == 1
        if first_of_year or len(months) <= 12:
            parts.append(
                f'<text x="{x + bar / 2}" y="{base + 14}" class="tick" '
                f'text-anchor="middle">{month.month:%b}</text>'
            )
        if first_of_year:
            parts.append(
                f'<text x="{x + bar / 2}" y="{base + 28}" class="tick" '
                f'text-anchor="middle">{month.month.year}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))
