"""Exports that cannot lie.

- `manage.py prepare_downloads` writes the whole public archive; /downloads/ serves it.
"""

import csv
import gzip
import hashlib
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.formats import downloads
from articles.formats import tabular as exports
from articles.models import PublicationStatus, Statement
from articles.records.registry import record_type

from .factories import StatementFactory

ROOT = Path(__file__).resolve().parent.parent


def body(response) -> bytes:
    """The whole streamed body of a test client's response; the client closes it after
    the last piece, as a WSGI server does, which frees the export's slot."""
    return b"".join(response.streaming_content)


def statements(count: int, **fields) -> list[Statement]:
    return StatementFactory.create_batch(count, **fields)


# -- Prepared downloads -------------------------------------------------------------------


@pytest.fixture
def prepared(db, tmp_path, settings):
    settings.DOWNLOADS_DIR = tmp_path / "downloads"
    return settings.DOWNLOADS_DIR


def test_prepare_downloads_writes_every_public_row_as_the_live_export_does(demo, prepared):
    draft = StatementFactory(status=PublicationStatus.DRAFT, text="A draft nobody may read.")
    call_command("prepare_downloads", stdout=io.StringIO())
    manifest = json.loads((prepared / "manifest.json").read_text())
    names = [entry["name"] for entry in manifest["files"]]
    assert names == [
        f"{key}.{fmt}.gz"
        for key in ("statements", "actors", "articles", "events")
        for fmt in ("csv", "json")
    ]
    for entry in manifest["files"]:
        path = prepared / manifest["run"] / entry["name"]
        raw = path.read_bytes()
        assert entry["bytes"] == len(raw)
        assert entry["sha256"] == hashlib.sha256(raw).hexdigest()
        text = gzip.decompress(raw).decode("utf-8")
        record = record_type(entry["record"])
        live = exports.STREAMS[entry["format"]][0]
        assert text == "".join(live(downloads.public_rows(record), record=record))
        assert entry["rows"] == downloads.public_rows(record).count()
        assert draft.text not in text
    assert manifest["files"][0]["rows"] == Statement.objects.published().count() == 7
    assert manifest["generated_at"].startswith("20")


def test_the_downloads_page_lists_and_serves_the_files(client, demo, prepared):
    manifest = downloads.prepare(prepared)
    page = client.get("/downloads/")
    assert page.status_code == 200
    text = page.content.decode()
    statements_csv = manifest.find("statements.csv.gz")
    assert 'href="/downloads/statements.csv.gz"' in text
    assert statements_csv.sha256 in text
    assert f"<td>{statements_csv.rows}</td>" in text
    assert "Prepared on" in text
    response = client.get("/downloads/statements.csv.gz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/gzip"
    stamp = manifest.generated_at.date().isoformat()
    assert response["Content-Disposition"] == (f'attachment; filename="statements-{stamp}.csv.gz"')
    assert int(response["Content-Length"]) == statements_csv.bytes
    content = body(response)
    assert hashlib.sha256(content).hexdigest() == statements_csv.sha256
    rows = list(csv.DictReader(io.StringIO(gzip.decompress(content).decode())))
    assert len(rows) == 7 and list(rows[0]) == record_type("statements").column_names


def test_the_downloads_page_before_any_preparation(client, prepared):
    response = client.get("/downloads/")
    assert response.status_code == 200
    assert "have not been prepared yet" in response.content.decode()
    assert client.get("/downloads/statements.csv.gz").status_code == 404


@pytest.mark.parametrize("name", ["manifest.json", "..%2Fmanifest.json", "nothing.csv.gz"])
def test_only_files_of_the_manifest_are_served(client, db, prepared, name):
    downloads.prepare(prepared)
    assert client.get(f"/downloads/{name}").status_code == 404


def test_a_new_run_replaces_the_files_and_keeps_the_one_served_until_then(db, prepared):
    statements(2)
    first = downloads.prepare(prepared)
    statements(1)
    second = downloads.prepare(prepared)
    assert downloads.read_manifest(prepared) == second
    assert second.find("statements.json.gz").rows == 3
    assert (prepared / first.run).is_dir()  # a download begun before the switch can end
    third = downloads.prepare(prepared)
    runs = sorted(entry.name for entry in prepared.iterdir() if entry.is_dir())
    assert runs == [second.run, third.run]
    assert not [entry for entry in prepared.rglob("*.tmp")]
