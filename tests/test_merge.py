"""Merging a duplicate actor into the one kept."""

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from actors.models import Actor, Alias, FormerSlug, Role
from articles.models import Correction, EventParticipant, Statement
from articles.services import actor_merge, actor_merge_plan

from .factories import (
    ActorFactory,
    AliasFactory,
    ArticleFactory,
    EventFactory,
    EventParticipantFactory,
    OrganisationFactory,
    RoleFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def duplicates():
    keep = ActorFactory(name="Antony Blinken", slug="antony-blinken")
    drop = ActorFactory(
        name="Tony Blinken", slug="tony-blinken", wikidata_id="Q311440", description="Dup."
    )
    AliasFactory(actor=keep, name="@SecBlinken")
    AliasFactory(actor=drop, name="@SecBlinken")  # the same alias on both
    AliasFactory(actor=drop, name="Antony J. Blinken")
    org = OrganisationFactory()
    both = EventFactory(title="Call")
    EventParticipantFactory(event=both, actor=keep)
    EventParticipantFactory(event=both, actor=drop)
    only_drop = EventFactory(title="Visit")
    EventParticipantFactory(event=only_drop, actor=drop, role=EventParticipant.Role.INITIATOR)
    article = ArticleFactory()
    article.mentioned_actors.add(keep, drop)
    other_article = ArticleFactory()
    other_article.mentioned_actors.add(drop)
    spoken = StatementFactory(speaker=drop, article=article)
    behalf = StatementFactory(on_behalf_of=drop)
    about = StatementFactory()
    about.mentioned_actors.add(drop, keep)
    RoleFactory(person=drop, organisation=org, title="Secretary of State")
    child = OrganisationFactory(parent=drop, kind="government_body")
    Correction.objects.create(actor=drop, note="Fixed the spelling.")
    return {
        "keep": keep,
        "drop": drop,
        "events": (both, only_drop),
        "articles": (article, other_article),
        "statements": (spoken, behalf, about),
        "child": child,
    }


def test_merge_moves_every_link_and_keeps_the_name_as_an_alias(duplicates, django_user_model):
    keep, drop = duplicates["keep"], duplicates["drop"]
    user = django_user_model.objects.create_user("maria")
    actor_merge(keep=keep, drop=drop, user=user)

    assert not Actor.objects.filter(pk=drop.pk).exists()
    keep.refresh_from_db()
    spoken, behalf, about = duplicates["statements"]
    spoken.refresh_from_db()
    behalf.refresh_from_db()
    assert spoken.speaker == keep and behalf.on_behalf_of == keep
    assert list(about.mentioned_actors.all()) == [keep]
    for article in duplicates["articles"]:
        assert list(article.mentioned_actors.all()) == [keep]
    both, only_drop = duplicates["events"]
    assert list(both.participants.all()) == [keep]
    assert only_drop.participations.get().actor == keep
    assert only_drop.participations.get().role == EventParticipant.Role.INITIATOR
    assert Role.objects.get(title="Secretary of State").person == keep
    duplicates["child"].refresh_from_db()
    assert duplicates["child"].parent == keep
    assert sorted(keep.aliases.values_list("name", flat=True)) == [
        "@SecBlinken",
        "Antony J. Blinken",
        "Tony Blinken",
    ]
    assert Correction.objects.get().actor == keep
    assert keep.wikidata_id == "Q311440" and keep.description == "Dup."
    assert keep.name == "Antony Blinken" and keep.slug == "antony-blinken"
    # Recorded in the history with who and why.
    latest = keep.history.first()
    assert (
        latest.history_user == user
        and "Merged actor “Tony Blinken”" in latest.history_change_reason
    )
    assert spoken.history.first().history_user == user


def test_merge_plan_lists_what_will_move_and_changes_nothing(duplicates):
    plan = actor_merge_plan(keep=duplicates["keep"], drop=duplicates["drop"])
    moves = dict(plan.moves)
    assert len(moves["Statements spoken"]) == 1
    assert len(moves["Statements made on behalf of"]) == 1
    assert len(moves["Mentions in articles"]) == 2
    assert sorted(moves["Event participations"]) == [
        "Call (Participant) — already a participant: not duplicated",
        "Visit (Initiator)",
    ]
    assert moves["Aliases"] == ["@SecBlinken", "Antony J. Blinken", "Tony Blinken (its name)"]
    assert Actor.objects.filter(pk=duplicates["drop"].pk).exists()


def test_an_actor_cannot_be_merged_into_itself(duplicates):
    with pytest.raises(ValidationError):
        actor_merge(keep=duplicates["keep"], drop=duplicates["keep"])


def test_merge_is_all_or_nothing(duplicates):
    """A failure half-way (here: the kept actor no longer validates) leaves everything as it was."""
    keep, drop = duplicates["keep"], duplicates["drop"]
    Actor.objects.filter(pk=keep.pk).update(slug="not a slug!")  # fails full_clean at the end
    with pytest.raises(ValidationError):
        actor_merge(keep=keep, drop=drop)
    assert Actor.objects.filter(pk=drop.pk).exists()
    assert Statement.objects.filter(speaker=drop).count() == 1
    assert drop.aliases.count() == 2
    assert not Alias.objects.filter(name="Tony Blinken").exists()


def test_admin_merge_shows_a_confirmation_then_merges(editor_client, duplicates):
    keep, drop = duplicates["keep"], duplicates["drop"]
    url = reverse("admin:actors_actor_changelist")
    selected = {"action": "merge_actors", "_selected_action": [keep.pk, drop.pk]}
    response = editor_client.post(url, {**selected, "keep": drop.pk})
    content = response.content.decode()
    assert response.status_code == 200
    assert "What moves from Antony Blinken to Tony Blinken" in content
    response = editor_client.post(url, {**selected, "keep": keep.pk})
    content = response.content.decode()
    assert "What moves from Tony Blinken to Antony Blinken" in content
    assert "Statements spoken: 1" in content
    assert "Visit (Initiator)" in content
    assert Actor.objects.filter(pk=drop.pk).exists()  # nothing changed yet

    response = editor_client.post(url, {**selected, "keep": keep.pk, "confirm": "yes"}, follow=True)
    assert "Merged “Tony Blinken” into “Antony Blinken”" in response.content.decode()
    assert not Actor.objects.filter(pk=drop.pk).exists()


@pytest.mark.parametrize("count", [1, 3])
def test_admin_merge_needs_exactly_two_actors(editor_client, count):
    actors = ActorFactory.create_batch(count)
    response = editor_client.post(
        reverse("admin:actors_actor_changelist"),
        {
            "action": "merge_actors",
            "_selected_action": [a.pk for a in actors],
            "confirm": "yes",
        },
        follow=True,
    )
    assert "Select exactly two actors to merge" in response.content.decode()
    assert Actor.objects.count() == count


@pytest.mark.parametrize("statements", [5, 200])
def test_merge_confirmation_query_count_does_not_grow(
    editor_client, django_assert_max_num_queries, statements
):
    keep, drop = ActorFactory(), ActorFactory()
    article = ArticleFactory()
    for _ in range(statements):
        StatementFactory(speaker=drop, article=article).mentioned_actors.add(drop)
    # session, user, permissions (2), the selected actors (count + rows), the plan: one
    # query per kind of link (10 incl. mentions subquery), and the aliases: about 18.
    with django_assert_max_num_queries(20):
        response = editor_client.post(
            reverse("admin:actors_actor_changelist"),
            {"action": "merge_actors", "_selected_action": [keep.pk, drop.pk], "keep": keep.pk},
        )
    assert f"Statements spoken: {statements}" in response.content.decode()


def test_a_merged_actors_page_redirects_to_the_actor_it_became(client):
    keep = ActorFactory(name="Antony Blinken", slug="antony-blinken")
    drop = ActorFactory(name="Antony J. Blinken", slug="antony-j-blinken")
    StatementFactory(speaker=drop)
    actor_merge(keep=keep, drop=drop)
    response = client.get("/actors/antony-j-blinken/?by_from=2023-01-01")
    assert response.status_code == 301
    assert response["Location"] == "/actors/antony-blinken/?by_from=2023-01-01"
    assert client.get(response["Location"]).status_code == 200
    # Merged again: both old addresses lead to the last actor standing.
    last = ActorFactory(name="Tony Blinken", slug="tony-blinken")
    actor_merge(keep=last, drop=keep)
    for old in ("antony-j-blinken", "antony-blinken"):
        assert client.get(f"/actors/{old}/")["Location"] == "/actors/tony-blinken/"
    assert client.get("/actors/never-existed/").status_code == 404


def test_a_new_actor_cannot_take_a_merged_actors_address():
    keep = ActorFactory(name="Hamas", slug="hamas")
    actor_merge(keep=keep, drop=ActorFactory(name="Hamas movement", slug="hamas-movement"))
    with pytest.raises(ValidationError, match="was the address of an actor merged into Hamas"):
        Actor(name="Someone else", slug="hamas-movement").full_clean()


def test_former_addresses_travel_in_the_archive(tmp_path):
    keep = ActorFactory(name="Hamas", slug="hamas")
    actor_merge(keep=keep, drop=ActorFactory(name="Hamas movement", slug="hamas-movement"))
    path = tmp_path / "archive.json"
    call_command("export_archive", "-o", str(path), stderr=io.StringIO())
    record = next(r for r in json.loads(path.read_text())["actors"] if r["slug"] == "hamas")
    assert record["former_slugs"] == ["hamas-movement"]
    FormerSlug.objects.all().delete()
    call_command("import_archive", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert FormerSlug.objects.get().actor == keep
