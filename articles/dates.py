"""Dates as the archive writes and reads them: one formatter, one ISO parser.

A date is known to the day, the month or the year (`DatePrecision`). Every surface
that shows one (pages, feeds, citations, JSON-LD) writes it through these functions,
so "October 2023" means the same everywhere; every date a reader types in a URL is
read by `parse_iso_date` (YYYY-MM-DD, whatever the locale).
"""

import calendar
import datetime

ISO_FORMAT = "%Y-%m-%d"
INVALID_DATE_MESSAGE = "Enter a date as YYYY-MM-DD, for example 2023-10-28."

DAY, MONTH, YEAR = "day", "month", "year"


def parse_iso_date(value: str) -> datetime.date:
    """A YYYY-MM-DD date; ValueError (with `INVALID_DATE_MESSAGE`) for anything else."""
    try:
        return datetime.datetime.strptime(value.strip(), ISO_FORMAT).date()
    except (AttributeError, ValueError):
        raise ValueError(INVALID_DATE_MESSAGE) from None


def format_date(date: datetime.date | None, precision: str = DAY) -> str:
    """ "28 October 2023", or "October 2023" / "2023" when only the month or year is known."""
    if date is None:
        return ""
    if precision == YEAR:
        return str(date.year)
    if precision == MONTH:
        return f"{date:%B} {date.year}"
    return f"{date.day} {date:%B} {date.year}"


def iso_date(date: datetime.date | None, precision: str = DAY) -> str:
    """ISO 8601 at the precision known: "2023-10-28", "2023-10" or "2023"."""
    if date is None:
        return ""
    if precision == YEAR:
        return f"{date.year:04d}"
    if precision == MONTH:
        return f"{date.year:04d}-{date.month:02d}"
    return date.isoformat()


def format_period(
    start: datetime.date,
    end: datetime.date | None,
    precision: str = DAY,
    end_precision: str = DAY,
    *,
    ongoing: bool = False,
) -> str:
    """A start date at its precision, and the end date at its own when there is a different
    one: "27 October 2023 – November 2023"; "27 October 2023 – ongoing" for an event with no
    end yet."""
    text = format_date(start, precision)
    if ongoing:
        return f"{text} – ongoing"
    if end and format_date(end, end_precision) != text:
        return f"{text} – {format_date(end, end_precision)}"
    return text


def last_day(date: datetime.date, precision: str = DAY) -> datetime.date:
    """The last day of the month or the year a date at that precision names."""
    if precision == YEAR:
        return date.replace(month=12, day=31)
    if precision == MONTH:
        return date.replace(day=calendar.monthrange(date.year, date.month)[1])
    return date
