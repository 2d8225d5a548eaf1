"""Places: where events happened, nested (site › city › region › country)."""

from django.conf import settings

from ..links import permalink
from ..models import Place
from .base import Citation, RecordType
from .interchange_fields import ArchiveSection, DecimalString, Ref, Value

# The public rows: every public surface starts here and only narrows.
public = Place.objects.all


def citation(place) -> Citation:
    return Citation(
        key=f"archive-place-{place.pk}",
        title=place.name,
        path=place.get_absolute_url(),
        modified=None,  # places carry no timestamps
        csl_type="entry",
        note=f"Place record ({place.get_kind_display()})",
    )


def schema_org_of(place) -> dict:
    """The place where another record names it (an event's location), coordinates
    included when known."""
    data = {"@type": "Place", "name": place.name, "url": permalink("articles:place", place.slug)}
    if place.latitude is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(place.latitude),
            "longitude": float(place.longitude),
        }
    return data


def schema_org(place) -> dict:
    """The place page: the place inside its parent (which `for_detail()` loads)."""
    data = schema_org_of(place)
    if place.parent_id:
        data["containedInPlace"] = schema_org_of(place.parent)
    return data


def open_graph(place) -> list[tuple[str, str | None]]:
    return [
        ("og:type", "website"),
        ("og:title", place.name),
        ("og:description", f"{place.get_kind_display()} · {settings.SITE_NAME}"),
    ]


RECORD = RecordType(
    key="places",
    model=Place,
    noun=("place", "places"),
    public=public,
    citation=citation,
    schema_org=schema_org,
    open_graph=open_graph,
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
