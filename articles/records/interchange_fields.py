"""How a record type appears in the archive interchange file (docs/data-format.md).

Each record type's module declares its section of the file as an `ArchiveSection`:
the section's name, model and natural key, and its fields in file order, each field of
one kind below. `articles/formats/interchange.py` reads the declarations: one exporter
and one importer for every section, so adding a field to the file is one line in the
type's module (and one in docs/data-format.md).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Model, QuerySet

# Field kinds -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    """A column written as it is: text, a choice, a number, a yes/no (`true`/`false`).

    Missing from a record, it is `""`, or `null` where the column is nullable, or the
    column's default for a yes/no.
    """

    name: str


@dataclass(frozen=True)
class Date:
    """A date or a time, ISO 8601 (times come out of the database in UTC); missing: `null`."""

    name: str


@dataclass(frozen=True)
class DecimalString:
    """A decimal number written as a string, so no digit is lost; missing: `null`."""

    name: str


@dataclass(frozen=True)
class Ref:
    """A foreign key, written as the natural key of the record in `section` (a slug, a URL).

    A reference to the record's own section (a parent place, a parent actor) is set in
    a second pass, once every record of the section exists.
    """

    name: str
    section: str


@dataclass(frozen=True)
class Refs:
    """A many-to-many, written as a list of natural keys in key order.

    The list names only records the export holds (an event's articles within the
    exported period); the import replaces the set with the file's list.
    """

    name: str
    section: str


@dataclass(frozen=True)
class Nested:
    """Rows that belong to the record (a reverse foreign key: `related`), as a list.

    Each row is written as an object of `fields`, or as its one value when there is one
    field (an actor's aliases as names). `key` names the fields that identify a row
    within its record (the first field by default); rows are written in key order and
    the import replaces the rows with the file's list, or only adds and updates rows
    when `keep_missing` (corrections: a published correction is never taken back).
    """

    name: str
    fields: tuple["Value | Ref | Date", ...]
    related: str = ""  # the reverse accessor, when it is not `name`
    key: tuple[str, ...] = ()
    keep_missing: bool = False

    @property
    def row_key(self) -> tuple[str, ...]:
        return self.key or (self.fields[0].name,)

    @property
    def accessor(self) -> str:
        return self.related or self.name


@dataclass(frozen=True)
class Digest:
    """A check of other fields: the first 24 hex digits of SHA-256 over their values,
    joined by newlines (UTF-8). Written by the export; a file may give it as `null`,
    otherwise it must match."""

    name: str
    of: tuple[str, ...]


@dataclass(frozen=True)
class Stamp:
    """A time the database keeps by itself (`created_at`, `updated_at`), ISO 8601 in UTC.

    The import restores it on the records it creates or changes, so a copy says when a
    record was made and last changed where it came from; `null` keeps the database's.
    """

    name: str


@dataclass(frozen=True)
class PublicId:
    """The record's number in its public URL (`/statements/<id>/`): cited, so it is the
    same on every installation. The import creates a new record under the file's number
    and refuses, naming both, when that number is another record's here; `null` (a
    hand-made file) lets the database choose."""

    name: str = "id"


Field = Value | Date | DecimalString | Ref | Refs | Nested | Digest | PublicId | Stamp


# Sections --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What part of the archive an export holds (`export_archive`'s options)."""

    published_only: bool = False
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


@dataclass(frozen=True)
class ArchiveSection:
    """One section of the interchange file: one record type, one record a line.

    `key` is the natural key: the import finds an existing record by it, and other
    sections refer to a record by it (only single-field keys are referred to). Records are
    written sorted by `order` (the key by default). `rows` chooses the exported rows for
    the export's options; without it the section is exported whole. `label` names a
    record in error messages (the key's value by default).
    """

    name: str  # "articles"
    model: type[Model]
    key: tuple[str, ...]
    fields: tuple[Field, ...]
    order: tuple[str, ...] = ()
    rows: Callable[[Scope], QuerySet] | None = None
    label: Callable[[dict], str] | None = None
    # How a record of an earlier version of the file reads in this one: {1: rewrite}.
    upgrades: dict[int, Callable[[dict], dict]] = field(default_factory=dict)

    @property
    def noun(self) -> str:
        return self.name.removesuffix("s")

    @property
    def ordering(self) -> tuple[str, ...]:
        return self.order or self.key

    def describe(self, record) -> str:
        """'actor antony-blinken': how an error message names a record of the file."""
        if not isinstance(record, dict):
            return self.noun
        key = self.label(record) if self.label else record.get(self.key[0])
        return f"{self.noun} {key}"

    def select(self, scope: Scope) -> QuerySet:
        return self.rows(scope) if self.rows else self.model.objects.all()


# The times every section of a record type with them carries, and its corrections.
STAMPS = (Stamp("created_at"), Stamp("updated_at"))
CORRECTIONS = Nested(
    "corrections",
    fields=(Date("created_at"), Value("note"), Value("changed_fields")),
    key=("created_at", "note"),
    keep_missing=True,
)
