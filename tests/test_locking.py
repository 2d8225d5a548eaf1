"""No lost edit on any model an editor changes: two editors open the same record in the
real admin, the first saves, the second is refused with their text kept and the saved
values shown; saving again replaces on purpose. Imports and merges move versions on."""

import html
import io
import json

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from actors.models import Actor, Alias
from articles.formats.interchange import archive_export, archive_import
from articles.models import Correction, EventParticipant
from articles.services import actor_merge

from .admin_forms import admin_form_data
from .factories import (
    ActorFactory,
    AliasFactory,
    EventFactory,
    EventParticipantFactory,
    OutletFactory,
    PlaceFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db

CONFLICT = "Someone else saved this {} after you opened it by maria"
NOT_SAVED = "Your changes have NOT been saved"


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def page_text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def two_editors(editor, django_user_model):
    other = django_user_model.objects.create_user("sam", password="x", is_staff=True)
    other.groups.add(Group.objects.get(name="Editors"))
    return editor, other


def open_as(client, user, url) -> dict:
    client.force_login(user)
    return admin_form_data(client.get(url))


def save_as(client, user, url, data):
    client.force_login(user)
    return client.post(url, data)


# One case per model on its own admin page: the field both editors change, the record,
# and how the saved value reads in the conflict message.
def _actor():
    return ActorFactory(), "wikidata_id", ("Q1001", "Q1002")


def _alias():
    return AliasFactory(name="Abu Obeida"), "name", ("Abu Ubaida", "Abu Obaida")


def _role():
    return RoleFactory(title="Minister"), "title", ("Foreign Minister", "Defence Minister")


def _outlet():
    return OutletFactory(description=""), "description", ("A daily.", "A weekly.")


def _place():
    return PlaceFactory(name="Jabalia"), "name", ("Jabalia camp", "Jabaliya")


def _participation():
    participation = EventParticipantFactory(role=EventParticipant.Role.PARTICIPANT)
    return participation, "role", ("initiator", "target")


def _correction():
    correction = Correction.objects.create(actor=ActorFactory(), note="Fixed a name.")
    return correction, "note", ("Fixed the spelling of a name.", "Corrected a name.")


@pytest.mark.parametrize(
    "make", [_actor, _alias, _role, _outlet, _place, _participation, _correction]
)
def test_the_second_editor_is_refused_keeps_their_text_and_sees_theirs(client, two_editors, make):
    first_editor, second_editor = two_editors
    record, field, (first_value, second_value) = make()
    url = change_url(record)
    first = open_as(client, first_editor, url)
    second = open_as(client, second_editor, url)

    first[field] = first_value
    assert save_as(client, first_editor, url, first).status_code == 302

    second[field] = second_value
    response = save_as(client, second_editor, url, second)
    assert response.status_code == 200
    content = page_text(response)
    assert CONFLICT.format(record._meta.verbose_name) in content
    assert NOT_SAVED in content
    form = response.context["adminform"].form
    assert form[field].value() == second_value  # the editor's text is kept
    label = form[field].label
    shown = record._meta.get_field(field)
    if shown.choices:
        first_value = dict(shown.choices)[first_value]
    assert f"In the saved version, {label} reads: “{first_value}”" in content  # theirs
    record.refresh_from_db()
    assert str(getattr(record, field)) == first[field]  # nothing overwritten
    assert record.version == 2

    # Having read the message, the second editor saves again on purpose.
    again = admin_form_data(response)
    assert again["opened_version"] == "2"
    assert client.post(url, again).status_code == 302
    record.refresh_from_db()
    assert getattr(record, field) == second_value
    assert record.version == 3


def test_the_tracker_case_hamas_description_then_wikidata_id(client, two_editors, demo):
    """Two editors opened Hamas; the second, adding a Wikidata id, would silently have
    reverted the first one's new description."""
    first_editor, second_editor = two_editors
    hamas = Actor.objects.get(name="Hamas")
    old_description = hamas.description
    assert hamas.wikidata_id == ""
    url = change_url(hamas)
    first = open_as(client, first_editor, url)
    second = open_as(client, second_editor, url)

    new_description = "Palestinian Sunni Islamist movement; its armed wing is the Qassam Brigades."
    first["description"] = new_description
    first["correction_note"] = "Named the armed wing."
    assert save_as(client, first_editor, url, first).status_code == 302

    second["wikidata_id"] = "Q38799"
    response = save_as(client, second_editor, url, second)
    content = page_text(response)
    assert CONFLICT.format("actor") in content
    assert f"In the saved version, Description reads: “{new_description}”" in content
    assert "In the saved version, Wikidata ID is empty." in content
    form = response.context["adminform"].form
    assert form["wikidata_id"].value() == "Q38799"  # the editor's addition is kept
    assert form["description"].value() == old_description  # as they opened it
    hamas.refresh_from_db()
    assert hamas.description == new_description
    assert hamas.wikidata_id == ""

    # The second editor takes the new description and adds the id: nothing is lost.
    again = admin_form_data(response)
    again["description"] = new_description
    assert client.post(url, again).status_code == 302
    hamas.refresh_from_db()
    assert (hamas.description, hamas.wikidata_id) == (new_description, "Q38799")
    assert hamas.history.first().history_user == second_editor


# Inline rows: aliases and roles on the actor's page, participations on the event's.


def _alias_row():
    alias = AliasFactory(name="Abu Obeida")
    return alias, alias.actor, "aliases-0", "name", ("Abu Ubaida", "Abu Obaida")


def _role_row():
    role = RoleFactory(title="Minister")
    return role, role.person, "roles-0", "title", ("Foreign Minister", "Defence Minister")


def _participation_row():
    participation = EventParticipantFactory(role=EventParticipant.Role.PARTICIPANT)
    return participation, participation.event, "participations-0", "role", ("initiator", "target")


@pytest.mark.parametrize("make", [_alias_row, _role_row, _participation_row])
def test_a_row_edited_inline_after_someone_else_edited_it_is_a_conflict(client, two_editors, make):
    first_editor, second_editor = two_editors
    row, owner, prefix, field, (first_value, second_value) = make()
    owner_url = change_url(owner)
    on_owner_page = open_as(client, second_editor, owner_url)
    assert on_owner_page[f"{prefix}-id"] == row.pk

    own_page = open_as(client, first_editor, change_url(row))
    own_page[field] = first_value
    assert save_as(client, first_editor, change_url(row), own_page).status_code == 302

    on_owner_page[f"{prefix}-{field}"] = second_value
    response = save_as(client, second_editor, owner_url, on_owner_page)
    assert response.status_code == 200
    content = page_text(response)
    assert CONFLICT.format(row._meta.verbose_name) in content
    assert NOT_SAVED in content
    shown = row._meta.get_field(field)
    expected = dict(shown.choices)[first_value] if shown.choices else first_value
    assert f"reads: “{expected}”" in content  # the other editor's value, shown
    formset = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == prefix.split("-")[0]
    )
    assert formset.forms[0][field].value() == second_value  # the editor's text is kept
    row.refresh_from_db()
    assert getattr(row, field) == first_value

    again = admin_form_data(response)
    assert client.post(owner_url, again).status_code == 302
    row.refresh_from_db()
    assert getattr(row, field) == second_value
    assert row.version == 3


def test_a_stale_alias_row_is_a_conflict_not_a_silent_revert(client, two_editors):
    """The actor page still holds the alias as it was: saving it would undo the other
    editor's change, so it is a conflict even though this editor did not touch it."""
    first_editor, second_editor = two_editors
    alias = AliasFactory(name="Abu Obeida")
    actor_url = change_url(alias.actor)
    on_actor_page = open_as(client, second_editor, actor_url)
    own_page = open_as(client, first_editor, change_url(alias))
    own_page["name"] = "Abu Ubaida"
    assert save_as(client, first_editor, change_url(alias), own_page).status_code == 302

    on_actor_page["wikidata_id"] = "Q38799"
    response = save_as(client, second_editor, actor_url, on_actor_page)
    assert CONFLICT.format("alias") in page_text(response)
    alias.refresh_from_db()
    assert alias.name == "Abu Ubaida"
    assert alias.actor.wikidata_id == ""  # nothing of the refused save was kept


def test_rows_nobody_else_changed_save_without_conflict(editor_client):
    alias = AliasFactory(name="Abu Obeida")
    role = RoleFactory(person=alias.actor)
    url = change_url(alias.actor)
    data = admin_form_data(editor_client.get(url))
    data["wikidata_id"] = "Q38799"
    assert editor_client.post(url, data).status_code == 302
    alias.refresh_from_db()
    role.refresh_from_db()
    assert (alias.version, role.version) == (1, 1)  # unchanged rows are not saved
    assert alias.actor.version == 2


def test_a_row_removed_meanwhile_is_a_conflict_not_a_server_error(client, two_editors):
    first_editor, second_editor = two_editors
    alias = AliasFactory(name="Abu Obeida")
    actor = alias.actor
    on_actor_page = open_as(client, second_editor, change_url(actor))
    alias.delete()  # another editor removed it
    on_actor_page["aliases-0-name"] = "Abu Ubaida"
    response = save_as(client, second_editor, change_url(actor), on_actor_page)
    assert response.status_code == 200
    assert (
        "Someone else changed this actor's aliases after you opened the page: a row shown "
        "here no longer exists." in page_text(response)
    )
    assert not Alias.objects.exists()


# Writes outside the forms move the version on too.


def export_text() -> str:
    out = io.StringIO()
    archive_export(out)
    return out.getvalue()


def test_an_import_that_changes_a_record_refuses_a_form_opened_before(client, editor, demo):
    hamas = Actor.objects.get(name="Hamas")
    url = change_url(hamas)
    opened = open_as(client, editor, url)

    data = json.loads(export_text())
    record = next(r for r in data["actors"] if r["slug"] == hamas.slug)
    record["description"] = "Description from the imported archive."
    counts = archive_import(stream=io.StringIO(json.dumps(data)))
    assert counts["actors"]["updated"] == 1
    hamas.refresh_from_db()
    assert hamas.version == 2

    opened["wikidata_id"] = "Q38799"
    response = save_as(client, editor, url, opened)
    content = page_text(response)
    assert "Someone else saved this actor after you opened it" in content
    assert "In the saved version, Description reads: “Description from the imported archive.”" in (
        content
    )
    hamas.refresh_from_db()
    assert hamas.description == "Description from the imported archive."
    assert hamas.wikidata_id == ""


def test_an_import_that_changes_only_a_records_lists_moves_its_version_on(demo):
    hamas = Actor.objects.get(name="Hamas")
    untouched = Actor.objects.exclude(pk=hamas.pk).values_list("pk", "version")
    before = dict(untouched)
    data = json.loads(export_text())
    record = next(r for r in data["actors"] if r["slug"] == hamas.slug)
    record["aliases"] = [*record["aliases"], "Harakat al-Muqawama al-Islamiya"]
    counts = archive_import(stream=io.StringIO(json.dumps(data)))
    assert counts["actors"]["updated"] == 1
    hamas.refresh_from_db()
    assert hamas.version == 2  # an open form would otherwise drop the new alias
    assert dict(untouched) == before  # unchanged records keep their versions

    # Importing the same file again changes nothing.
    archive_import(stream=io.StringIO(json.dumps(data)))
    hamas.refresh_from_db()
    assert hamas.version == 2


def test_an_import_that_changes_a_participation_moves_its_version_on(client, editor):
    participation = EventParticipantFactory(role=EventParticipant.Role.PARTICIPANT)
    url = change_url(participation)
    opened = open_as(client, editor, url)
    data = json.loads(export_text())
    record = next(r for r in data["events"] if r["slug"] == participation.event.slug)
    record["participants"][0]["role"] = "target"
    archive_import(stream=io.StringIO(json.dumps(data)))
    participation.refresh_from_db()
    assert (participation.role, participation.version) == ("target", 2)
    response = save_as(client, editor, url, opened)
    assert "Someone else saved this event participant after you opened it" in page_text(response)
    participation.refresh_from_db()
    assert participation.role == "target"


def test_a_merge_moves_on_the_versions_of_what_it_moves(client, editor):
    keep, drop = ActorFactory(), ActorFactory()
    alias = AliasFactory(actor=drop)
    role = RoleFactory(person=drop)
    opened = {obj: open_as(client, editor, change_url(obj)) for obj in (keep, alias, role)}
    actor_merge(keep=keep, drop=drop, user=editor)
    for obj, data in opened.items():
        obj.refresh_from_db()
        assert obj.version == 2
        response = save_as(client, editor, change_url(obj), data)
        assert NOT_SAVED in page_text(response), obj


# History of the rows edited inline, and of corrections.


def test_aliases_roles_participations_and_corrections_have_a_history(editor_client, editor):
    alias = AliasFactory(name="Abu Obeida")
    role = RoleFactory(title="Minister")
    participation = EventParticipantFactory(role=EventParticipant.Role.PARTICIPANT)
    correction = Correction.objects.create(actor=ActorFactory(), note="Fixed a name.")
    changes = [(alias, "name", "Abu Ubaida"), (role, "title", "Foreign Minister")]
    changes += [(participation, "role", "target"), (correction, "note", "Fixed the name.")]
    for obj, field, value in changes:
        data = admin_form_data(editor_client.get(change_url(obj)))
        data[field] = value
        assert editor_client.post(change_url(obj), data).status_code == 302
        opts = obj._meta
        history_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
        assert f'href="{history_url}"' in editor_client.get(change_url(obj)).content.decode()
        page = editor_client.get(history_url)
        assert page.status_code == 200
        assert "maria" in page.content.decode()
        latest = obj.history.first()
        assert getattr(latest, field) == value and latest.history_user == editor


def test_an_alias_edited_on_the_actor_page_is_in_its_history(editor_client, editor):
    alias = AliasFactory(name="Abu Obeida")
    url = change_url(alias.actor)
    data = admin_form_data(editor_client.get(url))
    data["aliases-0-name"] = "Abu Ubaida"
    assert editor_client.post(url, data).status_code == 302
    names = list(alias.history.order_by("history_date").values_list("name", flat=True))
    assert names[-1] == "Abu Ubaida"
    assert alias.history.first().history_user == editor


def test_an_event_page_keeps_its_participants_locked(client, two_editors):
    """Both editors on the event page: the event's own lock refuses the second save."""
    first_editor, second_editor = two_editors
    event = EventFactory(description="")
    EventParticipantFactory(event=event)
    url = change_url(event)
    first = open_as(client, first_editor, url)
    second = open_as(client, second_editor, url)
    first["participations-0-role"] = "initiator"
    assert save_as(client, first_editor, url, first).status_code == 302
    second["description"] = "From the second editor."
    response = save_as(client, second_editor, url, second)
    assert CONFLICT.format("event") in page_text(response)
    assert event.participations.get().role == "initiator"
