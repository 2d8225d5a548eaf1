"""Reading an archive file as a stream of records, with strict types (docs/data-format.md).

The file is parsed with ijson's event parser, one record at a time, so memory holds one
record, not the file: `records(stream, sections, wanted)` yields the records of the
sections wanted and reads past the others without building them. Nesting inside a record
is capped (`MAX_DEPTH`), and so is a list inside a record (`MAX_ITEMS`); values are built
without recursion, so no file can exhaust the stack.

`check_record(section, record)` checks one record's shape and the JSON type of every
field against its kind (a name is a string, a date an ISO string, `fatalities` a whole
number, …) with no coercion, refuses NUL characters, and fills in the fields left out.
What the database's rules say about the values (choices, date order, quotes in their
article) is left to `full_clean()` in the importer.

Every refusal is an `ArchiveError` whose message names the record and the field.
"""

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import IO, Any

import ijson

from ..records.interchange_fields import (
    ArchiveSection,
    Date,
    DecimalString,
    Digest,
    Field,
    Nested,
    PublicId,
    Ref,
    Refs,
    Stamp,
    Value,
)

MAX_DEPTH = 8  # a record (1) › a list of rows (2) › a row (3): anything deeper is refused
MAX_ITEMS = 10_000  # items of one list inside a record (aliases, participants, mentions)
# NUL, which PostgreSQL cannot store in text, and lone surrogates, which are not UTF-8.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
TEXT_TYPES = {"CharField", "TextField", "SlugField", "URLField", "EmailField"}
INTEGER_TYPES = {"IntegerField", "PositiveIntegerField", "PositiveSmallIntegerField"}


class ArchiveError(Exception):
    """The archive cannot be imported; the message names the record and the field."""


class RecordError(Exception):
    """A record is invalid: `field` (None for the record as a whole) and what is wrong."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def where(section: ArchiveSection, number: int, record) -> str:
    """'record 3 (actor antony-blinken)': how a message names a record of the file."""
    return f"record {number} ({section.describe(record)})"


def refusal(section: ArchiveSection, number: int, record, error: RecordError) -> ArchiveError:
    field = f"field '{shown(error.field)}': " if error.field else ""
    return ArchiveError(f"{where(section, number, record)}: {field}{error.message}")


def shown(text: str, limit: int = 60) -> str:
    """A name from the file, fit for a message: control characters escaped, cut short."""
    escaped = text.encode("unicode_escape", "backslashreplace").decode("ascii")
    return escaped if len(escaped) <= limit else escaped[:limit] + "…"


def kind_of(value) -> str:
    """'a string', 'null', …: a value's JSON type, for messages (never the value itself)."""
    match value:
        case None:
            return "null"
        case bool():
            return "true/false"
        case int() | float() | Decimal():
            return "a number"
        case str():
            return "a string"
        case list():
            return "a list"
        case dict():
            return "an object"
    return type(value).__name__


# Parsing -----------------------------------------------------------------------------------


class _Events:
    """The file's parse events, one at a time; syntax errors become ArchiveErrors that say
    where the reader was (`self.at`)."""

    def __init__(self, stream: IO[bytes]):
        self.events = ijson.basic_parse(_without_bom(stream), use_float=False)
        self.at = "at the start of the file"

    def __iter__(self):
        return self

    def __next__(self) -> tuple[str, Any]:
        try:
            return next(self.events)
        except ijson.JSONError as error:
            raise ArchiveError(f"not valid JSON {self.at}: {_first_line(error)}") from None
        except UnicodeDecodeError:
            raise ArchiveError(f"not UTF-8 text {self.at}") from None

    def take(self) -> tuple[str, Any]:
        try:
            return next(self)
        except StopIteration:
            raise ArchiveError(f"not valid JSON {self.at}: the file ends too early") from None


def _first_line(error: Exception) -> str:
    text = error.args[0] if error.args else str(error)
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    line = str(text).strip().splitlines()[0] if str(text).strip() else "unreadable"
    if "UTF8" in line:
        return "the file is not UTF-8 text (" + line + ")"
    if "premature EOF" in line:
        return "the file ends too early"
    return line


class _Utf8:
    """A byte stream over a text stream (StringIO, a file opened in text mode)."""

    def __init__(self, stream: IO[str]):
        self.stream = stream

    def read(self, size: int = -1) -> bytes:
        return self.stream.read(size).encode("utf-8", "surrogatepass")


class _SkipBom:
    """A byte stream without the UTF-8 byte order mark some editors write first."""

    def __init__(self, stream: IO[bytes]):
        self.stream, self.first = stream, True

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        if self.first and size != 0:
            self.first = False
            while len(data) < 3 and data and b"\xef\xbb\xbf".startswith(data):
                more = self.stream.read(size)
                if not more:
                    break
                data += more
            data = data.removeprefix(b"\xef\xbb\xbf")
        return data


def _without_bom(stream) -> _SkipBom:
    sample = stream.read(0)
    return _SkipBom(_Utf8(stream) if isinstance(sample, str) else stream)


def _value(events: _Events, event: str, data, field: str | None) -> Any:
    """The JSON value that begins with (event, data), built without recursion."""
    if event not in ("start_map", "start_array"):
        return data
    root: Any = {} if event == "start_map" else []
    stack, keys = [root], [None]
    while True:
        event, data = events.take()
        if event == "map_key":
            if data in stack[-1]:
                raise RecordError(field, f"an object names “{shown(data)}” twice")
            keys[-1] = data
            continue
        if event in ("end_map", "end_array"):
            done = stack.pop()
            keys.pop()
            if not stack:
                return done
            value = done
        elif event in ("start_map", "start_array"):
            if len(stack) + 1 >= MAX_DEPTH:
                raise RecordError(field, f"nested more than {MAX_DEPTH} levels deep")
            stack.append({} if event == "start_map" else [])
            keys.append(None)
            continue
        else:
            value = data
        parent = stack[-1]
        if isinstance(parent, dict):
            parent[keys[-1]] = value
        elif len(parent) < MAX_ITEMS:
            parent.append(value)
        else:
            raise RecordError(field, f"a list of more than {MAX_ITEMS} items")


def _record(events: _Events, event: str, data) -> Any:
    """One record; an error inside a field's value names the field."""
    if event != "start_map":
        return _value(events, event, data, None)
    record: dict[str, Any] = {}
    while True:
        event, data = events.take()
        if event == "end_map":
            return record
        name = data
        if name in record:
            raise RecordError(name, "given twice")
        event, data = events.take()
        try:
            record[name] = _value(events, event, data, name)
        except RecordError as error:
            error.record = record  # what was read of it names the record
            raise


def _skip(events: _Events, event: str) -> None:
    """Read past a value without building it."""
    if event not in ("start_map", "start_array"):
        return
    depth = 1
    while depth:
        event, _ = events.take()
        if event in ("start_map", "start_array"):
            depth += 1
        elif event in ("end_map", "end_array"):
            depth -= 1


def records(
    stream, sections: dict[str, ArchiveSection], wanted: set[str]
) -> Iterator[tuple[str, int, Any]]:
    """(name, 0, value) for "format" and "version", (section, number, record) for every
    record of the sections wanted, in file order. Other sections are read past.

    Raises ArchiveError for a file that is not a JSON object of known sections, each
    a list, each named once, or for a record that cannot be built.
    """
    events = _Events(stream)
    event, _ = events.take()
    if event != "start_map":
        raise ArchiveError('not a conflict archive: expected a JSON object {"format": …}')
    seen: set[str] = set()
    while True:
        event, name = events.take()
        if event == "end_map":
            break
        if name in seen:
            raise ArchiveError(f"“{shown(name)}” is given twice")
        seen.add(name)
        events.at = f"in “{shown(name)}”"
        event, data = events.take()
        if name in ("format", "version"):
            yield name, 0, _value(events, event, data, name)
            continue
        if name not in sections:
            raise ArchiveError(f"unknown section “{shown(name)}”")
        if event != "start_array":
            found = "an object" if event == "start_map" else kind_of(data)
            raise ArchiveError(f"“{name}” must be a list of records, not {found}")
        number = 0
        while True:
            event, data = events.take()
            if event == "end_array":
                break
            number += 1
            events.at = f"in record {number} of “{name}”"
            if name not in wanted:
                _skip(events, event)
                continue
            try:
                record = _record(events, event, data)
            except RecordError as error:
                partial = getattr(error, "record", None)
                raise refusal(sections[name], number, partial, error) from None
            yield name, number, record
    events.at = "after the archive's closing brace"
    for _ in events:
        raise ArchiveError("not valid JSON: more follows the archive's closing brace")


# Checking one record ---------------------------------------------------------------------


def _text(field: str, value, what: str = "a string", *, null: bool = False) -> None:
    if value is None and null:
        return
    if not isinstance(value, str):
        raise RecordError(field, f"expected {what}, not {kind_of(value)}")
    if UNSTORABLE.search(value):
        raise RecordError(field, "contains a NUL character or an unpaired surrogate")


def _model_field(section: ArchiveSection, field: Field, nested: Nested | None = None):
    model = section.model
    if nested is not None:
        model = model._meta.get_field(nested.accessor).related_model
    return model._meta.get_field(field.name)


def _check_value(section: ArchiveSection, field: Field, value, name: str, nested=None) -> None:
    """The value's JSON type suits the field's kind; text holds nothing unstorable."""
    model_field = _model_field(section, field, nested) if not isinstance(field, Digest) else None
    null = model_field is None or model_field.null
    match field:
        case Ref(_, target):
            noun = target.removesuffix("s")
            _text(name, value, f"the {noun}'s key (a string)", null=null or nested is None)
        case Date():
            what = "an ISO 8601 " + ("time" if "DateTime" in _internal(model_field) else "date")
            _text(name, value, f'{what} as a string ("2023-10-29")', null=null)
        case Stamp():
            _text(
                name, value, 'an ISO 8601 time as a string ("2023-10-29T09:30:00+00:00")', null=True
            )
        case DecimalString():
            _text(name, value, 'a decimal number as a string ("31.5")', null=null)
        case Digest():
            _text(name, value, "the digest (a string)", null=True)
        case PublicId():
            if value is None:
                return
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise RecordError(name, f"expected a whole number above 0, not {shown_id(value)}")
        case Value() if _internal(model_field) == "BooleanField":
            if not isinstance(value, bool):
                raise RecordError(name, f"expected true or false, not {kind_of(value)}")
        case Value() if _internal(model_field) in INTEGER_TYPES:
            if value is None and null:
                return
            if isinstance(value, bool) or not isinstance(value, int):
                raise RecordError(name, f"expected a whole number, not {kind_of(value)}")
        case Value():
            _text(name, value, "a string", null=null)


def shown_id(value) -> str:
    return repr(value) if isinstance(value, int) and not isinstance(value, bool) else kind_of(value)


def _internal(model_field) -> str:
    return model_field.get_internal_type() if model_field is not None else ""


def _check_list(section: ArchiveSection, field: Refs | Nested, items) -> None:
    if not isinstance(items, list):
        raise RecordError(field.name, f"expected a list, not {kind_of(items)}")
    seen = set()
    for number, item in enumerate(items, start=1):
        if isinstance(field, Refs):
            noun = field.section.removesuffix("s")
            try:
                _text(field.name, item, f"the {noun}'s key (a string)")
            except RecordError as error:
                raise RecordError(field.name, f"item {number}: {error.message}") from None
            first = item
        elif len(field.fields) == 1:
            try:
                _check_value(section, field.fields[0], item, field.name, field)
            except RecordError as error:
                raise RecordError(field.name, f"item {number}: {error.message}") from None
            first = item
        else:
            first = _check_row(section, field, item, number)
        if first in seen:
            raise RecordError(field.name, f"item {number} repeats “{shown(str(first))}”")
        seen.add(first)


def _check_row(section: ArchiveSection, field: Nested, row, number: int):
    """A row of several fields: an object of exactly those fields, each of its type."""
    names = [f.name for f in field.fields]
    if not isinstance(row, dict) or set(row) != set(names):
        shape = ", ".join(f'"{name}": …' for name in names)
        raise RecordError(field.name, f"item {number}: expected {{{shape}}}")
    for inner in field.fields:
        try:
            _check_value(section, inner, row[inner.name], inner.name, field)
        except RecordError as error:
            message = f"item {number}: '{inner.name}': {error.message}"
            raise RecordError(field.name, message) from None
    key = tuple(row[name] for name in field.row_key)
    return key[0] if len(key) == 1 else " / ".join(map(str, key))


def _missing(section: ArchiveSection, field: Field):
    """The value of a field that a record leaves out."""
    if isinstance(field, Refs | Nested):
        return []
    if isinstance(field, PublicId | Stamp):
        return None
    if isinstance(field, Value):
        model_field = section.model._meta.get_field(field.name)
        if model_field.get_internal_type() == "BooleanField":
            return model_field.default  # a yes/no the file does not give: the usual answer
        if not model_field.null:
            return ""
    return None


def check_record(section: ArchiveSection, record, version: int | None = None) -> dict:
    """The record, in this version's shape, with the fields it leaves out filled in;
    RecordError when its shape or a field's type is wrong. `version` is the file's, when
    it is an earlier one that the section can upgrade."""
    if not isinstance(record, dict):
        raise RecordError(None, f"expected an object, not {kind_of(record)}")
    if version in section.upgrades:
        record = section.upgrades[version](record)
    names = [field.name for field in section.fields]
    unknown = sorted(set(record) - set(names))
    if unknown:
        raise RecordError(unknown[0], f"not a field of {section.name}")
    for field in section.fields:
        if field.name not in record:
            record[field.name] = _missing(section, field)
        elif isinstance(field, Refs | Nested):
            _check_list(section, field, record[field.name])
        else:
            _check_value(section, field, record[field.name], field.name)
    return record
