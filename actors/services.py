"""Writes that touch several rows of the actors app: merging duplicate actors."""

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from simple_history.utils import bulk_update_with_history

from articles.models import Article, Correction, EventParticipant, Statement

from .models import Actor, Alias, Role


@dataclass
class MergePlan:
    """What merging `drop` into `keep` moves, as readable lines per kind of link."""

    keep: Actor
    drop: Actor
    moves: list[tuple[str, list[str]]] = field(default_factory=list)

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
    EventParticipant.objects.filter(actor=drop).update(actor=keep)

    Role.objects.filter(person=drop).update(person=keep)
    Role.objects.filter(organisation=drop).update(organisation=keep)
    Correction.objects.filter(actor=drop).update(actor=keep)
    Actor.objects.filter(parent=drop).exclude(pk=keep.pk).update(parent=keep)

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

    drop._change_reason = reason
    drop.delete()
    if not keep.wikidata_id and wikidata_id:
        keep.wikidata_id = wikidata_id
    keep._change_reason = reason
    if user is not None:
        keep._history_user = user
    keep.full_clean()
    keep.save()
    return plan
