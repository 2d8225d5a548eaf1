"""schema.org JSON-LD and Open Graph tags for detail pages.

    {% load structured_data %}
    {% block head %}{% json_ld statement %}{% open_graph statement %}{% endblock %}

The markup is written by `articles.formats.schema_org` from the record type's
declaration; these tags never query.
"""

from django import template
from django.utils.safestring import SafeString

from articles.formats import schema_org

register = template.Library()


@register.simple_tag
def json_ld(obj) -> SafeString:
    """A `<script type="application/ld+json">` element describing `obj`."""
    return schema_org.json_ld(obj)


@register.simple_tag
def open_graph(obj) -> SafeString:
    """Open Graph `<meta property>` tags for sharing `obj`."""
    return schema_org.open_graph(obj)
