"""Outlets: who published the articles. Outlets carry no publication status."""

from django.db.models import QuerySet

from ..models import Outlet
from .base import RecordType
from .interchange_fields import ArchiveSection, Value


def public() -> QuerySet:
    return Outlet.objects.all()


RECORD = RecordType(
    key="outlets",
    model=Outlet,
    noun=("outlet", "outlets"),
    public=public,
    sitemap_fields=("slug", "updated_at"),
)

ARCHIVE = ArchiveSection(
    name="outlets",
    model=Outlet,
    key=("slug",),
    fields=(Value("slug"), Value("name"), Value("url"), Value("country"), Value("description")),
)
