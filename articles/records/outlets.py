"""Outlets: who published the articles. Outlets carry no publication status."""

from django.conf import settings
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from ..links import permalink
from ..models import Article, Outlet, Statement
from .base import Citation, RecordType
from .interchange_fields import STAMPS, ArchiveSection, Value

# The public rows: every public surface starts here and only narrows.
public = Outlet.objects.all


def citation(outlet) -> Citation:
    return Citation(
        key=f"archive-outlet-{outlet.pk}",
        title=outlet.name,
        path=outlet.get_absolute_url(),
        modified=outlet.updated_at.date(),
        csl_type="entry",
        note="Outlet record",
    )


def schema_org(outlet) -> dict:
    """The outlet page: a news organisation, its own site as what identifies it."""
    return {
        "@type": "NewsMediaOrganization",
        "name": outlet.name,
        "url": permalink("articles:outlet", outlet.slug),
        "sameAs": outlet.url,
        "description": outlet.description,
        "address": (
            {"@type": "PostalAddress", "addressCountry": outlet.country} if outlet.country else None
        ),
    }


def open_graph(outlet) -> list[tuple[str, str | None]]:
    return [
        ("og:type", "website"),
        ("og:title", outlet.name),
        ("og:description", outlet.description or f"Outlet · {settings.SITE_NAME}"),
    ]


def _count(rows: QuerySet, outlet: str) -> Coalesce:
    """Subquery: how many of `rows` (those of the outer outlet) there are, 0 when none."""
    counts = rows.order_by().values(outlet).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counts), 0)


def index_rows() -> QuerySet:
    """`/outlets/`: every outlet by name, with how many public articles and statements it
    has. The counts are subqueries, computed for the rows of one page only."""
    articles = Article.objects.published().filter(outlet=OuterRef("pk"))
    statements = Statement.objects.published().filter(article__outlet=OuterRef("pk"))
    return (
        public()
        .annotate(
            article_count=_count(articles, "outlet"),
            statement_count=_count(statements, "article__outlet"),
        )
        .order_by("name", "pk")
    )


RECORD = RecordType(
    key="outlets",
    model=Outlet,
    noun=("outlet", "outlets"),
    public=public,
    citation=citation,
    schema_org=schema_org,
    open_graph=open_graph,
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
