"""CSV, JSON and Atom exports of the lists, through `export_response`."""

import csv
import datetime
import io
import json
import xml.etree.ElementTree as ET

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections, connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from actors.models import Actor
from articles.formats import tabular as exports
from articles.models import Article, Event, PublicationStatus, Statement
from articles.records.registry import record_type
from tests.factories import (
    AliasFactory,
    ArticleFactory,
    EventFactory,
    EventParticipantFactory,
    RoleFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def export(queryset, kind, fmt, path="/statements/", **params):
    request = RequestFactory().get(path, {"format": fmt, **params})
    return exports.export_response(request, queryset, record=record_type(kind))


def body(response) -> str:
    """The whole body, then what a WSGI server does after sending it: close the response,
    which frees the export's slot (tests/test_export_limits.py). As Django's test client
    does, the test's own database connection is left open."""
    try:
        return b"".join(response.streaming_content).decode("utf-8")
    finally:
        request_finished.disconnect(close_old_connections)
        try:
            response.close()
        finally:
            request_finished.connect(close_old_connections)


def csv_rows(response) -> list[dict]:
    text = body(response)
    assert text.startswith("\ufeff")  # the byte order mark Excel needs to read UTF-8
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_no_format_means_the_html_page():
    request = RequestFactory().get("/statements/", {"q": "x"})
    assert (
        exports.export_response(request, Statement.objects.none(), record=record_type("statements"))
        is None
    )
    request = RequestFactory().get("/statements/", {"format": ""})
    assert (
        exports.export_response(request, Statement.objects.none(), record=record_type("statements"))
        is None
    )


def test_unknown_format_is_refused_with_a_clear_message():
    response = export(Statement.objects.all(), "statements", "xml")
    assert response.status_code == 400
    assert "Unknown format 'xml'" in response.content.decode()
    assert "format=csv" in response.content.decode()


def test_statement_csv_has_speaker_role_and_source(demo):
    response = export(Statement.objects.published().for_listing(), "statements", "csv")
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="statements-')
    rows = csv_rows(response)
    assert len(rows) == Statement.objects.published().count() == 9
    assert list(rows[0]) == record_type("statements").column_names
    miller = next(row for row in rows if row["speaker_slug"] == "matthew-miller")
    assert miller["speaker_name"] == "Matthew Miller"
    assert miller["speaker_role"] == "Spokesperson, US Department of State"
    assert miller["on_behalf_of_slug"] == "us-department-of-state"
    assert miller["source_outlet_name"] == "TechBallad"
    assert miller["source_url"].startswith("https://www.techballad.com/")
    assert miller["said_on"] == "2023-10-29"
    assert miller["permalink"].endswith(f"/statements/{miller['id']}/")
    assert "antony-blinken" in miller["mentioned_actors"].split("; ")
    assert miller["text"].startswith("Secretary of State Antony J. Blinken")


def test_cleverly_role_at_the_time_not_today(demo):
    rows = csv_rows(export(Statement.objects.published(), "statements", "csv"))
    cleverly = next(row for row in rows if row["speaker_slug"] == "james-cleverly")
    assert cleverly["speaker_role"].startswith("Foreign Secretary")


def test_exports_hold_exactly_the_filtered_rows_of_all_pages(settings):
    settings.PAGE_SIZE = 10
    keep = StatementFactory.create_batch(33, text="Ceasefire now.")
    StatementFactory.create_batch(4, text="Something else.")
    filtered = Statement.objects.published().filter(text__contains="Ceasefire")
    rows = csv_rows(export(filtered, "statements", "csv", q="ceasefire"))
    assert sorted(int(row["id"]) for row in rows) == sorted(s.pk for s in keep)
    data = json.loads(body(export(filtered, "statements", "json")))
    assert sorted(item["id"] for item in data) == sorted(s.pk for s in keep)


def test_drafts_never_reach_an_export():
    public = StatementFactory(text="Public words.")
    StatementFactory(text="Draft words.", status=PublicationStatus.DRAFT)
    StatementFactory(text="Words in a draft.", article=ArticleFactory(status="draft"))
    for fmt in ("csv", "json", "atom"):
        response = export(Statement.objects.published(), "statements", fmt)
        text = body(response) if response.streaming else response.content.decode()
        assert "Public words." in text
        assert "Draft" not in text and "draft" not in text, fmt
    assert public.pk


def test_event_sources_list_only_published_articles():
    event = EventFactory(title="Shelling of a school")
    published = ArticleFactory(url="https://example.org/published")
    hidden = ArticleFactory(url="https://example.org/hidden", status=PublicationStatus.DRAFT)
    event.articles.set([published, hidden])
    EventParticipantFactory(event=event, actor__slug="idf", role="initiator")
    [row] = csv_rows(export(Event.objects.published(), "events", "csv", path="/events/"))
    assert row["source_urls"] == "https://example.org/published"
    assert row["participants"] == "idf:initiator"
    assert list(row) == record_type("events").column_names


def test_json_is_an_array_of_documented_objects(demo):
    for kind, queryset in [
        ("statements", Statement.objects.published()),
        ("articles", Article.objects.published()),
        ("events", Event.objects.published()),
        ("actors", Actor.objects.all()),
    ]:
        response = export(queryset, kind, "json", path=f"/{kind}/")
        assert response["Content-Type"] == "application/json"
        data = json.loads(body(response))
        assert len(data) == queryset.count()
        assert all(list(item) == record_type(kind).column_names for item in data), kind


def test_actor_export_has_aliases_and_parent(demo):
    rows = csv_rows(export(Actor.objects.all(), "actors", "csv", path="/actors/"))
    iaf = next(row for row in rows if row["slug"] == "israel-air-force")
    assert iaf["parent_slug"] == "israel-defense-forces"
    assert iaf["aliases"] == "IAF; Israeli Air Force"


def test_empty_export_still_has_the_header():
    rows = body(export(Article.objects.none(), "articles", "csv", path="/articles/"))
    assert rows.removeprefix("\ufeff").strip().split(",") == record_type("articles").column_names
    assert json.loads(body(export(Article.objects.none(), "articles", "json"))) == []


def test_non_latin_text_survives_csv_and_json():
    StatementFactory(text="قال وزير الخارجية", language="ar")
    [row] = csv_rows(export(Statement.objects.published(), "statements", "csv"))
    assert row["text"] == "قال وزير الخارجية"
    assert "قال وزير الخارجية" in body(export(Statement.objects.all(), "statements", "json"))


def test_atom_feed_of_a_filtered_list(demo):
    response = export(
        Statement.objects.published().filter(speaker__slug="james-cleverly"),
        "statements",
        "atom",
        speaker="james-cleverly",
    )
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(response.content)
    assert "(filtered)" in feed.find(f"{ATOM}title").text
    assert (
        feed.find(f"{ATOM}link[@rel='alternate']")
        .get("href")
        .endswith("/statements/?speaker=james-cleverly")
    )
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 1
    assert entries[0].find(f"{ATOM}author/{ATOM}name").text == "James Cleverly"
    assert "Foreign Secretary" in entries[0].find(f"{ATOM}summary").text


@pytest.mark.parametrize("kind", ["articles", "events", "actors"])
def test_atom_feed_for_every_list(demo, kind):
    queryset = {
        "articles": Article.objects.published(),
        "events": Event.objects.published(),
        "actors": Actor.objects.all(),
    }[kind]
    response = export(queryset, kind, "atom", path=f"/{kind}/")
    entries = ET.fromstring(response.content).findall(f"{ATOM}entry")
    assert len(entries) == min(queryset.count(), 50)


@pytest.mark.parametrize("rows", [5, 200])
def test_statement_export_queries_do_not_grow_with_rows(
    rows, django_assert_max_num_queries, monkeypatch
):
    speaker = RoleFactory().person
    AliasFactory(actor=speaker)
    for _ in range(rows):
        StatementFactory(speaker=speaker).mentioned_actors.add(speaker)
    monkeypatch.setattr(exports, "CHUNK_SIZE", 1000)
    # Queries: 1 count against EXPORT_MAX_ROWS; 1 statements with speaker, on_behalf_of,
    # article, outlet (one chunk); 1 the speakers' roles with organisations;
    # 1 mentioned actors; 1 links to public events, with the events.
    with django_assert_max_num_queries(5):
        assert len(csv_rows(export(Statement.objects.published(), "statements", "csv"))) == rows


def test_a_statement_export_does_not_read_its_articles_bodies():
    StatementFactory.create_batch(3)
    with CaptureQueriesContext(connection) as queries:
        assert len(csv_rows(export(Statement.objects.published(), "statements", "csv"))) == 3
    statement_queries = [q["sql"] for q in queries if 'FROM "articles_statement"' in q["sql"]]
    assert any('"articles_article"."title"' in sql for sql in statement_queries)
    assert not any('"articles_article"."body"' in sql for sql in statement_queries)


@pytest.mark.parametrize("rows", [5, 200])
def test_event_export_queries_do_not_grow_with_rows(rows, django_assert_max_num_queries):
    for _ in range(rows):
        EventParticipantFactory().event.articles.add(ArticleFactory())
    # Queries: 1 count against EXPORT_MAX_ROWS; 1 events with places; 1 participations
    # with actors; 1 published articles.
    with django_assert_max_num_queries(4):
        data = json.loads(body(export(Event.objects.published(), "events", "json")))
    assert len(data) == rows


def test_rows_are_read_in_chunks_with_their_related_rows(monkeypatch, django_assert_num_queries):
    StatementFactory.create_batch(7)
    monkeypatch.setattr(exports, "CHUNK_SIZE", 3)
    # Statements come from one cursor, read 3 at a time; each chunk of 3 + 3 + 1 rows
    # loads its speakers' roles, its mentioned actors and its event links: 1 + 3 * 3.
    with django_assert_num_queries(10):
        rows = list(exports.rows(Statement.objects.published(), record=record_type("statements")))
    assert len(rows) == 7


def test_a_speakers_roles_are_read_once_per_export_and_each_row_has_the_role_of_its_date(
    monkeypatch, django_assert_num_queries
):
    """Speakers come back chunk after chunk: their roles are read for the first chunk that
    names them and kept, and each statement still shows the role held on its own date."""
    envoy = RoleFactory(
        title="Envoy", start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2022, 12, 31)
    )
    minister = RoleFactory(
        person=envoy.person, title="Minister", start_date=datetime.date(2023, 1, 1)
    )
    for year in (2021, 2023, 2021, 2023, 2021, 2023, 2021):
        StatementFactory(speaker=envoy.person, said_on=datetime.date(year, 6, 1))
    monkeypatch.setattr(exports, "CHUNK_SIZE", 3)
    statements = record_type("statements")
    # 1 the statements' cursor; 1 the speaker's roles, for the first chunk only; then
    # per chunk of 3 + 3 + 1 rows its mentioned actors and its event links: 1 + 1 + 2 * 3.
    with django_assert_num_queries(8):
        text = "".join(
            exports.csv_text(
                exports.rows(Statement.objects.published(), record=statements),
                record=statements,
                bom=False,
            )
        )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 7
    assert {(row["said_on"][:4], row["speaker_role"]) for row in rows} == {
        ("2021", envoy.label),
        ("2023", minister.label),
    }


def test_export_links_keep_the_filters_and_drop_the_page():
    from django.template.loader import render_to_string

    request = RequestFactory().get("/statements/", {"speaker": "james-cleverly", "page": "3"})
    html = render_to_string(
        "includes/export_links.html", {"export_label": "statements"}, request=request
    )
    assert 'aria-label="Download or follow this list"' in html
    assert 'href="?speaker=james-cleverly&amp;format=csv"' in html
    assert 'href="?speaker=james-cleverly&amp;format=json"' in html
    assert 'href="?speaker=james-cleverly&amp;format=atom"' in html
    assert "Download these statements" in html


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_that_would_run_as_formulas_are_written_as_text(start):
    statement = StatementFactory(
        speaker=RoleFactory().person, translation=f'{start}HYPERLINK("http://evil")'
    )
    (row,) = csv_rows(export(Statement.objects.published(), "statements", "csv"))
    assert row["translation"] == f'\'{start}HYPERLINK("http://evil")'
    assert row["id"] == str(statement.pk)  # numbers are left alone
    data = json.loads(body(export(Statement.objects.published(), "statements", "json")))
    assert data[0]["translation"] == f'{start}HYPERLINK("http://evil")'  # JSON unchanged


def test_csv_starts_with_a_byte_order_mark_unless_bom_0(demo):
    """Excel reads a CSV as UTF-8 only after the mark; `?bom=0` leaves it out."""
    queryset = Statement.objects.published()
    with_mark = body(export(queryset, "statements", "csv")).encode("utf-8")
    assert with_mark.startswith(b"\xef\xbb\xbfid,permalink,")
    assert with_mark == body(export(queryset, "statements", "csv", bom="1")).encode("utf-8")
    without = body(export(queryset, "statements", "csv", bom="0")).encode("utf-8")
    assert without == with_mark.removeprefix(b"\xef\xbb\xbf")
    assert not body(export(queryset, "statements", "json")).startswith("\ufeff")
    refused = export(queryset, "statements", "csv", bom="yes")
    assert refused.status_code == 400
    assert "bom=1" in refused.content.decode()


@pytest.mark.parametrize("number", ["-31.5", "+2", "-1e5", ".5"])
def test_csv_signed_numbers_stay_numbers(number):
    """A latitude of "-31.5" is a number to a spreadsheet, not a formula: no apostrophe."""
    StatementFactory(speaker=RoleFactory().person, translation=number)
    (row,) = csv_rows(export(Statement.objects.published(), "statements", "csv"))
    assert row["translation"] == number


@pytest.mark.parametrize("text", ["-2+3", "+A1", "-cmd|' /C calc'!A0", "=1"])
def test_csv_formulas_that_start_like_numbers_are_still_text(text):
    StatementFactory(speaker=RoleFactory().person, translation=text)
    (row,) = csv_rows(export(Statement.objects.published(), "statements", "csv"))
    assert row["translation"] == "'" + text
