"""Public list pages: statements, articles, events, actors.

Every list follows one order (STYLE.md): published base queryset → FilterSet → data
export when asked for → paginate → render with `filter` and `page_obj`. `list_page()`
holds that order once, with the parts every list shares: removable chips for the
active filters, facet counts of the current result, and readable errors for bad input.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import F, Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.dateformat import format as date_format
from django.utils.functional import cached_property

from .. import freshness
from ..formats.tabular import export_response
from ..lookups import Among
from ..records.base import FacetSpec, RecordType
from ..records.facets import count_columns
from ..records.filtering import AnyOf
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
    count: int | None  # None: chosen, but not among the facet's top values
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


def _without_value(query: QueryDict, name: str, value: str) -> QueryDict:
    """The query with one value of a repeated parameter removed, the others kept."""
    query = query.copy()
    kept = [item for item in query.getlist(name) if item != value]
    if kept:
        query.setlist(name, kept)
    else:
        query.pop(name, None)
    return query


def present(query: QueryDict) -> QueryDict:
    """The parameters that say something: a field left empty in a form is no filter, and
    no link the page writes (pager, facets, chips, exports) carries it on."""
    kept = QueryDict(mutable=True)
    for name, values in query.lists():
        values = [value for value in values if value.strip()]
        if values:
            kept.setlist(name, values)
    kept._mutable = False
    return kept


def _repeats(filterset, name: str) -> bool:
    return isinstance(filterset.filters.get(name), AnyOf)


def _chosen(filterset, name: str) -> dict[str, tuple[str, object]]:
    """The values chosen for a filter that may repeat, by what a facet calls them: the value
    as given and, for a row, its slug ("Matthew Miller" typed is `matthew-miller`)."""
    pairs = filterset.form.fields[name].pairs if filterset.is_valid() else []
    chosen = {}
    for raw, meaning in pairs:
        chosen[raw] = (raw, meaning)
        chosen[str(getattr(meaning, "slug", meaning))] = (raw, meaning)
    return chosen


def build_facets(
    request: HttpRequest, filterset, specs: Iterable[FacetSpec], *, rows: QuerySet | None = None
) -> list[Facet]:
    """Each facet's values, linking to the list with that value added (or, when chosen,
    removed). A value of a filter that may repeat is added beside the others
    (`?kind=quote&kind=paraphrase`); one that may not (the years' dates) replaces it.

    A facet of a filter in use counts the rows of the other filters, so its other values
    are there to add, with the number of rows each would bring; a chosen value is always
    listed, so it can be removed there too. With broad words (a search in more than
    SEARCH_BROAD_MATCHES records) such a facet lists only its chosen values: the rows of
    the other filters may be those of the words alone, whose facets a list does not count.

    `rows`, when given, are the list's rows as the other facets count them (the same
    rows as `filterset.qs`, found another way).
    """
    rows = filterset.qs if rows is None else rows
    broad = filterset.broad_words()
    base = _without(request.GET, NOT_FILTERS)
    planned = []  # each facet: where its counts come from
    for title, function in specs:
        param = getattr(function, "param", None)
        repeats = bool(param) and _repeats(filterset, param)
        chosen = _chosen(filterset, param) if repeats else {}
        scope = filterset.tally_scope(without=param if chosen else "")
        if scope is not None and hasattr(function, "tallied"):
            source = "tallied"
        elif hasattr(function, "alone") and function.alone(filterset.qs):
            source = "alone"  # its own query, on the list's rows as filtered
        elif not chosen and hasattr(function, "column"):
            source = "together"  # a column of the list's own rows, counted with the others
        else:
            source = "own"
        planned.append((title, function, param, repeats, chosen, scope, source))
    together = [function.column for _, function, *_, source in planned if source == "together"]
    columns = _column_rows(together, rows) if len(together) > 1 else {}
    facets = []
    for title, function, param, repeats, chosen, scope, source in planned:
        if chosen and broad:
            found = []  # the chosen values only (added below)
        elif source == "tallied":
            found = _tallied_rows(title, function, filterset.queryset.model, scope)
        elif source == "together" and columns:
            found = function.ranked(columns[function.column])
        elif chosen:
            found = _facet_rows(title, function, filterset.qs_without(param))
        else:
            found = _facet_rows(title, function, filterset.qs if source == "alone" else rows)
        values, listed = [], set()
        for label, params, count in found:
            if repeats and params.keys() == {param}:
                value = str(params[param])
                raw = chosen.get(value, (None,))[0]
                active = raw is not None
                if active:
                    listed.add(raw)
                    query = _without_value(base, param, raw)
                else:
                    query = base.copy()
                    query.appendlist(param, value)
            else:  # a date range is chosen, and replaced, as a whole
                active = all(request.GET.get(name) == value for name, value in params.items())
                query = _without(base, params) if active else base.copy()
                if not active:
                    for name, value in params.items():
                        query[name] = value
            values.append(FacetValue(label=str(label), count=count, query=query, active=active))
        for raw, meaning in dict(chosen.values()).items() if chosen else ():
            if raw not in listed:  # chosen, but not among the top values
                label = filterset.filters[param].label_of(meaning)
                query = _without_value(base, param, raw)
                values.append(FacetValue(label=label, count=None, query=query, active=True))
        facets.append(Facet(title=title, values=values))
    return facets


def _tallied_rows(title: str, function, model, scope: tuple[str, list[str]]):
    """A facet's rows from the totals the database keeps (`articles/tallies.py`)."""
    return freshness.cached(
        "tallied_facet", (title, scope), lambda: function.tallied(model, *scope)
    )


def _column_rows(columns: list[str], queryset: QuerySet) -> dict[str, dict]:
    """The counts of several one-column facets of the same rows, in one query, computed
    once per generation of the archive and filtered query."""
    return freshness.cached(
        "facet_columns",
        (columns, freshness.query_key(queryset)),
        lambda: count_columns(queryset, columns),
    )


def _facet_rows(title: str, function, queryset: QuerySet):
    """A facet's rows, computed once per generation of the archive and filtered query."""
    return freshness.cached(
        "facet", (title, freshness.query_key(queryset)), lambda: function(queryset)
    )


def _shown(filter_, value, raw: str) -> str:
    """How a chip names the value of a filter."""
    if isinstance(filter_, AnyOf):
        return filter_.label_of(value)
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    if value and getattr(filter_.field, "choices", None):
        return str(dict(filter_.field.choices).get(value, raw))
    return raw


def build_chips(request: HttpRequest, filterset) -> list[Chip]:
    """A chip for every filter value in the URL, valid or not, so a bad one is one click
    away. A filter given several values has a chip for each, removing that value only."""
    form = filterset.form
    cleaned = getattr(form, "cleaned_data", {})
    chips = []
    for name, filter_ in filterset.filters.items():
        if name == "sort":
            continue
        label = str(filter_.label)
        if isinstance(filter_, AnyOf):
            pairs = form.fields[name].pairs if name in cleaned else []
            if not pairs:  # not cleaned: each value as it was given
                pairs = [(raw, None) for raw in request.GET.getlist(name) if raw.strip()]
            for raw, value in pairs:
                shown = raw if value is None else _shown(filter_, value, raw)
                query = _without(_without_value(request.GET, name, raw), NOT_FILTERS)
                chips.append(Chip(name=name, label=label, value=shown, query=query))
            continue
        raw = request.GET.get(name, "").strip()
        if not raw:
            continue
        value = cleaned.get(name) if name not in form.errors else None
        query = _without(request.GET, (name, *NOT_FILTERS))
        chips.append(Chip(name=name, label=label, value=_shown(filter_, value, raw), query=query))
    return chips


# -- Pagination ------------------------------------------------------------------------


class ArchivePaginator(Paginator):
    """Pages of a list, read once per generation of the archive and filtered query.

    On a large archive the count of a list costs more than its page, and both change
    only when records do (articles/freshness.py): the count and each page's rows are
    computed once per generation and served from the shared cache after that. A deep
    page does not skip its way down a join: it first reads the ids of its rows alone,
    which the database skips through in the list's sort index without touching the
    rows (page 20,000 of a million statements: about 20 ms on SQLite), then joins only
    those rows.
    """

    DEEP = 5000  # rows above a page before its ids are read first

    def __init__(
        self,
        *args,
        known_count: Callable[[], int | None] | None = None,
        cap: int | None = None,
        counted: QuerySet | None = None,
        ids_first: bool = False,
        seek: Callable[[int], tuple[Q, int] | None] | None = None,
        **kwargs,
    ):
        """`known_count`, when it answers, counts the rows without reading them (the
        totals kept for the statement list). With `cap`, counting stops past `cap` rows:
        the list then has `cap` rows (`capped`), and the page says "more than".
        `counted`, when given, is the same rows as the database counts them best.

        With `ids_first`, every page of a list longer than `DEEP` rows reads its ids
        first, not only the deep ones: where no index gives a filter's rows in the list's
        order (an outlet's ten thousand statements), the database then sorts their ids
        and dates, not whole rows joined to their articles' bodies. Not for a search,
        whose second query would look its words up again.

        `seek(offset)`, when given, says where the row at `offset` is without counting
        the rows above it (a filter whose rows start on or just above it, and how many
        of those come first: the statement list's totals per day, `FilterSet.seek`): a
        deep page then skips a few rows, not all of those above it."""
        super().__init__(*args, **kwargs)
        self.known_count = known_count
        self.cap = cap
        self.counted = counted
        self.ids_first = ids_first
        self.seek = seek

    def _key(self):
        return freshness.query_key(self.object_list)

    @cached_property
    def _found(self) -> int:
        """The rows counted: all of them, or `cap + 1` when there are more than `cap`."""
        known = self.known_count() if self.known_count is not None else None
        if known is not None:
            return known
        rows = self.object_list if self.counted is None else self.counted
        key = freshness.query_key(rows)
        if self.cap is None:
            return freshness.cached("count", key, rows.count)
        at_most = self.cap + 1
        return freshness.cached("count", (key, at_most), rows[:at_most].count)

    @cached_property
    def count(self) -> int:
        return self._found if self.cap is None else min(self._found, self.cap)

    @property
    def capped(self) -> bool:
        """Whether more rows match than the list gives (`cap`)."""
        return self.cap is not None and self._found > self.cap

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        rows = freshness.cached("page", (self._key(), bottom, top), lambda: self._rows(bottom, top))
        return self._get_page(rows, number, self)

    def _rows(self, bottom: int, top: int) -> list:
        rows = self.object_list
        shallow = bottom < self.DEEP and not (self.ids_first and self.count > self.DEEP)
        if shallow or rows.query.combinator:
            return list(rows[bottom:top])
        found = self.seek(bottom) if self.seek is not None and bottom >= self.DEEP else None
        above = rows if found is None else rows.filter(found[0])
        skip = bottom if found is None else found[1]
        ids = above.prefetch_related(None).values_list("pk", flat=True)[skip : skip + top - bottom]
        return list(rows.filter(pk__in=list(ids)))  # the list's own order, among these rows


def paginate(
    request: HttpRequest, queryset: QuerySet, *, paginator: Paginator | None = None
) -> tuple[Paginator, Page | None, str, int]:
    """The requested page, or an explanation and a status when there is no such page.

    A page number that is not a positive whole number answers 400; a page past the end
    answers 404. Neither shows rows: a URL that names a page that does not exist should
    not quietly show another page's rows, which a citation would then misdescribe.
    """
    if paginator is None:
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
        if getattr(paginator, "capped", False):
            message += (
                f" More than {paginator.count:,} match, and only the first {paginator.count:,}"
                " are listed: add a word or a filter to reach the others."
            )
        return paginator, None, message, 404
    return paginator, paginator.page(number), "", 200


# -- The list pattern -----------------------------------------------------------------


def list_page(request: HttpRequest, *, record: RecordType) -> HttpResponse:
    """Filter, export or paginate, and render a public list. Bad input answers 400 or 404.

    Everything that differs between the lists is the record type's declaration
    (`articles/records/`): its rows, FilterSet, facets and export columns.

    Empty parameters (the fields of the form left empty) are dropped first, so that no
    link of the page (pager, facets, chips, exports, all `{% querystring %}`) repeats them.
    """
    request.GET = present(request.GET)
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
        # A search may match a quarter of the archive: its count stops past
        # SEARCH_BROAD_MATCHES, and the facets of so many rows are not counted.
        searching = bool(filterset.form.cleaned_data.get("q"))
        # Broad words narrowed by other filters: their rows are read once, as ids,
        # which count them and which the facets group; each facet would otherwise find
        # the words' matches again (on PostgreSQL 110-170 ms a facet for a word in a
        # quarter of the archive, whatever the other filters keep).
        matched, rows = None, None
        if searching and filterset.narrowed_besides_words() and filterset.broad_words():
            matched = matched_ids(filterset.qs_counted())
            rows = filterset.queryset.filter(Among(F("pk"), matched))
        # The page itself finds the words among the filters' rows again, in the list's
        # order: listed from the ids alone, PostgreSQL walks its date index and tests
        # every statement against them (8 s for a fortnight's 6,000 of "evacuation").
        paginator = ArchivePaginator(
            filterset.qs,
            settings.PAGE_SIZE,
            known_count=filterset.tallied_count if matched is None else lambda: len(matched),
            cap=settings.SEARCH_BROAD_MATCHES if searching else None,
            counted=filterset.qs_counted() if searching else None,
            ids_first=not searching,
            seek=filterset.seek(),
        )
        paginator, page_obj, page_error, status = paginate(
            request, filterset.qs, paginator=paginator
        )
        context.update(
            paginator=paginator,
            page_obj=page_obj,
            page_error=page_error,
            facets=[]
            if paginator.capped
            else build_facets(request, filterset, record.facets, rows=rows),
        )
    else:
        status = 400
    context["chips"] = build_chips(request, filterset)
    meta = record.model._meta
    return render(request, f"{meta.app_label}/{meta.model_name}_list.html", context, status=status)


def matched_ids(rows: QuerySet) -> list:
    """The ids of a search's rows, at most SEARCH_BROAD_MATCHES and one (more: the list
    says "more than"), read once per generation of the archive and filtered query."""
    limit = settings.SEARCH_BROAD_MATCHES + 1
    return freshness.cached(
        "matched",
        (freshness.query_key(rows), limit),
        lambda: list(rows.values_list("pk", flat=True)[:limit]),
    )


def record_list(request: HttpRequest, *, key: str) -> HttpResponse:
    """The list page of one record type: `/statements/`, `/articles/`, `/events/`, `/actors/`."""
    return list_page(request, record=record_type(key))
