"""The site's own middleware."""

import logging
from collections.abc import Callable

from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
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


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """The branded 503 page, rendered without touching the database."""
    # A plain context, not a RequestContext: no context processor runs.
    body = render_to_string("503.html", {"request": request})
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
        logger.error("Database unavailable for %s: %s", request.path, exception)
        return service_unavailable(request)
