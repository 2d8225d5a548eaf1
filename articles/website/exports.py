"""The data and feed links of the pages that list records, and their `<link rel="alternate">`.

Every page that lists records answers `?format=csv|json|atom` through
`articles.formats.tabular.export_response` (one bound, one set of export slots); these
helpers build the links to those answers. A page that has a feed passes `feed` to its
template, and `templates/base.html` announces it in the `<head>`, so a browser or a feed
reader finds it from the page's address alone.
"""

from dataclasses import dataclass

from django.http import HttpRequest

from ..links import absolute

# Query parameters that only choose how a page is shown: an export or a feed drops them.
NOT_DATA = ("page", "format", "bom")


@dataclass(frozen=True)
class ExportLinks:
    """Links to one set of rows as CSV, JSON and an Atom feed (`includes/data_links.html`)."""

    label: str  # "the statements of October 2023"
    csv: str
    json: str
    atom: str


@dataclass(frozen=True)
class Feed:
    """The page's Atom feed, for `<link rel="alternate" type="application/atom+xml">`."""

    title: str
    url: str


def _query(request: HttpRequest, fmt: str, params: dict[str, str]) -> str:
    query = request.GET.copy()
    for name in (*NOT_DATA, *params):
        query.pop(name, None)
    for name, value in params.items():
        if value:
            query[name] = value
    query["format"] = fmt
    return "?" + query.urlencode()


def export_links(request: HttpRequest, *, label: str, **params: str) -> ExportLinks:
    """This page's address with `format=` (and `params`, e.g. `section=by`), page dropped."""
    return ExportLinks(
        label=label,
        csv=_query(request, "csv", params),
        json=_query(request, "json", params),
        atom=_query(request, "atom", params),
    )


def page_feed(request: HttpRequest, *, title: str, **params: str) -> Feed:
    """The page's own rows as a feed: its absolute address with `format=atom`."""
    return Feed(title=title, url=absolute(request.path + _query(request, "atom", params)))


def fixed_feed(title: str, path: str) -> Feed:
    """A feed at an address of its own (`/feeds/statements/`, `/actors/<slug>/feed/`)."""
    return Feed(title=title, url=absolute(path))
