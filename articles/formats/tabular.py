"""Lists as data: `?format=csv`, `?format=json` and `?format=atom` on every list page.

List views call `export_response(request, filterset.qs, record=...)` after filtering and
before paginating; it returns a response when the request asks for a data format and
None for the HTML page. CSV and JSON hold exactly the filtered rows, all of them, streamed
chunk by chunk (related rows loaded per chunk), so memory stays flat however many rows
match. Atom holds the newest `FEED_LENGTH` rows. The columns are the record type's
declaration (`articles/records/`), documented in docs/data-format.md; add columns at the
end, never rename or remove one.
"""

import csv
import datetime
import json
from collections.abc import Iterable, Iterator

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse

from ..records.base import RecordType
from . import atom

CHUNK_SIZE = 2000
FORMATS = ("csv", "json", "atom")


def rows(queryset: QuerySet, *, record: RecordType) -> Iterator[dict]:
    """Every row of the queryset, read in chunks with their related rows."""
    for obj in record.for_export(queryset).iterator(chunk_size=CHUNK_SIZE):
        yield record.row(obj)


class _Echo:
    """A file-like object that hands back what csv.writer writes."""

    def write(self, value: str) -> str:
        return value


# Characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _inert(value):
    """A text cell a spreadsheet will not run: a leading apostrophe before a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(rows: Iterable[dict], *, record: RecordType) -> Iterator[str]:
    """The CSV file of these rows, piece by piece: the header, then one line per row."""
    writer = csv.DictWriter(_Echo(), fieldnames=record.column_names)
    yield writer.writeheader()
    for row in rows:
        yield writer.writerow({name: _inert(value) for name, value in row.items()})


def json_text(rows: Iterable[dict], *, record: RecordType) -> Iterator[str]:
    """The JSON array of these rows, piece by piece; its closing bracket comes last."""
    yield "["
    separator = "\n"
    for row in rows:
        yield separator + json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False)
        separator = ",\n"
    yield "\n]\n"


def stream_csv(queryset: QuerySet, *, record: RecordType) -> Iterator[str]:
    return csv_text(rows(queryset, record=record), record=record)


def stream_json(queryset: QuerySet, *, record: RecordType) -> Iterator[str]:
    return json_text(rows(queryset, record=record), record=record)


STREAMS = {
    "csv": (stream_csv, "text/csv; charset=utf-8"),
    "json": (stream_json, "application/json"),
}


def _filename(record: RecordType, extension: str) -> str:
    return f"{record.key}-{datetime.date.today().isoformat()}.{extension}"


def export_response(
    request: HttpRequest, queryset: QuerySet, *, record: RecordType
) -> HttpResponse | None:
    """The list as CSV, JSON or Atom when `?format=` asks for it; None for the HTML page."""
    fmt = request.GET.get("format", "").strip().lower()
    if not fmt:
        return None
    if fmt not in FORMATS:
        return HttpResponseBadRequest(
            f"Unknown format {fmt[:20]!r}: use format=csv, format=json or format=atom.",
            content_type="text/plain; charset=utf-8",
        )
    if fmt == "atom":
        return atom.list_feed_response(request, queryset, record=record)
    stream, content_type = STREAMS[fmt]
    response = StreamingHttpResponse(stream(queryset, record=record), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{_filename(record, fmt)}"'
    return response
