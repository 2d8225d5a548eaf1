"""Formatting for the reader pages. Tags format what views loaded; they never query."""

import datetime

from django import template
from django.conf import settings

from articles import dates, links
from articles.formats.citations import citations
from articles.models import DatePrecision

register = template.Library()


@register.simple_tag
def absolute_url(path: str) -> str:
    """The absolute URL of a path on this site, from SITE_URL (`articles.links`)."""
    return links.absolute(path)


@register.simple_tag
def site_name() -> str:
    return settings.SITE_NAME


@register.filter
def precise_date(date: datetime.date | None, precision: str = DatePrecision.DAY) -> str:
    """ "28 October 2023", or "October 2023" / "2023" when only the month or year is known."""
    return dates.format_date(date, precision)


@register.filter
def iso_date(date: datetime.date | None, precision: str = DatePrecision.DAY) -> str:
    """The `datetime` attribute of a <time>: "2023-10-28", "2023-10" or "2023"."""
    return dates.iso_date(date, precision)


@register.filter
def event_dates(event) -> str:
    """An event's dates at the precision they are known: "October 2023",
    "27 October 2023 – November 2023", "27 October 2023 – ongoing"."""
    return dates.format_period(
        event.start_date,
        event.end_date,
        event.date_precision,
        event.end_date_precision,
        ongoing=event.ongoing,
    )


# Quotation marks by the language of the quote: guillemets for Arabic-script languages,
# plain double quotes for Hebrew (as Hebrew typesetting does), English marks otherwise.
QUOTE_MARKS = {
    "ar": ("«", "»"),
    "fa": ("«", "»"),
    "ur": ("«", "»"),
    "ps": ("«", "»"),
    "he": ('"', '"'),
    "yi": ('"', '"'),
    "fr": ("« ", " »"),
    "de": ("„", "“"),
}


@register.filter
def quoted(statement) -> str:
    """The statement's text inside the quotation marks of its language."""
    primary = (statement.language or "en").split("-")[0].lower()
    opening, closing = QUOTE_MARKS.get(primary, ("“", "”"))
    return f"{opening}{statement.text}{closing}"


@register.inclusion_tag("includes/cite_this.html")
def cite_this(record):
    return {"cite": citations(record)}
