"""Lists as data: `?format=csv`, `?format=json` and `?format=atom` on every list page.

List views call `export_response(request, filterset.qs, record=...)` after filtering and
before paginating; it returns a response when the request asks for a data format and
None for the HTML page. CSV and JSON hold exactly the filtered rows, all of them, streamed
chunk by chunk (related rows loaded per chunk), so memory stays flat however many rows
match, and from one snapshot of the archive (`snapshot()`), so a file is the archive of
one moment however long it streams. Atom holds the newest `FEED_LENGTH` rows. The columns
are the record type's declaration (`articles/records/`), documented in
docs/data-format.md; add columns at the end, never rename or remove one.

A CSV file (live, or prepared in /downloads/) opens in a spreadsheet as it is meant to:
it starts with a UTF-8 byte order mark, without which Excel reads UTF-8 as the local code
page (Arabic, Hebrew and curly quotes turn to mojibake); `?bom=0` leaves the mark out for
programs that do not expect it.
A text cell that a spreadsheet would run as a formula starts with an apostrophe.

Pages other than the lists (search, dates, an outlet, a place, an actor's sections, an
event's statements) pass their own public rows here: every export goes through the same
bound and slots. `requested_format(request)` says whether a data format was asked for.

A file is whole or visibly broken, never silently short:
- a list of more than `EXPORT_MAX_ROWS` rows is refused before anything is streamed (422,
  naming the count, the bound, and the two ways out: narrower filters or the prepared
  full download at /downloads/), so no export outlasts the server's timeout;
- at most `EXPORT_CONCURRENCY` exports stream at once (`slots.py`); one more answers 503
  with `Retry-After`;
- a reader that takes nothing for `IDLE_TIMEOUT_MS` ends its PostgreSQL session rather
  than hold a snapshot open, and its file is cut short as below;
- an error while streaming (a database that fails, a worker that is killed) propagates:
  the server closes the connection without the chunked body's last chunk, which every
  HTTP/1.1 client reports as an incomplete read. Nothing here catches it.
"""

import contextlib
import csv
import datetime
import itertools
import json
import re
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render

from .. import freshness
from ..records.base import RecordType
from . import atom, slots

# Rows read and completed at once: plain rows (a dict of short values each) in chunks of
# 5,000, so an export of 50,000 statements asks for its related rows ten times, not 25
# (on PostgreSQL each ask is a round trip and a join: a third of the time at 2,000);
# model objects, which carry an article's whole text, 2,000 at a time.
CHUNK_SIZE = 5000
OBJECT_CHUNK_SIZE = 2000
# A PostgreSQL export whose reader takes nothing for this long ends its session (and so
# its transaction and snapshot): the file is visibly cut short, the database not held.
IDLE_TIMEOUT_MS = 300_000
LINES_PER_PIECE = 100  # CSV lines sent to the server at once: fewer, larger writes
FORMATS = ("csv", "json", "atom")
RETRY_AFTER = 30  # seconds a reader is asked to wait when every export slot is taken


def rows(queryset: QuerySet, *, record: RecordType) -> Iterator:
    """Every row of the queryset, read in chunks with their related rows, as the record
    type's columns read them (`csv_text` and `json_text` turn each into its cells).

    A type that declares a `plain_export` is read as plain values (a dict per row), in
    the queryset's order, and its related values are loaded once per chunk; the others as
    model objects from `for_export()`.
    """
    using = queryset.db  # with replicas, the router's choice: every read of it goes there
    queryset = queryset.using(using)
    with snapshot(using):
        plain = record.plain_export
        if plain is None:
            yield from record.for_export(queryset).iterator(chunk_size=OBJECT_CHUNK_SIZE)
            return
        values = queryset.prefetch_related(None).values(*plain.fields).iterator(CHUNK_SIZE)
        related = plain.related(using) if plain.related is not None else None
        while chunk := list(itertools.islice(values, CHUNK_SIZE)):
            if related is not None:
                related(chunk)
            yield from chunk


@contextlib.contextmanager
def snapshot(using: str) -> Iterator[None]:
    """One transaction for all of an export's reads.

    PostgreSQL: outside a transaction Django's server-side cursor is `WITH HOLD`, which
    the server fills with every row before it sends the first; inside one, rows come as
    they are fetched. A transaction opened here (not one the caller opened) reads one
    snapshot, REPEATABLE READ and READ ONLY: the rows and what each chunk adds to them
    (mentions, event links) agree however long the export runs, and it also holds on a
    read replica, without JIT compilation. A reader that stops reading for
    `IDLE_TIMEOUT_MS` loses its session.
    SQLite reads a transaction's rows from one snapshot already.
    """
    connection = connections[using]
    own = not connection.in_atomic_block
    # Within the caller's transaction, no savepoint: these are reads.
    with transaction.atomic(using=using, savepoint=False):
        if own and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY; "
                    f"SET LOCAL idle_in_transaction_session_timeout = {IDLE_TIMEOUT_MS}; "
                    # A large export's estimated cost passes `jit_above_cost`; compiling
                    # it took 40-60 ms of the 400 ms the largest live export's rows take.
                    "SET LOCAL jit = off"
                )
        yield


class _Lines:
    """A file-like object that hands back what csv.writer writes."""

    def write(self, value: str) -> str:
        return value


# Characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A signed number ("-31.5", a latitude) is read as a number, not run: it stays as it is.
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
BOM = "\ufeff"


def _inert(value):
    """A text cell a spreadsheet will not run: a leading apostrophe before a formula. A
    yes/no is written `true` or `false`, as JSON writes it."""
    if value.__class__ is str:  # most cells: checked first, and cheaply
        if value[:1] in _FORMULA_FIRST and not NUMBER.fullmatch(value):
            return "'" + value
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


_FORMULA_FIRST = frozenset(FORMULA_STARTS)


def csv_text(rows: Iterable, *, record: RecordType, bom: bool = True) -> Iterator[str]:
    """The CSV file of these rows (from `rows()`), piece by piece: the header (after the
    byte order mark), then the rows, about a hundred lines per piece."""
    writer = csv.writer(_Lines(), lineterminator="\r\n")
    yield (BOM if bom else "") + writer.writerow(record.column_names)
    columns = list(record.columns.values())
    lines: list[str] = []
    first = _FORMULA_FIRST
    for row in rows:
        # Most cells are text that starts harmlessly: only the others go through _inert.
        line = writer.writerow(
            [
                v if (v := column(row)).__class__ is str and v[:1] not in first else _inert(v)
                for column in columns
            ]
        )
        lines.append(line)
        if len(lines) == LINES_PER_PIECE:
            yield "".join(lines)
            lines.clear()
    if lines:
        yield "".join(lines)


def json_text(rows: Iterable, *, record: RecordType) -> Iterator[str]:
    """The JSON array of these rows (from `rows()`), piece by piece; its closing bracket
    comes last."""
    yield "["
    separator = "\n"
    for row in rows:
        cells = record.row(row)
        yield separator + json.dumps(cells, cls=DjangoJSONEncoder, ensure_ascii=False)
        separator = ",\n"
    yield "\n]\n"


def stream_csv(queryset: QuerySet, *, record: RecordType, bom: bool = True) -> Iterator[str]:
    return csv_text(rows(queryset, record=record), record=record, bom=bom)


def stream_json(queryset: QuerySet, *, record: RecordType) -> Iterator[str]:
    return json_text(rows(queryset, record=record), record=record)


STREAMS = {
    "csv": (stream_csv, "text/csv; charset=utf-8"),
    "json": (stream_json, "application/json"),
}


def _filename(record: RecordType, extension: str) -> str:
    return f"{record.key}-{datetime.date.today().isoformat()}.{extension}"


def requested_format(request: HttpRequest) -> str:
    """The data format the request asks for (`?format=`), "" for the HTML page."""
    return request.GET.get("format", "").strip().lower()


def bad_request(message: str) -> HttpResponse:
    """400 with a plain-text message: a data request is answered with data or a reason."""
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def export_response(
    request: HttpRequest, queryset: QuerySet, *, record: RecordType, title: str = ""
) -> HttpResponse | None:
    """The rows as CSV, JSON or Atom when `?format=` asks for it; None for the HTML page.

    `title` names the rows in the feed ("Statements of October 2023")."""
    fmt = requested_format(request)
    if not fmt:
        return None
    if fmt not in FORMATS:
        return bad_request(
            f"Unknown format {fmt[:20]!r}: use format=csv, format=json or format=atom."
        )
    bom = request.GET.get("bom", "1").strip()
    if fmt == "csv" and bom not in ("0", "1"):
        return bad_request(f"bom={bom[:20]!r}: use bom=1 (the default) or bom=0.")
    if fmt == "atom":
        return atom.list_feed_response(request, queryset, record=record, title=title)
    bound = settings.EXPORT_MAX_ROWS
    if count_up_to(queryset, bound + 1) > bound:
        return _too_large(request, queryset, record=record, bound=bound)
    slot = slots.take()
    if slot is None:
        return _busy(request, record=record)
    stream, content_type = STREAMS[fmt]
    pieces = stream(queryset, record=record, **({"bom": bom == "1"} if fmt == "csv" else {}))
    content = _Holding(pieces, slot)
    response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{_filename(record, fmt)}"'
    return response


def count_up_to(queryset: QuerySet, limit: int) -> int:
    """How many rows the queryset has, counted no further than `limit`.

    Unordered and cut at `limit`, so a list of a million rows costs a scan of `limit`.
    """
    return queryset.order_by()[:limit].count()


def list_count(queryset: QuerySet) -> int:
    """The list's full count, shared with its page (`ArchivePaginator.count`): usually cached."""
    return freshness.cached("count", freshness.query_key(queryset), queryset.count)


class _Holding:
    """An export's pieces, holding its export slot: renewed as they stream, released when
    the server closes the response (also after an error). Errors are not caught."""

    def __init__(self, pieces: Iterator[str], slot: slots.Slot):
        self.pieces = pieces
        self.slot = slot

    def __iter__(self) -> Iterator[str]:
        for piece in self.pieces:
            self.slot.renew()
            yield piece

    def close(self) -> None:
        self.slot.release()
        self.pieces.close()


def _refusal(request: HttpRequest, context: dict, *, status: int) -> HttpResponse:
    back = request.GET.copy()
    back.pop("format", None)
    context["list_url"] = f"{request.path}?{back.urlencode()}" if back else request.path
    response = render(request, "export_refused.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _too_large(
    request: HttpRequest, queryset: QuerySet, *, record: RecordType, bound: int
) -> HttpResponse:
    """422: the list has more rows than one live export holds. Nothing is streamed."""
    context = {"reason": "too_large", "rows": list_count(queryset), "bound": bound}
    context["noun_plural"] = record.noun[1]
    return _refusal(request, context, status=422)


def _busy(request: HttpRequest, *, record: RecordType) -> HttpResponse:
    """503 with Retry-After: every export slot is taken."""
    context = {"reason": "busy", "retry_after": RETRY_AFTER, "noun_plural": record.noun[1]}
    response = _refusal(request, context, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response
