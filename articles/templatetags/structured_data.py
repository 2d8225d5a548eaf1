"""schema.org JSON-LD and Open Graph tags for detail pages.

    {% load structured_data %}
    {% block head %}
      {% json_ld statement %}{% open_graph statement %}{% citation_meta statement %}
    {% endblock %}

The markup is written by `articles.formats.schema_org` and `articles.formats.citations`
from the record type's declaration; these tags never query.
"""

from django import template
from django.utils.safestring import SafeString

from articles.formats import citations, schema_org

register = template.Library()


@register.simple_tag
def json_ld(obj) -> SafeString:
    """A `<script type="application/ld+json">` element describing `obj`."""
    return schema_org.json_ld(obj)


@register.simple_tag
def open_graph(obj) -> SafeString:
    """Open Graph `<meta property>` tags for sharing `obj`."""
    return schema_org.open_graph(obj)


@register.simple_tag
def citation_meta(obj) -> SafeString:
    """Highwire Press `<meta name="citation_…">` tags (what Zotero saves from a page)."""
    return citations.citation_meta(obj)
