"""The site's own middleware."""

import logging
import time
from collections.abc import Callable
from contextlib import ExitStack

from django.conf import settings
from django.db import connections
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from psycopg.errors import QueryCanceled
from psycopg_pool import PoolTimeout

from config.headers import add_security_headers

logger = logging.getLogger(__name__)

# The editors' admin (config/urls.py); public pages are everything else.
ADMIN_PREFIX = "/admin/"
HEALTH_CHECK_PATH = "/healthz"
READ_METHODS = ["GET", "HEAD"]

# What a database that is down, unreachable or out of connections raises. Django wraps
# the driver's errors (a pool timeout included) in its own; PoolTimeout is listed in case
# one escapes unwrapped.
DATABASE_ERRORS = (OperationalError, InterfaceError, PoolTimeout)
RETRY_AFTER_SECONDS = 30


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response (config.headers)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        add_security_headers(response.headers, admin=request.path.startswith(ADMIN_PREFIX))
        return response


class PublicReadOnlyMiddleware:
    """Public pages answer GET and HEAD only: anything else (OPTIONS and TRACE too) is 405.

    The admin takes its forms' POSTs; /healthz limits its own methods.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in READ_METHODS and not (
            request.path.startswith(ADMIN_PREFIX) or request.path == HEALTH_CHECK_PATH
        ):
            return HttpResponseNotAllowed(READ_METHODS)
        return self.get_response(request)


class AdminQueryNulMiddleware:
    """400 for a NUL character in an admin URL's query string.

    PostgreSQL refuses NUL in text, so a changelist filter such as
    `?status__exact=%00` would otherwise fail in the database with a 500. The public
    pages validate their own parameters.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(ADMIN_PREFIX) and any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            return HttpResponseBadRequest(
                "A query parameter contains a NUL character.", content_type="text/plain"
            )
        return self.get_response(request)


def service_unavailable(request: HttpRequest, *, too_slow: bool = False) -> HttpResponse:
    """The branded 503 page, rendered without touching the database.

    `too_slow`: the page's query ran past the public statement timeout, rather than the
    database being away.
    """
    # A plain context, not a RequestContext: no context processor runs.
    body = render_to_string("503.html", {"request": request, "too_slow": too_slow})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


class DatabaseUnavailableMiddleware:
    """A database error in a view answers 503 with Retry-After, at once, instead of a 500.

    The pool and connect timeouts (settings.DATABASE_CONNECT_TIMEOUT) bound how long a
    request waits first. Nothing is kept between requests: once the database answers
    again, so do the pages.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        if is_statement_timeout(exception):
            logger.warning(
                "Query stopped after %s ms for %s: %s",
                settings.PUBLIC_STATEMENT_TIMEOUT_MS,
                request.get_full_path(),
                exception,
            )
            return service_unavailable(request, too_slow=True)
        logger.error("Database unavailable for %s: %s", request.path, exception)
        return service_unavailable(request)


def is_statement_timeout(exception: Exception) -> bool:
    """A query stopped by PublicStatementTimeoutMiddleware, on either database."""
    cause = exception.__cause__
    if isinstance(exception, QueryCanceled) or isinstance(cause, QueryCanceled):
        return True  # PostgreSQL's statement_timeout
    # SQLite's answer when the progress handler stops a query.
    return isinstance(exception, OperationalError) and str(exception) == "interrupted"


class _StatementTimeout:
    """An execute wrapper that bounds each query of one connection to `limit_ms`.

    PostgreSQL: `SET statement_timeout` once on the connection, before its first query of
    the request, on the driver's connection (so it is not counted as one of the page's
    queries); `RESET` afterwards, since the connection goes back to the pool. SQLite: a
    progress handler that stops the statement running past its deadline, a deadline set
    afresh before each query.
    """

    PROGRESS_STEPS = 10_000  # SQLite virtual machine instructions between two checks

    def __init__(self, connection, limit_ms: int):
        self.connection = connection
        self.limit_ms = limit_ms
        self.armed = None  # the driver connection the limit was set on
        self.deadline = 0.0

    def __call__(self, execute, sql, params, many, context):
        self.deadline = time.monotonic() + self.limit_ms / 1000
        raw = self.connection.connection
        if raw is not None and raw is not self.armed:
            if self.connection.vendor == "postgresql":
                # On the driver's connection, not the page's cursor: that one may be a
                # server-side cursor, which can only DECLARE a SELECT.
                raw.execute(f"SET statement_timeout = {int(self.limit_ms)}")
            elif self.connection.vendor == "sqlite":
                raw.set_progress_handler(self._past_deadline, self.PROGRESS_STEPS)
            self.armed = raw
        return execute(sql, params, many, context)

    def _past_deadline(self) -> int:
        return int(time.monotonic() > self.deadline)

    def disarm(self) -> None:
        raw, self.armed = self.armed, None
        if raw is None or raw is not self.connection.connection:
            return  # never used, or closed since: nothing carries the limit on
        try:
            if self.connection.vendor == "postgresql":
                raw.execute("RESET statement_timeout")
            else:
                raw.set_progress_handler(None, 0)
        except Exception:  # a failed transaction reverts the SET by itself
            logger.debug("Could not reset the statement timeout", exc_info=True)


class PublicStatementTimeoutMiddleware:
    """A public page's query stops after PUBLIC_STATEMENT_TIMEOUT_MS: a 503, not a held worker.

    The admin is left alone (an editor's save may take its time), and so are management
    commands, which run no middleware: imports, exports and generate_archive are long by
    nature. The stopped query raises an OperationalError that DatabaseUnavailableMiddleware
    answers with the branded 503 and Retry-After. 0 turns the limit off.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.PUBLIC_STATEMENT_TIMEOUT_MS
        if not limit or request.path.startswith(ADMIN_PREFIX):
            return self.get_response(request)
        wrappers = [_StatementTimeout(connections[alias], limit) for alias in connections]
        with ExitStack() as stack:
            for wrapper in wrappers:
                stack.enter_context(wrapper.connection.execute_wrapper(wrapper))
                stack.callback(wrapper.disarm)
            return self.get_response(request)
