"""Outlets: who published the articles. Outlets carry no publication status."""

from ..models import Outlet
from .base import RecordType
from .interchange_fields import STAMPS, ArchiveSection, Value

# The public rows: every public surface starts here and only narrows.
public = Outlet.objects.all


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
    fields=(
        Value("slug"),
        Value("name"),
        Value("url"),
        Value("country"),
        Value("description"),
        *STAMPS,
    ),
)
