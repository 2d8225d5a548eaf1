"""`/sitemap.xml`: an index of one sitemap per record type, public records only, and one
of the pages that lead to them (the lists and the indexes)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from ..records.base import RecordType
from ..records.registry import RECORD_TYPES


class RecordSitemap(Sitemap):
    """The public rows of one record type, reading only the fields the entry needs."""

    limit = 10_000

    def __init__(self, record: RecordType):
        self.record = record

    def items(self):
        return self.record.public().only(*self.record.sitemap_fields).order_by("pk")

    def lastmod(self, obj):
        return getattr(obj, "updated_at", None)


class PageSitemap(Sitemap):
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
