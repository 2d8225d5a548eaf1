"""Places: where events happened, nested (site › city › region › country)."""

from django.db.models import QuerySet

from ..models import Place
from .base import RecordType


def public() -> QuerySet:
    return Place.objects.all()


RECORD = RecordType(
    key="places",
    model=Place,
    noun=("place", "places"),
    public=public,
    sitemap_fields=("slug",),
)
