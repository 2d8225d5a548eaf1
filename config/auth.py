"""Who is logging in: the client address that django-axes counts failures against."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as our side saw it.

    Behind our proxy (BEHIND_PROXY) REMOTE_ADDR is the proxy itself, which would lock
    every client out together; the proxy appends the address it saw to X-Forwarded-For,
    so the last entry is the one to trust. Earlier entries are whatever the client sent.
    """
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR")
