"""The archive as one JSON document: `archive_export()` writes it, `archive_import()` reads it.

Format `{"format": "conflict-archive", "version": 1, ...}`, documented in
docs/data-format.md. Records refer to each other by natural keys (slugs, article URLs,
a statement's article + speaker + text), never by database ids, so an archive moves
between databases. Export is deterministic (sorted by natural key, one record per line),
so export → import into an empty database → export gives the same bytes.

Import runs in one transaction and validates every record with `full_clean()`; the first
invalid record stops it with "record N (kind key): field 'x': message" and nothing is
written. Importing the same file twice changes nothing the second time: unchanged rows
are not saved (no new history entries, no new `updated_at`).

Each record type declares its section of the file (`ARCHIVE` in
`articles/records/<type>.py`, with the field kinds of
`articles/records/interchange_fields.py`); the one exporter and the one importer here
read the declarations, so a new field is one line in its type's module.
"""

import datetime
import hashlib
import json
from collections.abc import Callable
from typing import IO, Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Model, Prefetch, QuerySet

from .. import freshness
from ..records import actors, articles, events, outlets, places, statements
from ..records.interchange_fields import (
    ArchiveSection,
    Date,
    DecimalString,
    Digest,
    Field,
    Nested,
    Ref,
    Refs,
    Scope,
    Value,
)

FORMAT = "conflict-archive"
VERSION = 1
CHUNK_SIZE = 2000
PROGRESS_EVERY = 1000

# The sections in file order: each refers only to the sections before it, or to itself.
SECTIONS: list[ArchiveSection] = [
    outlets.ARCHIVE,
    places.ARCHIVE,
    actors.ARCHIVE,
    actors.ROLES_ARCHIVE,
    articles.ARCHIVE,
    events.ARCHIVE,
    statements.ARCHIVE,
]
BY_NAME = {section.name: section for section in SECTIONS}
Progress = Callable[[str], None] | None


def digest(*values: str) -> str:
    """A `Digest` field: the first 24 hex digits of SHA-256 over the values, one a line."""
    return hashlib.sha256("\n".join(values).encode()).hexdigest()[:24]


def statement_key(article_url: str, speaker_slug: str, text: str) -> str:
    """A statement's natural key: a digest of its source article, speaker and text."""
    return digest(article_url, speaker_slug, text)


def _key_of(section_name: str) -> str:
    """The field by which other records refer to a record of the section ("slug", "url")."""
    return BY_NAME[section_name].key[0]


def _own_refs(section: ArchiveSection) -> list[Ref]:
    """References to the section itself (a parent): set once the whole section exists."""
    return [f for f in section.fields if isinstance(f, Ref) and f.section == section.name]


# Export ---------------------------------------------------------------------------------


def _sort_path(field: Value | Ref) -> str:
    return f"{field.name}__{_key_of(field.section)}" if isinstance(field, Ref) else field.name


def _prefetch(section: ArchiveSection, field: Refs | Nested, scope: Scope) -> Prefetch:
    if isinstance(field, Refs):
        # Only the records this export holds, by key: an event's articles of the period.
        key = _key_of(field.section)
        related = BY_NAME[field.section].select(scope).order_by(key).only("pk", key)
        return Prefetch(field.name, queryset=related)
    model = section.model._meta.get_field(field.accessor).related_model
    rows = model.objects.order_by(_sort_path(field.fields[0]))
    joins = [f.name for f in field.fields if isinstance(f, Ref)]
    return Prefetch(field.accessor, queryset=rows.select_related(*joins) if joins else rows)


def _queryset(section: ArchiveSection, scope: Scope) -> QuerySet:
    """The section's rows for the export's options, sorted, with what the fields read."""
    rows = section.select(scope).order_by(*section.ordering)
    joins = [field.name for field in section.fields if isinstance(field, Ref)]
    lists = [field for field in section.fields if isinstance(field, Refs | Nested)]
    if joins:
        rows = rows.select_related(*joins)
    if lists:
        rows = rows.prefetch_related(*(_prefetch(section, field, scope) for field in lists))
    return rows


def _dump(field: Field, obj: Model) -> Any:
    """The value a field has in the file, for one row."""
    match field:
        case Value(name):
            return getattr(obj, name)
        case Date(name):
            value = getattr(obj, name)
            return value.isoformat() if value is not None else None
        case DecimalString(name):
            value = getattr(obj, name)
            return str(value) if value is not None else None
        case Ref(name, target):
            related = getattr(obj, name)
            return getattr(related, _key_of(target)) if related is not None else None
        case Refs(name, target):
            return [getattr(related, _key_of(target)) for related in getattr(obj, name).all()]
        case Nested(fields=fields):
            rows = getattr(obj, field.accessor).all()
            if len(fields) == 1:
                return [_dump(fields[0], row) for row in rows]
            return [{f.name: _dump(f, row) for f in fields} for row in rows]
    return None  # a Digest: see _record()


def _record(section: ArchiveSection, obj: Model) -> dict:
    record = {field.name: _dump(field, obj) for field in section.fields}
    # A digest is of values the file holds, so it is computed once they are written.
    for field in section.fields:
        if isinstance(field, Digest):
            record[field.name] = digest(*(record[name] for name in field.of))
    return record


def archive_export(
    out: IO[str],
    *,
    published_only: bool = False,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    progress: Progress = None,
) -> dict[str, int]:
    """Write the archive (or the part chosen by the filters) to `out`; return counts.

    Reference data (outlets, places, actors, roles) is always exported whole. The dates
    choose articles by publication date, their statements, and the events that overlap
    the period or that an exported statement is about. Records are written one at a time.
    """
    scope = Scope(published_only=published_only, date_from=date_from, date_to=date_to)
    counts: dict[str, int] = {}
    out.write(f'{{"format": "{FORMAT}", "version": {VERSION}')
    for section in SECTIONS:
        out.write(f',\n"{section.name}": [')
        count = 0
        for obj in _queryset(section, scope).iterator(chunk_size=CHUNK_SIZE):
            out.write(",\n" if count else "\n")
            out.write(json.dumps(_record(section, obj), ensure_ascii=False))
            count += 1
            if progress and count % PROGRESS_EVERY == 0:
                progress(f"{section.name}: {count} exported")
        out.write("\n]" if count else "]")
        counts[section.name] = count
        if progress:
            progress(f"{section.name}: {count}")
    out.write("\n}\n")
    return counts


# Import ---------------------------------------------------------------------------------


class ArchiveError(Exception):
    """The archive cannot be imported; the message names the record and the field."""


class _RecordError(Exception):
    def __init__(self, field: str | None, message: str):
        self.field, self.message = field, message


def _validation_message(error: ValidationError) -> tuple[str | None, str]:
    if hasattr(error, "error_dict"):
        field, errors = next(iter(error.message_dict.items()))
        return (None if field == NON_FIELD_ERRORS else field), " ".join(errors)
    return None, " ".join(error.messages)


def _attname(model: Model | type[Model], name: str) -> str:
    return model._meta.get_field(name).attname  # "outlet_id" for the reference "outlet"


def _id(value):
    """How a value is stored: a referenced record by its id."""
    return value.pk if isinstance(value, Model) else value


def _update(instance: Model, values: dict, *, field: str | None = None) -> bool:
    """Set the values (references as instances), validate, and tell whether the row needs
    saving: it is new or a value changed. Errors name `field`, or the model's field."""
    attnames = [_attname(instance, name) for name in values]
    before = [getattr(instance, attname) for attname in attnames]
    for name, value in values.items():
        setattr(instance, name, value)
    try:
        instance.full_clean()
    except ValidationError as error:
        name, message = _validation_message(error)
        raise _RecordError(field or name, message) from None
    return instance._state.adding or before != [getattr(instance, a) for a in attnames]


def _set_related(manager, objects: list[Model]) -> None:
    """Make a many-to-many hold exactly the objects, writing only when it does not."""
    if set(manager.values_list("pk", flat=True)) != {obj.pk for obj in objects}:
        manager.set(objects)


class _Importer:
    def __init__(self):
        self.counts: dict[str, dict[str, int]] = {}
        # Records of single-key sections by key, as imported or looked up: what references
        # find without asking the database again.
        self.known: dict[str, dict[str, Model]] = {section.name: {} for section in SECTIONS}

    def count(self, section: str, outcome: str) -> None:
        section_counts = self.counts.setdefault(
            section, {"created": 0, "updated": 0, "unchanged": 0}
        )
        section_counts[outcome] += 1

    def find(self, section_name: str, key, field: str, *, required: bool) -> Model | None:
        """The record a reference names, from the archive or the database."""
        section = BY_NAME[section_name]
        if key is None or key == "":
            if required:
                raise _RecordError(field, "This field cannot be blank.")
            return None
        if not isinstance(key, str):
            raise _RecordError(field, f"expected the {section.noun}'s key as a string, not {key!r}")
        known = self.known[section_name]
        if key not in known:
            found = section.model.objects.filter(**{section.key[0]: key}).first()
            if found is None:
                raise _RecordError(
                    field, f"no {section.noun} “{key}” in the archive or the database"
                )
            known[key] = found
        return known[key]

    def existing(self, section: ArchiveSection, key: dict) -> Model | None:
        """The record with this natural key in the database; None for a new one."""
        if len(section.key) == 1 and key[section.key[0]] in self.known[section.name]:
            return self.known[section.name][key[section.key[0]]]
        try:
            return section.model.objects.filter(**key).first()
        except (ValidationError, ValueError, TypeError):
            return None  # not a valid key, so not in the database: full_clean() says why

    def nested_row(self, field: Nested, item) -> dict:
        """One row of a nested list as model values: {"actor": <Actor>, "role": "target"}."""
        if len(field.fields) == 1:
            item = {field.fields[0].name: item}
        elif not isinstance(item, dict) or set(item) != {f.name for f in field.fields}:
            shape = ", ".join(f'"{f.name}": …' for f in field.fields)
            raise _RecordError(field.name, f"expected {{{shape}}}")
        return {
            f.name: (
                self.find(f.section, item[f.name], field.name, required=True)
                if isinstance(f, Ref)
                else item[f.name]
            )
            for f in field.fields
        }

    def replace_rows(self, instance: Model, field: Nested, rows: list[dict]) -> None:
        """Make the record's nested rows those of the file, saving only what changed."""
        manager = getattr(instance, field.accessor)
        first = field.fields[0].name
        key = _attname(manager.model, first)
        wanted = {_id(row[first]): row for row in rows}
        existing = {getattr(row, key): row for row in manager.all()}
        for row_key, row in existing.items():
            if row_key not in wanted:
                row.delete()
        for row_key, values in wanted.items():
            row = existing.get(row_key) or manager.model(**{manager.field.name: instance})
            if _update(row, values, field=field.name):
                row.save()

    def resolve(self, section: ArchiveSection, r: dict) -> tuple[dict, list]:
        """The record's model values (references found), and the lists to set after saving."""
        values: dict[str, Any] = {}
        lists: list[tuple[Refs | Nested, list]] = []
        for field in section.fields:
            match field:
                case Ref(name, target) if target != section.name:
                    required = not section.model._meta.get_field(name).null
                    values[name] = self.find(target, r[name], name, required=required)
                case Refs(name, target):
                    found = [self.find(target, key, name, required=True) for key in r[name]]
                    lists.append((field, found))
                case Nested(name):
                    lists.append((field, [self.nested_row(field, item) for item in r[name]]))
                case Value(name) | Date(name) | DecimalString(name):
                    values[name] = r[name]  # as in the file: full_clean() converts it
                case Digest():
                    pass  # checked below, once the references it covers are found
                case Ref():
                    pass  # a reference to the section itself: link()
        for field in section.fields:
            if isinstance(field, Digest):
                self.check_digest(field, r)
        return values, lists

    def load(self, section: ArchiveSection, r: dict) -> None:
        """Create or update one record; its references to its own section come in link()."""
        values, lists = self.resolve(section, r)
        key = {name: values.pop(name) for name in section.key}
        instance = self.existing(section, key) or section.model()
        for name, value in key.items():
            setattr(instance, name, value)  # references as the instances found: no query
        adding = instance._state.adding
        changed = _update(instance, values)
        if changed:
            instance.save()
        self.count(section.name, "created" if adding else ("updated" if changed else "unchanged"))
        if len(section.key) == 1:
            self.known[section.name][r[section.key[0]]] = instance
        for field, items in lists:
            if isinstance(field, Refs):
                _set_related(getattr(instance, field.name), items)
            else:
                self.replace_rows(instance, field, items)

    def link(self, section: ArchiveSection, r: dict) -> None:
        """Second pass: set the record's references to its own section (its parent)."""
        instance = self.known[section.name][r[section.key[0]]]
        values = {
            field.name: self.find(section.name, r[field.name], field.name, required=False)
            for field in _own_refs(section)
        }
        if any(
            getattr(instance, _attname(instance, name)) != _id(value)
            for name, value in values.items()
        ) and _update(instance, values):
            instance.save()

    def check_digest(self, field: Digest, r: dict) -> None:
        """A digest given in the file must match the fields it is of."""
        for name in field.of:
            if not isinstance(r[name], str):
                raise _RecordError(name, "expected a string")
        expected = digest(*(r[name] for name in field.of))
        if r[field.name] not in (None, "", expected):
            of = ", ".join(field.of[:-1]) + " and " + field.of[-1]
            raise _RecordError(
                field.name, f"“{r[field.name]}” does not match the {of} ({expected})"
            )


def _missing(section: ArchiveSection, field: Field):
    """The value of a field that a record leaves out."""
    if isinstance(field, Refs | Nested):
        return []
    if isinstance(field, Value) and not section.model._meta.get_field(field.name).null:
        return ""
    return None


def _check_shape(section: ArchiveSection, record) -> None:
    """An object with the section's fields (those left out are filled in), lists as lists,
    a key of one field as a string."""
    if not isinstance(record, dict):
        raise _RecordError(None, "expected an object")
    names = [field.name for field in section.fields]
    unknown = sorted(set(record) - set(names))
    if unknown:
        raise _RecordError(unknown[0], f"not a field of {section.name}")
    for field in section.fields:
        if field.name not in record:
            record[field.name] = _missing(section, field)
        elif isinstance(field, Refs | Nested) and not isinstance(record[field.name], list):
            raise _RecordError(field.name, "expected a list")
    key = section.key[0]
    if len(section.key) == 1 and not isinstance(record[key], str | None):
        raise _RecordError(key, "expected a string")  # as references to it are


def _each(section: ArchiveSection, records: list, step, progress: Progress = None) -> None:
    """step(section, record) for each record; an error names the record and the field."""
    for number, record in enumerate(records, start=1):
        try:
            step(section, record)
        except _RecordError as error:
            where = f"record {number} ({section.describe(record)})"
            field = f"field '{error.field}': " if error.field else ""
            raise ArchiveError(f"{where}: {field}{error.message}") from None
        if progress and number % PROGRESS_EVERY == 0:
            progress(f"{section.name}: {number} of {len(records)}")


def archive_read(stream: IO[str]) -> dict[str, list]:
    """Parse and check an archive file: its envelope and the shape of every record."""
    try:
        data = json.load(stream)
    except json.JSONDecodeError as error:
        raise ArchiveError(f"not valid JSON: {error}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ArchiveError(f'not a conflict archive: expected "format": "{FORMAT}"')
    if data.get("version") != VERSION:
        raise ArchiveError(
            f"archive version {data.get('version')!r} is not supported: this program reads "
            f"version {VERSION}"
        )
    unknown = sorted(set(data) - {"format", "version", *BY_NAME})
    if unknown:
        raise ArchiveError(f"unknown section “{unknown[0]}”")
    records = {}
    for section in SECTIONS:
        records[section.name] = data.get(section.name, [])
        if not isinstance(records[section.name], list):
            raise ArchiveError(f"“{section.name}” must be a list of records")
        _each(section, records[section.name], _check_shape)
    return records


@transaction.atomic
@freshness.bulk()  # one move of the archive's generation, not one per row
def archive_import(*, stream: IO[str], progress: Progress = None) -> dict[str, dict[str, int]]:
    """Import an archive file in one transaction; return created/updated/unchanged counts.

    Raises ArchiveError, naming the record and the field, when any record is invalid;
    the transaction is then rolled back and nothing is written.
    """
    records = archive_read(stream)
    importer = _Importer()
    for section in SECTIONS:
        _each(section, records[section.name], importer.load, progress)
        if _own_refs(section):
            _each(section, records[section.name], importer.link, progress)
    return importer.counts
