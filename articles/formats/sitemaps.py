"""`/sitemap.xml`: an index of one sitemap per record type, public records only, and one
of the pages that lead to them (the lists and the indexes).

Every `<loc>` is absolute from SITE_URL (`articles.links`), never from the host the
request named: Django's sitemap views would otherwise write whatever Host a client sent.
"""

from types import SimpleNamespace

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem, x_robots_tag
from django.template.response import TemplateResponse
from django.urls import reverse

from ..links import absolute, site_origin
from ..records.base import RecordType
from ..records.registry import RECORD_TYPES


class SiteSitemap(Sitemap):
    """A sitemap whose locations are absolute from SITE_URL."""

    def get_urls(self, page=1, site=None, protocol=None):
        scheme, host = site_origin()
        return super().get_urls(page, site=SimpleNamespace(domain=host), protocol=scheme)


class RecordSitemap(SiteSitemap):
    """The public rows of one record type, reading only the fields the entry needs."""

    limit = 10_000

    def __init__(self, record: RecordType):
        self.record = record

    def items(self):
        return self.record.public().only(*self.record.sitemap_fields).order_by("pk")

    def lastmod(self, obj):
        return getattr(obj, "updated_at", None)


class PageSitemap(SiteSitemap):
    """The lists and indexes a reader browses from: one entry per URL name, no query."""

    def items(self):
        return [
            "articles:home",
            "articles:statement_list",
            "actors:list",
            "articles:article_list",
            "articles:event_list",
            "articles:dates",
            "articles:outlets",
            "articles:places",
        ]

    def location(self, item):
        return reverse(item)


SITEMAPS = {
    "pages": PageSitemap(),
    **{key: RecordSitemap(record) for key, record in RECORD_TYPES.items() if record.sitemap_fields},
}


@x_robots_tag
def index(request):
    """The sitemap index: each section's sitemap and its further pages, absolute."""
    entries = []
    for section, sitemap in SITEMAPS.items():
        url = absolute(reverse("discovery:sitemap_section", kwargs={"section": section}))
        lastmod = sitemap.get_latest_lastmod()
        entries.append(SitemapIndexItem(url, lastmod))
        entries += [
            SitemapIndexItem(f"{url}?p={page}", lastmod)
            for page in range(2, sitemap.paginator.num_pages + 1)
        ]
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml"
    )
