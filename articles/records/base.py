"""The shape of a record type's declaration, and the values the formats receive.

Each module of this package declares one record type (statements, articles, events,
actors, outlets, places) as a `RecordType`: its public rows, its list filters and
facets, its export columns, its feed entry, its citation fields, its schema.org and
Open Graph mapping, its sitemap and its search group. The formats
(`articles/formats/`) and the pages (`articles/website/`) read these declarations and
never name a model's fields themselves, so adding an export column or a JSON-LD
property is one edit in one module.

Declarations read only what their queryset loaded (`for_listing()`, `for_detail()`,
`for_export()` on the domain's QuerySets): no builder here queries.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, QuerySet

# A facet: its title and a function from the filtered queryset to rows of
# (label, {parameter: value}, count). Each function runs exactly one aggregate query.
FacetRows = list[tuple[str, dict[str, str], int]]
FacetSpec = tuple[str, Callable[[QuerySet], FacetRows]]


@dataclass(frozen=True)
class FeedEntry:
    """One Atom entry. `link` is the record's path; the feed makes it absolute."""

    title: str
    link: str
    description: str
    pubdate: datetime.datetime | None
    updateddate: datetime.datetime | None
    author_name: str = ""


@dataclass(frozen=True)
class Citation:
    """What a citation of one record says, whatever the citation format.

    Every format (plain text, BibTeX, CSL-JSON, RIS, the `citation_*` meta tags) writes
    these same fields, so they agree. `issued` is when the thing cited came to be: the
    day a statement was said, an article published, an event happened. A statement or
    an article is cited in its outlet (`container`), with the archive's page as its URL;
    the archive's own records (events, actors, outlets, places) are published by the
    archive itself (`container` left empty). The reader's access date is the day the
    citation is taken, so the formats add it.
    """

    key: str  # BibTeX key and CSL id: "archive-statement-12"
    title: str
    path: str  # the record's page; the formats make it absolute
    modified: datetime.date | None  # last change of the record: the version cited
    csl_type: str  # CSL's item type; the other formats' types follow from it
    authors: list[str] = field(default_factory=list)
    issued: datetime.date | None = None  # said, published, happened; None: `modified`
    issued_precision: str = "day"  # events may be known to the month or year only
    container: str = ""  # the outlet that published it; "" for the archive's own records
    language: str = ""  # BCP 47
    note: str = ""


def shorten(text: str, limit: int) -> str:
    """`text` on one line, cut at a word boundary with "…" when longer than `limit`.

    Never cuts a word in two: a single word longer than the limit is kept whole.
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if text[limit - 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    elif " " not in cut:
        cut = text.split(" ", 1)[0]
    return cut.rstrip(" ,;:–—-") + "…"


@dataclass(frozen=True)
class PlainExport:
    """Export rows read as plain values instead of model objects, for the types whose
    lists run to a million rows.

    `fields` are the `values()` paths the columns read; each column then receives one
    row as a dict keyed by these paths. `related(using)` makes, once per export, the
    reader that adds to each chunk of rows what one joined row cannot hold (a speaker's
    roles, the mentioned actors, event links) as more keys of each row, in a constant
    number of queries per chunk to the rows' database `using`; it may keep what it read
    for the chunks that follow.
    """

    fields: tuple[str, ...]
    related: Callable[[str], Callable[[list[dict]], None]] | None = None


@dataclass(frozen=True)
class RecordType:
    """Everything the pages and the formats know about one type of record.

    `key` is the one name of the type everywhere: the list's `?format=` exports and
    their file names, the sitemap section, the search page's `type` parameter.
    """

    key: str  # "statements"
    model: type[Model]
    noun: tuple[str, str]  # ("statement", "statements")
    # The public rows: every public surface (pages, search, exports, feeds, sitemap)
    # starts from this queryset and only narrows it.
    public: Callable[[], QuerySet]
    # The list page: its rows (default `public().for_listing()`), FilterSet and facets
    # (None for types without a list).
    listing: Callable[[], QuerySet] | None = None
    filterset: type | None = None
    facets: tuple[FacetSpec, ...] = ()
    # Data exports (CSV, JSON): column name → value of one row, in column order. A row
    # is a model object from `for_export()`, or a dict when `plain_export` is declared.
    columns: dict[str, Callable[[Any], Any]] = field(default_factory=dict)
    plain_export: PlainExport | None = None
    newest_first: tuple[str, ...] = ("-id",)  # feeds and `?format=atom`
    feed_entry: Callable[[Any], FeedEntry] | None = None
    citation: Callable[[Any], Citation] | None = None
    schema_org: Callable[[Any], dict] | None = None  # JSON-LD of the detail page
    open_graph: Callable[[Any], list[tuple[str, str | None]]] | None = None
    sitemap_fields: tuple[str, ...] = ()  # what a sitemap entry reads; () for none
    search_title: str = ""  # the field the search page marks up; "" if not searched

    def list_rows(self) -> QuerySet:
        """The rows of the type's list page, before its filters."""
        return self.listing() if self.listing else self.public().for_listing()

    @property
    def column_names(self) -> list[str]:
        return list(self.columns)

    def for_export(self, queryset: QuerySet) -> QuerySet:
        """The queryset with the joins the columns read (its QuerySet's `for_export()`)."""
        return queryset.for_export()

    def row(self, obj) -> dict:
        return {name: value(obj) for name, value in self.columns.items()}


def iso(value: datetime.date | datetime.datetime | None) -> str:
    return value.isoformat() if value else ""


def slugs(actors) -> str:
    return "; ".join(actor.slug for actor in actors)


def latest(*values: datetime.datetime | None) -> datetime.datetime | None:
    """The latest of the times given, None when none is."""
    known = [value for value in values if value is not None]
    return max(known) if known else None


def midnight(value: datetime.date | None) -> datetime.datetime | None:
    if value is None:
        return None
    return datetime.datetime.combine(value, datetime.time(), tzinfo=datetime.UTC)
