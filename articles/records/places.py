"""Places: where events happened, nested (site › city › region › country)."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count

from .. import freshness
from ..links import permalink
from ..models import Event, Place
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


@dataclass(frozen=True)
class IndexEntry:
    """One place of `/places/`: its parents, outermost first, and its public events,
    those in the places inside it included (as its page lists them: `Event.within`)."""

    name: str
    slug: str
    kind: str
    parents: tuple[tuple[str, str], ...]  # (name, slug)
    events: int


def index_entries() -> list[IndexEntry]:
    """Every place, grouped under its parents (sorted by the names of its chain).

    Two queries whatever the number of places (the places, the public events per place),
    and a walk up the tree here; cached for the archive's generation.
    """
    return freshness.cached("place-index", (), _index_entries)


def _index_entries() -> list[IndexEntry]:
    places = {
        pk: (name, slug, kind, parent_id)
        for pk, name, slug, kind, parent_id in Place.objects.values_list(
            "pk", "name", "slug", "kind", "parent_id"
        )
    }
    direct = (
        Event.objects.published()
        .exclude(place=None)
        .order_by()
        .values_list("place_id")
        .annotate(n=Count("pk"))
    )

    def chain(pk: int) -> list[int]:
        """The place and its parents, innermost first; a cycle stops the walk."""
        found: list[int] = []
        while pk is not None and pk in places and pk not in found:
            found.append(pk)
            pk = places[pk][3]
        return found

    totals = dict.fromkeys(places, 0)
    for place_id, count in direct:
        for pk in chain(place_id):
            totals[pk] += count
    kinds = dict(Place.Kind.choices)
    entries = []
    for pk, (name, slug, kind, _parent) in places.items():
        parents = tuple((places[p][0], places[p][1]) for p in reversed(chain(pk)[1:]))
        entries.append(IndexEntry(name, slug, kinds.get(kind, kind), parents, totals[pk]))
    # By the chain of names, so that a place comes right before the places inside it.
    entries.sort(key=lambda e: [(n.casefold(), s) for n, s in (*e.parents, (e.name, e.slug))])
    return entries


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
