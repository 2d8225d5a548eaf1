"""Statements: who said what, where. Everything the pages and formats know about them."""

from collections.abc import Callable

from django.db.models import Count, Q, QuerySet

from actors.models import Actor, Role, role_on

from .. import tallies
from ..dates import format_date
from ..links import path_for, permalink
from ..models import (
    Event,
    Outlet,
    PublicationStatus,
    Statement,
    StatementEvent,
    account_event_ids,
    public_event_links_prefetch,
)
from . import actors, articles
from . import filtering as f
from .base import (
    Citation,
    FacetRows,
    FeedEntry,
    PlainExport,
    RecordType,
    iso,
    latest,
    shorten,
)
from .facets import count_by, count_by_year
from .interchange_fields import (
    CORRECTIONS,
    STAMPS,
    ArchiveSection,
    Date,
    Digest,
    Nested,
    PublicId,
    Ref,
    Refs,
    Scope,
    Value,
)

# The public rows: every public surface starts here and only narrows.
public = Statement.objects.published


class StatementFilter(f.ListFilterSet):
    SORTS = {
        "-date": ("Newest first", ("-said_on", "-pk")),
        "date": ("Oldest first", ("said_on", "pk")),
    }
    TALLY_COUNT = staticmethod(tallies.count)
    TALLIED = tallies.SCOPES
    TALLIED_DATES = ("date_from", "date_to")
    TALLY_DATES = staticmethod(tallies.date_scope)

    q = f.text_filter("Words")
    date_from = f.date_filter("said_on", "gte", "Said from")
    date_to = f.date_filter("said_on", "lte", "Said until")
    speaker = f.actor_filter("speaker", "Speaker")
    actor = f.actor_filter("speaker", "Actor (speaker or about)", method="filter_actor")
    kind = f.choice_filter("kind", "Kind", Statement.Kind.choices, "kind of statement")
    channel = f.choice_filter("channel", "Channel", Statement.Channel.choices, "channel")
    outlet = f.slug_filter("article__outlet", "Outlet", Outlet.objects.order_by("name"), "outlet")
    language = f.language_filter(public(), codes=lambda: tallies.totals("language"))
    verification = f.choice_filter(
        "verification", "Attribution", Statement.Verification.choices, "verification state"
    )
    event = f.slug_input_filter(
        "events",
        "Event",
        Event.objects.published(),
        "public event",
        method="filter_account",
        help_text="The event’s slug, as in its address: /events/<slug>/.",
    )
    stance = f.choice_filter(
        "event_links__stance",
        "Stance",
        StatementEvent.Stance.choices,
        "stance",
        method="filter_account",
    )
    sort = f.sort_filter(SORTS)

    class Meta:
        model = Statement
        fields: list[str] = []
        form = f.ListFilterForm

    def seek(self) -> Callable[[int], tuple[Q, int] | None] | None:
        """Unfiltered, or filtered by dates alone, the list's rows by date are the
        statements the totals per day count (`tallies.day_of_row`): the row at an offset
        is among those said on or before its day (newest first; on or after it, oldest
        first), after as many of them as came earlier that day."""
        scope = self.tally_scope()
        if scope is None or scope[0] not in ("", tallies.RANGE):
            return None
        chosen = self.form.cleaned_data
        start, end = chosen.get("date_from"), chosen.get("date_to")
        first = self.SORTS[chosen.get("sort") or next(iter(self.SORTS))][1][0]
        if first not in ("said_on", "-said_on"):
            return None  # only a list in date order starts a page at its day
        newest_first = first == "-said_on"

        def seek(offset: int) -> tuple[Q, int] | None:
            found = tallies.day_of_row(offset, start=start, end=end, newest_first=newest_first)
            if found is None:
                return None
            day, skip = found
            return (Q(said_on__lte=day) if newest_first else Q(said_on__gte=day)), skip

        return seek

    def filter_actor(self, queryset: QuerySet, name: str, value: Actor) -> QuerySet:
        return queryset.involving(value)

    def filter_account(self, queryset: QuerySet, name: str, value) -> QuerySet:
        """`event` and `stance` narrow by the same link: `?event=x&stance=denies` lists
        what denies x, not what denies something and is about x."""
        chosen = self.form.cleaned_data
        if name == "event_links__stance" and chosen.get("event"):
            return queryset  # applied with the event
        return queryset.giving_account(event=chosen.get("event"), stance=chosen.get("stance"))


def count_stances(queryset: QuerySet) -> FacetRows:
    """Statements per stance of their links to public events: statements, not links,
    counted once each (one GROUP BY query). When the list is narrowed to an event, the
    stances are those taken on that event."""
    links = StatementEvent.objects.filter(
        statement__in=queryset.order_by().prefetch_related(None).values("pk"),
        event__status=PublicationStatus.PUBLISHED,
    )
    if events := account_event_ids(queryset):
        links = links.filter(event__in=events)
    rows = links.values("stance").annotate(n=Count("statement", distinct=True)).order_by()
    return _stance_rows({row["stance"]: row["n"] for row in rows})


def _stance_rows(counts: dict[str, int]) -> FacetRows:
    labels = dict(StatementEvent.Stance.choices)
    order = list(labels)
    found = sorted(counts, key=lambda stance: (-counts[stance], order.index(stance)))
    return [(labels[stance], {"stance": stance}, counts[stance]) for stance in found]


def _tallied_stances(model, scope: str, values: list[str]) -> FacetRows:
    """The stances from the kept totals (`articles/tallies.py`), when no event is chosen."""
    return _stance_rows(tallies.totals("stance", scope=scope, values=values))


def _stances_of_masks(counts: dict) -> FacetRows:
    """The stances from the rows per `stance_mask` (the stances each statement takes on
    public events, one bit each): the same counts as `count_stances` when no event is
    chosen, read with the list's other columns (`facets.count_columns`)."""
    stances = {
        stance: n
        for stance, bit in tallies.STANCE_BITS.items()
        if (n := sum(rows for mask, rows in counts.items() if (mask or 0) & bit))
    }
    return _stance_rows(stances)


count_stances.tallied = _tallied_stances
count_stances.column = "stance_mask"
count_stances.ranked = _stances_of_masks
# Narrowed to an event, the stances are those taken on it, which the mask does not say.
count_stances.alone = lambda queryset: bool(account_event_ids(queryset))


def public_event_links(statement) -> list[StatementEvent]:
    """The statement's links to public events (prefetched by for_detail(), else read):
    a draft event never leaves the archive."""
    if hasattr(statement, "public_event_links"):
        return statement.public_event_links
    return list(public_event_links_prefetch("links").queryset.filter(statement=statement))


# What the export columns read of each statement, as plain values (`PlainExport`): a
# million rows are read as tuples, never as model objects.
EXPORT_FIELDS = (
    "id",
    "said_on",
    "kind",
    "channel",
    "language",
    "text",
    "translation",
    "speaker_id",
    "speaker__name",
    "speaker__slug",
    "on_behalf_of__name",
    "on_behalf_of__slug",
    "article__slug",
    "article__title",
    "article__url",
    "article__archive_url",
    "article__outlet__name",
    "article__outlet__slug",
    "article__published_on",
    "source_url",
    "verification",
    "primary_source_issuer__slug",
    "primary_text",
)


class ExportRelated:
    """What one statement export adds to each chunk of rows: the speaker's roles, the
    slugs of the actors it mentions and its links to public events, in at most three
    queries per chunk, all to the database the rows come from (`using`). A speaker's
    roles are read once for the whole export: speakers come back chunk after chunk, and
    the roles kept grow with the actors, not the rows."""

    def __init__(self, using: str):
        self.using = using
        self.roles: dict[int, list | tuple] = {}

    def __call__(self, rows: list[dict]) -> None:
        ids = [row["id"] for row in rows]
        unseen = {row["speaker_id"] for row in rows} - self.roles.keys()
        if unseen:
            found = Role.objects.using(self.using).held_by(unseen)
            self.roles.update((speaker, found.get(speaker, ())) for speaker in unseen)
        mentioned = Statement.objects.using(self.using).mentioned_slugs(ids)
        links = StatementEvent.objects.using(self.using).public_link_values(ids)
        for row in rows:
            row["roles"] = self.roles[row["speaker_id"]]
            row["mentioned"] = mentioned.get(row["id"], ())
            row["links"] = links.get(row["id"], ())


def _links_column(key: str):
    """One column of the statement's event links, aligned: the n-th value of `event`,
    `stance`, `figure_kind`, … belongs to the same link."""

    def column(row: dict) -> str:
        links = row["links"]
        if not links:  # most statements: no generator, no join
            return ""
        return "; ".join("" if (v := link[key]) is None else str(v) for link in links)

    return column


def _role(row: dict) -> str:
    role = role_on(row["roles"], row["said_on"])
    return role.label if role else ""


def _text(key: str):
    """A text column of a relation that may be missing (on behalf of, issuer)."""
    return lambda row: row[key] or ""


COLUMNS = {
    "id": lambda row: row["id"],
    "permalink": lambda row: permalink("articles:statement", row["id"]),
    "said_on": lambda row: iso(row["said_on"]),
    "kind": lambda row: row["kind"],
    "channel": lambda row: row["channel"],
    "language": lambda row: row["language"],
    "text": lambda row: row["text"],
    "translation": lambda row: row["translation"],
    "speaker_name": lambda row: row["speaker__name"],
    "speaker_slug": lambda row: row["speaker__slug"],
    "speaker_role": _role,
    "on_behalf_of_name": _text("on_behalf_of__name"),
    "on_behalf_of_slug": _text("on_behalf_of__slug"),
    "mentioned_actors": lambda row: "; ".join(row["mentioned"]),
    "event": _links_column("event__slug"),
    "stance": _links_column("stance"),
    "figure_kind": _links_column("figure_kind"),
    "claimed_figure": _links_column("claimed_figure"),
    "claimed_figure_max": _links_column("claimed_figure_max"),
    "source_title": lambda row: row["article__title"],
    "source_url": lambda row: row["article__url"],
    "source_archive_url": lambda row: row["article__archive_url"],
    "source_outlet_name": lambda row: row["article__outlet__name"],
    "source_outlet_slug": lambda row: row["article__outlet__slug"],
    "source_published_on": lambda row: iso(row["article__published_on"]),
    "source_permalink": lambda row: (
        permalink("articles:detail", row["article__slug"]) + f"#statement-{row['id']}"
    ),
    "original_source_url": lambda row: row["source_url"],
    "verification": lambda row: row["verification"],
    "primary_source_issuer_slug": _text("primary_source_issuer__slug"),
    "primary_text": lambda row: row["primary_text"],
}


def feed_entry(statement) -> FeedEntry:
    role = statement.speaker_role()
    who = statement.speaker.name + (f", {role.label} (at the time)" if role else "")
    if statement.on_behalf_of_id:
        who += f", for {statement.on_behalf_of.name}"
    article = statement.article
    said = f"“{statement.text}”" if statement.is_quote else statement.text
    return FeedEntry(
        title=f"{statement.speaker.name}: {shorten(statement.text, 100)}",
        link=path_for("articles:statement", statement.pk),
        description=(
            f"{said}\n\n— {who}, {format_date(statement.said_on)}. "
            f"Source: {article.title} ({article.outlet.name}), {article.url}"
        ),
        author_name=statement.speaker.name,
        # When it became public, not when it was said: a quote of 2015 entered today is
        # news to subscribers today. Its date is in the description.
        pubdate=statement.published_at,
        updateddate=latest(statement.updated_at, statement.published_at),
    )


# CSL's item type of a statement, by the channel it was made through.
_CSL_TYPES = {
    Statement.Channel.SPEECH: "speech",
    Statement.Channel.PRESS_CONFERENCE: "speech",
    Statement.Channel.INTERVIEW: "interview",
    Statement.Channel.SOCIAL_MEDIA: "post",
}


def citation(statement) -> Citation:
    """The statement as its outlet published it: said by the speaker on its date, in
    the source article's outlet, at the archive's page."""
    kind = "Quote" if statement.is_quote else "Paraphrase"
    article = statement.article
    return Citation(
        key=f"archive-statement-{statement.pk}",
        title=f"{kind} of {statement.speaker.name}: “{shorten(statement.text, 90)}”",
        path=statement.get_absolute_url(),
        modified=statement.updated_at.date(),
        csl_type=_CSL_TYPES.get(statement.channel, "document"),
        authors=[statement.speaker.name],
        issued=statement.said_on,
        container=article.outlet.name,
        language=statement.language,
        note=f"Reported in “{article.title},” {article.outlet.name}, "
        f"{format_date(article.published_on)}, {article.url}. "
        f"Attribution: {statement.get_verification_display().lower()}"
        + (f"; primary source {statement.source_url}" if statement.source_url else "")
        + ".",
    )


def schema_org(statement) -> dict:
    speaker = actors.schema_org_of(statement.speaker, role=statement.speaker_role())
    creator = actors.schema_org_of(statement.on_behalf_of) if statement.on_behalf_of_id else speaker
    data = {
        "@type": "Quotation",
        "url": permalink("articles:statement", statement.pk),
        "text": statement.text,
        "inLanguage": statement.language,
        "dateCreated": iso(statement.said_on),
        "spokenByCharacter": speaker,
        "creator": creator,
        "isBasedOn": articles.schema_org_of(statement.article),
        "citation": statement.source_url,
        # Attribution as established: "As reported (not checked against a primary
        # source)", "Matches the primary source", …
        "creativeWorkStatus": statement.get_verification_display(),
    }
    if statement.translation:
        data["workTranslation"] = {"@type": "CreativeWork", "text": statement.translation}
    links = public_event_links(statement)
    events = {link.event.pk: link.event for link in links}
    if events:
        data["about"] = [_event_of(event) for event in events.values()]
    claims = [_claim(statement, link, creator) for link in links if link.stance in CLAIM_STANCES]
    if claims:
        data["exampleOfWork"] = claims
    return data


# The stances that assert or deny a fact: each such link is also a schema.org Claim.
CLAIM_STANCES = (
    StatementEvent.Stance.CLAIMS,
    StatementEvent.Stance.DENIES,
    StatementEvent.Stance.CONFIRMS,
)


def _event_of(event) -> dict:
    return {"@type": "Event", "name": event.title, "url": permalink("articles:event", event.slug)}


def _claim(statement, link: StatementEvent, creator: dict) -> dict:
    """A statement's claim, denial or confirmation about an event, as a schema.org Claim
    of which the quotation is an example (`exampleOfWork`, whose inverse `workExample`
    `appearance` refines): it appears in the source article, and first appeared in the
    original statement when the archive has its URL. The stance and the figure claimed
    are in its name and description, which is all schema.org has for them."""
    stance = link.get_stance_display()
    return {
        "@type": "Claim",
        "name": f"{stance}: {link.event.title}",
        "description": f"Figure given: {link.figure}." if link.figure else "",
        "text": statement.text,
        "author": creator,
        "dateCreated": iso(statement.said_on),
        "about": _event_of(link.event),
        "appearance": articles.schema_org_of(statement.article),
        "firstAppearance": (
            {"@type": "CreativeWork", "url": statement.source_url} if statement.source_url else None
        ),
    }


def open_graph(statement) -> list[tuple[str, str | None]]:
    role = statement.speaker_role()
    who = statement.speaker.name + (f", {role.title}" if role else "")
    article = statement.article
    return [
        ("og:type", "article"),
        ("og:title", f"{who}: “{shorten(statement.text, 90)}”"),
        ("og:description", f"{statement.text} Source: {article.title} ({article.outlet})"),
        ("article:published_time", iso(statement.said_on)),
    ]


RECORD = RecordType(
    key="statements",
    model=Statement,
    noun=("statement", "statements"),
    public=public,
    filterset=StatementFilter,
    facets=(
        ("Speakers", count_by("speaker__slug", "speaker", "speaker__name", tally="speaker")),
        ("Kinds", count_by("kind", "kind", choices=Statement.Kind.choices, tally="kind")),
        ("Stances", count_stances),
        (
            "Channels",
            count_by("channel", "channel", choices=Statement.Channel.choices, tally="channel"),
        ),
        (
            "Outlets",
            count_by("article__outlet__slug", "outlet", "article__outlet__name", tally="outlet"),
        ),
        (
            "Attribution",
            count_by(
                "verification",
                "verification",
                choices=Statement.Verification.choices,
                tally="verification",
            ),
        ),
        ("Years", count_by_year("said_on", tally="year")),
    ),
    columns=COLUMNS,
    plain_export=PlainExport(fields=EXPORT_FIELDS, related=ExportRelated),
    newest_first=("-published_at", "-id"),
    feed_entry=feed_entry,
    citation=citation,
    schema_org=schema_org,
    open_graph=open_graph,
    sitemap_fields=("pk", "updated_at"),
    search_title="text",
)


def archive_rows(scope: Scope) -> QuerySet:
    """The statements of the exported articles. Published-only leaves out drafts and the
    statements about a draft event: an exported statement never points to a draft."""
    rows = Statement.objects.filter(article__in=articles.archive_rows(scope))
    if scope.published_only:
        draft_events = StatementEvent.objects.exclude(event__in=Event.objects.published())
        rows = rows.published().exclude(pk__in=draft_events.values("statement_id"))
    return rows


def _from_version_1(record: dict) -> dict:
    """Version 1 gave a statement one `event`: it becomes a link that describes it."""
    if "event" not in record:
        return record
    record = dict(record)
    slug = record.pop("event")
    record["events"] = (
        [
            {
                "event": slug,
                "stance": StatementEvent.Stance.DESCRIBES,
                "figure_kind": "",
                "claimed_figure": None,
                "claimed_figure_max": None,
                "note": "",
            }
        ]
        if slug is not None
        else []
    )
    return record


ARCHIVE = ArchiveSection(
    name="statements",
    model=Statement,
    key=("article", "speaker", "text"),
    fields=(
        PublicId(),
        Digest("key", of=("article", "speaker", "text")),
        Ref("article", "articles"),
        Ref("speaker", "actors"),
        Ref("on_behalf_of", "actors"),
        Value("text"),
        Value("kind"),
        Value("anchor"),
        Value("channel"),
        Date("said_on"),
        Value("translation"),
        Value("source_url"),
        Ref("primary_source_issuer", "actors"),
        Value("primary_text"),
        Value("verification"),
        Nested(
            "events",
            fields=(
                Ref("event", "events"),
                Value("stance"),
                Value("figure_kind"),
                Value("claimed_figure"),
                Value("claimed_figure_max"),
                Value("note"),
            ),
            related="event_links",
            key=("event", "stance", "figure_kind"),
        ),
        Value("language"),
        Value("status"),
        Refs("mentioned_actors", "actors"),
        CORRECTIONS,
        *STAMPS,
    ),
    order=("article__url", "speaker__slug", "said_on", "text"),
    rows=archive_rows,
    label=lambda r: r.get("key") or f"{r.get('article')} by {r.get('speaker')}",
    upgrades={1: _from_version_1},
)
