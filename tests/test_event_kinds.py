"""Event kinds (ACLED's types and sub-types, diplomatic kinds with a CAMEO code), the
end date's precision and ongoing events: model, migration, admin, pages, exports, archive."""

import csv
import datetime
import io
import json
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from articles.apps import _keep_tallies, _set_tallies_aside
from articles.formats.interchange import ArchiveError, archive_export, archive_import
from articles.models import Event, PublicationStatus
from search.apps import _create_sqlite_triggers, _drop_sqlite_triggers

from .admin_forms import admin_form_data
from .factories import EventFactory
from .test_lists import text

pytestmark = pytest.mark.django_db

# ACLED's codebook (/work/shared/REFERENCE.md): six event types, 25 sub-event types.
ACLED_EVENT_TYPES = {
    "Battles",
    "Explosions/Remote violence",
    "Violence against civilians",
    "Protests",
    "Riots",
    "Strategic developments",
}
ACLED_SUB_EVENT_TYPES = {
    "Armed clash",
    "Government regains territory",
    "Non-state actor overtakes territory",
    "Air/drone strike",
    "Shelling/artillery/missile attack",
    "Remote explosive/landmine/IED",
    "Suicide bomb",
    "Grenade",
    "Chemical weapon",
    "Attack",
    "Abduction/forced disappearance",
    "Sexual violence",
    "Peaceful protest",
    "Protest with intervention",
    "Excessive force against protesters",
    "Violent demonstration",
    "Mob violence",
    "Agreement",
    "Arrests",
    "Change to group/activity",
    "Disrupted weapons use",
    "Headquarters or base established",
    "Looting/property destruction",
    "Non-violent transfer of territory",
    "Other",
}


def day_url(date: datetime.date) -> str:
    return reverse(
        "articles:day", args=[f"{date.year:04d}", f"{date.month:02d}", f"{date.day:02d}"]
    )


def month_url(date: datetime.date) -> str:
    return reverse("articles:month", args=[f"{date.year:04d}", f"{date.month:02d}"])


# The taxonomy -------------------------------------------------------------------------------


def test_kinds_cover_every_acled_event_type_and_sub_event_type():
    coded = set(Event.ACLED_TYPES.values())
    assert {event_type for event_type, _ in coded} == ACLED_EVENT_TYPES
    assert {sub_type for _, sub_type in coded} == ACLED_SUB_EVENT_TYPES
    # Every kind is ACLED's, diplomatic, or `other`; none is both.
    for kind in Event.Kind:
        assert (kind in Event.ACLED_TYPES) + (kind in Event.DIPLOMATIC_KINDS) + (
            kind == Event.Kind.OTHER
        ) == 1, kind


def test_diplomatic_kinds_propose_their_cameo_codes():
    assert Event.DEFAULT_CAMEO_CODES == {
        Event.Kind.CALL: "041",
        Event.Kind.VISIT: "042",
        Event.Kind.MEETING: "043",
        Event.Kind.MULTILATERAL_DEBATE: "040",
    }
    assert Event.CameoCode("044").label == "Meet at a “third” location"


def test_a_diplomatic_event_needs_a_cameo_code_and_only_it_has_one():
    debate = EventFactory.build(kind=Event.Kind.MULTILATERAL_DEBATE, cameo_code="")
    with pytest.raises(ValidationError, match="needs a CAMEO code"):
        debate.full_clean()
    strike = EventFactory.build(kind=Event.Kind.AIR_STRIKE, cameo_code="041")
    with pytest.raises(ValidationError, match="Only a diplomatic event"):
        strike.full_clean()
    # The database holds the rule too, whatever writes the row.
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.create(
            title="A",
            slug="a",
            kind="air_strike",
            cameo_code="041",
            start_date=datetime.date(2023, 10, 1),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.create(
            title="B", slug="b", kind="call", start_date=datetime.date(2023, 10, 1)
        )


def test_an_ongoing_event_has_no_end_date():
    event = EventFactory.build(ongoing=True, end_date=datetime.date(2023, 11, 1))
    with pytest.raises(ValidationError, match="ongoing event has no end date"):
        event.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        EventFactory(ongoing=True, end_date=datetime.date(2023, 11, 1))


def test_an_end_known_to_the_month_or_year_is_stored_as_its_last_day():
    event = EventFactory.build(
        kind=Event.Kind.GROUND_OPERATION,
        start_date=datetime.date(2023, 10, 27),
        end_date=datetime.date(2023, 11, 1),
        end_date_precision="month",
    )
    event.full_clean()
    assert event.end_date == datetime.date(2023, 11, 30)
    event.end_date_precision = "year"
    event.full_clean()
    assert event.end_date == datetime.date(2023, 12, 31)


# The migration ------------------------------------------------------------------------------


def test_migration_recodes_the_old_kinds_without_losing_anything(transactional_db):
    executor = MigrationExecutor(connection)
    mine = next(
        key
        for key in executor.loader.disk_migrations
        if key[0] == "articles" and key[1].endswith("_event_kinds")
    )
    before = [
        parent
        for parent in executor.loader.graph.node_map[mine].parents
        if parent.key[0] == "articles"
    ][0].key
    # What `migrate` does around the executor: on SQLite the search triggers and those
    # of the statement totals are taken away while later migrations rebuild the tables
    # they name (search/apps.py, articles/apps.py), and put back after.
    plan = [(SimpleNamespace(app_label="articles"), False)]
    _drop_sqlite_triggers(using=connection.alias, plan=plan)
    _set_tallies_aside(None, using=connection.alias, plan=plan)
    try:
        executor.migrate([before])
        old = executor.loader.project_state([before]).apps.get_model("articles", "Event")
        for kind in ("diplomatic_contact", "visit", "protest", "ground_operation", "hostage"):
            old.objects.create(
                title=kind, slug=kind, kind=kind, start_date=datetime.date(2023, 10, 28)
            )
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    finally:
        _create_sqlite_triggers(using=connection.alias)
        _keep_tallies(None, using=connection.alias)
    coded = {
        slug: (kind, code)
        for slug, kind, code in Event.objects.values_list("slug", "kind", "cameo_code")
    }
    assert coded == {
        "diplomatic_contact": ("call", "041"),
        "visit": ("visit", "042"),
        "protest": ("peaceful_protest", ""),
        "ground_operation": ("ground_operation", ""),
        "hostage": ("hostage", ""),
    }


# The admin ----------------------------------------------------------------------------------


def test_admin_fills_a_diplomatic_kinds_cameo_code_and_the_editor_may_change_it(staff_client):
    url = reverse("admin:articles_event_add")
    form = staff_client.get(url)
    page = form.content.decode()
    # The kinds come grouped by ACLED event type; the codes show with their names.
    assert '<optgroup label="Explosions/Remote violence">' in page
    assert '<optgroup label="Diplomatic (CAMEO)">' in page
    assert '<option value="044">044 Meet at a “third” location</option>' in page
    assert '"multilateral_debate": "040"' in page.replace("&quot;", '"')
    data = admin_form_data(form)
    data.update(
        title="Security Council debate on Gaza",
        slug="security-council-debate",
        kind="multilateral_debate",
        start_date="2023-10-24",
        cameo_code="",
        status="draft",
    )
    assert staff_client.post(url, data).status_code == 302
    assert Event.objects.get(slug="security-council-debate").cameo_code == "040"

    data.update(slug="a-meeting", title="A meeting in Cairo", kind="meeting", cameo_code="044")
    assert staff_client.post(url, data).status_code == 302
    assert Event.objects.get(slug="a-meeting").cameo_code == "044"


def test_admin_refuses_a_cameo_code_on_a_non_diplomatic_kind(staff_client):
    url = reverse("admin:articles_event_add")
    data = admin_form_data(staff_client.get(url))
    data.update(
        title="Strike", slug="strike", kind="air_strike", start_date="2023-10-24", cameo_code="041"
    )
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "Only a diplomatic event" in response.content.decode()
    assert not Event.objects.exists()


def test_admin_refuses_an_end_date_on_an_ongoing_event(staff_client):
    url = reverse("admin:articles_event_add")
    data = admin_form_data(staff_client.get(url))
    data.update(
        title="Siege",
        slug="siege",
        kind="armed_clash",
        start_date="2023-10-24",
        end_date="2023-11-02",
        ongoing="on",
    )
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "An ongoing event has no end date" in response.content.decode()


# Pages --------------------------------------------------------------------------------------


def test_ongoing_event_is_on_every_date_page_from_its_start_to_today(client):
    today = timezone.localdate()
    start = today - datetime.timedelta(days=40)
    EventFactory(title="Long siege", kind=Event.Kind.ARMED_CLASH, start_date=start, ongoing=True)
    for day in (start, start + datetime.timedelta(days=20), today):
        assert "Long siege" in text(client.get(day_url(day))), day
    assert "Long siege" not in text(client.get(day_url(start - datetime.timedelta(days=1))))
    assert "Long siege" not in text(client.get(day_url(today + datetime.timedelta(days=1))))
    assert "Long siege" in text(client.get(month_url(today)))
    # The calendar links every day of the span in this month, up to today.
    content = client.get(month_url(today)).content.decode()
    first = max(start, today.replace(day=1))
    for day in (first, today):
        assert f'href="{day_url(day)}"' in content
    assert f'href="{day_url(today + datetime.timedelta(days=1))}"' not in content
    assert f"{start.day} {start:%B} {start.year} – ongoing" in text(client.get(day_url(today)))


def test_event_with_an_end_is_not_on_date_pages_after_it(client):
    EventFactory(
        title="Closed operation",
        kind=Event.Kind.GROUND_OPERATION,
        start_date=datetime.date(2023, 10, 27),
        end_date=datetime.date(2023, 11, 3),
    )
    assert "Closed operation" in text(client.get(day_url(datetime.date(2023, 11, 3))))
    assert "Closed operation" not in text(client.get(day_url(datetime.date(2023, 11, 4))))
    assert "Closed operation" not in text(client.get(month_url(datetime.date(2023, 12, 1))))


def test_event_page_shows_the_end_dates_precision(client):
    event = EventFactory(
        title="Northern operation",
        kind=Event.Kind.GROUND_OPERATION,
        start_date=datetime.date(2023, 10, 27),
        end_date=datetime.date(2023, 11, 1),
        end_date_precision="month",
    )
    event.full_clean()
    event.save()
    page = text(client.get(event.get_absolute_url()))
    assert "27 October 2023 – November 2023" in page
    assert "(end known to the month)" in page
    assert "1 November 2023" not in page and "30 November 2023" not in page
    assert "Battles › Armed clash" in page


def test_event_page_shows_the_events_own_cameo_code_and_ongoing(client):
    debate = EventFactory(
        title="Security Council debate",
        kind=Event.Kind.MULTILATERAL_DEBATE,
        cameo_code="044",
        start_date=datetime.date(2023, 10, 24),
    )
    page = text(client.get(debate.get_absolute_url()))
    assert "Multilateral debate" in page
    assert "CAMEO code 044 (Meet at a “third” location)" in page
    assert "Discuss by telephone" not in page
    siege = EventFactory(
        kind=Event.Kind.ARMED_CLASH, start_date=datetime.date(2023, 10, 27), ongoing=True
    )
    assert "27 October 2023 – ongoing" in text(client.get(siege.get_absolute_url()))


def test_demo_codes_its_events_with_the_new_kinds(demo, client):
    call = Event.objects.get(slug="blinken-cleverly-call-2023-10-28")
    assert (call.kind, call.cameo_code) == ("call", "041")
    visit = Event.objects.get(slug="biden-visit-to-israel-2023-10-18")
    assert (visit.kind, visit.cameo_code) == ("visit", "042")
    operations = Event.objects.get(slug="idf-ground-operations-northern-gaza-2023-10")
    assert operations.ongoing and operations.end_date is None
    assert "27 October 2023 – ongoing" in text(client.get(operations.get_absolute_url()))


# Exports and the archive file ---------------------------------------------------------------


def test_event_exports_carry_the_cameo_code_end_precision_and_ongoing(client):
    EventFactory(slug="debate", kind=Event.Kind.MULTILATERAL_DEBATE, cameo_code="044")
    EventFactory(
        slug="operation",
        kind=Event.Kind.GROUND_OPERATION,
        start_date=datetime.date(2023, 10, 27),
        end_date=datetime.date(2023, 11, 30),
        end_date_precision="month",
    )
    EventFactory(
        slug="siege", kind=Event.Kind.SHELLING, start_date=datetime.date(2023, 10, 27), ongoing=True
    )
    rows = {
        row["slug"]: row
        for row in csv.DictReader(io.StringIO(streamed(client.get("/events/?format=csv"))))
    }
    assert rows["debate"]["cameo_code"] == "044"
    assert rows["debate"]["acled_event_type"] == ""
    assert rows["operation"]["end_date"] == "2023-11-30"
    assert rows["operation"]["end_date_precision"] == "month"
    assert rows["operation"]["ongoing"] == "false"
    assert rows["siege"]["ongoing"] == "true"
    assert rows["siege"]["acled_sub_event_type"] == "Shelling/artillery/missile attack"
    data = {row["slug"]: row for row in json.loads(streamed(client.get("/events/?format=json")))}
    assert data["siege"]["ongoing"] is True
    assert data["siege"]["end_date"] == ""


def streamed(response) -> str:
    return b"".join(response.streaming_content).decode()


def export_text() -> str:
    out = io.StringIO()
    archive_export(out)
    return out.getvalue()


def test_archive_round_trip_keeps_kinds_codes_end_precision_and_ongoing():
    EventFactory(slug="debate", kind=Event.Kind.MULTILATERAL_DEBATE, cameo_code="044")
    EventFactory(
        slug="operation",
        kind=Event.Kind.GROUND_OPERATION,
        end_date=datetime.date(2023, 12, 31),
        end_date_precision="year",
    )
    EventFactory(slug="siege", kind=Event.Kind.SHELLING, ongoing=True)
    first = export_text()
    records = {r["slug"]: r for r in json.loads(first)["events"]}
    assert records["debate"]["cameo_code"] == "044"
    assert records["operation"]["end_date_precision"] == "year"
    assert records["siege"]["ongoing"] is True
    Event.objects.all().delete()
    archive_import(stream=io.StringIO(first))
    assert export_text() == first
    siege = Event.objects.get(slug="siege")
    assert siege.ongoing and siege.end_date is None


def test_an_archive_of_the_previous_version_still_imports():
    """A file written before these fields: the old kinds, no CAMEO code, no precision of
    the end, no `ongoing`."""
    old = {
        "format": "conflict-archive",
        "version": 1,
        "events": [
            {
                "slug": slug,
                "title": slug,
                "kind": kind,
                "start_date": "2023-10-28",
                "end_date": None,
                "date_precision": "day",
                "place": None,
                "description": "",
                "fatalities": None,
                "status": "published",
                "articles": [],
                "participants": [],
            }
            for slug, kind in [
                ("a-call", "diplomatic_contact"),
                ("a-visit", "visit"),
                ("a-protest", "protest"),
                ("a-strike", "air_strike"),
            ]
        ],
    }
    archive_import(stream=io.StringIO(json.dumps(old)))
    coded = {
        slug: (kind, code, precision, ongoing)
        for slug, kind, code, precision, ongoing in Event.objects.values_list(
            "slug", "kind", "cameo_code", "end_date_precision", "ongoing"
        )
    }
    assert coded == {
        "a-call": ("call", "041", "day", False),
        "a-visit": ("visit", "042", "day", False),
        "a-protest": ("peaceful_protest", "", "day", False),
        "a-strike": ("air_strike", "", "day", False),
    }


@pytest.mark.parametrize(
    "change, expected",
    [
        ({"ongoing": "yes"}, "field 'ongoing': expected true or false, not a string"),
        ({"kind": "air_strike", "cameo_code": "041"}, "field 'cameo_code': Only a diplomatic"),
        ({"ongoing": True, "end_date": "2023-11-01"}, "field 'end_date': An ongoing event"),
        ({"kind": "call", "cameo_code": "999"}, "field 'cameo_code': Value '999' is not a valid"),
    ],
)
def test_archive_refuses_bad_new_fields_naming_them(change, expected):
    EventFactory(slug="an-event", status=PublicationStatus.DRAFT)
    data = json.loads(export_text())
    data["events"][0].update(change)
    with pytest.raises(ArchiveError, match=expected):
        archive_import(stream=io.StringIO(json.dumps(data)))


# The events list ----------------------------------------------------------------------------


def test_events_list_filters_and_counts_by_acled_event_type(client, demo):
    EventFactory(title="Shelling of a town", kind=Event.Kind.SHELLING)
    response = client.get("/events/", {"event_type": "explosions_remote_violence"})
    assert response.status_code == 200
    titles = {e.title for e in response.context["page_obj"]}
    assert titles == {
        "Shelling of a town",
        "Israel Air Force strike on a cell in the Mount Dov area",
    }
    facets = {
        f.title: [(v.label, v.count) for v in f.values]
        for f in client.get("/events/").context["facets"]
    }
    # The attack; the ground operations; the strike and the shelling. Calls and visits
    # are diplomatic: no ACLED type.
    assert facets["ACLED event types"] == [
        ("Explosions/Remote violence", 2),
        ("Battles", 1),
        ("Violence against civilians", 1),
    ]
    # The facet of a filter in use still offers the other types, counted without it.
    filtered = {f.title: [(v.label, v.count) for v in f.values] for f in response.context["facets"]}
    assert ("Battles", 1) in filtered["ACLED event types"]
    either = client.get("/events/", {"event_type": ["battles", "explosions_remote_violence"]})
    assert len(either.context["page_obj"]) == 3
    bad = client.get("/events/", {"event_type": "diplomacy"})
    assert bad.status_code == 400
    assert (
        "“diplomacy” is not a type of event in ACLED's codebook. Choose one of: battles,"
        in text(bad)
    )


def test_old_links_to_a_renamed_kind_still_list_its_events(client, demo):
    response = client.get("/events/", {"kind": "diplomatic_contact"})
    assert response.status_code == 200
    assert {e.slug for e in response.context["page_obj"]} == {
        "blinken-cleverly-call-2023-10-28",
        "cleverly-cohen-call-2023-10-28",
    }
    assert client.get("/events/", {"kind": "protest"}).status_code == 200


def test_calendar_counts_overlapping_events_on_each_day_they_span(client):
    EventFactory(
        kind=Event.Kind.ARMED_CLASH,
        start_date=datetime.date(2023, 11, 2),
        end_date=datetime.date(2023, 11, 5),
    )
    EventFactory(
        kind=Event.Kind.ARMED_CLASH,
        start_date=datetime.date(2023, 11, 4),
        end_date=datetime.date(2023, 12, 2),
    )
    EventFactory(kind=Event.Kind.ARMED_CLASH, start_date=datetime.date(2023, 10, 20), ongoing=True)
    content = client.get(month_url(datetime.date(2023, 11, 1))).content.decode()
    assert 'aria-label="1 November 2023: 1 record"' in content  # the ongoing one
    assert 'aria-label="3 November 2023: 2 records"' in content
    assert 'aria-label="4 November 2023: 3 records"' in content
    assert 'aria-label="5 November 2023: 3 records"' in content
    assert 'aria-label="6 November 2023: 2 records"' in content
    assert 'aria-label="30 November 2023: 2 records"' in content
