import os
import shutil
import tempfile
from pathlib import Path

import pytest

from articles.services import demo_load

# pytest-django's live_server runs the app in a thread beside Playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On SQLite, the test database is a file, so each thread opens its own connection.

    pytest-django's live server shares an in-memory database's one connection between
    the test and every request thread. Two threads on one SQLite connection can deadlock
    for good: one steps a statement holding SQLite's mutex and waits for the GIL to run a
    Python callback (the public pages' statement-timeout progress handler, Django's SQL
    functions), while the other holds the GIL and waits for the mutex (reading a row,
    arming that handler). Production never shares a connection between threads; with a
    file the browser tests do not either. It lives in /dev/shm where there is one, so
    commits cost no disk flush.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        yield
        return
    memory = Path("/dev/shm")
    folder = tempfile.mkdtemp(prefix="archive-tests-", dir=memory if memory.is_dir() else None)
    database.setdefault("TEST", {})["NAME"] = str(Path(folder) / "test.sqlite3")
    yield
    shutil.rmtree(folder, ignore_errors=True)  # the database's -wal and -shm files too


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgresql` run in the PostgreSQL half of `make test` only.

    They are about a server (its connection pool, its timeouts) that SQLite does not
    have: in the SQLite run they are deselected, not skipped, so a skip in the summary
    always means something is missing.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    kept = [item for item in items if item.get_closest_marker("postgresql") is None]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Templates can use {% static %} without a collectstatic manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache.

    Cached values are keyed by the archive's generation, which every test's rolled-back
    database starts again from: without this, a test could read a count cached by
    another test's rows under the same generation.
    """
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def demo(db):
    """The demo archive, loaded as `make run` loads it."""
    return demo_load()


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(user)
    return client


@pytest.fixture
def editor(django_user_model):
    """A staff user in the Editors group that the data migration creates."""
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(
        "maria", password="x-long-pass-phrase-9", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture(scope="session")
def browser():
    """A real Chromium driven by Playwright.

    Without Chromium the browser tests are skipped with the reason, except where
    REQUIRE_BROWSER is set (CI), where they fail instead.
    """
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        message = f"Chromium not found at {CHROMIUM}: `apt-get install chromium`"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
