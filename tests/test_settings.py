import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# What the README's "Deploying" section exports, with a key that passes check --deploy.
PRODUCTION = {
    "SECRET_KEY": "q8#Zt2vLw0pX!r7mKd4sN9bYc1HjE6uGfA3oV5iT-eRyU8lWnPzQ",
    "SITE_URL": "https://archive.example.org",
    "ALLOWED_HOSTS": "archive.example.org",
}

SECURITY_SETTINGS = [
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SECURE_REFERRER_POLICY",
    "X_FRAME_OPTIONS",
    "SECURE_CONTENT_TYPE_NOSNIFF",
]


def run(args, **env):
    """Run Python in a fresh interpreter with exactly these variables (not the test suite's)."""
    environment = {"PATH": os.environ["PATH"], **env}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def load_settings(**env):
    """Import config.settings in a fresh interpreter; print the database engine and DEBUG."""
    return run(
        ["-c", "import config.settings as s; print(s.DATABASES['default']['ENGINE'], s.DEBUG)"],
        **env,
    )


def settings_values(names, **env) -> dict:
    result = run(
        [
            "-c",
            "import json, config.settings as s; "
            f"print(json.dumps({{n: getattr(s, n) for n in {names!r}}}))",
        ],
        **env,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_debug_true_alone_gives_a_local_sqlite_development_setup():
    result = load_settings(DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True"]


def test_production_is_the_default_and_refuses_to_start_without_a_secret_key():
    result = load_settings()
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_a_site_url():
    result = load_settings(SECRET_KEY=PRODUCTION["SECRET_KEY"])
    assert result.returncode != 0
    assert "ImproperlyConfigured: SITE_URL must be set" in result.stderr


def test_production_defaults_are_https_only():
    values = settings_values(SECURITY_SETTINGS, **PRODUCTION)
    assert values == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
    }


def test_https_false_turns_off_the_redirect_hsts_and_secure_cookies_together():
    values = settings_values(SECURITY_SETTINGS, HTTPS="false", **PRODUCTION)
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["CSRF_COOKIE_SECURE"] is False
    # The headers that do not need HTTPS stay on.
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True


def test_hsts_preload_is_opt_in():
    values = settings_values(["SECURE_HSTS_PRELOAD"], HSTS_PRELOAD="true", **PRODUCTION)
    assert values == {"SECURE_HSTS_PRELOAD": True}


def test_check_deploy_is_clean_with_the_readme_production_variables():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="false",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_fails_when_https_is_turned_off():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], HTTPS="false", **PRODUCTION
    )
    assert result.returncode != 0
    assert "security.W008" in result.stderr  # SECURE_SSL_REDIRECT


def test_database_url_selects_postgresql_with_the_pool():
    result = load_settings(DATABASE_URL="postgres://u@db.example:5432/archive", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "False"]


def test_postgresql_gives_up_on_a_connection_after_two_seconds_by_default():
    url = "postgres://u@db.example:5432/archive"
    values = settings_values(["DATABASES"], DATABASE_URL=url, **PRODUCTION)
    options = values["DATABASES"]["default"]["OPTIONS"]
    assert options["connect_timeout"] == 2
    assert options["pool"] == {"timeout": 2}

    values = settings_values(
        ["DATABASES"], DATABASE_URL=url, DATABASE_CONNECT_TIMEOUT="5", **PRODUCTION
    )
    options = values["DATABASES"]["default"]["OPTIONS"]
    assert options["connect_timeout"] == 5
    assert options["pool"] == {"timeout": 5}


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG must be true or false"),
        ("PAGE_SIZE", "ten", "PAGE_SIZE must be an integer"),
        ("HTTPS", "sometimes", "HTTPS must be true or false"),
        ("SITE_URL", "archive.example.org", "SITE_URL must start with https:// or http://"),
        ("SECURE_COOKIES", "true", "SECURE_COOKIES is replaced by HTTPS"),
        ("DATABASE_CONNECT_TIMEOUT", "2s", "DATABASE_CONNECT_TIMEOUT must be an integer"),
        ("DATABASE_CONNECT_TIMEOUT", "0", "DATABASE_CONNECT_TIMEOUT must be at least 1 second"),
    ],
)
def test_bad_values_are_refused_with_the_variable_named(name, value, message):
    result = load_settings(**{**PRODUCTION, name: value})
    assert result.returncode != 0
    assert message in result.stderr


def _mmap_size(tmp_path, **env) -> subprocess.CompletedProcess:
    """The memory map an SQLite connection of the settings reads through, in bytes."""
    return run(
        [
            "-c",
            "import django; django.setup(); from django.db import connection; "
            "c = connection.cursor(); c.execute('PRAGMA mmap_size'); print(c.fetchone()[0])",
        ],
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="true",
        SQLITE_PATH=str(tmp_path / "mapped.sqlite3"),
        **env,
    )


def test_sqlite_reads_through_a_memory_map_unless_told_not_to(tmp_path):
    mapped = _mmap_size(tmp_path)
    assert mapped.returncode == 0, mapped.stderr
    assert int(mapped.stdout) > 0  # 2 GiB asked; SQLite's build may allow less
    off = _mmap_size(tmp_path, SQLITE_MMAP_SIZE="0")
    assert off.returncode == 0, off.stderr
    assert int(off.stdout) == 0
    wrong = _mmap_size(tmp_path, SQLITE_MMAP_SIZE="lots")
    assert wrong.returncode != 0
    assert "SQLITE_MMAP_SIZE must be an integer, not 'lots'" in wrong.stderr


def test_a_worker_loads_its_urls_and_freezes_them_out_of_the_collectors_reach():
    # What gunicorn does first in each worker: import config.wsgi.
    result = run(
        [
            "-c",
            "import gc, sys, config.wsgi; "
            "print(gc.get_freeze_count(), 'articles.website.urls' in sys.modules)",
        ],
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    frozen, urls_loaded = result.stdout.split()
    assert int(frozen) > 50_000  # the code, settings and URL patterns: ~90,000 objects
    assert urls_loaded == "True"
