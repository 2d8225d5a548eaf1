"""schema.org JSON-LD and Open Graph tags of a detail page's record.

What each record says comes from its type's `schema_org` and `open_graph` declarations
(`articles/records/`); this module writes it as markup. Empty values are dropped at
every level, so the markup states only what the archive knows. Built only from what the
detail view's `for_detail()` queryset loaded: nothing here queries.
"""

import json

from django.conf import settings
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from ..links import absolute
from ..records.base import shorten
from ..records.registry import record_type_of

CONTEXT = "https://schema.org"
# The characters that could end a <script> element or start a comment in it.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}
_EMPTY = (None, "", [], {})


def _compact(value):
    """Drop empty values from dictionaries and lists, at every level."""
    if isinstance(value, dict):
        items = ((key, _compact(item)) for key, item in value.items())
        return {key: item for key, item in items if item not in _EMPTY}
    if isinstance(value, list):
        return [item for item in (_compact(item) for item in value) if item not in _EMPTY]
    return value


def structured_data(obj) -> dict:
    """The record as a schema.org JSON-LD object."""
    schema_org = record_type_of(obj).schema_org
    if schema_org is None:
        raise TypeError(f"No structured data for {type(obj).__name__}")
    return {"@context": CONTEXT, **_compact(schema_org(obj))}


def json_ld(obj) -> SafeString:
    """A `<script type="application/ld+json">` element describing `obj`."""
    text = json.dumps(structured_data(obj), ensure_ascii=False, indent=1)
    return mark_safe(
        '<script type="application/ld+json">' + text.translate(_SCRIPT_ESCAPES) + "</script>"
    )


def open_graph(obj) -> SafeString:
    """Open Graph `<meta property>` tags for sharing `obj`."""
    declared = record_type_of(obj).open_graph
    if declared is None:
        raise TypeError(f"No Open Graph data for {type(obj).__name__}")
    tags = [
        *declared(obj),
        ("og:url", absolute(obj.get_absolute_url())),
        ("og:site_name", settings.SITE_NAME),
    ]
    return format_html_join(
        "\n",
        '<meta property="{}" content="{}">',
        ((name, shorten(value, 300)) for name, value in tags if value),
    )
