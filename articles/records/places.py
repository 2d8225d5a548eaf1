"""Places: where events happened, nested (site › city › region › country)."""

from ..models import Place
from .base import RecordType
from .interchange_fields import ArchiveSection, DecimalString, Ref, Value

# The public rows: every public surface starts here and only narrows.
public = Place.objects.all


RECORD = RecordType(
    key="places",
    model=Place,
    noun=("place", "places"),
    public=public,
    sitemap_fields=("slug",),
)

ARCHIVE = ArchiveSection(
    name="places",
    model=Place,
    key=("slug",),
    fields=(
        Value("slug"),
        Value("name"),
        Value("kind"),
        Ref("parent", "places"),
        DecimalString("latitude"),
        DecimalString("longitude"),
    ),
)
