"""Exports that cannot lie: bounded, limited in number, prepared in full, loud when cut.

- A list with more rows than `EXPORT_MAX_ROWS` is refused before anything is streamed,
  with the count, the bound and the two ways out; the list page states the bound.
- `manage.py prepare_downloads` writes the whole public archive; /downloads/ serves it.
- At most `EXPORT_CONCURRENCY` exports stream at once (slots in the shared cache: Redis
  in the PostgreSQL run); slots expire, so a killed worker cannot hold one for ever.
- A stream cut by a database failure raises instead of ending its file normally, and a
  real gunicorn whose worker dies mid-export leaves the HTTP client with an incomplete
  chunked body, never a clean one.
"""

import csv
import gzip
import hashlib
import http.client
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, connections
from django.db.utils import DatabaseError

from articles.formats import downloads, slots
from articles.formats import tabular as exports
from articles.models import PublicationStatus, Statement
from articles.records.registry import record_type

from .factories import ArticleFactory, EventFactory, StatementFactory

ROOT = Path(__file__).resolve().parent.parent


def body(response) -> bytes:
    """The whole streamed body of a test client's response; the client closes it after
    the last piece, as a WSGI server does, which frees the export's slot."""
    return b"".join(response.streaming_content)


def statements(count: int, **fields) -> list[Statement]:
    return StatementFactory.create_batch(count, **fields)


# -- The bound ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_list_over_the_bound_is_refused_with_its_count_the_bound_and_the_ways_out(
    client, db, settings, fmt
):
    settings.EXPORT_MAX_ROWS = 3
    statements(5)
    response = client.get("/statements/", {"format": fmt, "kind": "quote"})
    assert response.status_code == 422
    assert not response.streaming and "Content-Disposition" not in response
    assert response["Content-Type"].startswith("text/html")
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "Too many rows for one download" in page
    assert "This list has 5 statements" in page and "holds at most 3" in page
    assert "Nothing was downloaded" in page
    # The ways out: the same list without the format, to narrow; the prepared download.
    assert 'href="/statements/?kind=quote">Narrow the filters' in page
    assert 'href="/downloads/"' in page
    assert 'action="/search/"' in page  # the site's own page, not a bare message


def test_a_list_at_the_bound_is_exported_whole(client, db, settings):
    settings.EXPORT_MAX_ROWS = 3
    statements(3)
    response = client.get("/statements/?format=csv")
    assert response.status_code == 200
    assert len(list(csv.DictReader(io.StringIO(body(response).decode())))) == 3


def test_drafts_do_not_count_towards_the_bound(client, db, settings):
    settings.EXPORT_MAX_ROWS = 2
    statements(2)
    statements(4, status=PublicationStatus.DRAFT)
    response = client.get("/statements/?format=json")
    assert response.status_code == 200
    assert len(json.loads(body(response))) == 2


def test_a_narrower_list_under_the_bound_is_exported(client, db, settings):
    settings.EXPORT_MAX_ROWS = 2
    statements(3, article=ArticleFactory(published_on="2023-10-01"))
    statements(2, article=ArticleFactory(published_on="2024-03-01"))
    assert client.get("/statements/?format=csv").status_code == 422
    response = client.get("/statements/?format=csv&date_from=2024-01-01")
    assert response.status_code == 200
    assert len(list(csv.DictReader(io.StringIO(body(response).decode())))) == 2


@pytest.mark.parametrize(
    "path, make",
    [
        ("/articles/", lambda: ArticleFactory.create_batch(3)),
        ("/events/", lambda: EventFactory.create_batch(3)),
        ("/actors/", lambda: statements(3)),  # three speakers
    ],
)
def test_every_list_is_bounded(client, db, settings, path, make):
    make()
    settings.EXPORT_MAX_ROWS = 2
    response = client.get(path, {"format": "csv"})
    assert response.status_code == 422
    assert "holds at most 2" in response.content.decode()


def test_the_list_page_states_the_bound_only_when_the_list_is_over_it(client, db, settings):
    statements(3)
    settings.EXPORT_MAX_ROWS = 3
    page = client.get("/statements/").content.decode()
    assert "format=csv" in page and "holds at most" not in page
    settings.EXPORT_MAX_ROWS = 2
    cache.clear()  # a new setting comes with a restart, and pages stored before it go
    page = client.get("/statements/").content.decode()
    assert "format=csv" in page
    assert "A CSV or JSON download holds at most 2 rows and this list has 3" in page
    assert 'href="/downloads/">prepared download of the whole archive' in page


def test_the_bound_costs_one_capped_count(db, settings, django_assert_num_queries):
    from django.test import RequestFactory

    settings.EXPORT_MAX_ROWS = 2
    statements(5)
    request = RequestFactory().get("/statements/", {"format": "csv"})
    # One count cut at the bound + 1, one full count for the message (cached for the list).
    with django_assert_num_queries(2):
        response = exports.export_response(
            request, Statement.objects.published(), record=record_type("statements")
        )
    assert response.status_code == 422


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
    assert manifest["files"][0]["rows"] == Statement.objects.published().count() == 9
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
    # Like a live export, the file starts with the byte order mark a spreadsheet needs.
    rows = list(csv.DictReader(io.StringIO(gzip.decompress(content).decode("utf-8-sig"))))
    assert gzip.decompress(content).startswith(b"\xef\xbb\xbfid,")
    assert len(rows) == 9 and list(rows[0]) == record_type("statements").column_names


def test_the_downloads_page_before_any_preparation(client, prepared):
    response = client.get("/downloads/")
    assert response.status_code == 200
    assert "have not been prepared yet" in response.content.decode()
    assert client.get("/downloads/statements.csv.gz").status_code == 404


def test_the_downloads_page_shows_a_new_preparation_at_once(client, db, prepared):
    """Preparing moves the archive's generation: no stored page or 304 keeps the old list."""
    assert "have not been prepared yet" in client.get("/downloads/").content.decode()
    statements(2)
    downloads.prepare(prepared)
    assert "statements.csv.gz" in client.get("/downloads/").content.decode()
    first = client.get("/downloads/")
    second_run = downloads.prepare(prepared)  # no record changed, the files did
    again = client.get("/downloads/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert again.content != first.content
    assert f"/downloads/{second_run.find('statements.csv.gz').name}" in again.content.decode()


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


@pytest.mark.django_db(transaction=True)
def test_prepare_downloads_reads_each_type_in_a_snapshot_of_its_own(tmp_path):
    # Outside any transaction, as the command runs: on PostgreSQL each type is read in a
    # REPEATABLE READ transaction, so its CSV and JSON hold the same rows.
    statements(3)
    manifest = downloads.prepare(tmp_path)
    assert manifest.find("statements.csv.gz").rows == manifest.find("statements.json.gz").rows
    assert manifest.find("statements.csv.gz").rows == 3


def test_the_refusal_links_the_prepared_downloads(client, db, prepared, settings):
    statements(3)
    downloads.prepare(prepared)
    settings.EXPORT_MAX_ROWS = 2
    refusal = client.get("/statements/?format=csv").content.decode()
    assert 'href="/downloads/"' in refusal
    assert "statements.csv.gz" in client.get("/downloads/").content.decode()


# -- Concurrent exports -------------------------------------------------------------------


def test_exports_beyond_the_limit_answer_503_with_retry_after(client, db, settings):
    settings.EXPORT_CONCURRENCY = 2
    statements(3)
    running = [client.get("/statements/?format=csv"), client.get("/articles/?format=json")]
    assert [response.status_code for response in running] == [200, 200]
    refused = client.get("/statements/?format=json")
    assert refused.status_code == 503
    assert refused["Retry-After"] == "30"
    assert refused["Cache-Control"] == "no-store"
    page = refused.content.decode()
    assert "Downloads are busy just now" in page and "try again in 30 seconds" in page
    assert 'href="/downloads/"' in page
    # Pages are not limited: readers are never kept waiting by exports.
    assert client.get("/statements/").status_code == 200
    # A finished export frees its slot.
    body(running[0])
    response = client.get("/statements/?format=json")
    assert response.status_code == 200
    assert len(json.loads(body(response))) == 3
    body(running[1])


def test_a_slot_held_by_a_killed_worker_expires(db, monkeypatch, settings):
    # A worker killed mid-export never releases its slot: expiry frees it.
    settings.EXPORT_CONCURRENCY = 1
    monkeypatch.setattr(slots, "SLOT_SECONDS", 1)
    assert slots.take() is not None  # and never released
    assert slots.take() is None
    deadline = time.monotonic() + 15
    while (slot := slots.take()) is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert slot is not None


def test_a_streaming_export_renews_its_slot(db, monkeypatch, settings):
    settings.EXPORT_CONCURRENCY = 1
    monkeypatch.setattr(slots, "SLOT_SECONDS", 2)
    monkeypatch.setattr(slots, "RENEW_EVERY", 0)
    slot = slots.take()
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:  # longer than the slot's life, renewed throughout
        slot.renew()
        assert slots.take() is None
        time.sleep(0.2)
    slot.release()
    assert slots.take() is not None


@pytest.mark.django_db(transaction=True)
def test_a_slot_is_released_when_a_stream_fails(settings, monkeypatch):
    from django.test import RequestFactory

    settings.EXPORT_CONCURRENCY = 1
    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
    monkeypatch.setattr(exports, "LINES_PER_PIECE", 1)
    statements(6)
    request = RequestFactory().get("/statements/", {"format": "csv"})
    response = exports.export_response(
        request, Statement.objects.published(), record=record_type("statements")
    )
    pieces = iter(response.streaming_content)
    next(pieces), next(pieces)  # the header and the first row: mid-query
    _break_database()
    with pytest.raises(DatabaseError):
        for _ in pieces:
            pass
    response.close()  # what the WSGI server does after an error
    connection.close()
    assert slots.take() is not None


# -- A stream cut by a failing database fails loudly --------------------------------------


def _break_database() -> None:
    """Break this thread's database connection for real, mid-query: PostgreSQL terminates
    its backend (from another connection), SQLite interrupts its running statement."""
    if connection.vendor == "postgresql":
        pid = connection.connection.info.backend_pid
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        finally:
            other.close()
    else:
        connection.connection.interrupt()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_database_failure_mid_stream_raises_instead_of_ending_the_file(monkeypatch, fmt):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
    monkeypatch.setattr(exports, "LINES_PER_PIECE", 1)
    statements(7)
    record = record_type("statements")
    stream = exports.STREAMS[fmt][0](Statement.objects.published(), record=record)
    received = [next(stream), next(stream)]  # the header or "[", and the first row
    _break_database()
    with pytest.raises(DatabaseError):
        for piece in stream:
            received.append(piece)
    text = "".join(received)
    assert 1 <= len(received) - 1 < 7
    if fmt == "json":
        assert not text.rstrip().endswith("]")
    connection.close()


# -- A real gunicorn whose worker dies mid-export ------------------------------------------

# Articles with long bodies: the CSV is several times larger than what the kernel buffers
# between the server and a client that has stopped reading (a few MB), so the worker is
# still writing when it dies.
SERVER_ARTICLES = 100
BODY_CHARS = 100_000  # under the csv module's field limit
PREPARE_SERVER_DATABASE = f"""
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from tests.factories import ArticleFactory
words = "The minister said nothing new. " * {BODY_CHARS // 31}
for number in range({SERVER_ARTICLES}):
    ArticleFactory(body=f"Report {{number}}. " + words)
"""


def _server_environment(database: Path) -> dict:
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DATABASE_URL", "CACHE_URL", "DATABASE_REPLICA_URLS")
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SQLITE_PATH=str(database),
        DEBUG="false",
        HTTPS="false",
        SECRET_KEY="tests-only-key-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        SITE_URL="http://127.0.0.1",
        ALLOWED_HOSTS="127.0.0.1",
    )
    return environment


@pytest.fixture(scope="module")
def server_database(tmp_path_factory) -> Path:
    """An SQLite file the gunicorn under test serves (whatever database the suite runs on:
    how a cut stream ends is the server's and the client's business, not the database's)."""
    database = tmp_path_factory.mktemp("gunicorn") / "archive.sqlite3"
    subprocess.run(
        [sys.executable, "-c", PREPARE_SERVER_DATABASE],
        cwd=ROOT,
        env=_server_environment(database),
        check=True,
        timeout=300,
    )
    return database


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """gunicorn serving the archive on a free port with one worker."""

    def __init__(self, database: Path, *arguments: str):
        self.port = _free_port()
        command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "1"]
        command += ["--bind", f"127.0.0.1:{self.port}", *arguments]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=_server_environment(database),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait_until_listening()

    def _wait_until_listening(self, within: float = 60) -> None:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "gunicorn exited"
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("gunicorn did not start listening")

    def worker_pid(self) -> int:
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        assert len(children) == 1, children
        return int(children[0])

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def get(self, path: str) -> http.client.HTTPResponse:
        """A GET over HTTP/1.1 from a client with a small receive buffer, which stops
        reading when the caller does."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16_384)
        sock.settimeout(120)
        sock.connect(("127.0.0.1", self.port))
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        connection.sock = sock
        connection.request("GET", path)
        return connection.getresponse()


WORKERS = {
    "sync": ("--worker-class", "sync", "--timeout", "120"),
    "gthread": ("--worker-class", "gthread", "--threads", "4", "--timeout", "120"),
}


@pytest.mark.parametrize("worker", list(WORKERS))
def test_a_worker_killed_mid_export_leaves_the_client_an_incomplete_body(server_database, worker):
    server = Gunicorn(server_database, *WORKERS[worker])
    try:
        # Whole when nothing goes wrong: every row, and the chunked body's last chunk.
        whole = server.get("/articles/?format=csv")
        assert whole.status == 200
        assert whole.getheader("Transfer-Encoding") == "chunked"
        assert whole.getheader("Content-Length") is None
        rows = list(csv.DictReader(io.StringIO(whole.read().decode())))
        assert len(rows) == SERVER_ARTICLES

        cut = server.get("/articles/?format=csv")
        assert cut.status == 200
        assert cut.getheader("Transfer-Encoding") == "chunked"
        received = cut.read(100_000)
        os.kill(server.worker_pid(), signal.SIGKILL)
        with pytest.raises(http.client.IncompleteRead):
            cut.read()
        assert len(received) == 100_000
    finally:
        server.stop()


def test_a_sync_worker_killed_by_its_timeout_mid_export_leaves_an_incomplete_body(
    server_database,
):
    # The case: a reader stops reading (or reads slowly), the export outlasts
    # gunicorn's timeout and the arbiter kills the worker.
    server = Gunicorn(server_database, "--worker-class", "sync", "--timeout", "2")
    try:
        cut = server.get("/articles/?format=json")
        assert cut.status == 200
        assert cut.read(1) == b"["
        worker = server.worker_pid()
        deadline = time.monotonic() + 60
        while Path(f"/proc/{worker}").exists() and time.monotonic() < deadline:
            time.sleep(0.2)  # waiting for the arbiter to kill the worker, not timing it
        with pytest.raises(http.client.IncompleteRead):
            cut.read()
    finally:
        server.stop()
