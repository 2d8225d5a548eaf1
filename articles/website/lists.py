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
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.dateformat import format as date_format
from django.utils.functional import cached_property

from .. import freshness
from ..formats.tabular import export_response
from ..records.base import FacetSpec, RecordType
from ..records.registry import record_type

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
        "facet", (title, queryset.query.sql_with_params()), lambda: function(queryset)
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
    """Counts a list once per generation of the archive and filtered query.

    On a large archive the count of a list costs more than its page; it changes only
    when records do (articles/freshness.py).
    """

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        return freshness.cached("count", rows.query.sql_with_params(), rows.count)


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
