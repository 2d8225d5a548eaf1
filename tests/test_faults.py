"""Graceful under faults: a database that is down, unreachable or silent.

The shared PostgreSQL server is never stopped. Instead, for the length of a `with` block,
this thread's default connection is replaced by a copy of it pointed elsewhere: at a
closed port, at a socket that never answers, or through a small TCP proxy that the test
stops and starts again. On SQLite "unreachable" is a file that cannot be opened.

These are the suite's only wall-clock assertions: the issue asks for a fast 503 when the
database is away. The target is about 2 s (DATABASE_CONNECT_TIMEOUT); the bound checked is
a generous 5 s, for a shared, busy machine.
"""

import copy
import socket
import threading
import time
from contextlib import contextmanager

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.migrations.recorder import MigrationRecorder
from django.db.utils import load_backend

from .factories import StatementFactory

FAST = 5  # seconds; see the module docstring


def unreachable() -> dict:
    """Connection settings that cannot work: a closed port, or a file in no directory."""
    if connection.vendor == "postgresql":
        return {"HOST": "127.0.0.1", "PORT": "1"}
    return {"NAME": "/nonexistent-directory/archive.sqlite3"}


@contextmanager
def database_at(**changes):
    """This thread's default connection, replaced by one with these settings changed."""
    original = connections[DEFAULT_DB_ALIAS]
    settings_dict = copy.deepcopy(original.settings_dict)
    options = changes.pop("OPTIONS", None)
    if options is not None:
        settings_dict["OPTIONS"] = options
    settings_dict.update(changes)
    backend = load_backend(settings_dict["ENGINE"])
    replacement = backend.DatabaseWrapper(settings_dict, alias=DEFAULT_DB_ALIAS)
    # PostgreSQL keeps its pools in a class attribute, by alias: this one gets its own.
    replacement._connection_pools = {}
    connections[DEFAULT_DB_ALIAS] = replacement
    try:
        yield replacement
    finally:
        connections[DEFAULT_DB_ALIAS] = original
        replacement.close()
        if getattr(replacement, "pool", None):
            replacement.close_pool()


def get(client, path):
    """A GET, then what a WSGI server does at request_finished and the test client leaves
    out: hand back (or drop) the connection, so the next request starts afresh. The test's
    own connection, inside its transaction, is left alone."""
    response = client.get(path)
    current = connections[DEFAULT_DB_ALIAS]
    if not current.in_atomic_block:
        current.close_if_unusable_or_obsolete()
    return response


def timed_get(client, path):
    start = time.monotonic()
    response = get(client, path)
    return response, time.monotonic() - start


def assert_branded_503(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "The archive is briefly unavailable" in page
    assert 'action="/search/"' in page and 'href="/statements/"' in page  # the site's header


@pytest.mark.parametrize("path", ["/", "/statements/", "/actors/", "/search/?q=Cleverly"])
def test_an_unreachable_database_answers_503_with_retry_after_at_once(client, db, path):
    with database_at(**unreachable()):
        response, seconds = timed_get(client, path)
    assert_branded_503(response)
    assert seconds < FAST, f"{seconds:.1f} s"


def test_static_files_are_served_while_the_database_is_away(client, db, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    with database_at(**unreachable()):
        response = get(client, "/static/css/site.css")
    assert response.status_code == 200


def test_pages_work_again_once_the_database_is_back_without_a_restart(client, db):
    # A page no reader has asked for yet: one already asked for in this generation is
    # answered from the cache while the database is away (nothing can change then).
    statement = StatementFactory()
    path = statement.get_absolute_url()
    assert get(client, "/").status_code == 200
    with database_at(**unreachable()):
        assert get(client, path).status_code == 503
        assert get(client, "/").status_code == 200
    response = get(client, path)
    assert response.status_code == 200
    assert statement.text in response.content.decode()


def test_healthz_is_ok_when_the_database_answers_and_is_migrated(client, db):
    response = get(client, "/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_healthz_is_503_when_the_database_is_unreachable(client, db):
    with database_at(**unreachable()):
        response, seconds = timed_get(client, "/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}
    assert "no-store" in response["Cache-Control"]
    assert seconds < FAST, f"{seconds:.1f} s"


def test_healthz_is_503_when_a_migration_is_not_applied(client, db):
    # Inside the test's transaction: rolled back afterwards.
    MigrationRecorder.Migration.objects.filter(app="articles").order_by("-id").first().delete()
    response = get(client, "/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "unapplied_migrations": 1}
    assert "no-store" in response["Cache-Control"]


def test_healthz_is_not_redirected_to_https(client, db, settings):
    # A load balancer may probe over plain HTTP; readers are sent to HTTPS.
    settings.SECURE_SSL_REDIRECT = True
    assert get(client, "/").status_code == 301
    assert get(client, "/healthz").status_code == 200


def test_healthz_answers_get_and_head_only(client, db):
    assert client.head("/healthz").status_code == 200
    response = client.post("/healthz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


# PostgreSQL: a server that accepts and never answers, and one that goes away and comes back.


class SilentServer:
    """Accepts connections and never says a word; hangs up after `hold` seconds.

    Without a connect timeout a client would wait the full `hold` before failing.
    """

    def __init__(self, hold: float = 15):
        self.hold = hold
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.accepted.append(conn)
            threading.Timer(self.hold, conn.close).start()

    def close(self):
        _close(self.listener)
        for conn in self.accepted:
            _close(conn)


class Proxy:
    """A TCP proxy to PostgreSQL: stop() is the database going away, start() its return."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = 0
        self.sockets: list[socket.socket] = []
        self.start()

    def start(self):
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def stop(self):
        _close(self.listener)
        for sock in self.sockets:
            _close(sock)
        self.sockets.clear()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for source, sink in [(client, upstream), (upstream, client)]:
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            _close(source)
            _close(sink)


def _close(sock: socket.socket):
    try:
        sock.shutdown(socket.SHUT_RDWR)  # wakes a thread blocked in accept() or recv()
    except OSError:
        pass
    sock.close()


@pytest.fixture
def silent_server():
    server = SilentServer()
    yield server
    server.close()


@pytest.mark.postgresql  # SQLite has no server to wait for
@pytest.mark.parametrize("pooled", [True, False], ids=["pool", "no-pool"])
def test_a_database_that_never_answers_gives_503_within_the_timeout(
    client, db, silent_server, pooled
):
    options = copy.deepcopy(connection.settings_dict["OPTIONS"])
    if not pooled:
        options.pop("pool", None)  # then psycopg's connect_timeout is what bounds the wait
    with database_at(HOST="127.0.0.1", PORT=str(silent_server.port), OPTIONS=options):
        response, seconds = timed_get(client, "/statements/")
    assert_branded_503(response)
    assert seconds < FAST, f"{seconds:.1f} s"


@pytest.mark.postgresql  # SQLite has no server to wait for
def test_the_connection_pool_recovers_by_itself_when_the_database_comes_back(client, db):
    real = connection.settings_dict
    proxy = Proxy((real["HOST"] or "127.0.0.1", int(real["PORT"] or 5432)))
    try:
        with database_at(HOST="127.0.0.1", PORT=str(proxy.port)) as through_proxy:
            assert through_proxy.pool is not None  # the pool as the settings make it
            assert get(client, "/healthz").status_code == 200
            assert get(client, "/").status_code == 200

            proxy.stop()  # the database goes away, its connections broken
            # A page not yet asked for (one that was can be answered from the cache).
            response, seconds = timed_get(client, "/statements/")
            assert_branded_503(response)
            assert seconds < FAST, f"{seconds:.1f} s"
            assert get(client, "/healthz").status_code == 503

            proxy.start()  # it comes back; nothing is restarted or reset on our side
            deadline = time.monotonic() + 60
            while get(client, "/healthz").status_code != 200:
                assert time.monotonic() < deadline, "the pool did not reconnect in 60 s"
            assert get(client, "/statements/").status_code == 200
    finally:
        proxy.stop()
