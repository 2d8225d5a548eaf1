"""Paths of detail pages, without running the URL resolver for each one.

`reverse()` matches its arguments against the URL patterns on every call; a list page
links each of its rows to three or four pages, a date page to hundreds. The path of a
detail page is the same around its key, so it is resolved once per URL name (and script
prefix, which `reverse()` puts first) and then filled in. Keys are ids and slugs
(`SlugField`: letters, digits, hyphens, underscores), which a path holds as they are.

Every model's `get_absolute_url()` and the formats' links call `path_for`. It lives in
the base app because articles build on actors, never the other way round.
"""

import functools

from django.urls import get_script_prefix, reverse

_PLACEHOLDER = "987654321"


@functools.cache
def _url_template(name: str, prefix: str) -> tuple[str, str]:
    # `prefix` is what reverse() starts the path with: part of the cache key, not passed.
    before, _, after = reverse(name, args=[_PLACEHOLDER]).partition(_PLACEHOLDER)
    return before, after


def url_template(name: str) -> tuple[str, str]:
    """The path of the detail page `name`, split around its key."""
    return _url_template(name, get_script_prefix())


def path_for(name: str, key) -> str:
    """The path of a detail page: `reverse(name, args=[key])`, without the resolver."""
    before, after = url_template(name)
    return f"{before}{key}{after}"
