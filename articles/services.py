"""Writes that touch several rows: the demo archive, publishing, corrections, editors, merges."""

import dataclasses
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_update_with_history

from actors.models import Actor, Alias, FormerSlug, Role

from . import demo, freshness, quotes
from .models import (
    Article,
    Correction,
    Event,
    EventParticipant,
    Outlet,
    Place,
    PublicationStatus,
    Statement,
    StatementEvent,
)


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _save(instance):
    instance.full_clean()
    instance.save()
    return instance


def version_move_on(instance: models.Model) -> None:
    """Before saving a changed row that exists: move its version on, so that an editor
    who opened it earlier gets a conflict rather than saving the old values over it."""
    if not instance._state.adding and hasattr(instance, "version"):
        instance.version += 1


def _upsert(model, lookup: dict, values: dict):
    """Create or update one row by its natural key, validating it first."""
    instance = model.objects.filter(**lookup).first() or model(**lookup)
    changed = instance._state.adding
    for field, value in values.items():
        if changed or getattr(instance, field) != value:
            setattr(instance, field, value)
            changed = True
    # Saving an unchanged row would only add a history entry: skip it.
    if not changed:
        return instance
    version_move_on(instance)
    return _save(instance)


@transaction.atomic
@freshness.bulk()
def demo_load() -> dict[str, int]:
    """Load the seed article, fully annotated. Running it again changes nothing."""
    actors: dict[str, Actor] = {}
    for slug, name, kind, country, parent, wikidata_id, description, aliases in demo.ACTORS:
        actor = _upsert(
            Actor,
            {"slug": slug},
            {
                "name": name,
                "kind": kind,
                "country": country,
                "parent": actors[parent] if parent else None,
                "wikidata_id": wikidata_id,
                "description": description,
            },
        )
        actors[slug] = actor
        for alias in aliases:
            Alias.objects.get_or_create(actor=actor, name=alias)

    for person, title, organisation, start, end in demo.ROLES:
        _upsert(
            Role,
            {"person": actors[person], "title": title, "start_date": _date(start)},
            {"organisation": actors[organisation], "end_date": _date(end)},
        )

    places: dict[str, Place] = {}
    for slug, name, kind, parent, latitude, longitude in demo.PLACES:
        places[slug] = _upsert(
            Place,
            {"slug": slug},
            {
                "name": name,
                "kind": kind,
                "parent": places[parent] if parent else None,
                "latitude": Decimal(latitude) if latitude else None,
                "longitude": Decimal(longitude) if longitude else None,
            },
        )

    outlet = _upsert(Outlet, {"slug": demo.OUTLET["slug"]}, demo.OUTLET)
    article = _upsert(
        Article,
        {"slug": demo.ARTICLE["slug"]},
        {
            **demo.ARTICLE,
            "published_on": _date(demo.ARTICLE["published_on"]),
            "outlet": outlet,
            "status": PublicationStatus.PUBLISHED,
        },
    )
    article.mentioned_actors.set([actors[slug] for slug in demo.MENTIONED_IN_ARTICLE])

    events: dict[str, Event] = {}
    for data in demo.EVENTS:
        event = _upsert(
            Event,
            {"slug": data["slug"]},
            {
                "title": data["title"],
                "kind": data["kind"],
                "cameo_code": data.get("cameo_code", ""),
                "start_date": _date(data["start_date"]),
                "date_precision": data["date_precision"],
                "ongoing": data.get("ongoing", False),
                "place": places[data["place"]] if data["place"] else None,
                "description": data["description"],
                "status": PublicationStatus.PUBLISHED,
            },
        )
        event.articles.set([article])
        for actor_slug, role in data["participants"]:
            EventParticipant.objects.update_or_create(
                event=event, actor=actors[actor_slug], defaults={"role": role}
            )
        events[data["slug"]] = event

    for data in demo.STATEMENTS:
        statement = _upsert(
            Statement,
            {"article": article, "speaker": actors[data["speaker"]], "text": data["text"]},
            {
                "on_behalf_of": actors[data["on_behalf_of"]] if data["on_behalf_of"] else None,
                "primary_source_issuer": actors[data["issuer"]] if data.get("issuer") else None,
                "kind": data["kind"],
                "channel": data["channel"],
                "said_on": _date(data["said_on"]) or article.published_on,
                "language": "en",
                "status": PublicationStatus.PUBLISHED,
            },
        )
        statement.mentioned_actors.set([actors[slug] for slug in data["mentioned"]])
        for event_slug, stance in data["events"]:
            StatementEvent.objects.update_or_create(
                statement=statement, event=events[event_slug], defaults={"stance": stance}
            )

    return {
        "actors": len(actors),
        "places": len(places),
        "articles": 1,
        "events": len(events),
        "statements": len(demo.STATEMENTS),
    }


EDITORS_GROUP = "Editors"


def _records_set_status(*, records: QuerySet, status: str, user: AbstractBaseUser | None) -> int:
    model = records.model
    # Lock the plain rows: the caller's queryset may carry outer joins (an admin
    # changelist's select_related), which PostgreSQL cannot lock.
    ids = list(records.values_list("pk", flat=True))
    rows = list(
        model.objects.select_for_update().filter(pk__in=ids).exclude(status=status).order_by("pk")
    )
    now = timezone.now()
    fields = ["status", "updated_at"]
    for row in rows:
        row.status = status
        row.updated_at = now
    if model is not Statement and status == PublicationStatus.PUBLISHED:
        # The first time an article or event becomes public; a statement's follows from
        # its article's too, and sync_public() below sets it.
        fields.append("published_at")
        for row in rows:
            row.published_at = row.published_at or now
    if rows and hasattr(model, "version"):
        # A change of status is an edit: an editor who opened the record earlier must
        # not silently put the old status back (see ArticleAdmin's optimistic locking).
        model.objects.filter(pk__in=[row.pk for row in rows]).update(version=F("version") + 1)
        for row in rows:
            row.version += 1
    if rows:
        bulk_update_with_history(rows, model, fields, default_user=user)
        # Which statements are public follows from the new statuses (Statement.is_public).
        changed = [row.pk for row in rows]
        if model is Article:
            Statement.objects.filter(article__in=changed).sync_public()
        elif model is Statement:
            Statement.objects.filter(pk__in=changed).sync_public()
        freshness.advance()
    return len(rows)


@transaction.atomic
def records_publish(*, records: QuerySet, user: AbstractBaseUser | None = None) -> int:
    """Publish the draft articles, statements or events among `records`; return how many.

    Each change is recorded in the history with `user`. A statement becomes public only
    once its article is published too.
    """
    return _records_set_status(records=records, status=PublicationStatus.PUBLISHED, user=user)


@transaction.atomic
def records_unpublish(*, records: QuerySet, user: AbstractBaseUser | None = None) -> int:
    """Return the published records among `records` to draft; return how many."""
    return _records_set_status(records=records, status=PublicationStatus.DRAFT, user=user)


@transaction.atomic
def correction_record(
    *,
    record: models.Model,
    note: str,
    changed_fields: list[str],
    editor: AbstractBaseUser | None = None,
) -> Correction:
    """Record a public correction note for a changed published record."""
    field = Correction.FIELD_FOR_MODEL[record._meta.label]
    correction = Correction(
        **{field: record},
        note=note.strip(),
        changed_fields=", ".join(changed_fields),
        editor=editor if editor is not None and editor.is_authenticated else None,
    )
    return _save(correction)


@transaction.atomic
def article_mention_add(*, article: Article, actor: Actor) -> bool:
    """Link `actor` to `article` as mentioned; False when it already was.

    Bumps the article's version: an editor who has the article open elsewhere would
    otherwise save their older list of mentions over this one.
    """
    if article.mentioned_actors.filter(pk=actor.pk).exists():
        return False
    Article.objects.filter(pk=article.pk).update(version=F("version") + 1)
    article.refresh_from_db(fields=["version"])
    article.mentioned_actors.add(actor)  # recorded in the article's history
    return True


def _free_actor_slug(name: str) -> str:
    """The slug of `name`, numbered when an actor has it or had it (a merged actor's
    address keeps leading to the actor it became)."""
    base = slugify(name)[:190] or "actor"
    taken = {
        *Actor.objects.filter(slug__startswith=base).values_list("slug", flat=True),
        *FormerSlug.objects.filter(slug__startswith=base).values_list("slug", flat=True),
    }
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def actor_create_mentioned(*, article: Article, name: str, kind: str) -> Actor:
    """Create the actor `name` of `kind` and link it to `article` as mentioned.

    For a name the article's text gives that no actor has yet; refuses (ValidationError)
    a name that is already an actor's name or alias, so that one click cannot make a
    second "António Guterres". Recorded in the actor's and the article's history.
    """
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Give the actor's name."})
    if existing := Actor.objects.named(name):
        raise ValidationError(
            {
                "name": f"“{name}” is already in the archive as {existing.name}: add it to the "
                "actors mentioned instead."
            }
        )
    actor = _save(Actor(name=name, kind=kind, slug=_free_actor_slug(name)))
    article_mention_add(article=article, actor=actor)
    return actor


@transaction.atomic
def article_quote_record(*, article: Article, speaker: Actor, text: str) -> Statement:
    """Record a quoted passage of `article` as a draft quote by `speaker`.

    Said on the article's date, in the article's language. Raises ValidationError,
    nothing saved, when the text is not in the article's body.
    """
    return _save(
        Statement(
            article=article,
            speaker=speaker,
            text=quotes.strip_quote_marks(text),
            kind=Statement.Kind.QUOTE,
            language=article.language,
        )
    )


@transaction.atomic
def statement_event_link(
    *, statement: Statement, event: Event, stance: str = StatementEvent.Stance.DESCRIBES
) -> bool:
    """Link `statement` to `event` with `stance` and no figure; False when it already was.

    Bumps the statement's version, as an edit of its events on its own page does: an
    editor who has the statement open elsewhere then gets a conflict rather than saving
    their older list of events over this one. The link is recorded in its history.
    """
    if StatementEvent.objects.filter(
        statement=statement, event=event, stance=stance, figure_kind=""
    ).exists():
        return False
    _save(StatementEvent(statement=statement, event=event, stance=stance))
    Statement.objects.filter(pk=statement.pk).update(version=F("version") + 1)
    statement.refresh_from_db(fields=["version"])
    return True


@dataclass(frozen=True)
class QuoteMismatch:
    statement: Statement
    closest: str


def quotes_check(*, statements: QuerySet | None = None) -> list[QuoteMismatch]:
    """Every quote whose text is no longer found in its article's body (drafts included).

    The body is searched afresh, not read from the stored passage, once per article.
    """
    if statements is None:
        statements = Statement.objects.all()
    mismatches = []
    rows = statements.filter(kind=Statement.Kind.QUOTE).select_related("article", "speaker")
    article, body = None, None
    for statement in rows.order_by("article_id", "pk").iterator(chunk_size=500):
        if statement.article_id != getattr(article, "pk", None):
            article = statement.article
            body = quotes.Body(article.body)
        if body.find(statement.text) is None:
            closest = quotes.closest_passage(article.body, statement.text)
            mismatches.append(QuoteMismatch(statement=statement, closest=closest))
    return mismatches


@transaction.atomic
def editor_create(*, username: str, email: str, password: str) -> AbstractBaseUser:
    """A staff user in the Editors group: may edit archive records, not users.

    The password is checked by the project's password validators first.
    """
    User = get_user_model()
    user = User(username=username, email=email, is_staff=True, is_active=True)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    return user


# Merging duplicate actors ------------------------------------------------------------


@dataclass
class MergePlan:
    """What merging `drop` into `keep` moves, as readable lines per kind of link."""

    keep: Actor
    drop: Actor
    moves: list[tuple[str, list[str]]] = dataclasses.field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(len(items) for _, items in self.moves)


def _check_merge(keep: Actor, drop: Actor) -> None:
    if keep.pk == drop.pk:
        raise ValidationError("Choose two different actors to merge.")


def actor_merge_plan(*, keep: Actor, drop: Actor) -> MergePlan:
    """List everything `actor_merge` would move from `drop` to `keep`, changing nothing."""
    _check_merge(keep, drop)
    mentions = Statement.mentioned_actors.through.objects.filter(actor=drop)
    shared = set(EventParticipant.objects.filter(actor=keep).values_list("event_id", flat=True))
    plan = MergePlan(keep=keep, drop=drop)
    plan.moves = [
        (
            "Statements spoken",
            [str(s) for s in Statement.objects.filter(speaker=drop).select_related("speaker")],
        ),
        (
            "Statements made on behalf of",
            [str(s) for s in Statement.objects.filter(on_behalf_of=drop).select_related("speaker")],
        ),
        (
            "Mentions in statements",
            [
                str(s)
                for s in Statement.objects.filter(
                    pk__in=mentions.values("statement_id")
                ).select_related("speaker")
            ],
        ),
        ("Mentions in articles", [str(a) for a in Article.objects.filter(mentioned_actors=drop)]),
        (
            "Event participations",
            [
                f"{p.event} ({p.get_role_display()})"
                + (" — already a participant: not duplicated" if p.event_id in shared else "")
                for p in EventParticipant.objects.filter(actor=drop).select_related("event")
            ],
        ),
        (
            "Roles",
            [str(r) for r in Role.objects.filter(person=drop).select_related("organisation")],
        ),
        (
            "Roles held in it",
            [str(r) for r in Role.objects.filter(organisation=drop).select_related("person")],
        ),
        ("Parts of it", [str(a) for a in Actor.objects.filter(parent=drop)]),
        ("Aliases", [a.name for a in drop.aliases.all()] + [f"{drop.name} (its name)"]),
        ("Corrections", [str(c) for c in Correction.objects.filter(actor=drop)]),
    ]
    return plan


@transaction.atomic
@freshness.bulk()
def actor_merge(*, keep: Actor, drop: Actor, user: AbstractBaseUser | None = None) -> MergePlan:
    """Merge the duplicate `drop` into `keep`, then delete `drop`.

    Every statement (as speaker, on behalf of, or mentioned), article mention, event
    participation, role, child organisation, alias and correction moves to `keep`;
    `drop`'s name becomes an alias of `keep`. Where `keep` already has the same link
    (the same event, the same mention, the same alias) the duplicate is dropped.
    `keep` takes `drop`'s Wikidata ID, description and country where it has none.
    All in one transaction: either everything moves or nothing does.
    """
    keep = Actor.objects.select_for_update().get(pk=keep.pk)
    drop = Actor.objects.select_for_update().get(pk=drop.pk)
    plan = actor_merge_plan(keep=keep, drop=drop)
    reason = f"Merged actor “{drop.name}” (#{drop.pk}) into “{keep.name}” (#{keep.pk})"

    statements = list(
        Statement.objects.select_for_update().filter(Q(speaker=drop) | Q(on_behalf_of=drop))
    )
    for statement in statements:
        statement.version += 1  # an editor with the statement open must not save over this
        if statement.speaker_id == drop.pk:
            statement.speaker = keep
        if statement.on_behalf_of_id == drop.pk:
            statement.on_behalf_of = keep
    if statements:
        bulk_update_with_history(
            statements,
            Statement,
            ["speaker", "on_behalf_of", "version"],
            default_user=user,
            default_change_reason=reason,
        )

    for through, owner in (
        (Statement.mentioned_actors.through, "statement_id"),
        (Article.mentioned_actors.through, "article_id"),
    ):
        already = through.objects.filter(actor=keep).values(owner)
        through.objects.filter(actor=drop, **{f"{owner}__in": already}).delete()
        through.objects.filter(actor=drop).update(actor=keep)

    already = EventParticipant.objects.filter(actor=keep).values("event_id")
    EventParticipant.objects.filter(actor=drop, event_id__in=already).delete()
    # Moved rows move their versions on: a form opened before the merge is refused.
    moved = {"version": F("version") + 1}
    EventParticipant.objects.filter(actor=drop).update(actor=keep, **moved)

    Role.objects.filter(person=drop).update(person=keep, **moved)
    Role.objects.filter(organisation=drop).update(organisation=keep, **moved)
    Correction.objects.filter(actor=drop).update(actor=keep, **moved)
    Actor.objects.filter(parent=drop).exclude(pk=keep.pk).update(parent=keep, **moved)

    keep_names = {
        keep.name.casefold(),
        *(n.casefold() for n in keep.aliases.values_list("name", flat=True)),
    }
    for alias in drop.aliases.all():
        if alias.name.casefold() in keep_names:
            alias.delete()
        else:
            keep_names.add(alias.name.casefold())
            alias.actor = keep
            version_move_on(alias)
            alias.full_clean()
            alias.save()
    if drop.name.casefold() not in keep_names:
        Alias(actor=keep, name=drop.name).save()

    if keep.parent_id == drop.pk:
        keep.parent_id = drop.parent_id if drop.parent_id != keep.pk else None
    wikidata_id = drop.wikidata_id
    for name in ("description", "country"):
        if not getattr(keep, name):
            setattr(keep, name, getattr(drop, name))

    # The dropped actor's address, and those it had itself inherited, lead to `keep`.
    FormerSlug.objects.filter(actor=drop, slug=keep.slug).delete()
    FormerSlug.objects.filter(actor=drop).update(actor=keep)
    former_slug = drop.slug
    drop._change_reason = reason
    drop.delete()
    FormerSlug.objects.create(slug=former_slug, actor=keep)
    if not keep.wikidata_id and wikidata_id:
        keep.wikidata_id = wikidata_id
    keep._change_reason = reason
    if user is not None:
        keep._history_user = user
    version_move_on(keep)
    keep.full_clean()
    keep.save()
    return plan
