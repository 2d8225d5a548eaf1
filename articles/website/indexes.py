"""`/outlets/` and `/places/`: every outlet and every place, with counts of public records.

Both are bounded whatever the archive's size: the outlets a page at a time, with their
counts as subqueries of that page; the places from two cached queries
(`records.places.index_entries`).
"""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..records import outlets, places
from .lists import ArchivePaginator, paginate, present

INDEX_PAGE_SIZE = 100


def _page(request: HttpRequest, template: str, paginator: Paginator) -> HttpResponse:
    request.GET = present(request.GET)  # the pager's links carry no empty parameter
    paginator, page_obj, page_error, status = paginate(request, None, paginator=paginator)
    context = {"paginator": paginator, "page_obj": page_obj, "page_error": page_error}
    return render(request, template, context, status=status)


def outlet_index(request: HttpRequest) -> HttpResponse:
    rows = ArchivePaginator(outlets.index_rows(), INDEX_PAGE_SIZE)
    return _page(request, "articles/outlet_index.html", rows)


def place_index(request: HttpRequest) -> HttpResponse:
    entries = Paginator(places.index_entries(), INDEX_PAGE_SIZE)
    return _page(request, "articles/place_index.html", entries)
