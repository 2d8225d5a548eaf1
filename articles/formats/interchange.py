"""The archive as one JSON document: `archive_export()` writes it, `archive_import()` reads it.

Format `{"format": "conflict-archive", "version": 1, ...}`, documented in
docs/data-format.md. Records refer to each other by natural keys (slugs, article URLs,
a statement's article + speaker + text), never by database ids, so an archive moves
between databases. Export is deterministic (sorted by natural key, one record per line),
so export → import into an empty database → export gives the same bytes.

Import streams the file (`archive_file.py`): a first reading checks it whole (shape,
strict JSON types, duplicate natural keys, loops of parents) and writes nothing; then one
transaction validates and writes every record with `full_clean()`. The first invalid
record stops it with "record N (kind key): field 'x': message" and nothing is written.
Importing the same file twice changes nothing the second time: unchanged rows are not
saved (no new history entries, no new `updated_at`).

Each record type declares its section of the file (`ARCHIVE` in
`articles/records/<type>.py`, with the field kinds of
`articles/records/interchange_fields.py`); the one exporter and the one importer here
read the declarations, so a new field is one line in its type's module.
"""

import datetime
import hashlib
import json
import tempfile
from collections import OrderedDict
from collections.abc import Callable
from contextlib import contextmanager
from typing import IO, Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction
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
    PublicId,
    Ref,
    Refs,
    Scope,
    Stamp,
    Value,
)
from ..services import version_move_on
from .archive_file import (
    ArchiveError,
    RecordError,
    check_record,
    kind_of,
    records,
    refusal,
    where,
)

FORMAT = "conflict-archive"
VERSION = 2
# The versions this program reads: version 1 files are upgraded record by record
# (each section's `upgrades`), so an archive exported before still imports.
READS = (1, 2)
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
    by_name = {f.name: f for f in field.fields}
    rows = model.objects.order_by(*(_sort_path(by_name[name]) for name in field.row_key))
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
        case PublicId():
            return obj.pk
        case Date(name) | Stamp(name):
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
    with _snapshot():
        return _export(out, scope, progress)


@contextmanager
def _snapshot():
    """One view of the database for the whole export, whatever editors write meanwhile,
    so no exported record points to one the file lacks: a repeatable-read, read-only
    transaction on PostgreSQL; on SQLite one read transaction (WAL keeps its snapshot
    until it ends). Inside a caller's transaction, that transaction is the view."""
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _export(out: IO[str], scope: Scope, progress: Progress) -> dict[str, int]:
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

FLAGS_SHOWN = 20  # stale quotes named in a refusal; the rest are counted
CACHE_SIZE = 1000  # instances kept per section; other records met are remembered by id


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
        raise RecordError(field or name, message) from None
    return instance._state.adding or before != [getattr(instance, a) for a in attnames]


def _set_related(manager, objects: list[Model]) -> bool:
    """Make a many-to-many hold exactly the objects, writing only when it does not;
    tell whether it wrote."""
    if set(manager.values_list("pk", flat=True)) == {obj.pk for obj in objects}:
        return False
    manager.set(objects)
    return True


class _Importer:
    def __init__(self):
        self.counts: dict[str, dict[str, int]] = {}
        # Records of single-key sections met so far: the ids of all of them, and the last
        # CACHE_SIZE as instances, so references rarely ask the database and memory stays
        # bounded (statements come sorted by article, so their article is usually cached).
        self.ids: dict[str, dict[str, int]] = {section.name: {} for section in SECTIONS}
        self.cache: dict[str, OrderedDict[str, Model]] = {
            section.name: OrderedDict() for section in SECTIONS
        }
        self.numbered: set[type[Model]] = set()  # models given ids by the file
        self.flagged: list[str] = []  # records kept with a fault the model tolerates
        self.number = 0  # the record being loaded, for messages

    def count(self, section: str, outcome: str) -> None:
        section_counts = self.counts.setdefault(
            section, {"created": 0, "updated": 0, "unchanged": 0}
        )
        section_counts[outcome] += 1

    def remember(self, section_name: str, key: str, instance: Model) -> None:
        self.ids[section_name][key] = instance.pk
        cache = self.cache[section_name]
        cache[key] = instance
        cache.move_to_end(key)
        if len(cache) > CACHE_SIZE:
            cache.popitem(last=False)

    def lookup(self, section_name: str, key: str) -> Model | None:
        """The record of the section with this key: met before, or in the database."""
        cache = self.cache[section_name]
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
        section = BY_NAME[section_name]
        pk = self.ids[section_name].get(key)
        rows = section.model.objects.filter(**({"pk": pk} if pk else {section.key[0]: key}))
        found = rows.first()
        if found is not None:
            self.remember(section_name, key, found)
        return found

    def find(self, section_name: str, key, field: str, *, required: bool) -> Model | None:
        """The record a reference names, from the archive or the database."""
        section = BY_NAME[section_name]
        if key is None or key == "":
            if required:
                raise RecordError(field, "This field cannot be blank.")
            return None
        found = self.lookup(section_name, key)
        if found is None:
            raise RecordError(field, f"no {section.noun} “{key}” in the archive or the database")
        return found

    def existing(self, section: ArchiveSection, key: dict) -> Model | None:
        """The record with this natural key in the database; None for a new one."""
        if len(section.key) == 1:
            return self.lookup(section.name, key[section.key[0]])
        try:
            return section.model.objects.filter(**key).first()
        except (ValidationError, ValueError, TypeError):
            return None  # not a valid key, so not in the database: full_clean() says why

    def nested_row(self, field: Nested, item) -> dict:
        """One row of a nested list as model values: {"actor": <Actor>, "role": "target"}."""
        if len(field.fields) == 1:
            item = {field.fields[0].name: item}
        return {
            f.name: (
                self.find(f.section, item[f.name], field.name, required=True)
                if isinstance(f, Ref)
                else item[f.name]
            )
            for f in field.fields
        }

    def replace_rows(self, instance: Model, field: Nested, rows: list[dict]) -> bool:
        """Make the record's nested rows those of the file, saving only what changed;
        tell whether anything did. Rows of a `keep_missing` list (corrections) that the
        file lacks stay."""
        manager = getattr(instance, field.accessor)
        names = field.row_key
        attnames = [_attname(manager.model, name) for name in names]
        fields = [manager.model._meta.get_field(name) for name in names]
        wanted = {tuple(f.to_python(_id(row[f.name])) for f in fields): row for row in rows}
        existing = {
            tuple(getattr(row, attname) for attname in attnames): row for row in manager.all()
        }
        changed = False
        for row_key, row in existing.items():
            if row_key not in wanted and not field.keep_missing:
                row.delete()
                changed = True
        for row_key, values in wanted.items():
            row = existing.get(row_key) or manager.model(**{manager.field.name: instance})
            if _update(row, values, field=field.name):
                version_move_on(row)
                row.save()
                changed = True
        return changed

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
                    values[name] = r[name]  # of the right JSON type: full_clean() converts it
                case Digest():
                    pass  # checked below, once the references it covers are found
                case PublicId():
                    pass  # load(): the record's number, checked against the database
                case Stamp():
                    pass  # load(): restored once the record is saved
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
        for field in section.fields:
            if isinstance(field, PublicId):
                self.keep_public_id(section, instance, r[field.name], field.name)
        for name, value in key.items():
            setattr(instance, name, value)  # references as the instances found: no query
        adding = instance._state.adding
        instance.import_flags = []  # faults the model lets an import keep, flagged
        changed = _update(instance, values)
        if instance.import_flags:
            place = where(section, self.number, r)
            self.flagged.extend(f"{place}: {flag}" for flag in instance.import_flags)
        if changed:
            version_move_on(instance)  # an editor's form opened before is refused
            instance.save()
            self.restore_stamps(section, instance, r)
        if len(section.key) == 1:
            self.remember(section.name, r[section.key[0]], instance)
        lists_changed = False
        for field, items in lists:
            if isinstance(field, Refs):
                lists_changed |= _set_related(getattr(instance, field.name), items)
            else:
                lists_changed |= self.replace_rows(instance, field, items)
        if lists_changed and not adding and not changed:
            # The record's lists are edited on its form too (mentions, aliases, rows).
            version_move_on(instance)
            section.model.objects.filter(pk=instance.pk).update(version=instance.version)
        changed = changed or lists_changed
        self.count(section.name, "created" if adding else ("updated" if changed else "unchanged"))

    def restore_stamps(self, section: ArchiveSection, instance: Model, r: dict) -> None:
        """The file's created/updated times on a record just saved (saving set them to now)."""
        stamps = {}
        for field in section.fields:
            if isinstance(field, Stamp) and r[field.name] is not None:
                try:
                    stamps[field.name] = instance._meta.get_field(field.name).to_python(
                        r[field.name]
                    )
                except ValidationError as error:
                    raise RecordError(field.name, " ".join(error.messages)) from None
        if stamps:
            section.model.objects.filter(pk=instance.pk).update(**stamps)
            for name, value in stamps.items():
                setattr(instance, name, value)

    def keep_public_id(self, section: ArchiveSection, instance: Model, number, name) -> None:
        """The record keeps the file's number: a new one is created under it, and a
        number that is another record's here is refused, never silently renumbered."""
        if number is None:
            return
        if not instance._state.adding:
            if instance.pk != number:
                raise RecordError(
                    name,
                    f"this {section.noun} is number {instance.pk} here, not {number}: "
                    "its public address would change",
                )
            return
        other = section.model.objects.filter(pk=number).first()
        if other is not None:
            raise RecordError(
                name,
                f"number {number} is already another {section.noun} here ({other}): "
                "its public address cannot be given to this one",
            )
        instance.pk = number
        self.numbered.add(section.model)

    def link(self, section: ArchiveSection, r: dict) -> None:
        """Second pass: set the record's references to its own section (its parent)."""
        key = section.key[0]
        instance = self.find(section.name, r[key], key, required=True)
        values = {
            field.name: self.find(section.name, r[field.name], field.name, required=False)
            for field in _own_refs(section)
        }
        if any(
            getattr(instance, _attname(instance, name)) != _id(value)
            for name, value in values.items()
        ) and _update(instance, values):
            version_move_on(instance)
            instance.save()
            self.restore_stamps(section, instance, r)

    def check_digest(self, field: Digest, r: dict) -> None:
        """A digest given in the file must match the fields it is of."""
        for name in field.of:
            if not isinstance(r[name], str):
                raise RecordError(name, "expected a string")
        expected = digest(*(r[name] for name in field.of))
        if r[field.name] not in (None, "", expected):
            of = ", ".join(field.of[:-1]) + " and " + field.of[-1]
            raise RecordError(field.name, f"“{r[field.name]}” does not match the {of} ({expected})")


def _step(step, section: ArchiveSection, number: int, record: dict) -> None:
    """step(section, record); any refusal, the database's included, names the record."""
    try:
        step(section, record)
    except RecordError as error:
        raise refusal(section, number, record, error) from None
    except DatabaseError as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else "refused"
        message = f"{where(section, number, record)}: the database refused it: {reason}"
        raise ArchiveError(message) from None


# Checking the whole file before writing -----------------------------------------------------


class _Check:
    """What the first reading of the file learns: the envelope, how many records each
    section has, which natural keys were met (to refuse a duplicate) and the parent links
    of sections that refer to themselves (to refuse a loop)."""

    def __init__(self):
        self.envelope: dict[str, Any] = {}
        self.totals: dict[str, int] = {}
        self.keys: dict[str, dict[bytes, int]] = {section.name: {} for section in SECTIONS}
        self.parents: dict[str, dict[str, tuple[int, dict, Any]]] = {}
        self.first_error: ArchiveError | None = None

    def envelope_value(self, name: str, value) -> None:
        self.envelope[name] = value
        if name == "format" and value != FORMAT:
            raise ArchiveError(f'not a conflict archive: expected "format": "{FORMAT}"')
        if name == "version" and (isinstance(value, bool) or value not in READS):
            shown_value = value if isinstance(value, int | str) else kind_of(value)
            raise ArchiveError(
                f"archive version {shown_value!r} is not supported: this program reads "
                f"versions {', '.join(map(str, READS))}"
            )

    @property
    def version(self) -> int:
        """The file's version (a file gives it before its sections, as exports do)."""
        return self.envelope.get("version", VERSION)

    def record(self, section: ArchiveSection, number: int, record) -> None:
        self.totals[section.name] = number
        if self.first_error is not None:
            return  # reported once the envelope is known to be ours
        try:
            record = check_record(section, record, self.version)
            self.duplicate(section, record)
        except RecordError as error:
            self.first_error = refusal(section, number, record, error)
            return
        own = _own_refs(section)
        if own:
            parents = self.parents.setdefault(section.name, {})
            links = {field.name: record[field.name] for field in own}
            parents[record[section.key[0]]] = (number, links, record)

    def duplicate(self, section: ArchiveSection, record: dict) -> None:
        values = [record[name] for name in section.key]
        fingerprint = hashlib.blake2b(
            "\x00".join(str(value) for value in values).encode(), digest_size=16
        ).digest()
        seen = self.keys[section.name]
        if fingerprint in seen:
            names = " + ".join(section.key)
            raise RecordError(
                section.key[-1] if len(section.key) > 1 else section.key[0],
                f"the same {names} as record {seen[fingerprint]}: a natural key may appear "
                "only once in a file",
            )
        seen[fingerprint] = self.totals[section.name]

    def finish(self) -> None:
        if self.envelope.get("format") != FORMAT:
            raise ArchiveError(f'not a conflict archive: expected "format": "{FORMAT}"')
        if "version" not in self.envelope:
            raise ArchiveError(f'no "version": this program reads version {VERSION}')
        if self.first_error is not None:
            raise self.first_error
        for name, parents in self.parents.items():
            self.loops(BY_NAME[name], parents)

    def loops(self, section: ArchiveSection, parents: dict) -> None:
        """Refuse a parent chain that comes back to where it started, through the file's
        records and the database's."""
        key = section.key[0]
        for field in _own_refs(section):
            from_database: dict[str, str | None] = {}

            def parent_of(slug: str, field=field, from_database=from_database) -> str | None:
                if slug in parents:
                    return parents[slug][1][field.name] or None
                if slug not in from_database:
                    row = section.model.objects.filter(**{key: slug})
                    found = row.values_list(f"{field.name}__{key}", flat=True).first()
                    from_database[slug] = found
                return from_database[slug]

            for start, (number, _, record) in parents.items():
                chain, current = [start], parent_of(start)
                while current is not None and current not in chain:
                    chain.append(current)
                    current = parent_of(current)
                if current == start:
                    loop = " → ".join([*chain, start])
                    error = RecordError(field.name, f"the chain of parents loops: {loop}")
                    raise refusal(section, number, record, error)


def archive_check(stream) -> "_Check":
    """Read the whole file once, writing nothing: its envelope, every record's shape and
    types, duplicate natural keys, loops of parents. Return what it learnt (`totals`: how
    many records each section has; `version`); raise ArchiveError, naming the record and
    the field, for the first fault."""
    check = _Check()
    for name, number, value in records(stream, BY_NAME, set(BY_NAME)):
        if number == 0:
            check.envelope_value(name, value)
        else:
            check.record(BY_NAME[name], number, value)
    check.finish()
    return check


def _rereadable(stream):
    """The stream itself when it can be read again from the start, otherwise a copy."""
    if stream.seekable():
        return stream
    copy = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)
    while chunk := stream.read(1024 * 1024):
        copy.write(chunk.encode("utf-8", "surrogatepass") if isinstance(chunk, str) else chunk)
    return copy


def archive_import(
    *,
    stream: IO,
    progress: Progress = None,
    keep_flagged: bool = False,
    flagged: list[str] | None = None,
) -> dict[str, dict[str, int]]:
    """Import an archive file in one transaction; return created/updated/unchanged counts.

    The file (bytes, or text) is read as a stream: once to check it whole
    (`archive_check`), then once per section to write it, so memory holds a few records,
    not the file. Raises ArchiveError, naming the record and the field, when the file or
    any record is invalid; nothing is then written.

    Stale quotes (a quote no longer in its article's body) are all named in one refusal;
    with `keep_flagged` they are imported, unlocated, and named in `flagged`.
    """
    stream = _rereadable(stream)
    stream.seek(0)
    check = archive_check(stream)
    found: list[str] = [] if flagged is None else flagged
    return _write(stream, check.totals, check.version, progress, keep_flagged, found)


@transaction.atomic
@freshness.bulk()  # one move of the archive's generation, not one per row
def _write(
    stream,
    totals: dict[str, int],
    version: int,
    progress: Progress,
    keep_flagged: bool,
    flagged: list[str],
) -> dict[str, dict[str, int]]:
    importer = _Importer()
    for section in SECTIONS:
        if not totals.get(section.name):
            continue
        stream.seek(0)
        links: list[tuple[int, dict]] = []
        for _, number, record in records(stream, BY_NAME, {section.name}):
            if number == 0:
                continue
            record = check_record(section, record, version)
            importer.number = number
            _step(importer.load, section, number, record)
            if _own_refs(section):
                names = [section.key[0], *(field.name for field in _own_refs(section))]
                names += [field.name for field in section.fields if isinstance(field, Stamp)]
                links.append((number, {name: record[name] for name in names}))
            if progress and number % PROGRESS_EVERY == 0:
                progress(f"{section.name}: {number} of {totals[section.name]}")
        for number, record in links:
            _step(importer.link, section, number, record)
    if importer.flagged and not keep_flagged:
        count = len(importer.flagged)
        shown = "; ".join(importer.flagged[:FLAGS_SHOWN])
        more = f"; and {count - FLAGS_SHOWN} more" if count > FLAGS_SHOWN else ""
        raise ArchiveError(
            (f"{count} quotes are not in their article's body: " if count > 1 else "")
            + f"{shown}{more}. Correct "
            + ("them" if count > 1 else "it")
            + ", or import with --keep-stale-quotes to keep "
            + ("them" if count > 1 else "it")
            + " flagged (its page then says the passage is not found)."
        )
    flagged.extend(importer.flagged)
    _reset_sequences(importer.numbered)
    return importer.counts


def _reset_sequences(models: set[type[Model]]) -> None:
    """After rows were created under the file's numbers, the database's next number is
    past them (PostgreSQL's sequences do not follow explicit ids; SQLite's do)."""
    statements = connection.ops.sequence_reset_sql(no_style(), sorted(models, key=str))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
