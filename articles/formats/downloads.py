"""The whole public archive as prepared files: `manage.py prepare_downloads` writes them,
`/downloads/` lists and serves them.

For every record type with export columns, its public rows as a gzipped CSV and a gzipped
JSON file: the list with no filter, in the list's order, through the same row builder and
writers as `?format=csv|json` (`tabular.csv_text`, `tabular.json_text`), so the columns
and values are the same as a live export's. Live exports are bounded
(`EXPORT_MAX_ROWS`); these files are not.

A reader never gets a half-written or mismatched file. Each run writes into a new
directory (`<DOWNLOADS_DIR>/<run>/`), each file beside its name and renamed over it when
whole; then `manifest.json` (per file: rows, bytes, SHA-256; when the run was made) is
replaced in one rename, and only then do the files of the run before last go. A run that
fails leaves the manifest, and so the files served, as they were. Both files of a type
are read in one transaction (REPEATABLE READ on PostgreSQL; SQLite's is a snapshot), so
the CSV and the JSON hold the same rows.
"""

import datetime
import gzip
import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from django.db.models import QuerySet
from django.utils import timezone

from .. import freshness
from ..records.base import RecordType
from ..records.registry import RECORD_TYPES
from . import tabular

MANIFEST = "manifest.json"
WRITERS = {"csv": tabular.csv_text, "json": tabular.json_text}
CONTENT_TYPE = "application/gzip"


@dataclass(frozen=True)
class Download:
    """One prepared file, as the manifest describes it."""

    name: str  # "statements.csv.gz"
    record: str  # "statements"
    format: str  # "csv"
    rows: int
    bytes: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    generated_at: datetime.datetime
    run: str  # the directory of the run under DOWNLOADS_DIR
    files: tuple[Download, ...]

    def find(self, name: str) -> Download | None:
        return next((download for download in self.files if download.name == name), None)


def exported_types() -> list[RecordType]:
    """The record types that have a tabular export (export columns)."""
    return [record for record in RECORD_TYPES.values() if record.columns]


def public_rows(record: RecordType) -> QuerySet:
    """The type's list with no filter, in its default order: every public row."""
    return record.filterset({}, queryset=record.list_rows()).qs


def prepare(directory: Path) -> Manifest:
    """Write every exported type's public rows as CSV and JSON, then the manifest."""
    directory.mkdir(parents=True, exist_ok=True)
    generated_at = timezone.now()
    run = generated_at.strftime("%Y%m%dT%H%M%S%fZ")
    files = []
    for record in exported_types():
        # Both formats of a type read one snapshot of one database: the same rows.
        queryset = public_rows(record)
        queryset = queryset.using(queryset.db)
        with tabular.snapshot(queryset.db):
            for fmt, writer in WRITERS.items():
                files.append(_write_one(directory / run, record, queryset, fmt, writer))
    manifest = Manifest(generated_at=generated_at, run=run, files=tuple(files))
    served = read_manifest(directory)
    _replace(directory / MANIFEST, _manifest_json(manifest).encode())
    freshness.advance()  # the downloads page and its validators name the new run
    # The run served until now stays, so a download that started before the switch ends.
    _remove_old_runs(directory, keep=(run, served.run if served else None))
    return manifest


def read_manifest(directory: Path) -> Manifest | None:
    """The manifest of the last complete run, or None when none has been made."""
    try:
        data = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return Manifest(
        generated_at=datetime.datetime.fromisoformat(data["generated_at"]),
        run=data["run"],
        files=tuple(Download(**entry) for entry in data["files"]),
    )


def path_of(directory: Path, manifest: Manifest, download: Download) -> Path:
    return directory / manifest.run / download.name


class _Counted:
    """Rows passed through, counted."""

    def __init__(self, rows: Iterable[dict]):
        self.rows = rows
        self.count = 0

    def __iter__(self) -> Iterator:
        for row in self.rows:
            self.count += 1
            yield row


def _write_one(run_dir: Path, record: RecordType, queryset: QuerySet, fmt: str, writer) -> Download:
    run_dir.mkdir(parents=True, exist_ok=True)
    name = f"{record.key}.{fmt}.gz"
    rows = _Counted(tabular.rows(queryset, record=record))
    target = run_dir / name
    temporary = run_dir / f".{name}.tmp"
    digest = hashlib.sha256()
    try:
        with open(temporary, "wb") as raw:
            hashing = _Hashing(raw, digest)
            # mtime=0: the same rows always give the same bytes and checksum.
            with gzip.GzipFile(filename=name[:-3], mode="wb", fileobj=hashing, mtime=0) as gz:
                for piece in writer(rows, record=record):
                    gz.write(piece.encode("utf-8"))
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return Download(
        name=name,
        record=record.key,
        format=fmt,
        rows=rows.count,
        bytes=target.stat().st_size,
        sha256=digest.hexdigest(),
    )


class _Hashing:
    """A binary file that hashes what is written to it."""

    def __init__(self, raw, digest):
        self.raw = raw
        self.digest = digest

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return self.raw.write(data)

    def flush(self) -> None:
        self.raw.flush()


def _manifest_json(manifest: Manifest) -> str:
    data = {
        "generated_at": manifest.generated_at.isoformat(),
        "run": manifest.run,
        "files": [asdict(download) for download in manifest.files],
    }
    return json.dumps(data, indent=2) + "\n"


def _replace(path: Path, content: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    with open(temporary, "wb") as file:
        file.write(content)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)


def _remove_old_runs(directory: Path, *, keep: tuple[str | None, ...]) -> None:
    """Remove the directories of earlier runs (and of failed ones) but those kept."""
    for entry in directory.iterdir():
        if entry.is_dir() and entry.name not in keep:
            shutil.rmtree(entry, ignore_errors=True)
