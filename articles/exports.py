"""Lists as data: `?format=csv`, `?format=json` (and later `atom`) on every list page.

List views call `export_response(request, filterset.qs, kind=...)` after filtering and
before paginating; it returns a response when the request asks for a data format and
None for the HTML page. The data-out issue fills in the formats.
"""

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse


def export_response(request: HttpRequest, queryset: QuerySet, *, kind: str) -> HttpResponse | None:
    return None
