"""Absolute URLs of the archive's pages, built from `SITE_URL` in one place.

Canonical links, citations, feeds, sitemaps, JSON-LD and exports all call these, so
the public address is configured once (`SITE_URL`).
"""

import functools

from django.conf import settings
from django.urls import reverse

_PLACEHOLDER = "987654321"


def absolute(path: str) -> str:
    """`SITE_URL` + a path from `reverse()` or `get_absolute_url()`."""
    return settings.SITE_URL + path


def site_origin() -> tuple[str, str]:
    """`SITE_URL` split for the APIs that want a scheme and a host apart (Django's
    sitemaps): ("https", "archive.example.org"). A path prefix stays with the host."""
    scheme, _, host = settings.SITE_URL.partition("://")
    return scheme, host


@functools.cache
def _url_template(name: str) -> tuple[str, str]:
    before, _, after = reverse(name, args=[_PLACEHOLDER]).partition(_PLACEHOLDER)
    return before, after


def path_for(name: str, key) -> str:
    """The path of a detail page, without running the URL resolver per row."""
    before, after = _url_template(name)
    return f"{before}{key}{after}"


def permalink(name: str, key) -> str:
    """The absolute URL of a detail page, without running the URL resolver per row.
    (`absolute(path_for(name, key))`, written out: exports call it twice a row.)"""
    before, after = _url_template(name)
    return f"{settings.SITE_URL}{before}{key}{after}"
