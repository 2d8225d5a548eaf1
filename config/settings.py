"""Settings for the conflict-reporting archive.

One module, configured by environment variables (see `.env.example`). Production
is the default: it refuses to start without SECRET_KEY and SITE_URL, and sends
HSTS and secure cookies. `DEBUG=true` (as `make run` sets) gives a local
development setup on an SQLite file with no other variable.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.headers import add_security_headers

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


# Production is the default; development says DEBUG=true.
DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false")
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "simple_history",
    "axes",
    "actors",
    "articles",
    "search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.routers.PrimaryForEditorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.SecurityHeadersMiddleware",
    "config.middleware.PublicReadOnlyMiddleware",
    "config.middleware.AdminQueryNulMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
    "config.middleware.PublicStatementTimeoutMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "articles.website.middleware.ArchiveGenerationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# Database: an SQLite file unless DATABASE_URL names another database.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    try:
        default_db = dj_database_url.parse(DATABASE_URL)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from None
else:
    default_db = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
    }

# Seconds to wait for a database connection before a page answers 503: a database that
# is down should not hold every request for psycopg's default 30 seconds.
DATABASE_CONNECT_TIMEOUT = env_int("DATABASE_CONNECT_TIMEOUT", 2)
if DATABASE_CONNECT_TIMEOUT < 1:
    # libpq reads 0 as "wait for ever".
    raise ImproperlyConfigured("DATABASE_CONNECT_TIMEOUT must be at least 1 second")

# Milliseconds a public page's query may run before it is stopped and the page answers
# 503 (config.middleware.PublicStatementTimeoutMiddleware). Not the admin, not commands.
# 0 turns the limit off.
PUBLIC_STATEMENT_TIMEOUT_MS = env_int("PUBLIC_STATEMENT_TIMEOUT_MS", 10_000)
if PUBLIC_STATEMENT_TIMEOUT_MS < 0:
    raise ImproperlyConfigured("PUBLIC_STATEMENT_TIMEOUT_MS must be 0 (off) or more")


def _connection_options(database: dict) -> dict:
    """The pool, timeouts and SQLite pragmas every connection of the archive uses."""
    if database["ENGINE"] == "django.db.backends.postgresql":
        options = database.setdefault("OPTIONS", {})
        options["connect_timeout"] = DATABASE_CONNECT_TIMEOUT
        # Django's own psycopg pool; it requires persistent connections to be off.
        if env_bool("DATABASE_POOL", True):
            # `timeout`: how long a request waits for a pooled connection. The health
            # check lets the pool replace connections broken while the database was away.
            options["pool"] = {"timeout": DATABASE_CONNECT_TIMEOUT}
            database["CONN_MAX_AGE"] = 0
            database["CONN_HEALTH_CHECKS"] = True
        else:
            database["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 0)
    elif database["ENGINE"] == "django.db.backends.sqlite3":
        # WAL and a busy timeout let the dev server and a command share the file. Reads
        # through a memory map: each request opens its own connection, whose page cache
        # starts empty, and a mapped file is read from the system's cache without a copy
        # per page (a deep page or an outlet's statements at a million: about 40% less
        # time in SQLite). SQLITE_MMAP_SIZE bytes at most; 0 reads without a map.
        mmap_size = env_int("SQLITE_MMAP_SIZE", 2**31)
        database.setdefault("OPTIONS", {}).update(
            {
                "init_command": f"PRAGMA journal_mode=WAL; PRAGMA mmap_size={mmap_size};",
                "timeout": 20,
            }
        )
    return database


DATABASES = {"default": _connection_options(default_db)}

# Read replicas (PostgreSQL): public reads go to them, the admin, every write and every
# read inside a write transaction to the primary (config/routers.py).
DATABASE_REPLICAS: list[str] = []
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS", []), start=1):
    try:
        _replica = dj_database_url.parse(_url)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_REPLICA_URLS: not a database URL: {exc}") from None
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica_{_number}"] = _connection_options(_replica)
    DATABASE_REPLICAS.append(f"replica_{_number}")
DATABASE_ROUTERS = ["config.routers.ReplicaRouter"]

# The shared cache: Redis when CACHE_URL names one (several workers and machines share
# one truth), else this process's memory (one `make run` process). Cached counts are
# keyed by the archive's generation (articles/freshness.py), so none outlives a change.
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "archive"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
elif CACHE_URL:
    raise ImproperlyConfigured(f"CACHE_URL must be a redis:// URL, not {CACHE_URL!r}")
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# How long a rendered public page stays in the cache (articles/website/middleware.py). Its
# key holds the archive's generation, so a write never leaves a stale page behind; this
# only bounds what old generations' pages occupy. 0 keeps no page.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 3600)
# Names the deployed code in HTTP validators (ETag): set it per release, e.g. a git hash.
RELEASE = os.environ.get("RELEASE", "")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Django 6 behaviour now: a URL typed without a scheme is taken as https.
FORMS_URLFIELD_ASSUME_HTTPS = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Password guessing (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one
# username from one address, that pair is refused for LOGIN_LOCKOUT_MINUTES. Another
# address can still log in as that user, so an attacker cannot lock an editor out.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 60))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Name the username and address in the failure log lines: that is what they are for.
AXES_SENSITIVE_PARAMETERS = []
AXES_CLIENT_IP_CALLABLE = "config.auth.client_ip"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Static files carry the pages' Content-Security-Policy and Permissions-Policy too.
WHITENOISE_ADD_HEADERS_FUNCTION = add_security_headers
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# Public site identity, used in citations, feeds and canonical links.
SITE_NAME = os.environ.get("SITE_NAME", "Conflict Reporting Archive")
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")
if not SITE_URL:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SITE_URL must be set when DEBUG is false: the public address, "
            "e.g. https://archive.example.org"
        )
    SITE_URL = "http://127.0.0.1:8000"
if not SITE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"SITE_URL must start with https:// or http://, not {SITE_URL!r}")

PAGE_SIZE = env_int("PAGE_SIZE", 25)
# A search matching more rows than this is broad: lists and the search page give its
# count as "more than", list its first rows in the list's order (newest first) instead of
# ranking them all, and count no facets of it (search/engine.py, docs/decisions.md).
SEARCH_BROAD_MATCHES = env_int("SEARCH_BROAD_MATCHES", 10_000)

# Live exports (`?format=csv|json` on a list): a list with more rows than this is refused
# with a message pointing to narrower filters and the prepared downloads, so no export
# outlasts the server's timeout and ends cut short. 50,000 statements stream in about
# 20 s alone and 55 s with two at once on a busy two-core machine (docs/decisions.md),
# inside the 120 s `--timeout` the README gives gunicorn.
EXPORT_MAX_ROWS = env_int("EXPORT_MAX_ROWS", 50_000)
# At most this many live exports at once across every worker and machine (slots in the
# shared cache); one more answers 503 with Retry-After, so exports cannot starve readers.
EXPORT_CONCURRENCY = env_int("EXPORT_CONCURRENCY", 2)
if EXPORT_MAX_ROWS < 1 or EXPORT_CONCURRENCY < 1:
    raise ImproperlyConfigured("EXPORT_MAX_ROWS and EXPORT_CONCURRENCY must be at least 1")
# The prepared full downloads (`manage.py prepare_downloads`, served at /downloads/).
DOWNLOADS_DIR = Path(os.environ.get("DOWNLOADS_DIR", "") or BASE_DIR / "var" / "downloads")

# HTTPS: on in production. HTTPS=false turns off the redirect, HSTS and secure cookies
# together, for a plain-HTTP test of a production setup (the test suite sets it).
if "SECURE_COOKIES" in os.environ:
    raise ImproperlyConfigured("SECURE_COOKIES is replaced by HTTPS (on when DEBUG is false)")
HTTPS = env_bool("HTTPS", not DEBUG)
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_SSL_REDIRECT = HTTPS
# A load balancer may probe the health check over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# Preloading is a promise to browsers that is slow to take back: the operator opts in.
SECURE_HSTS_PRELOAD = HTTPS and env_bool("HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not SECURE_HSTS_PRELOAD:
    # check --deploy warns whenever preload is off (security.W021); off is our choice.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # Failed logins and lockouts are warnings, shown whatever LOG_LEVEL says.
    "loggers": {"axes": {"level": "WARNING"}},
}
