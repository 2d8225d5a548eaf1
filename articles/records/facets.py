"""Facets of the list pages: top values of a column, counts per year.

Each function returned here runs exactly one aggregate query on the filtered rows.
"""

from collections.abc import Callable

from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractYear

from .base import FacetRows

FACET_SIZE = 10


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
