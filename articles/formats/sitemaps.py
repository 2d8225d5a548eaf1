"""`/sitemap.xml`: an index of one sitemap per record type, public records only."""

from django.contrib.sitemaps import Sitemap

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


SITEMAPS = {
    key: RecordSitemap(record) for key, record in RECORD_TYPES.items() if record.sitemap_fields
}
