"""Actors: who acts, speaks or is spoken about. Everything the pages and formats know
about them. Actors carry no publication status: every actor is public."""

from django.conf import settings
from django.db.models import OuterRef, QuerySet
from django.db.models.functions import Coalesce

from actors.models import Actor, Role

from .. import tallies
from ..links import path_for, permalink
from ..names import country_name
from . import filtering as f
from .base import Citation, FeedEntry, RecordType
from .facets import count_by
from .interchange_fields import CORRECTIONS, STAMPS, ArchiveSection, Date, Nested, Ref, Value

# The public rows: every public surface starts here and only narrows.
public = Actor.objects.all


def published_statement_count() -> Coalesce:
    """Subquery: how many public statements an actor made (0 when none), read from the
    totals the database keeps (`articles/tallies.py`)."""
    return Coalesce(tallies.statements_by(OuterRef("pk")), 0)


def listing() -> QuerySet:
    """The actor list, with how often each actor is quoted (the `most_quoted` sort)."""
    return public().for_listing().annotate(statement_count=published_statement_count())


def most_quoted() -> QuerySet:
    """Actors with public statements, most quoted first."""
    return listing().filter(statement_count__gt=0).order_by("-statement_count", "name")


class ActorFilter(f.ListFilterSet):
    # `statement_count` is annotated by the list view's base queryset.
    SORTS = {
        "name": ("Name", ("name", "pk")),
        "most_quoted": ("Most quoted", ("-statement_count", "name", "pk")),
    }

    q = f.text_filter("Name or alias")
    kind = f.choice_filter("kind", "Kind", Actor.Kind.choices, "kind of actor")
    country = f.country_filter(public())
    sort = f.sort_filter(SORTS)

    class Meta:
        model = Actor
        fields: list[str] = []
        form = f.ListFilterForm


COLUMNS = {
    "id": lambda a: a.pk,
    "permalink": lambda a: permalink("actors:detail", a.slug),
    "slug": lambda a: a.slug,
    "name": lambda a: a.name,
    "kind": lambda a: a.kind,
    "country": lambda a: a.country,
    "parent_slug": lambda a: a.parent.slug if a.parent_id else "",
    "parent_name": lambda a: a.parent.name if a.parent_id else "",
    "wikidata_id": lambda a: a.wikidata_id,
    "aliases": lambda a: "; ".join(alias.name for alias in a.export_aliases),
    "description": lambda a: a.description,
}


def feed_entry(actor) -> FeedEntry:
    return FeedEntry(
        title=actor.name,
        link=path_for("actors:detail", actor.slug),
        description=f"{actor.get_kind_display()}. {actor.description}".strip(),
        pubdate=actor.created_at,
        updateddate=actor.updated_at,
    )


def citation(actor) -> Citation:
    return Citation(
        key=f"archive-actor-{actor.pk}",
        title=actor.name,
        path=actor.get_absolute_url(),
        modified=actor.updated_at.date(),
        csl_type="entry",
        note=f"Actor record ({actor.get_kind_display()})",
    )


def schema_org_of(actor, *, role=None) -> dict:
    """The actor where another record names them; `role` is the role held at the time."""
    data = {
        "@type": "Person" if actor.is_person else "Organization",
        "name": actor.name,
        "url": permalink("actors:detail", actor.slug),
    }
    if role is not None:
        data["jobTitle"] = role.title
        if role.organisation_id:
            data["affiliation"] = {"@type": "Organization", "name": role.organisation.name}
    return data


def schema_org(actor) -> dict:
    """The actor page: aliases, description, Wikidata, the organisation above."""
    data = schema_org_of(actor)
    data.update(
        alternateName=[alias.name for alias in actor.aliases.all()],
        description=actor.description,
        sameAs=f"https://www.wikidata.org/wiki/{actor.wikidata_id}" if actor.wikidata_id else None,
        nationality=actor.country if actor.is_person else None,
    )
    if actor.parent_id:
        data["memberOf" if actor.is_person else "parentOrganization"] = {
            "@type": "Organization",
            "name": actor.parent.name,
            "url": permalink("actors:detail", actor.parent.slug),
        }
    return data


_SITE = settings.SITE_NAME


def open_graph(actor) -> list[tuple[str, str | None]]:
    return [
        ("og:type", "profile" if actor.is_person else "website"),
        ("og:title", actor.name),
        (
            "og:description",
            actor.description or f"{actor.get_kind_display()} · {settings.SITE_NAME}",
        ),
    ]


RECORD = RecordType(
    key="actors",
    model=Actor,
    noun=("actor", "actors"),
    public=public,
    listing=listing,
    filterset=ActorFilter,
    facets=(
        ("Kinds", count_by("kind", "kind", choices=Actor.Kind.choices)),
        ("Countries", count_by("country", "country", display=country_name)),
    ),
    columns=COLUMNS,
    newest_first=("-created_at", "-id"),
    feed_entry=feed_entry,
    citation=citation,
    schema_org=schema_org,
    open_graph=open_graph,
    sitemap_fields=("slug", "updated_at"),
    search_title="name",
)


ARCHIVE = ArchiveSection(
    name="actors",
    model=Actor,
    key=("slug",),
    fields=(
        Value("slug"),
        Value("name"),
        Value("kind"),
        Value("country"),
        Ref("parent", "actors"),
        Value("wikidata_id"),
        Value("description"),
        Nested("aliases", fields=(Value("name"),)),
        # The slugs of actors merged into this one: their pages redirect here.
        Nested("former_slugs", fields=(Value("slug"),)),
        CORRECTIONS,
        *STAMPS,
    ),
)

# Roles are no record type of their own (their person's page shows them), but the
# archive carries them as a section.
ROLES_ARCHIVE = ArchiveSection(
    name="roles",
    model=Role,
    key=("person", "title", "start_date"),
    fields=(
        Ref("person", "actors"),
        Value("title"),
        Date("start_date"),
        Date("end_date"),
        Ref("organisation", "actors"),
        *STAMPS,
    ),
    order=("person__slug", "start_date", "title"),
    label=lambda r: f"{r.get('person')}: {r.get('title')} from {r.get('start_date')}",
)
