import datetime
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from .links import path_for

WIKIDATA_ID_REGEX = r"^Q[1-9][0-9]*$"
COUNTRY_CODE_REGEX = r"^[A-Z]{2}$"


class ActorQuerySet(models.QuerySet):
    def for_listing(self):
        return self.select_related("parent")

    def for_detail(self):
        return self.select_related("parent").prefetch_related(
            "aliases",
            "children",
            "corrections",
            models.Prefetch("roles", queryset=Role.objects.select_related("organisation")),
        )

    def for_export(self):
        """The joins the export columns read: the parent, and aliases by name."""
        return (
            self.select_related("parent")
            .prefetch_related(None)
            .prefetch_related(
                models.Prefetch(
                    "aliases", queryset=Alias.objects.order_by("name"), to_attr="export_aliases"
                )
            )
        )

    def named(self, text: str) -> "Actor | None":
        """The actor a reader means by `text`: its slug, else its name, else an alias
        (case-insensitive). One query; None when nothing matches."""
        text = text.strip()
        if not text:
            return None
        exact = models.Q(slug=text)
        by_name = models.Q(name__iexact=text)
        by_alias = models.Q(aliases__name__iexact=text)
        return (
            self.filter(exact | by_name | by_alias)
            .annotate(
                preference=models.Case(
                    models.When(exact, then=0), models.When(by_name, then=1), default=2
                )
            )
            .order_by("preference", "name", "pk")
            .first()
        )

    def suggested(self, text: str, *, limit: int = 10):
        """Actors whose name or an alias contains `text`, names starting with it first."""
        text = text.strip()
        matching = self.filter(
            models.Q(name__icontains=text) | models.Q(aliases__name__icontains=text)
        ).distinct()
        return matching.annotate(
            starts=models.Case(models.When(name__istartswith=text, then=0), default=1)
        ).order_by("starts", "name", "pk")[:limit]

    def load_parents(self, actors: "list[Actor]", *, levels: int = 10) -> None:
        """Load each actor's chain of parent organisations, one query per level of the
        tree (not per actor); afterwards walking `.parent` up asks nothing more.

        Parents already loaded (`select_related("parent")`) are not read again. The
        organisation tree has no cycles (`Actor.clean`); `levels` bounds the walk all the
        same.
        """
        level = list(actors)
        known = {actor.pk: actor for actor in level}
        for _ in range(levels):
            missing = {
                actor.parent_id
                for actor in level
                if actor.parent_id
                and actor.parent_id not in known
                and not Actor.parent.is_cached(actor)
            }
            if missing:
                known.update((a.pk, a) for a in self.filter(pk__in=missing).defer("description"))
            above = []
            for actor in level:
                if actor.parent_id is None:
                    continue
                if not Actor.parent.is_cached(actor):
                    actor.parent = known[actor.parent_id]
                above.append(actor.parent)
            level = above
            if not level:
                return

    def people(self):
        return self.filter(kind=Actor.Kind.PERSON)

    def organisations(self):
        return self.exclude(kind=Actor.Kind.PERSON)


class Actor(models.Model):
    """Anyone who acts, speaks or is spoken about: a person, a state, an organisation."""

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        STATE = "state", "State"
        GOVERNMENT_BODY = "government_body", "Government body"
        MILITARY = "military", "Military"
        ARMED_GROUP = "armed_group", "Armed group"
        INTERNATIONAL_ORG = "international_org", "International organisation"
        NGO = "ngo", "NGO"
        MEDIA = "media", "Media"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PERSON)
    description = models.TextField(blank=True)
    country = models.CharField(
        max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code, e.g. GB, US, IL."
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="The organisation this one is part of (Israel Air Force: Israel Defense Forces).",
    )
    wikidata_id = models.CharField(
        "Wikidata ID", max_length=20, blank=True, help_text="Q followed by digits, e.g. Q6279."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Optimistic locking: every save through the admin or an import moves it on. A
    # database default too: the apps' migrations insert actors at older states.
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ActorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["wikidata_id"],
                condition=~Q(wikidata_id=""),
                name="actor_wikidata_id_unique_when_set",
            ),
            models.CheckConstraint(
                condition=Q(wikidata_id="") | Q(wikidata_id__regex=WIKIDATA_ID_REGEX),
                name="actor_wikidata_id_format",
                violation_error_message="A Wikidata ID is Q followed by digits, e.g. Q6279.",
            ),
            models.CheckConstraint(
                condition=Q(country="") | Q(country__regex=COUNTRY_CODE_REGEX),
                name="actor_country_iso_alpha2",
                violation_error_message="Country is a two-letter ISO 3166 code in capitals.",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="actor_not_own_parent",
                violation_error_message="An actor cannot be its own parent.",
            ),
        ]
        indexes = [
            # Actor list filtered by kind and country, ordered by name.
            models.Index(fields=["kind", "name"], name="actor_kind_name_idx"),
            models.Index(fields=["country"], name="actor_country_idx"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:200]
        self.country = self.country.upper()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return path_for("actors:detail", self.slug)

    def clean(self):
        super().clean()
        # Refuse cycles in the organisation tree, not only the direct self-reference.
        ancestor, seen = self.parent, set()
        while ancestor is not None and self.pk is not None:
            if ancestor.pk == self.pk:
                raise ValidationError({"parent": "This would make the actor part of itself."})
            if ancestor.pk in seen:
                break
            seen.add(ancestor.pk)
            ancestor = ancestor.parent
        # A merged actor's slug keeps leading to the actor it became: citations of it
        # must not start naming someone else.
        taken = FormerSlug.objects.filter(slug=self.slug).exclude(actor_id=self.pk)
        if self.slug and (former := taken.select_related("actor").first()):
            raise ValidationError(
                {
                    "slug": f"“{self.slug}” was the address of an actor merged into "
                    f"{former.actor.name}; its citations lead there. Choose another slug."
                }
            )

    def chain(self) -> "list[Actor]":
        """The actor and the organisations above it, up to the top one (parents loaded by
        `Actor.objects.load_parents`, else read one by one)."""
        chain, seen = [self], {self.pk}
        while chain[-1].parent_id is not None and chain[-1].parent_id not in seen:
            seen.add(chain[-1].parent_id)
            chain.append(chain[-1].parent)
        return chain

    @property
    def is_person(self) -> bool:
        return self.kind == self.Kind.PERSON

    def role_on(self, date: datetime.date) -> "Role | None":
        """The role this person held on `date`; on a hand-over day, the newer role.

        Uses prefetched roles when they are loaded, so a page that prefetches
        `roles` asks the database nothing more.
        """
        return role_on(self.roles.all(), date)


def role_on(roles, date: datetime.date | None) -> "Role | HeldRole | None":
    """Of these roles (`Role` or `HeldRole`), the one held on `date`; on a hand-over day,
    the newer role."""
    if date is None:
        return None
    held = [role for role in roles if role.covers(date)]
    return max(held, key=lambda role: role.start_date) if held else None


class FormerSlug(models.Model):
    """A slug an actor was known by: the page of an actor merged into this one.

    Citations point at /actors/<slug>/; after a merge the old address answers 301 to
    the actor it became, on this installation and on any that imports the archive.
    """

    slug = models.SlugField(max_length=200, unique=True)
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="former_slugs")

    class Meta:
        ordering = ["slug"]

    def __str__(self):
        return f"{self.slug} → {self.actor.slug}"


class Alias(models.Model):
    """Another spelling or handle of an actor: "Antony J. Blinken", "@SecBlinken"."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "aliases"
        constraints = [
            models.UniqueConstraint(fields=["actor", "name"], name="alias_unique_per_actor"),
        ]
        indexes = [
            # Actor suggestions and search look aliases up by name.
            models.Index(fields=["name"], name="alias_name_idx"),
        ]

    def __str__(self):
        return self.name


class RoleQuerySet(models.QuerySet):
    def on(self, date: datetime.date):
        return self.filter(start_date__lte=date).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=date)
        )

    def held_by(self, actor_ids) -> dict[int, list["HeldRole"]]:
        """The roles of these actors by actor, as plain values (`role_on()` reads them as
        it reads roles): one query, no model object per role."""
        roles: dict[int, list[HeldRole]] = {}
        found = (
            self.filter(person_id__in=actor_ids)
            .order_by()
            .values_list("person_id", "start_date", "end_date", "title", "organisation__name")
        )
        for person_id, start_date, end_date, title, organisation in found:
            held = HeldRole(start_date, end_date, role_label(title, organisation))
            roles.setdefault(person_id, []).append(held)
        return roles


class HeldRole(NamedTuple):
    """A role's dates and label, read as plain values (an export's million rows)."""

    start_date: datetime.date
    end_date: datetime.date | None
    label: str

    def covers(self, date: datetime.date) -> bool:
        return held_on(self.start_date, self.end_date, date)


def held_on(start_date: datetime.date, end_date: datetime.date | None, date: datetime.date) -> bool:
    """Whether a role from `start_date` to `end_date` (None: still held) covers `date`."""
    return start_date <= date and (end_date is None or date <= end_date)


def role_label(title: str, organisation: str | None) -> str:
    """ "Foreign Secretary, Foreign, Commonwealth & Development Office"."""
    return f"{title}, {organisation}" if organisation else title


class Role(models.Model):
    """A position a person held, with dates: Wikidata's "position held" (P39)."""

    person = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="roles")
    organisation = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="member_roles",
    )
    title = models.CharField(max_length=200, help_text='E.g. "Foreign Secretary".')
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="Empty while the role is held.")
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = RoleQuerySet.as_manager()

    class Meta:
        ordering = ["person__name", "-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="role_end_after_start",
                violation_error_message="A role cannot end before it starts.",
            ),
        ]
        indexes = [
            # role_on(): a person's roles by date.
            models.Index(fields=["person", "start_date"], name="role_person_start_idx"),
        ]

    def __str__(self):
        where = f", {self.organisation}" if self.organisation_id else ""
        return f"{self.person}: {self.title}{where}"

    def covers(self, date: datetime.date) -> bool:
        return held_on(self.start_date, self.end_date, date)

    @property
    def is_current(self) -> bool:
        return self.end_date is None

    @property
    def label(self) -> str:
        return role_label(self.title, self.organisation.name if self.organisation_id else None)
