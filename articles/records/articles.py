"""Articles: the news reports, kept with their full text. Everything the pages and
formats know about them."""

from django.db.models import QuerySet
from django.utils.text import Truncator

from actors.models import Actor

from ..links import path_for, permalink
from ..models import Article, Outlet
from ..names import language_name
from . import actors
from . import filtering as f
from .base import Citation, FeedEntry, RecordType, iso, latest, slugs
from .facets import count_by, count_by_year
from .interchange_fields import CORRECTIONS, STAMPS, ArchiveSection, Date, Ref, Refs, Scope, Value

# The public rows: every public surface starts here and only narrows.
public = Article.objects.published


class ArticleFilter(f.ListFilterSet):
    SORTS = {
        "-date": ("Newest first", ("-published_on", "title", "pk")),
        "date": ("Oldest first", ("published_on", "title", "pk")),
        "title": ("Title", ("title", "pk")),
    }

    q = f.text_filter("Words")
    date_from = f.date_filter("published_on", "gte", "Published from")
    date_to = f.date_filter("published_on", "lte", "Published until")
    actor = f.actor_filter(
        "mentioned_actors", "Actor (mentioned or speaking)", method="filter_actor"
    )
    outlet = f.slug_filter("outlet", "Outlet", Outlet.objects.order_by("name"), "outlet")
    language = f.language_filter(public())
    sort = f.sort_filter(SORTS)

    class Meta:
        model = Article
        fields: list[str] = []
        form = f.ListFilterForm

    def filter_actor(self, queryset: QuerySet, name: str, value: Actor) -> QuerySet:
        return queryset.involving(value)


COLUMNS = {
    "id": lambda a: a.pk,
    "permalink": lambda a: permalink("articles:detail", a.slug),
    "slug": lambda a: a.slug,
    "title": lambda a: a.title,
    "outlet_name": lambda a: a.outlet.name,
    "outlet_slug": lambda a: a.outlet.slug,
    "url": lambda a: a.url,
    "archive_url": lambda a: a.archive_url,
    "byline": lambda a: a.byline,
    "published_on": lambda a: iso(a.published_on),
    "language": lambda a: a.language,
    "summary": lambda a: a.summary,
    "mentioned_actors": lambda a: slugs(a.export_mentioned),
    "body_sha256": lambda a: a.body_sha256,
    "body": lambda a: a.body,
}


def feed_entry(article) -> FeedEntry:
    return FeedEntry(
        title=article.title,
        link=path_for("articles:detail", article.slug),
        description=article.summary or Truncator(article.body).words(60),
        author_name=article.byline or article.outlet.name,
        pubdate=article.published_at,  # in the archive; its own date is `published_on`
        updateddate=latest(article.updated_at, article.published_at),
    )


def citation(article) -> Citation:
    """The article as its outlet published it, at the archive's copy."""
    return Citation(
        key=f"archive-article-{article.pk}",
        title=article.title,
        path=article.get_absolute_url(),
        modified=article.updated_at.date(),
        csl_type="article-newspaper",
        authors=[article.byline] if article.byline else [],
        issued=article.published_on,
        container=article.outlet.name,
        language=article.language,
        note=f"Original: {article.url}",
    )


def _author(article) -> dict:
    """The byline, or the outlet when the article carries none."""
    if article.byline:
        return {"@type": "Person", "name": article.byline}
    return _publisher(article.outlet)


def _publisher(outlet) -> dict:
    return {"@type": "NewsMediaOrganization", "name": outlet.name, "url": outlet.url}


def schema_org_of(article) -> dict:
    """The article as another record's source: a NewsArticle at its original URL.

    `dateModified` is the last change of the archive's entry for it (schema.org's
    "when the item's entry was modified"): the outlet's own edits are not known.
    """
    return {
        "@type": "NewsArticle",
        "headline": article.title,
        "url": article.url,
        "mainEntityOfPage": permalink("articles:detail", article.slug),
        "archivedAt": article.archive_url,
        "datePublished": iso(article.published_on),
        "dateModified": iso(article.updated_at),
        "inLanguage": article.language,
        "author": _author(article),
        "publisher": _publisher(article.outlet),
    }


def schema_org(article) -> dict:
    """The article page: the archive's copy, based on the original."""
    return {
        **schema_org_of(article),
        "url": permalink("articles:detail", article.slug),
        "isBasedOn": article.url,
        "mentions": [actors.schema_org_of(actor) for actor in article.mentioned_actors.all()],
    }


def open_graph(article) -> list[tuple[str, str | None]]:
    return [
        ("og:type", "article"),
        ("og:title", article.title),
        ("og:description", article.summary or Truncator(article.body).words(40)),
        ("article:published_time", iso(article.published_on)),
    ]


RECORD = RecordType(
    key="articles",
    model=Article,
    noun=("article", "articles"),
    public=public,
    filterset=ArticleFilter,
    facets=(
        ("Outlets", count_by("outlet__slug", "outlet", "outlet__name")),
        ("Languages", count_by("language", "language", display=language_name)),
        ("Years", count_by_year("published_on")),
    ),
    columns=COLUMNS,
    newest_first=("-published_at", "-id"),
    feed_entry=feed_entry,
    citation=citation,
    schema_org=schema_org,
    open_graph=open_graph,
    sitemap_fields=("slug", "updated_at"),
    search_title="title",
)


def archive_rows(scope: Scope) -> QuerySet:
    """The articles published in the period, drafts included unless published-only."""
    rows = Article.objects.between(scope.date_from, scope.date_to)
    return rows.published() if scope.published_only else rows


ARCHIVE = ArchiveSection(
    name="articles",
    model=Article,
    key=("url",),
    fields=(
        Value("url"),
        Value("slug"),
        Value("title"),
        Ref("outlet", "outlets"),
        Value("archive_url"),
        Value("byline"),
        Date("published_on"),
        Value("language"),
        Value("summary"),
        Value("body"),
        Value("status"),
        Date("retrieved_at"),
        Refs("mentioned_actors", "actors"),
        CORRECTIONS,
        *STAMPS,
    ),
    rows=archive_rows,
)
