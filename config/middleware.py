"""The site's own middleware."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from config.headers import add_security_headers

# The editors' admin (config/urls.py); public pages are everything else.
ADMIN_PREFIX = "/admin/"


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response (config.headers)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        add_security_headers(response.headers, admin=request.path.startswith(ADMIN_PREFIX))
        return response
