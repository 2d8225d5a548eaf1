"""Outlets: who published the articles. Outlets carry no publication status."""

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from ..models import Article, Outlet, Statement
from .base import RecordType
from .interchange_fields import ArchiveSection, Value

# The public rows: every public surface starts here and only narrows.
public = Outlet.objects.all


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
    sitemap_fields=("slug", "updated_at"),
)

ARCHIVE = ArchiveSection(
    name="outlets",
    model=Outlet,
    key=("slug",),
    fields=(Value("slug"), Value("name"), Value("url"), Value("country"), Value("description")),
)
