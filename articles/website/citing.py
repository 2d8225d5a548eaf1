"""`?format=ris` on a record's detail page: the record's citation as a RIS file.

Each detail view is wrapped with `offers_ris(key)`. The RIS answer reads only the public
record (a staff preview of a draft offers no download) through the type's
`for_detail()` queryset, without building the rest of the page.
"""

import functools

from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from ..formats.citations import RIS_CONTENT_TYPE, citation_for, ris, ris_filename
from ..records.registry import record_type


def ris_response(record) -> HttpResponse:
    citation = citation_for(record)
    response = HttpResponse(ris(citation), content_type=RIS_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{ris_filename(citation)}"'
    return response


def offers_ris(key: str):
    """Answer `?format=ris` on the wrapped detail view of record type `key`."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, **lookup):
            if request.GET.get("format") != "ris":
                return view(request, **lookup)
            rows = record_type(key).public().for_detail()
            return ris_response(get_object_or_404(rows, **lookup))

        return wrapper

    return decorator
