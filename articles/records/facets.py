"""Facets of the list pages: top values of a column, counts per year.

Each function returned here runs exactly one aggregate query on the filtered rows. A
facet of one column's values (`count_by` without a label field) also carries its
`column` and `ranked(counts)`: a list counts such facets together (`count_columns`),
but for rows where its `alone(queryset)`, if it has one, says they need its own query. A
facet of one filter's values carries that filter's name as `param`: the list counts it
on the rows of the other filters, so that choosing a value leaves the others to add.

A facet declared with `tally=` (statements) can also be read from the totals the
database keeps (`articles/tallies.py`) when the rows are all public statements or those
of one counted filter: `facet.tallied(model, scope, values)` gives the same rows as
`facet(queryset)` without grouping the statements.
"""

from collections.abc import Callable

from django.db.models import Count, Model, QuerySet

from .. import tallies
from .base import FacetRows

FACET_SIZE = 10
# The rows of a group: COUNT(*), which PostgreSQL answers from an index without the
# id (an index-only scan); COUNT(id) made it read the rows. Both count the same here,
# where every row has its id.
ROWS = Count("*")


def _plain(queryset: QuerySet) -> QuerySet:
    """The filtered rows without the listing's ordering and prefetches, ready to group."""
    return queryset.order_by().prefetch_related(None)


def _related(model: type[Model], path: str) -> tuple[type[Model], str]:
    """The model at the end of a lookup path and its field: ("article__outlet__slug")
    from Statement is (Outlet, "slug")."""
    *relations, field = path.split("__")
    for name in relations:
        model = model._meta.get_field(name).related_model
    return model, field


def count_by(
    value_field: str,
    param: str,
    label_field: str | None = None,
    choices=None,
    display: Callable[[str], str] | None = None,
    tally: str = "",
) -> Callable[[QuerySet], FacetRows]:
    """Top values of one column with their counts: one GROUP BY query.

    Each value is named by `label_field`, by `choices`, or by `display` (country and
    language names for their codes). `tally` names the facet in the kept totals, whose
    values are the column's, or the related row's id when the value is a related row's
    field (`speaker__slug`): those are named with one more query.
    """
    labels = dict(choices or [])

    def named(value) -> str:
        if display is not None:
            return display(value)
        return labels.get(value, value)

    def ranked(counts: dict) -> FacetRows:
        """The top values of `counts` (value → rows) as the query ranks them: most rows
        first, then by value; no empty value."""
        found = [(value, n) for value, n in counts.items() if value not in (None, "")]
        top = sorted(found, key=lambda item: (-item[1], item[0]))[:FACET_SIZE]
        return [(named(value), {param: value}, n) for value, n in top]

    def tallied(model: type[Model], scope: str, values: list[str]) -> FacetRows:
        if not label_field:
            return ranked(tallies.totals(tally, scope=scope, values=values))
        related, value_name = _related(model, value_field)
        fields = (value_name, label_field.rsplit("__", 1)[1])
        top = tallies.top_related(
            tally, related, fields, scope=scope, values=values, limit=FACET_SIZE
        )
        return [(label, {param: value}, n) for value, label, n in top]

    def facet(queryset: QuerySet) -> FacetRows:
        fields = [value_field] + ([label_field] if label_field else [])
        rows = (
            _plain(queryset)
            .exclude(**{f"{value_field}__isnull": True})
            .exclude(**{value_field: ""})
            .values(*fields)
            .annotate(n=ROWS)
            .order_by("-n", label_field or value_field)[:FACET_SIZE]
        )
        result = []
        for row in rows:
            value = row[value_field]
            label = row[label_field] if label_field else named(value)
            result.append((label, {param: value}, row["n"]))
        return result

    facet.param = param
    if not label_field:  # one column, named here: countable with others (`count_columns`)
        facet.column = value_field
        facet.ranked = ranked
    if tally:
        facet.tallied = tallied
    return facet


def count_columns(queryset: QuerySet, columns: list[str]) -> dict[str, dict]:
    """The rows per value of each of these columns (value → rows, by column), in one
    GROUP BY over all of them: the one-column facets of a list (kinds, channels,
    attribution) read the filtered rows once instead of once each. Their values are
    few, so the groups of their combinations are few."""
    counts: dict[str, dict] = {column: {} for column in columns}
    for *values, n in _plain(queryset).values_list(*columns).annotate(n=ROWS).order_by():
        for column, value in zip(columns, values, strict=True):
            counts[column][value] = counts[column].get(value, 0) + n
    return counts


def count_by_group(
    value_field: str, param: str, groups: dict[str, tuple[str, str]]
) -> Callable[[QuerySet], FacetRows]:
    """Counts of groups of values (kinds by their ACLED event type): one GROUP BY query
    on the column, added up here. `groups` maps a value to its group's (key, label);
    values in no group are left out. Groups come in the order `groups` first names them."""

    def facet(queryset: QuerySet) -> FacetRows:
        rows = _plain(queryset).values(value_field).annotate(n=ROWS)
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
    rows = _plain(queryset).values_list(date_field).annotate(n=ROWS).order_by()
    for day, count in rows:
        if day is not None:
            years[day.year] = years.get(day.year, 0) + count
    return years


def count_by_year(date_field: str, tally: str = "") -> Callable[[QuerySet], FacetRows]:
    """Counts per year, newest first; each links to that year as a date range. `tally`
    names the facet of years in the kept totals (see `count_by`)."""

    def rows(years: dict[int, int]) -> FacetRows:
        return [
            (
                str(year),
                {"date_from": f"{year:04d}-01-01", "date_to": f"{year:04d}-12-31"},
                years[year],
            )
            for year in sorted(years, reverse=True)
        ]

    def facet(queryset: QuerySet) -> FacetRows:
        return rows(count_per_year(queryset, date_field))

    def tallied(model: type[Model], scope: str, values: list[str]) -> FacetRows:
        counts = tallies.totals(tally, scope=scope, values=values)
        return rows({int(year): n for year, n in counts.items()})

    if tally:
        facet.tallied = tallied
    return facet
