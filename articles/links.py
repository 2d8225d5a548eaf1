"""Absolute URLs of the archive's pages, built from `SITE_URL` in one place.

Canonical links, citations, feeds, sitemaps, JSON-LD and exports all call these, so
the public address is configured once (`SITE_URL`).
"""

from django.conf import settings

from actors.links import path_for, url_template

__all__ = ["absolute", "path_for", "permalink", "site_origin"]


def absolute(path: str) -> str:
    """`SITE_URL` + a path from `reverse()` or `get_absolute_url()`."""
    return settings.SITE_URL + path


def site_origin() -> tuple[str, str]:
    """`SITE_URL` split for the APIs that want a scheme and a host apart (Django's
    sitemaps): ("https", "archive.example.org"). A path prefix stays with the host."""
    scheme, _, host = settings.SITE_URL.partition("://")
    return scheme, host


def permalink(name: str, key) -> str:
    """The absolute URL of a detail page, without running the URL resolver per row.
    (`absolute(path_for(name, key))`, written out: exports call it twice a row.)"""
    before, after = url_template(name)
    return f"{settings.SITE_URL}{before}{key}{after}"
