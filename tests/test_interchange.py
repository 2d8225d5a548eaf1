"""Archive interchange: export_archive / import_archive round trips and refusals."""

import datetime
import io
import json
import threading

import pytest
from django.core.management import CommandError, call_command
from django.core.management.color import no_style
from django.db import connection

from actors.models import Actor, Alias, Role
from articles.formats.interchange import ArchiveError, archive_export, archive_import, statement_key
from articles.models import (
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
from tests.factories import ArticleFactory, EventFactory, StatementFactory

pytestmark = pytest.mark.django_db


def export_text(**filters) -> str:
    out = io.StringIO()
    archive_export(out, **filters)
    return out.getvalue()


def import_text(text: str):
    return archive_import(stream=io.StringIO(text))


def empty_database():
    """Delete every archive row (raw deletes: PROTECT guards the editors, not this test)."""
    for model in [
        Correction,
        Statement.mentioned_actors.through,
        StatementEvent,
        Statement,
        EventParticipant,
        Event.articles.through,
        Event,
        Article.mentioned_actors.through,
        Article,
        Outlet,
        Role,
        Alias,
        Actor,
        Place,
    ]:
        model.objects.all()._raw_delete("default")
    assert not Actor.objects.exists()


def history_rows() -> int:
    return sum(model.history.count() for model in (Actor, Article, Statement, Event))


def test_export_import_into_an_empty_database_export_is_identical(demo):
    EventFactory(slug="draft-event", status=PublicationStatus.DRAFT, fatalities=3)
    statement = Statement.objects.order_by("pk").first()
    Correction.objects.create(statement=statement, note="Speaker's title fixed.")
    Correction.objects.create(article=statement.article, note="Typo.", changed_fields="body")
    first = export_text()
    data = json.loads(first)
    assert data["format"] == "conflict-archive" and data["version"] == 2
    assert len(data["statements"]) == 9
    empty_database()
    counts = import_text(first)
    assert counts["statements"]["created"] == 9
    # Corrections, and when each record was made and last changed, came too.
    assert Correction.objects.count() == 2
    assert Statement.objects.get(pk=statement.pk).created_at == statement.created_at
    assert Statement.objects.get(pk=statement.pk).updated_at == statement.updated_at
    assert counts["actors"]["created"] == 16
    assert export_text() == first
    assert Actor.objects.get(slug="israel-air-force").parent.slug == "israel-defense-forces"
    assert Place.objects.get(slug="northern-gaza").parent.slug == "gaza-strip"
    assert "@SecBlinken" in Actor.objects.get(slug="antony-blinken").aliases.values_list(
        "name", flat=True
    )


def test_reimport_changes_nothing(demo):
    text = export_text()
    updated = dict(Statement.objects.values_list("pk", "updated_at"))
    before = history_rows()
    counts = import_text(text)
    assert all(outcome["created"] == outcome["updated"] == 0 for outcome in counts.values())
    assert history_rows() == before
    assert dict(Statement.objects.values_list("pk", "updated_at")) == updated
    assert export_text() == text


def test_import_updates_a_changed_record(demo):
    data = json.loads(export_text())
    data["actors"][0]["description"] = "Corrected description."
    data["actors"][0]["aliases"] = ["Tony B."]
    counts = import_text(json.dumps(data))
    assert counts["actors"]["updated"] == 1
    actor = Actor.objects.get(slug=data["actors"][0]["slug"])
    assert actor.description == "Corrected description."
    assert list(actor.aliases.values_list("name", flat=True)) == ["Tony B."]


def test_statement_key_is_checked(demo):
    data = json.loads(export_text())
    record = data["statements"][0]
    assert record["key"] == statement_key(record["article"], record["speaker"], record["text"])
    record["key"] = "0" * 24
    with pytest.raises(ArchiveError, match=r"record 1 \(statement 0+\): field 'key'"):
        import_text(json.dumps(data))


def test_invalid_record_is_named_and_nothing_is_written(demo):
    data = json.loads(export_text())
    empty_database()
    data["statements"][2]["text"] = "Words the article never printed."
    data["statements"][2]["kind"] = "quote"
    data["statements"][2]["key"] = None
    with pytest.raises(ArchiveError) as error:
        import_text(json.dumps(data))
    message = str(error.value)
    assert message.startswith("record 3 (statement ")
    assert "field 'text': This quote is not in the source article's body." in message
    assert not Actor.objects.exists()
    assert not Outlet.objects.exists()


@pytest.mark.parametrize(
    "section, index, change, expected",
    [
        ("actors", 0, {"kind": "wizard"}, "field 'kind': Value 'wizard' is not a valid choice."),
        ("actors", 1, {"wikidata_id": "12"}, "Wikidata ID is Q followed by digits"),
        ("roles", 0, {"start_date": "2023-02-30"}, "field 'start_date'"),
        ("roles", 0, {"end_date": "1999-01-01"}, "A role cannot end before it starts."),
        ("articles", 0, {"outlet": "nowhere"}, "field 'outlet': no outlet “nowhere”"),
        ("events", 0, {"participants": [{"actor": "ghost", "role": "target"}]}, "no actor"),
        ("statements", 0, {"speaker": "ghost"}, "field 'speaker': no actor “ghost”"),
        ("statements", 0, {"colour": "red"}, "field 'colour': not a field of statements"),
        ("places", 0, {"latitude": "123"}, "Give both latitude"),
    ],
)
def test_refusals_name_the_record_and_field(demo, section, index, change, expected):
    data = json.loads(export_text())
    data[section][index].update(change)
    before = export_text()
    with pytest.raises(ArchiveError) as error:
        import_text(json.dumps(data))
    assert f"record {index + 1} (" in str(error.value)
    assert expected in str(error.value)
    assert export_text() == before


@pytest.mark.parametrize(
    "text, expected",
    [
        ("{not json", "not valid JSON"),
        ('{"format": "something-else", "version": 1}', "not a conflict archive"),
        ('{"format": "conflict-archive", "version": 3}', "version 3 is not supported"),
        ('{"format": "conflict-archive", "version": 1, "people": []}', "unknown section"),
        ('{"format": "conflict-archive", "version": 1, "actors": {}}', "must be a list"),
    ],
)
def test_broken_files_are_refused(db, text, expected):
    with pytest.raises(ArchiveError, match=expected):
        import_text(text)


def test_published_only_export_leaves_drafts_out(demo):
    draft = ArticleFactory(url="https://example.org/draft", status=PublicationStatus.DRAFT)
    StatementFactory(article=draft, status=PublicationStatus.PUBLISHED)
    StatementFactory(text="A draft statement.", status=PublicationStatus.DRAFT)
    EventFactory(slug="draft-event", status=PublicationStatus.DRAFT)
    data = json.loads(export_text(published_only=True))
    assert all(record["status"] == "published" for record in data["articles"])
    assert all(record["status"] == "published" for record in data["statements"])
    assert all(record["status"] == "published" for record in data["events"])
    assert len(data["statements"]) == 9
    assert "https://example.org/draft" not in export_text(published_only=True)
    assert "https://example.org/draft" in export_text()


def test_export_by_date_keeps_references_whole(demo):
    ArticleFactory(url="https://example.org/later", published_on=datetime.date(2024, 5, 1))
    data = json.loads(
        export_text(date_from=datetime.date(2023, 10, 1), date_to=datetime.date(2023, 10, 31))
    )
    assert "https://example.org/later" not in [record["url"] for record in data["articles"]]
    assert len(data["articles"]) == 1
    # The Hamas attack of 7 October is in the period; every statement's event is exported.
    slugs = {record["slug"] for record in data["events"]}
    linked = {link["event"] for record in data["statements"] for link in record["events"]}
    assert linked and linked <= slugs
    empty_database()
    import_text(json.dumps(data))
    assert Statement.objects.count() == 9


def test_commands_round_trip_with_progress(demo, tmp_path):
    path = tmp_path / "archive.json"
    err = io.StringIO()
    call_command("export_archive", "--output", str(path), stderr=err)
    assert "statements: 9" in err.getvalue()
    stdout = io.StringIO()
    call_command("export_archive", stdout=stdout, stderr=io.StringIO())
    assert stdout.getvalue() == path.read_text(encoding="utf-8")
    empty_database()
    out = io.StringIO()
    call_command("import_archive", str(path), stdout=out)
    assert "statements: 9 created, 0 updated, 0 unchanged" in out.getvalue()
    assert Statement.objects.count() == 9


def test_import_command_refuses_a_bad_file(db, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"format": "conflict-archive", "version": 1, "actors": [{"slug": ""}]}')
    with pytest.raises(CommandError, match=r"nothing was written: record 1 \(actor \): field"):
        call_command("import_archive", str(path))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_archive", str(tmp_path / "missing.json"))


def test_statement_event_links_travel_with_their_stances_and_figures(demo):
    statement = Statement.objects.get(text__startswith="The IDF has reported")
    strike = Event.objects.get(slug="iaf-air-strike-mount-dov-2023-10")
    StatementEvent.objects.create(
        statement=statement,
        event=strike,
        stance=StatementEvent.Stance.DENIES,
        figure_kind=StatementEvent.FigureKind.KILLED,
        claimed_figure=40,
        claimed_figure_max=50,
        note="between 40 and 50",
    )
    first = export_text()
    record = next(r for r in json.loads(first)["statements"] if r["text"] == statement.text)
    assert record["events"] == [
        {
            "event": "iaf-air-strike-mount-dov-2023-10",
            "stance": "denies",
            "figure_kind": "killed",
            "claimed_figure": 40,
            "claimed_figure_max": 50,
            "note": "between 40 and 50",
        },
        {
            "event": "idf-ground-operations-northern-gaza-2023-10",
            "stance": "claims",
            "figure_kind": "",
            "claimed_figure": None,
            "claimed_figure_max": None,
            "note": "",
        },
    ]
    links_before = StatementEvent.objects.count()
    empty_database()
    import_text(first)
    assert StatementEvent.objects.count() == links_before
    assert export_text() == first


def test_a_version_1_archive_still_imports_its_events_as_described(demo):
    data = json.loads(export_text())
    data["version"] = 1
    for record in data["statements"]:
        links = record.pop("events")
        record["event"] = links[0]["event"] if links else None
    empty_database()
    import_text(json.dumps(data))
    readout = Statement.objects.get(speaker__slug="matthew-miller")
    assert [(link.event.slug, link.stance) for link in readout.event_links.all()] == [
        ("blinken-cleverly-call-2023-10-28", "describes")
    ]
    assert StatementEvent.objects.count() == 9  # one per statement of version 1


class _WritesDuringExport(io.StringIO):
    """The export's output; when the events section starts, an editor (another
    connection, in a thread) adds an article and a statement of it."""

    def write(self, text):
        if text.startswith(',\n"events"') and not hasattr(self, "written"):
            self.written = True
            thread = threading.Thread(target=self.editor_writes)
            thread.start()
            thread.join()
        return super().write(text)

    def editor_writes(self):
        try:
            article = ArticleFactory(url="https://example.org/mid-export", body="Late words.")
            StatementFactory(article=article, text="Late words.")
        finally:
            connection.close()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_an_export_is_one_snapshot_while_editors_write():
    StatementFactory(text="We will keep talking.")
    out = _WritesDuringExport()
    archive_export(out)
    assert Statement.objects.filter(text="Late words.").exists()  # the write happened
    data = json.loads(out.getvalue())
    exported = {record["url"] for record in data["articles"]}
    assert {record["article"] for record in data["statements"]} <= exported
    assert "https://example.org/mid-export" not in exported
    # and the file imports whole
    empty_database()
    import_text(out.getvalue())
    assert Statement.objects.count() == 1


def test_statements_keep_their_numbers_on_another_installation(demo, client):
    Statement.objects.order_by("pk")[2].delete()  # a gap, as deletions leave
    pages = {s.pk: s.text for s in Statement.objects.published()}
    first = export_text()
    empty_database()
    with connection.cursor() as cursor:  # numbering starts again, as on a new installation
        for sql in connection.ops.sequence_reset_sql(no_style(), [Statement]):
            cursor.execute(sql)
    import_text(first)
    for pk, words in pages.items():
        assert client.get(f"/statements/{pk}/").context["statement"].text == words
    # New statements are numbered after the imported ones, on both databases.
    assert StatementFactory().pk > max(pages)


def test_a_number_taken_by_another_statement_is_refused_not_renumbered(demo):
    data = json.loads(export_text())
    empty_database()
    other = StatementFactory(text="We will keep talking.")
    data["statements"][0]["id"] = other.pk
    with pytest.raises(ArchiveError) as error:
        import_text(json.dumps(data))
    assert str(error.value).startswith("record 1 (statement ")
    assert f"field 'id': number {other.pk} is already another statement here" in str(error.value)
    assert list(Statement.objects.all()) == [other]


def _with_stale_quotes(data: dict, *indexes: int) -> str:
    """The archive with the article's body no longer holding those statements' quotes."""
    article = data["articles"][0]
    for index in indexes:
        record = data["statements"][index]
        record["kind"] = "quote"
        article["body"] = article["body"].replace(record["text"], "[passage removed]")
    return json.dumps(data)


def test_stale_quotes_are_all_named_and_nothing_is_written(demo):
    text = _with_stale_quotes(json.loads(export_text()), 0, 4)
    empty_database()
    with pytest.raises(ArchiveError) as error:
        import_text(text)
    message = str(error.value)
    assert message.startswith("2 quotes are not in their article's body: record 1 (statement ")
    assert "; record 5 (statement " in message
    assert "import with --keep-stale-quotes to keep them flagged" in message
    assert not Statement.objects.exists()


def test_keep_stale_quotes_imports_them_flagged(demo, tmp_path, client):
    path = tmp_path / "archive.json"
    path.write_text(_with_stale_quotes(json.loads(export_text()), 0))
    empty_database()
    out, err = io.StringIO(), io.StringIO()
    call_command("import_archive", str(path), "--keep-stale-quotes", stdout=out, stderr=err)
    assert Statement.objects.count() == 9
    assert err.getvalue().startswith("Kept, flagged: record 1 (statement ")
    stale = Statement.objects.get(passage_start__isnull=True)
    flag = "Flagged: this quote is not in the article's text as archived"
    assert flag in client.get(stale.article.get_absolute_url()).content.decode()
    assert flag in client.get(stale.get_absolute_url()).content.decode()
