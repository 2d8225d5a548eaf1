import datetime
import hashlib
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, Value, When
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from actors.models import COUNTRY_CODE_REGEX, Actor, Role

from . import dates, quotes
from .links import path_for
from .lookups import Among

LANGUAGE_TAG_REGEX = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


def first_public_time(
    instance: models.Model, *, public: bool, update_fields: Iterable[str] | None
) -> set[str] | None:
    """Set `published_at` when the row is public and never was; the `update_fields` to save.

    Called by the save() of articles, statements and events, so a record saved public
    (the admin, the importer, the demo) carries the time it first became public.
    """
    if public and instance.published_at is None:
        instance.published_at = timezone.now()
    if update_fields is not None:
        update_fields = {*update_fields, "published_at"}
    return update_fields


def speaker_roles_prefetch(prefix: str = "speaker") -> Prefetch:
    """Roles of a speaker, loaded once per page so role_on() asks nothing more."""
    return Prefetch(f"{prefix}__roles", queryset=Role.objects.select_related("organisation"))


def mentioned_slugs_prefetch() -> Prefetch:
    """The actors a record mentions, by slug, as the list `export_mentioned`."""
    return Prefetch(
        "mentioned_actors",
        queryset=Actor.objects.order_by("slug").only("id", "slug"),
        to_attr="export_mentioned",
    )


class OutletQuerySet(models.QuerySet):
    def for_listing(self):
        return self.order_by("name")

    def for_detail(self):
        return self


class Outlet(models.Model):
    """Who published an article: a newspaper, an agency, a website."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    url = models.URLField("Home page", max_length=500, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code.")
    description = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = OutletQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(country="") | Q(country__regex=COUNTRY_CODE_REGEX),
                name="outlet_country_iso_alpha2",
                violation_error_message="Country is a two-letter ISO 3166 code in capitals.",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:200]
        self.country = self.country.upper()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return path_for("articles:outlet", self.slug)


class PlaceQuerySet(models.QuerySet):
    def within(self, place: "Place"):
        """The place and every place inside it, at any depth.

        A recursive query inside the filter (both databases have WITH RECURSIVE), so
        it costs no query of its own; UNION stops at a cycle.
        """
        return self.filter(pk__in=_places_within(place))

    def chain(self, place: "Place | None") -> list["Place"]:
        """The place and its parents, outermost first (Palestine › Gaza Strip › Jabalia).

        Walks the parents that `select_related()` loaded (`for_detail()` loads three
        levels); a deeper tree costs one query more for the rest. A cycle stops the walk.
        """
        chain: list[Place] = []
        tree: dict[int, Place] | None = None
        current = place
        while current is not None and current.pk not in {p.pk for p in chain}:
            chain.append(current)
            if current.parent_id is None:
                break
            if Place.parent.is_cached(current):
                current = current.parent
                continue
            if tree is None:
                tree = {p.pk: p for p in Place.objects.only("pk", "name", "slug", "parent_id")}
            current = tree.get(current.parent_id)
        return chain[::-1]

    def for_detail(self):
        return self.select_related("parent__parent__parent").prefetch_related("children")


def _places_within(place: "Place") -> RawSQL:
    """SQL for the ids of a place and of every place inside it."""
    return RawSQL(
        "WITH RECURSIVE inside(id) AS (SELECT id FROM articles_place WHERE id = %s UNION "
        "SELECT child.id FROM articles_place child JOIN inside ON child.parent_id = inside.id) "
        "SELECT id FROM inside",
        [place.pk],
    )


class Place(models.Model):
    """Where something happened, in a hierarchy: site → city → region → country."""

    class Kind(models.TextChoices):
        COUNTRY = "country", "Country"
        REGION = "region", "Region"
        CITY = "city", "City"
        SITE = "site", "Site"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CITY)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()
    objects = PlaceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="place_coordinates_valid",
                violation_error_message=(
                    "Give both latitude (-90 to 90) and longitude (-180 to 180), or neither."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="place_not_own_parent",
                violation_error_message="A place cannot be inside itself.",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:200]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return path_for("articles:place", self.slug)


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PublicationStatus.PUBLISHED)

    def between(self, start: datetime.date | None, end: datetime.date | None):
        qs = self
        if start:
            qs = qs.filter(published_on__gte=start)
        if end:
            qs = qs.filter(published_on__lte=end)
        return qs

    def involving(self, actor: Actor):
        """Articles that mention the actor or in which they speak (public statements only:
        a draft statement must not reveal who spoke in an article).

        One set of ids from two indexed lookups (a UNION), as `StatementQuerySet.involving`:
        `id IN (…) OR id IN (…)` made PostgreSQL scan every published article."""
        speaking = (
            Statement.objects.published().filter(speaker=actor).order_by().values("article_id")
        )
        mentioned = (
            Article.mentioned_actors.through.objects.filter(actor=actor)
            .order_by()
            .values("article_id")
        )
        return self.filter(pk__in=mentioned.union(speaking))

    def by_outlet(self, outlet: "Outlet"):
        return self.filter(outlet=outlet)

    def mentioning(self, actor: Actor):
        """Articles whose editors marked the actor as mentioned."""
        return self.filter(
            pk__in=Article.mentioned_actors.through.objects.filter(actor=actor).values("article_id")
        )

    def for_listing(self):
        return self.select_related("outlet")

    def for_detail(self):
        """The article with its public statements, public events and mentioned actors.

        Its corrections and those of its statements are one more query:
        `Correction.objects.for_article_page(article)`."""
        return self.select_related("outlet").prefetch_related(
            "mentioned_actors",
            Prefetch(
                "statements",
                queryset=Statement.objects.published()
                .select_related("speaker", "on_behalf_of")
                .prefetch_related(speaker_roles_prefetch()),
            ),
            Prefetch("events", queryset=Event.objects.published().select_related("place")),
        )

    def for_export(self):
        """The joins the export columns read, related rows in plain lists."""
        return (
            self.select_related("outlet")
            .prefetch_related(None)
            .prefetch_related(mentioned_slugs_prefetch())
        )


class Article(models.Model):
    """A news report, kept with its full text so quotes can be checked against it."""

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="articles")
    url = models.URLField("Original URL", max_length=500, unique=True)
    archive_url = models.URLField(
        "Archived copy", max_length=500, blank=True, help_text="E.g. a web-archive snapshot."
    )
    byline = models.CharField(max_length=300, blank=True)
    published_on = models.DateField()
    language = models.CharField(
        max_length=35, default="en", help_text="BCP 47 language tag, e.g. en, ar, he, fr."
    )
    summary = models.TextField(blank=True)
    body = models.TextField(help_text="The full text of the article, as published.")
    mentioned_actors = models.ManyToManyField(
        Actor, blank=True, related_name="mentioned_in_articles"
    )
    status = models.CharField(
        max_length=10, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT
    )
    retrieved_at = models.DateTimeField(
        null=True, blank=True, help_text="When the text was retrieved from the source."
    )
    body_sha256 = models.CharField(
        "Body checksum (SHA-256)", max_length=64, blank=True, editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    # When the record first became public (published, and for a statement its article
    # too). Feeds order by it, so a record back-dated to 2015 but published today reaches
    # subscribers today. Set by save() and the publishing services; kept when the record
    # is unpublished, so one published again keeps its first time.
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(
        excluded_fields=["body_sha256", "published_at"], m2m_fields=[mentioned_actors]
    )
    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(language__regex=LANGUAGE_TAG_REGEX),
                name="article_language_bcp47",
                violation_error_message="Language is a BCP 47 tag such as en, ar or pt-BR.",
            ),
            models.CheckConstraint(
                condition=~Q(status=PublicationStatus.PUBLISHED) | Q(published_at__isnull=False),
                name="article_public_has_published_at",
            ),
        ]
        indexes = [
            # Article list and date pages: published articles by date (with the outlet and
            # language, so the facets of a date range read only this index).
            models.Index(
                fields=["status", "published_on", "outlet", "language"],
                name="article_status_date_idx",
            ),
            # Outlet page and the outlet filter.
            models.Index(fields=["outlet", "published_on"], name="article_outlet_date_idx"),
            # The language filter.
            models.Index(fields=["language"], name="article_language_idx"),
            # Feeds: public articles, the latest to become public first.
            models.Index(fields=["status", "-published_at", "-id"], name="article_status_feed_idx"),
            # The list's order, its title sort and its outlet and language facets read these and
            # never the rows with their bodies (100,000 at a million statements). Status
            # first, not partial indexes: Django binds `status` as a parameter, and SQLite
            # cannot tell that `status = ?` implies an index's `WHERE status = 'published'`.
            models.Index(
                fields=["status", "-published_on", "title", "id"], name="article_status_list_idx"
            ),
            # Oldest first, the date pages' order: the list's index read backwards would
            # give the titles of a day in reverse.
            models.Index(
                fields=["status", "published_on", "title", "id"], name="article_status_asc_idx"
            ),
            models.Index(fields=["status", "title", "id"], name="article_status_title_idx"),
            models.Index(
                fields=["status", "outlet", "published_on"], name="article_status_outlet_idx"
            ),
            models.Index(
                fields=["status", "language", "outlet", "published_on"],
                name="article_status_lang_idx",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title)[:200]
        saved_checksum = self.body_sha256
        self.body_sha256 = hashlib.sha256(self.body.encode("utf-8")).hexdigest()
        kwargs["update_fields"] = first_public_time(
            self, public=self.is_public, update_fields=kwargs.get("update_fields")
        )
        super().save(*args, **kwargs)
        statements = Statement.objects.filter(article=self)
        # Its statements are public only while it is (Statement.is_public).
        statements.sync_public()
        if self.body_sha256 != saved_checksum:
            # A new body: where each statement's text sits in it has changed.
            statements.locate_passages(self)

    def get_absolute_url(self):
        return path_for("articles:detail", self.slug)

    def clean(self):
        super().clean()
        # Before the constraints are validated: a published article has its time.
        first_public_time(self, public=self.is_public, update_fields=None)

    @property
    def is_public(self) -> bool:
        return self.status == PublicationStatus.PUBLISHED

    def located_body(self) -> quotes.Body:
        """The body prepared for finding quotes, built once per body text."""
        prepared = getattr(self, "_located_body", None)
        if prepared is None or prepared.text != self.body:
            prepared = self._located_body = quotes.Body(self.body)
        return prepared


class StatementQuerySet(models.QuerySet):
    def published(self):
        """Public statements: the statement and its source article are both published.

        Read from `is_public`, which saving a statement or its article keeps true, so the
        lists, counts and facets of public statements read partial indexes, not a join.
        """
        return self.filter(is_public=True)

    def sync_public(self) -> int:
        """Set `is_public` of these statements from their status and their article's, and
        `published_at` of those public for the first time."""
        public_article = Article.objects.filter(
            pk=OuterRef("article_id"), status=PublicationStatus.PUBLISHED
        )
        public = Q(status=PublicationStatus.PUBLISHED) & Exists(public_article)
        return self.update(
            is_public=Case(When(public, then=True), default=False),
            published_at=Case(
                When(public & Q(published_at=None), then=Value(timezone.now())),
                default=F("published_at"),
            ),
        )

    def by_speaker(self, actor: Actor):
        return self.filter(speaker=actor)

    def in_article(self, article: "Article"):
        """The statements of one source article, in reading order (where the text sits in
        its body; those not found there last)."""
        return self.filter(article=article).order_by(F("passage_start").asc(nulls_last=True), "pk")

    def about(self, actor: Actor):
        return self.filter(mentioned_actors=actor)

    def involving(self, actor: Actor):
        """Said by the actor, or about them: the `actor` filter of the lists.

        One set of ids from two indexed lookups (a UNION), not `speaker = X OR id IN (…)`,
        which makes PostgreSQL scan every statement.
        """
        said = Statement.objects.filter(speaker=actor).order_by().values("pk")
        about = (
            Statement.mentioned_actors.through.objects.filter(actor=actor)
            .order_by()
            .values("statement_id")
        )
        return self.filter(pk__in=said.union(about))

    def between(self, start: datetime.date | None, end: datetime.date | None):
        qs = self
        if start:
            qs = qs.filter(said_on__gte=start)
        if end:
            qs = qs.filter(said_on__lte=end)
        return qs

    def about_event(self, event: "Event", *, stance: str | None = None):
        """Statements that give an account of the event, with this stance when given."""
        links = StatementEvent.objects.filter(event=event)
        if stance:
            links = links.filter(stance=stance)
        return self.filter(pk__in=links.values("statement_id"))

    def giving_account(self, *, event=None, stance=None):
        """Statements with a link to a public event (to `event`, with `stance`, when given;
        each may be one value or several): the `event` and `stance` filters of the list,
        applied to the same link, so that `?event=x&stance=denies` is what denies x.

        The chosen event stays on the query as the alias `account_event`, so that the
        list's stance counts count the accounts of that event (`account_event_ids`).
        """
        events = _several(event)
        links = StatementEvent.objects.public()
        if events:
            links = links.filter(event__in=events)
        if stances := _several(stance):
            links = links.filter(stance__in=stances)
        rows = self.filter(pk__in=links.values("statement_id"))
        if events:
            rows = rows.alias(account_event=Value(",".join(str(e.pk) for e in events)))
        return rows

    def locate_passages(self, article: Article) -> int:
        """Store where each of these statements of `article` sits in its body.

        One normalisation of the body for all of them (Statement.passage_start/end);
        returns how many rows changed.
        """
        statements = list(
            self.order_by().only("pk", "text", "kind", "anchor", "passage_start", "passage_end")
        )
        if not statements:
            return 0
        body = article.located_body()
        rows = []
        for statement in statements:
            start, end = body.find(statement.located_text) or (None, None)
            if (start, end) != (statement.passage_start, statement.passage_end):
                statement.passage_start, statement.passage_end = start, end
                rows.append(statement)
        return Statement.objects.bulk_update(rows, ["passage_start", "passage_end"], batch_size=500)

    def for_listing(self):
        return self.select_related(
            "speaker", "on_behalf_of", "article", "article__outlet"
        ).prefetch_related(speaker_roles_prefetch())

    def for_detail(self):
        return (
            self.for_listing()
            .select_related("primary_source_issuer")
            .prefetch_related(
                "mentioned_actors", "corrections", public_event_links_prefetch("public_event_links")
            )
        )

    def mentioned_slugs(self, ids) -> dict[int, list[str]]:
        """The slugs of the actors each of these statements mentions, in slug order, by
        statement id: one query, read as plain values."""
        through = self.model.mentioned_actors.through.objects.using(self.db)
        through = through.filter(Among(F("statement_id"), ids))
        slugs: dict[int, list[str]] = {}
        for statement_id, slug in through.order_by("actor__slug").values_list(
            "statement_id", "actor__slug"
        ):
            slugs.setdefault(statement_id, []).append(slug)
        return slugs

    def for_export(self):
        """The joins a statement's feed entry reads. (The CSV and JSON exports read
        plain values: `records.statements.EXPORT_FIELDS`.)"""
        return (
            self.select_related(
                "speaker", "on_behalf_of", "article__outlet", "primary_source_issuer"
            )
            # Long texts no column reads: an article's whole body on every row, for one.
            .defer(*EXPORT_UNREAD)
            .prefetch_related(None)
            .prefetch_related(speaker_roles_prefetch())
        )


# The related rows' long texts that no statement export column reads.
EXPORT_UNREAD = (
    "article__body",
    "article__outlet__description",
    "speaker__description",
    "on_behalf_of__description",
    "primary_source_issuer__description",
)


def _several(value) -> list:
    """One value or several, as a list: None and "" are none."""
    if value is None or value == "":
        return []
    return list(value) if isinstance(value, list | tuple | set) else [value]


def account_event_ids(statements: models.QuerySet) -> list[int]:
    """The events a list of statements was narrowed to by `giving_account(event=…)`."""
    alias = statements.query.annotations.get("account_event")
    return [int(pk) for pk in alias.value.split(",")] if alias is not None else []


def public_event_links_prefetch(to_attr: str) -> Prefetch:
    """A statement's links to public events, with the event, in a plain list `to_attr`:
    a draft event never leaves the archive."""
    return Prefetch(
        "event_links",
        queryset=StatementEvent.objects.filter(event__status=PublicationStatus.PUBLISHED)
        .select_related("event")
        .defer("event__description")
        .order_by("event__start_date", "event__title", "stance", "figure_kind"),
        to_attr=to_attr,
    )


class Statement(models.Model):
    """Who said what, where: a verbatim quote or a paraphrase, from one source article."""

    class Kind(models.TextChoices):
        QUOTE = "quote", "Quote"
        PARAPHRASE = "paraphrase", "Paraphrase"

    class Channel(models.TextChoices):
        OFFICIAL_STATEMENT = "official_statement", "Official statement"
        PRESS_RELEASE = "press_release", "Press release"
        SOCIAL_MEDIA = "social_media", "Social media"
        INTERVIEW = "interview", "Interview"
        PRESS_CONFERENCE = "press_conference", "Press conference"
        SPEECH = "speech", "Speech"
        CALL_READOUT = "call_readout", "Call readout"
        OTHER = "other", "Other"

    class Verification(models.TextChoices):
        """Attribution as established from the primary source, beside the article's."""

        AS_REPORTED = "as_reported", "As reported (not checked against a primary source)"
        MATCHES = "matches", "Matches the primary source"
        DIFFERS = "differs", "Differs from the primary source"
        NOT_FOUND = "not_found", "Primary source not found"

    article = models.ForeignKey(
        Article, on_delete=models.PROTECT, related_name="statements", verbose_name="source article"
    )
    speaker = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="statements")
    on_behalf_of = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements_on_behalf",
        help_text="The body the speaker spoke for, e.g. the State Department for its spokesperson.",
    )
    text = models.TextField(help_text="For a quote, exactly as it appears in the article body.")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.QUOTE)
    # A paraphrase is worded by the reporter, so its text is rarely in the body: the
    # passage it paraphrases anchors it there instead, highlighted like a quote.
    anchor = models.TextField(
        "paraphrased passage",
        blank=True,
        help_text="For a paraphrase: the sentence of the article it paraphrases, copied "
        "from the body. The article page highlights it like a quote.",
    )
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.OTHER)
    said_on = models.DateField(blank=True, help_text="Defaults to the article's date.")
    translation = models.TextField(
        blank=True, help_text="English translation, for a quote given in another language."
    )
    source_url = models.URLField(
        "Primary source",
        max_length=500,
        blank=True,
        help_text="The original post, readout or transcript the article reports.",
    )
    primary_source_issuer = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_statements",
        verbose_name="primary source issued by",
        help_text="Who issued or posted the primary source, when it is not the speaker "
        "(the Foreign Office's account posting about its minister).",
    )
    primary_text = models.TextField(
        "primary source wording",
        blank=True,
        help_text="The primary source's own words, when you have them. Never reconstruct it.",
    )
    verification = models.CharField(
        max_length=12,
        choices=Verification.choices,
        default=Verification.AS_REPORTED,
        help_text="Whether the printed words were checked against the primary source.",
    )
    mentioned_actors = models.ManyToManyField(
        Actor, blank=True, related_name="mentioned_in_statements", verbose_name="about"
    )
    events = models.ManyToManyField(
        "Event", through="StatementEvent", blank=True, related_name="statements"
    )
    language = models.CharField(max_length=35, default="en", help_text="BCP 47 language tag.")
    status = models.CharField(
        max_length=10, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT
    )
    # Derived: published, and its article published. Kept by save() here and by the
    # article's save() and the publishing services (StatementQuerySet.sync_public).
    is_public = models.BooleanField(default=False, editable=False)
    # The stances it takes on public events, one bit each (articles/tallies.py): kept by
    # database triggers on the links and the events, never written by the application.
    stance_mask = models.PositiveSmallIntegerField(null=True, editable=False)
    # Derived: where the text sits in the article body (offsets into its text, end
    # exclusive), or null when it is not there. Kept by save() here and by the article's
    # save() when its body changes, so pages read them instead of searching the body.
    passage_start = models.PositiveIntegerField(null=True, blank=True, editable=False)
    passage_end = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # Optimistic locking in the admin: incremented by every save there.
    version = models.PositiveIntegerField(default=1, editable=False)
    # When the statement first became public (`is_public`: it and its article published).
    # Feeds order by it, so a quote back-dated to 2015 but published today reaches
    # subscribers today. Set by save(), and by sync_public() when its article is published;
    # kept when it stops being public, so one public again keeps its first time.
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(
        m2m_fields=[mentioned_actors],
        excluded_fields=[
            "is_public",
            "passage_start",
            "passage_end",
            "published_at",
            "stance_mask",
        ],
    )
    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["-said_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(language__regex=LANGUAGE_TAG_REGEX),
                name="statement_language_bcp47",
                violation_error_message="Language is a BCP 47 tag such as en, ar or pt-BR.",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="statement_text_not_empty"),
            models.CheckConstraint(
                condition=Q(verification__in=["as_reported", "not_found"]) | ~Q(source_url=""),
                name="statement_checked_has_source",
                violation_error_message=(
                    "Give the primary source's URL: a statement can only match or differ "
                    "from a source the reader can open."
                ),
            ),
            models.CheckConstraint(
                condition=Q(passage_start__isnull=True, passage_end__isnull=True)
                | Q(passage_start__isnull=False, passage_end__gte=F("passage_start")),
                name="statement_passage_span",
            ),
            models.CheckConstraint(
                condition=Q(is_public=False) | Q(published_at__isnull=False),
                name="statement_public_has_published_at",
            ),
        ]
        indexes = [
            # Statement list and date pages: public statements by date.
            models.Index(fields=["status", "said_on"], name="statement_status_date_idx"),
            # Actor page "statements by", and the speaker filter.
            models.Index(fields=["speaker", "said_on"], name="statement_speaker_date_idx"),
            # kind and channel filters and facets.
            models.Index(fields=["kind", "channel"], name="statement_kind_channel_idx"),
            # Public statements only: the lists, their counts and the date pages,
            models.Index(
                fields=["-said_on", "-id"],
                condition=Q(is_public=True),
                name="statement_public_date_idx",
            ),
            # a speaker's, the speakers facet and most-quoted counts,
            models.Index(
                fields=["speaker", "-said_on", "-id"],
                condition=Q(is_public=True),
                name="statement_public_speaker_idx",
            ),
            # the kind and channel facets,
            models.Index(
                fields=["kind", "channel"],
                condition=Q(is_public=True),
                name="statement_public_kind_idx",
            ),
            # a channel's or an attribution state's, in the list's order (an eighth of a
            # million rows sorted for 25 otherwise),
            models.Index(
                fields=["channel", "-said_on", "-id"],
                condition=Q(is_public=True),
                name="statement_public_channel_idx",
            ),
            models.Index(
                fields=["verification", "-said_on", "-id"],
                condition=Q(is_public=True),
                name="statement_public_verif_idx",
            ),
            # and the outlet facet, an article's statements and an outlet's, in the list's
            # order (the dates in the index: an outlet's ten thousand statements are
            # sorted without reading their rows).
            models.Index(
                fields=["article", "-said_on", "-id"],
                condition=Q(is_public=True),
                name="statement_public_article_idx",
            ),
            # Feeds: public statements, the latest to become public first.
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(is_public=True),
                name="statement_public_feed_idx",
            ),
        ]

    def __str__(self):
        text = self.text if len(self.text) <= 80 else self.text[:77] + "…"
        return f"{self.speaker}: {text}"

    def save(self, *args, **kwargs):
        if self.said_on is None and self.article_id:
            self.said_on = self.article.published_on
        self.is_public = (
            self.status == PublicationStatus.PUBLISHED
            and self.article.status == PublicationStatus.PUBLISHED
        )
        self.passage_start, self.passage_end = self.locate_passage() or (None, None)
        update_fields = first_public_time(
            self, public=self.is_public, update_fields=kwargs.get("update_fields")
        )
        if update_fields is not None:
            update_fields |= {"is_public", "passage_start", "passage_end"}
        kwargs["update_fields"] = update_fields
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return path_for("articles:statement", self.pk)

    def clean(self):
        super().clean()
        if self.said_on is None and self.article_id:
            self.said_on = self.article.published_on
        checked = (self.Verification.MATCHES, self.Verification.DIFFERS)
        if self.verification in checked and not self.source_url:
            raise ValidationError(
                {
                    "source_url": "Give the primary source's URL: a statement can only match "
                    "or differ from a source the reader can open."
                }
            )
        if self.anchor and self.kind != self.Kind.PARAPHRASE:
            raise ValidationError(
                {"anchor": "Only a paraphrase has a paraphrased passage: a quote is its own."}
            )
        if self.anchor and self.article_id and self.locate_passage() is None:
            closest = quotes.closest_passage(self.article.body, self.anchor)
            message = "This passage is not in the source article's body."
            if closest:
                message += f" The closest passage there reads: “{closest}”"
            if (flags := getattr(self, "import_flags", None)) is not None:
                flags.append(f"field 'anchor': {message}")  # kept unlocated, as a quote is
            else:
                raise ValidationError({"anchor": message})
        if self.kind == self.Kind.QUOTE and self.article_id and self.text:
            if self.locate_passage() is None:
                closest = quotes.closest_passage(self.article.body, self.text)
                message = "This quote is not in the source article's body."
                if closest:
                    message += f" The closest passage there reads: “{closest}”"
                else:
                    message += " Nothing similar is in the article."
                # An import collects these (`import_flags`) to name them all, and keeps
                # them when told to: the statement is saved unlocated, and its pages say
                # its passage is not in the article.
                if (flags := getattr(self, "import_flags", None)) is not None:
                    flags.append(f"field 'text': {message}")
                else:
                    raise ValidationError({"text": message})

    @property
    def is_quote(self) -> bool:
        return self.kind == self.Kind.QUOTE

    def passage(self) -> tuple[int, int] | None:
        """Where the text sits in the article body (start, end), or None, as stored."""
        if self.passage_start is None or self.passage_end is None:
            return None
        return self.passage_start, self.passage_end

    @property
    def located_text(self) -> str:
        """What is searched for in the body: a paraphrase's anchor when it has one."""
        if self.kind == self.Kind.PARAPHRASE and self.anchor:
            return self.anchor
        return self.text

    def locate_passage(self) -> tuple[int, int] | None:
        """Search the article body for the text now (passage() reads what save() stored)."""
        return self.article.located_body().find(self.located_text)

    def speaker_role(self) -> Role | None:
        """The speaker's role on the day the statement was made."""
        return self.speaker.role_on(self.said_on)


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PublicationStatus.PUBLISHED)

    def between(self, start: datetime.date | None, end: datetime.date | None):
        """Events overlapping the period: they start before its end and end after its start.

        An event without an end date lasts its start day, unless it is ongoing: then it
        lasts until today, so it overlaps every period from its start to today and none
        after today.
        """
        qs = self
        if end:
            qs = qs.filter(start_date__lte=end)
        if start:
            overlaps = Q(end_date__gte=start) | Q(end_date__isnull=True, start_date__gte=start)
            if start <= timezone.localdate():
                overlaps |= Q(ongoing=True)
            qs = qs.filter(overlaps)
        return qs

    def of_acled_type(self, event_type: str):
        """Events of the kinds ACLED codes as this event type ("Battles")."""
        return self.filter(kind__in=Event.kinds_of_acled_type(event_type))

    def involving(self, actor: Actor):
        """Events the actor took part in, in any role."""
        return self.filter(pk__in=EventParticipant.objects.filter(actor=actor).values("event_id"))

    def within(self, place: Place):
        """Events in the place or in any place inside it, at any depth."""
        return self.filter(place_id__in=_places_within(place))

    def for_listing(self):
        return self.select_related("place").prefetch_related(
            Prefetch(
                "participations",
                queryset=EventParticipant.objects.select_related("actor"),
            )
        )

    def for_detail(self):
        return (
            self.for_listing()
            .select_related("place__parent__parent__parent")
            .prefetch_related("corrections")
        )

    def for_export(self):
        """The joins the export columns read; only published articles appear as sources."""
        return (
            self.select_related("place")
            .prefetch_related(None)
            .prefetch_related(
                Prefetch(
                    "participations",
                    queryset=EventParticipant.objects.select_related("actor"),
                    to_attr="export_participations",
                ),
                Prefetch(
                    "articles",
                    queryset=Article.objects.published().order_by("url").only("id", "url"),
                    to_attr="export_articles",
                ),
            )
        )


# Event.DIPLOMATIC_KINDS, for the constraint in Event.Meta (which cannot see the class).
_DIPLOMATIC = ["call", "visit", "meeting", "multilateral_debate"]


class Event(models.Model):
    """Something that happened, reported by one or more articles."""

    class Kind(models.TextChoices):
        # ACLED's sub-event types, and kinds of ours that refine one (ACLED_TYPES).
        ARMED_CLASH = "armed_clash", "Armed clash"
        GROUND_OPERATION = "ground_operation", "Ground operation"
        GOVERNMENT_REGAINS_TERRITORY = (
            "government_regains_territory",
            "Government regains territory",
        )
        NON_STATE_ACTOR_OVERTAKES_TERRITORY = (
            "non_state_actor_overtakes_territory",
            "Non-state actor overtakes territory",
        )
        CHEMICAL_WEAPON = "chemical_weapon", "Chemical weapon"
        AIR_STRIKE = "air_strike", "Air/drone strike"
        SUICIDE_BOMB = "suicide_bomb", "Suicide bomb"
        SHELLING = "shelling", "Shelling/artillery/missile attack"
        REMOTE_EXPLOSIVE = "remote_explosive", "Remote explosive/landmine/IED"
        GRENADE = "grenade", "Grenade"
        SEXUAL_VIOLENCE = "sexual_violence", "Sexual violence"
        ATTACK = "attack", "Attack"
        ABDUCTION = "abduction", "Abduction/forced disappearance"
        HOSTAGE = "hostage", "Hostage taking or release"
        PEACEFUL_PROTEST = "peaceful_protest", "Peaceful protest"
        PROTEST_WITH_INTERVENTION = "protest_with_intervention", "Protest with intervention"
        EXCESSIVE_FORCE = (
            "excessive_force_against_protesters",
            "Excessive force against protesters",
        )
        VIOLENT_DEMONSTRATION = "violent_demonstration", "Violent demonstration"
        MOB_VIOLENCE = "mob_violence", "Mob violence"
        AGREEMENT = "agreement", "Agreement"
        ARRESTS = "arrests", "Arrests"
        CHANGE_TO_GROUP_ACTIVITY = "change_to_group_activity", "Change to group/activity"
        DISRUPTED_WEAPONS_USE = "disrupted_weapons_use", "Disrupted weapons use"
        HEADQUARTERS_ESTABLISHED = (
            "headquarters_or_base_established",
            "Headquarters or base established",
        )
        LOOTING = "looting_property_destruction", "Looting/property destruction"
        NON_VIOLENT_TRANSFER = (
            "non_violent_transfer_of_territory",
            "Non-violent transfer of territory",
        )
        HUMANITARIAN = "humanitarian", "Humanitarian"
        STRATEGIC_OTHER = "strategic_other", "Other strategic development"
        # Diplomatic kinds, which ACLED does not code: each event stores a CAMEO code.
        CALL = "call", "Phone call"
        VISIT = "visit", "Visit"
        MEETING = "meeting", "Meeting"
        MULTILATERAL_DEBATE = "multilateral_debate", "Multilateral debate"
        OTHER = "other", "Other"

    class CameoCode(models.TextChoices):
        """The CAMEO codes a diplomatic event may carry (CAMEO codebook, 01 and 04)."""

        STATEMENT = "010", "Make statement, not specified below"
        CONSULT = "040", "Consult, not specified below"
        TELEPHONE = "041", "Discuss by telephone"
        MAKE_VISIT = "042", "Make a visit"
        HOST_VISIT = "043", "Host a visit"
        THIRD_LOCATION = "044", "Meet at a “third” location"
        MEDIATE = "045", "Mediate"
        NEGOTIATE = "046", "Engage in negotiation"

    # ACLED's six event types, in the codebook's order.
    BATTLES = "Battles"
    EXPLOSIONS = "Explosions/Remote violence"
    VIOLENCE_AGAINST_CIVILIANS = "Violence against civilians"
    PROTESTS = "Protests"
    RIOTS = "Riots"
    STRATEGIC_DEVELOPMENTS = "Strategic developments"
    ACLED_EVENT_TYPES = (
        BATTLES,
        EXPLOSIONS,
        VIOLENCE_AGAINST_CIVILIANS,
        PROTESTS,
        RIOTS,
        STRATEGIC_DEVELOPMENTS,
    )
    # How an ACLED event type is written in a URL (`?event_type=battles`).
    ACLED_EVENT_TYPE_KEYS = {
        "battles": BATTLES,
        "explosions_remote_violence": EXPLOSIONS,
        "violence_against_civilians": VIOLENCE_AGAINST_CIVILIANS,
        "protests": PROTESTS,
        "riots": RIOTS,
        "strategic_developments": STRATEGIC_DEVELOPMENTS,
    }
    # Each kind as ACLED codes it: (event type, sub-event type). A kind of ours that is
    # finer than ACLED (a ground operation, a hostage taking) maps to the sub-event type it
    # refines. Diplomatic kinds and `other` are not in ACLED's codebook.
    ACLED_TYPES = {
        Kind.ARMED_CLASH: (BATTLES, "Armed clash"),
        Kind.GROUND_OPERATION: (BATTLES, "Armed clash"),
        Kind.GOVERNMENT_REGAINS_TERRITORY: (BATTLES, "Government regains territory"),
        Kind.NON_STATE_ACTOR_OVERTAKES_TERRITORY: (BATTLES, "Non-state actor overtakes territory"),
        Kind.CHEMICAL_WEAPON: (EXPLOSIONS, "Chemical weapon"),
        Kind.AIR_STRIKE: (EXPLOSIONS, "Air/drone strike"),
        Kind.SUICIDE_BOMB: (EXPLOSIONS, "Suicide bomb"),
        Kind.SHELLING: (EXPLOSIONS, "Shelling/artillery/missile attack"),
        Kind.REMOTE_EXPLOSIVE: (EXPLOSIONS, "Remote explosive/landmine/IED"),
        Kind.GRENADE: (EXPLOSIONS, "Grenade"),
        Kind.SEXUAL_VIOLENCE: (VIOLENCE_AGAINST_CIVILIANS, "Sexual violence"),
        Kind.ATTACK: (VIOLENCE_AGAINST_CIVILIANS, "Attack"),
        Kind.ABDUCTION: (VIOLENCE_AGAINST_CIVILIANS, "Abduction/forced disappearance"),
        Kind.HOSTAGE: (VIOLENCE_AGAINST_CIVILIANS, "Abduction/forced disappearance"),
        Kind.PEACEFUL_PROTEST: (PROTESTS, "Peaceful protest"),
        Kind.PROTEST_WITH_INTERVENTION: (PROTESTS, "Protest with intervention"),
        Kind.EXCESSIVE_FORCE: (PROTESTS, "Excessive force against protesters"),
        Kind.VIOLENT_DEMONSTRATION: (RIOTS, "Violent demonstration"),
        Kind.MOB_VIOLENCE: (RIOTS, "Mob violence"),
        Kind.AGREEMENT: (STRATEGIC_DEVELOPMENTS, "Agreement"),
        Kind.ARRESTS: (STRATEGIC_DEVELOPMENTS, "Arrests"),
        Kind.CHANGE_TO_GROUP_ACTIVITY: (STRATEGIC_DEVELOPMENTS, "Change to group/activity"),
        Kind.DISRUPTED_WEAPONS_USE: (STRATEGIC_DEVELOPMENTS, "Disrupted weapons use"),
        Kind.HEADQUARTERS_ESTABLISHED: (STRATEGIC_DEVELOPMENTS, "Headquarters or base established"),
        Kind.LOOTING: (STRATEGIC_DEVELOPMENTS, "Looting/property destruction"),
        Kind.NON_VIOLENT_TRANSFER: (STRATEGIC_DEVELOPMENTS, "Non-violent transfer of territory"),
        Kind.HUMANITARIAN: (STRATEGIC_DEVELOPMENTS, "Other"),
        Kind.STRATEGIC_OTHER: (STRATEGIC_DEVELOPMENTS, "Other"),
    }
    # The diplomatic kinds and the CAMEO code the admin proposes for each; the editor
    # may choose another (a meeting in a third country is 044), stored on the event.
    DEFAULT_CAMEO_CODES = {
        Kind.CALL: CameoCode.TELEPHONE,
        Kind.VISIT: CameoCode.MAKE_VISIT,
        Kind.MEETING: CameoCode.HOST_VISIT,
        Kind.MULTILATERAL_DEBATE: CameoCode.CONSULT,
    }
    DIPLOMATIC_KINDS = tuple(DEFAULT_CAMEO_CODES)
    # Kinds of earlier versions, renamed: the migration and the archive import read them.
    LEGACY_KINDS = {
        "diplomatic_contact": (Kind.CALL, CameoCode.TELEPHONE),
        "protest": (Kind.PEACEFUL_PROTEST, ""),
    }

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=40, choices=Kind.choices, default=Kind.OTHER)
    cameo_code = models.CharField(
        "CAMEO code",
        max_length=3,
        choices=CameoCode.choices,
        blank=True,
        help_text="For diplomatic kinds only; the kind's usual code is proposed.",
    )
    start_date = models.DateField()
    end_date = models.DateField(
        null=True, blank=True, help_text="Empty for a one-day event or an ongoing one."
    )
    date_precision = models.CharField(
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text="How exactly the start date is known.",
    )
    end_date_precision = models.CharField(
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text=(
            "How exactly the end date is known. An end known to the month or the year is "
            "saved as its last day."
        ),
    )
    ongoing = models.BooleanField(
        default=False, help_text="Still going on: it has no end date yet."
    )
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    participants = models.ManyToManyField(
        Actor, through="EventParticipant", blank=True, related_name="events"
    )
    articles = models.ManyToManyField(
        Article, blank=True, related_name="events", verbose_name="reported in"
    )
    description = models.TextField(blank=True)
    fatalities = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT
    )
    # Optimistic locking in the admin: incremented by every save there.
    version = models.PositiveIntegerField(default=1, editable=False)
    # When the record first became public (published, and for a statement its article
    # too). Feeds order by it, so a record back-dated to 2015 but published today reaches
    # subscribers today. Set by save() and the publishing services; kept when the record
    # is unpublished, so one published again keeps its first time.
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[articles], excluded_fields=["published_at"])
    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="event_end_after_start",
                violation_error_message="An event cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=~Q(status=PublicationStatus.PUBLISHED) | Q(published_at__isnull=False),
                name="event_public_has_published_at",
            ),
            models.CheckConstraint(
                condition=Q(ongoing=False) | Q(end_date__isnull=True),
                name="event_ongoing_has_no_end",
                violation_error_message="An ongoing event has no end date.",
            ),
            # The diplomatic kinds (DIPLOMATIC_KINDS) carry a CAMEO code, the others none.
            models.CheckConstraint(
                condition=(Q(kind__in=_DIPLOMATIC) & ~Q(cameo_code=""))
                | (~Q(kind__in=_DIPLOMATIC) & Q(cameo_code="")),
                name="event_cameo_code_for_diplomatic_kinds",
                violation_error_message=(
                    "A diplomatic event (call, visit, meeting, multilateral debate) needs a "
                    "CAMEO code, and only a diplomatic event has one."
                ),
            ),
        ]
        indexes = [
            # Event list and date pages: published events by date.
            models.Index(fields=["status", "start_date"], name="event_status_date_idx"),
            # The kind filter and facet.
            models.Index(fields=["kind", "start_date"], name="event_kind_date_idx"),
            # The list's facets (kinds, places) and counts, with or without dates, read
            # this and never the rows with their descriptions.
            models.Index(
                fields=["status", "kind", "place", "start_date", "end_date", "ongoing"],
                name="event_status_facets_idx",
            ),
            # Feeds: public events, the latest to become public first.
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status=PublicationStatus.PUBLISHED),
                name="event_public_feed_idx",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title)[:200]
        kwargs["update_fields"] = first_public_time(
            self, public=self.is_public, update_fields=kwargs.get("update_fields")
        )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return path_for("articles:event", self.slug)

    @property
    def is_public(self) -> bool:
        return self.status == PublicationStatus.PUBLISHED

    def clean(self):
        super().clean()
        # Before the constraints are validated: a published event has its time.
        first_public_time(self, public=self.is_public, update_fields=None)
        if self.ongoing and self.end_date is not None:
            raise ValidationError(
                {"end_date": "An ongoing event has no end date: empty it, or untick “ongoing”."}
            )
        if self.kind in self.DIPLOMATIC_KINDS and not self.cameo_code:
            raise ValidationError(
                {"cameo_code": f"A {self.get_kind_display().lower()} needs a CAMEO code."}
            )
        if self.kind not in self.DIPLOMATIC_KINDS and self.cameo_code:
            raise ValidationError(
                {
                    "cameo_code": "Only a diplomatic event (call, visit, meeting, multilateral "
                    "debate) has a CAMEO code; leave it empty."
                }
            )
        if self.end_date is not None:
            # An end known to the month or the year is stored as the last day it may be,
            # so a period query (`between`) sees the whole span the event may cover.
            self.end_date = dates.last_day(self.end_date, self.end_date_precision)

    @property
    def is_diplomatic(self) -> bool:
        return self.kind in self.DIPLOMATIC_KINDS

    @property
    def acled_event_type(self) -> str:
        return self.ACLED_TYPES.get(self.kind, ("", ""))[0]

    @property
    def acled_sub_event_type(self) -> str:
        return self.ACLED_TYPES.get(self.kind, ("", ""))[1]

    @classmethod
    def kinds_of_acled_type(cls, event_type: str) -> list[str]:
        return [kind for kind, (type_, _) in cls.ACLED_TYPES.items() if type_ == event_type]

    @classmethod
    def grouped_kind_choices(cls) -> list[tuple[str, list[tuple[str, str]]]]:
        """The kinds grouped by ACLED event type, then the diplomatic kinds, then `other`."""
        groups = [
            (
                event_type,
                [
                    (k.value, k.label)
                    for k in cls.Kind
                    if cls.ACLED_TYPES.get(k, ("",))[0] == event_type
                ],
            )
            for event_type in cls.ACLED_EVENT_TYPES
        ]
        groups.append(("Diplomatic (CAMEO)", [(k.value, k.label) for k in cls.DIPLOMATIC_KINDS]))
        groups.append(("Other", [(cls.Kind.OTHER.value, cls.Kind.OTHER.label)]))
        return groups


class EventParticipant(models.Model):
    """An actor's part in an event: who initiated it, who was its target."""

    class Role(models.TextChoices):
        INITIATOR = "initiator", "Initiator"
        TARGET = "target", "Target"
        PARTICIPANT = "participant", "Participant"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participations")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.PARTICIPANT)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "actor__name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "actor"], name="participant_once_per_event"),
        ]

    def __str__(self):
        return f"{self.actor} ({self.get_role_display()}) in {self.event}"


class StatementEventQuerySet(models.QuerySet):
    def public(self):
        """The accounts the public sees: of a public statement, about a public event."""
        return self.filter(statement__is_public=True, event__status=PublicationStatus.PUBLISHED)

    def with_figure(self):
        return self.exclude(claimed_figure=None)

    def public_link_values(self, statement_ids) -> dict[int, list[dict]]:
        """The links of these statements to public events, as plain values by statement
        id, in the order the exports write them: one query. (Links of a draft statement
        are the caller's to leave out: it asks for public statements.)

        Ordered by statement first: the planner then starts from the links of these
        statements. Ordered by event date alone, SQLite walked every published event in
        date order and probed each for all the statements (0.8 s a chunk of 2,000 on
        100,000 statements, against 4 ms)."""
        rows = (
            self.filter(
                Among(F("statement_id"), statement_ids), event__status=PublicationStatus.PUBLISHED
            )
            .order_by("statement_id", "event__start_date", "event__title", "stance", "figure_kind")
            .values(
                "statement_id",
                "event__slug",
                "stance",
                "figure_kind",
                "claimed_figure",
                "claimed_figure_max",
            )
        )
        links: dict[int, list[dict]] = {}
        for row in rows:
            links.setdefault(row["statement_id"], []).append(row)
        return links

    def for_accounts(self):
        """What an account shows: the statement as a card does, and the event."""
        return self.select_related(
            "event",
            "statement__speaker",
            "statement__on_behalf_of",
            "statement__article__outlet",
        ).prefetch_related(speaker_roles_prefetch("statement__speaker"))


class StatementEvent(models.Model):
    """A statement's account of an event: its stance, and the figure it claims, if any.

    Competing accounts of one event are these links, side by side: who claims, denies or
    condemns what, and how many killed, injured, held or displaced each side says.
    """

    class Stance(models.TextChoices):
        CLAIMS = "claims", "Claims"
        DENIES = "denies", "Denies"
        CONFIRMS = "confirms", "Confirms"
        CONDEMNS = "condemns", "Condemns"
        JUSTIFIES = "justifies", "Justifies"
        CALLS_FOR = "calls_for", "Calls for"
        DESCRIBES = "describes", "Describes"

    class FigureKind(models.TextChoices):
        KILLED = "killed", "Killed"
        INJURED = "injured", "Injured"
        HOSTAGES = "hostages", "Hostages"
        DISPLACED = "displaced", "Displaced"
        OTHER = "other", "Other"

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="event_links")
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="statement_links")
    stance = models.CharField(max_length=10, choices=Stance.choices, default=Stance.DESCRIBES)
    figure_kind = models.CharField(
        max_length=10,
        choices=FigureKind.choices,
        blank=True,
        help_text="What the claimed figure counts, when the statement gives one.",
    )
    claimed_figure = models.PositiveIntegerField(
        null=True, blank=True, help_text="The number claimed; the bottom of a range."
    )
    claimed_figure_max = models.PositiveIntegerField(
        null=True, blank=True, help_text='The top of a range ("between 40 and 50").'
    )
    note = models.CharField(max_length=500, blank=True)

    history = HistoricalRecords()
    objects = StatementEventQuerySet.as_manager()

    class Meta:
        ordering = ["event", "stance", "statement"]
        verbose_name = "statement about an event"
        verbose_name_plural = "statements about events"
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "event", "stance", "figure_kind"],
                name="statement_event_once",
                violation_error_message=(
                    "This statement already has this stance and figure on this event."
                ),
            ),
            models.CheckConstraint(
                condition=Q(figure_kind="", claimed_figure__isnull=True)
                | (~Q(figure_kind="") & Q(claimed_figure__isnull=False)),
                name="statement_event_figure_with_kind",
                violation_error_message="A claimed figure and what it counts go together.",
            ),
            models.CheckConstraint(
                condition=Q(claimed_figure_max__isnull=True)
                | Q(claimed_figure__isnull=False, claimed_figure_max__gte=F("claimed_figure")),
                name="statement_event_range",
                violation_error_message="The top of a range is at least its bottom.",
            ),
        ]
        indexes = [
            # An event's accounts, by stance; the stance filter and facet.
            models.Index(fields=["event", "stance"], name="statement_event_stance_idx"),
        ]

    def __str__(self):
        return f"{self.statement} {self.get_stance_display().lower()} {self.event}"

    @property
    def figure_range(self) -> str:
        """The number claimed: "12", "40–50" for a range; "" for none."""
        if self.claimed_figure is None:
            return ""
        number = f"{self.claimed_figure:,}"
        if self.claimed_figure_max is not None and self.claimed_figure_max != self.claimed_figure:
            number += f"–{self.claimed_figure_max:,}"
        return number

    @property
    def figure(self) -> str:
        """The claimed figure as it reads: "12 killed", "40–50 killed"; "" for none."""
        if self.claimed_figure is None:
            return ""
        return f"{self.figure_range} {self.get_figure_kind_display().lower()}"


class StatementTally(models.Model):
    """How many public statements have one value of a facet, among all or among those of
    one kind, channel, attribution state, language, month or day: kept by database
    triggers as the statements change (`articles/tallies.py`), never written by the
    application."""

    scope = models.CharField(max_length=20)
    scope_value = models.CharField(max_length=50)
    facet = models.CharField(max_length=20)
    facet_value = models.CharField(max_length=50)
    n = models.BigIntegerField()

    class Meta:
        constraints = [
            # The facet before the scope's values: a range of days or months reads one
            # facet's rows, not the thousands of speakers' between them.
            models.UniqueConstraint(
                fields=["scope", "facet", "scope_value", "facet_value"],
                name="statement_tally_facet_key",
            )
        ]

    def __str__(self):
        return f"{self.scope}={self.scope_value}: {self.facet}={self.facet_value} × {self.n}"


class CorrectionQuerySet(models.QuerySet):
    def for_record(self, record: "Article | Statement | Event | Actor"):
        """The public corrections of one record, oldest first: one query."""
        field = Correction.FIELD_FOR_MODEL[type(record)._meta.label]
        return self.filter(**{field: record})

    def for_article_page(self, article: Article):
        """Corrections of an article and of its public statements, oldest first: one query."""
        return self.filter(
            Q(article=article)
            | Q(statement__article=article, statement__status=PublicationStatus.PUBLISHED)
        )


def _exactly_one(*fields: str) -> Q:
    condition = Q()
    for chosen in fields:
        condition |= Q(**{f"{field}__isnull": field != chosen for field in fields})
    return condition


class Correction(models.Model):
    """A public note that the text of a published record was changed, and why.

    Recorded by the admin when an editor changes the text of a published article,
    statement or event (or of an actor, which is always public). Exactly one of the
    four links is set. The full before/after text is in the record's history.

    A published correction is part of the public record: the links PROTECT, so a record
    with corrections cannot be deleted (the admin says why); unpublish it instead.
    """

    FIELD_FOR_MODEL = {
        "articles.Article": "article",
        "articles.Statement": "statement",
        "articles.Event": "event",
        "actors.Actor": "actor",
    }

    article = models.ForeignKey(
        Article, on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    statement = models.ForeignKey(
        Statement, on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    actor = models.ForeignKey(
        Actor, on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    note = models.CharField(
        max_length=300, help_text="One line for readers: what was corrected and why."
    )
    changed_fields = models.CharField(
        "changed fields", max_length=200, blank=True, help_text="E.g. body, title."
    )
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="corrections",
    )
    created_at = models.DateTimeField("date", default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()
    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one("article", "statement", "event", "actor"),
                name="correction_links_exactly_one_record",
                violation_error_message="A correction belongs to exactly one record.",
            ),
            models.CheckConstraint(condition=~Q(note=""), name="correction_note_not_empty"),
        ]
        # The detail pages look corrections up by their record: the foreign-key indexes serve.

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d}: {self.note}"

    @property
    def record(self):
        return self.article or self.statement or self.event or self.actor
