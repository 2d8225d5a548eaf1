"""Public list pages: statements, articles, events, actors.

Every list follows one order (STYLE.md): published base queryset → FilterSet → data
export when asked for → paginate → render with `filter` and `page_obj`. `list_page()`
holds that order once, with the parts every list shares: removable chips for the
active filters, facet counts of the current result, and readable errors for bad input.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.dateformat import format as date_format
from django.utils.functional import cached_property

from .. import freshness
from ..formats.tabular import export_response
from ..records.base import FacetSpec, RecordType
from ..records.registry import record_type
from .exports import page_feed

# Query parameters that are not filters: they never become chips and facets drop them.
NOT_FILTERS = ("page", "format")


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


def _without(query: QueryDict, names: Iterable[str]) -> QueryDict:
    query = query.copy()
    for name in names:
        query.pop(name, None)
    return query


def build_facets(
    request: HttpRequest, queryset: QuerySet, specs: Iterable[FacetSpec]
) -> list[Facet]:
    base = _without(request.GET, NOT_FILTERS)
    facets = []
    for title, function in specs:
        values = []
        for label, params, count in _facet_rows(title, function, queryset):
            active = all(request.GET.get(name) == value for name, value in params.items())
            query = _without(base, params) if active else base.copy()
            if not active:
                for name, value in params.items():
                    query[name] = value
            values.append(FacetValue(label=str(label), count=count, query=query, active=active))
        facets.append(Facet(title=title, values=values))
    return facets


def _facet_rows(title: str, function, queryset: QuerySet):
    """A facet's rows, computed once per generation of the archive and filtered query."""
    return freshness.cached(
        "facet", (title, freshness.query_key(queryset)), lambda: function(queryset)
    )


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


class ArchivePaginator(Paginator):
    """Pages of a list, read once per generation of the archive and filtered query.

    On a large archive the count of a list costs more than its page, and both change
    only when records do (articles/freshness.py): the count and each page's rows are
    computed once per generation and served from the shared cache after that. A deep
    page does not make the database skip its way down from the top: every
    `BOUNDARY_EVERY` rows the sort key is remembered (one pass over the sort index,
    once per generation), and a deep page seeks to the nearest one.
    """

    BOUNDARY_EVERY = 1000
    DEEP = 5000  # rows above a page before it seeks instead of skipping

    def _key(self):
        return freshness.query_key(self.object_list)

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        return freshness.cached("count", self._key(), rows.count)

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        rows = freshness.cached("page", (self._key(), bottom, top), lambda: self._rows(bottom, top))
        return self._get_page(rows, number, self)

    def _rows(self, bottom: int, top: int) -> list:
        rows = self.object_list
        ordering = _ordering(rows)
        if bottom < self.DEEP or ordering is None:
            return list(rows[bottom:top])
        boundaries = freshness.cached("boundaries", self._key(), lambda: _boundaries(rows))
        index = bottom // self.BOUNDARY_EVERY
        if index == 0 or index > len(boundaries):
            return list(rows[bottom:top])
        after = _after(ordering, boundaries[index - 1])
        skip = bottom - index * self.BOUNDARY_EVERY
        return list(rows.filter(after)[skip : skip + (top - bottom)])


def _ordering(rows: QuerySet) -> list[tuple[str, bool]] | None:
    """The list's sort as (field, descending) pairs, or None when it cannot seek."""
    fields = []
    for name in rows.query.order_by:
        if not isinstance(name, str) or "__" in name or name.startswith("?"):
            return None
        fields.append((name.lstrip("-"), name.startswith("-")))
    return fields if fields and fields[-1][0] in ("pk", "id") else None


def _boundaries(rows: QuerySet) -> list[tuple]:
    """The sort key of every `BOUNDARY_EVERY`th row, in order: one pass over the list."""
    names = [name for name, _ in _ordering(rows)]
    every = ArchivePaginator.BOUNDARY_EVERY
    found = []
    keys = rows.prefetch_related(None).values_list(*names).iterator(chunk_size=10_000)
    for number, key in enumerate(keys, start=1):
        if number % every == 0:
            found.append(key)
    return found


def _after(ordering: list[tuple[str, bool]], key: tuple) -> Q:
    """Rows that sort after `key`: a lexicographic comparison on the sort fields."""
    condition = Q()
    for position, (name, descending) in enumerate(ordering):
        equal = {field: key[i] for i, (field, _) in enumerate(ordering[:position])}
        beyond = {f"{name}__{'lt' if descending else 'gt'}": key[position]}
        condition |= Q(**equal, **beyond)
    return condition


def paginate(request: HttpRequest, queryset: QuerySet) -> tuple[Paginator, Page | None, str, int]:
    """The requested page, or an explanation and a status when there is no such page.

    A page number that is not a positive whole number answers 400; a page past the end
    answers 404. Neither shows rows: a URL that names a page that does not exist should
    not quietly show another page's rows, which a citation would then misdescribe.
    """
    paginator = ArchivePaginator(queryset, settings.PAGE_SIZE)
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


def list_page(request: HttpRequest, *, record: RecordType) -> HttpResponse:
    """Filter, export or paginate, and render a public list. Bad input answers 400 or 404.

    Everything that differs between the lists is the record type's declaration
    (`articles/records/`): its rows, FilterSet, facets and export columns.
    """
    filterset = record.filterset(request.GET, queryset=record.list_rows(), request=request)
    context = {
        "filter": filterset,
        "page_obj": None,
        "paginator": None,
        "page_error": "",
        "facets": [],
        "noun": record.noun[0],
        "noun_plural": record.noun[1],
        "export_max_rows": settings.EXPORT_MAX_ROWS,
        "feed": page_feed(
            request,
            title=record.noun[1].capitalize()
            + (" (filtered)" if _without(request.GET, NOT_FILTERS) else ""),
        ),
    }
    if filterset.is_valid():
        export = export_response(request, filterset.qs, record=record)
        if export is not None:
            return export
        paginator, page_obj, page_error, status = paginate(request, filterset.qs)
        context.update(
            paginator=paginator,
            page_obj=page_obj,
            page_error=page_error,
            facets=build_facets(request, filterset.qs, record.facets),
        )
    else:
        status = 400
    context["chips"] = build_chips(request, filterset)
    meta = record.model._meta
    return render(request, f"{meta.app_label}/{meta.model_name}_list.html", context, status=status)


def record_list(request: HttpRequest, *, key: str) -> HttpResponse:
    """The list page of one record type: `/statements/`, `/articles/`, `/events/`, `/actors/`."""
    return list_page(request, record=record_type(key))
