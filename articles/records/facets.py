"""Facets of the list pages: top values of a column, counts per year.

Each function returned here runs exactly one aggregate query on the filtered rows. A
facet of one filter's values carries that filter's name as `param`: the list counts it
on the rows of the other filters, so that choosing a value leaves the others to add.
"""

from collections.abc import Callable

from django.db.models import Count, QuerySet

from .base import FacetRows

FACET_SIZE = 10


def _plain(queryset: QuerySet) -> QuerySet:
    """The filtered rows without the listing's ordering and prefetches, ready to group."""
    return queryset.order_by().prefetch_related(None)


def count_by(
    value_field: str,
    param: str,
    label_field: str | None = None,
    choices=None,
    display: Callable[[str], str] | None = None,
) -> Callable[[QuerySet], FacetRows]:
    """Top values of one column with their counts: one GROUP BY query.

    Each value is named by `label_field`, by `choices`, or by `display` (country and
    language names for their codes).
    """

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
            if label_field:
                label = row[label_field]
            elif display is not None:
                label = display(value)
            else:
                label = labels.get(value, value)
            result.append((label, {param: value}, row["n"]))
        return result

    facet.param = param
    return facet


def count_by_group(
    value_field: str, param: str, groups: dict[str, tuple[str, str]]
) -> Callable[[QuerySet], FacetRows]:
    """Counts of groups of values (kinds by their ACLED event type): one GROUP BY query
    on the column, added up here. `groups` maps a value to its group's (key, label);
    values in no group are left out. Groups come in the order `groups` first names them."""

    def facet(queryset: QuerySet) -> FacetRows:
        rows = _plain(queryset).values(value_field).annotate(n=Count("pk"))
        counts: dict[str, int] = {}
        for row in rows:
            group = groups.get(row[value_field])
            if group is not None:
                counts[group[0]] = counts.get(group[0], 0) + row["n"]
        labels = dict(groups.values())
        order = list(labels)
        return [
            (labels[key], {param: key}, counts[key])
            for key in sorted(counts, key=lambda key: (-counts[key], order.index(key)))
        ]

    facet.param = param
    return facet


def count_per_year(queryset: QuerySet, date_field: str) -> dict[int, int]:
    """How many rows fall in each year of `date_field`: one GROUP BY query.

    It groups by the date itself, which the date indexes give in order, and adds the days
    up per year here: extracting the year in SQL would call a function on every row (on
    SQLite, a Python function: seconds on a million rows).
    """
    years: dict[int, int] = {}
    rows = _plain(queryset).values_list(date_field).annotate(n=Count("pk")).order_by()
    for day, count in rows:
        if day is not None:
            years[day.year] = years.get(day.year, 0) + count
    return years


def count_by_year(date_field: str) -> Callable[[QuerySet], FacetRows]:
    """Counts per year, newest first; each links to that year as a date range."""

    def facet(queryset: QuerySet) -> FacetRows:
        years = count_per_year(queryset, date_field)
        return [
            (
                str(year),
                {"date_from": f"{year:04d}-01-01", "date_to": f"{year:04d}-12-31"},
                years[year],
            )
            for year in sorted(years, reverse=True)
        ]

    return facet
