"""`?format=csv|json|atom` on every page that lists records, not only the lists.

Search, the date pages, an outlet, a place, an actor's sections and an event's statements
answer with their public rows as data, through the same bound and export slots as the
lists; an unknown format answers 400; each page announces its feed in the `<head>`.
What each page's export holds is written in README.md and docs/decisions.md.
"""

import csv
import datetime
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections

from articles.formats import slots
from articles.models import PublicationStatus, Statement
from articles.services import actor_merge
from tests.factories import (
    ActorFactory,
    ArticleFactory,
    EventFactory,
    OutletFactory,
    PlaceFactory,
    RoleFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
DRAFT = PublicationStatus.DRAFT
DAY = datetime.date(2023, 10, 28)


def body(response) -> str:
    """The streamed body, then what a WSGI server does: close the response (freeing the
    export slot), leaving the test's database connection open as the test client does."""
    try:
        return b"".join(response.streaming_content).decode("utf-8")
    finally:
        request_finished.disconnect(close_old_connections)
        try:
            response.close()
        finally:
            request_finished.connect(close_old_connections)


@pytest.fixture
def archive():
    """Public records with a draft beside each, so every export can leak one."""
    outlet = OutletFactory(slug="gazette", name="The Gazette")
    region = PlaceFactory(slug="region", name="Region")
    town = PlaceFactory(slug="town", name="Town", parent=region)
    speaker = RoleFactory(person=ActorFactory(slug="envoy", name="Envoy")).person
    subject = ActorFactory(slug="minister", name="Minister")
    event = EventFactory(slug="talks", title="Talks", place=town, start_date=DAY)
    draft_event = EventFactory(slug="secret-talks", place=region, start_date=DAY, status=DRAFT)
    article = ArticleFactory(slug="report", title="Report", outlet=outlet, published_on=DAY)
    draft_article = ArticleFactory(
        slug="draft-report", title="Draft report", outlet=outlet, published_on=DAY, status=DRAFT
    )

    def statement(text, **fields):
        made = StatementFactory(
            speaker=speaker,
            text=text,
            kind=Statement.Kind.PARAPHRASE,
            said_on=DAY,
            **{"article": article, "event": event, **fields},
        )
        made.mentioned_actors.add(subject)
        return made

    public = statement("Ceasefire talks will resume, the envoy said.")
    statement("Ceasefire draft remark.", status=DRAFT)
    statement("Ceasefire remark in a draft article.", article=draft_article)
    statement("Ceasefire remark about a draft event.", event=draft_event, status=DRAFT)
    return {"statement": public, "article": article, "event": event}


def csv_ids(response) -> list[str]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = body(response)
    assert text.startswith("\ufeffid,")
    return [row["id"] for row in csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))]


def json_ids(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return [str(row["id"]) for row in json.loads(body(response))]


def atom_links(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    return [entry.find(f"{ATOM}link").get("href") for entry in root.findall(f"{ATOM}entry")]


# (page, the type its export holds, which record of the archive fixture it holds)
PAGES = [
    ("/outlets/gazette/", "article"),
    ("/places/region/", "event"),
    ("/events/talks/", "statement"),
    ("/articles/report/", "statement"),
    ("/actors/envoy/", "statement"),
    ("/actors/envoy/?section=by", "statement"),
    ("/actors/minister/?section=about", "statement"),
    ("/dates/2023/", "statement"),
    ("/dates/2023/10/", "statement"),
    ("/dates/2023/10/28/", "statement"),
    ("/dates/2023/10/?type=articles", "article"),
    ("/dates/2023/10/28/?type=events", "event"),
    ("/search/?q=ceasefire", "statement"),
    ("/search/?q=report&type=articles", "article"),
    ("/search/?q=talks&type=events", "event"),
]
PATHS = {
    "statement": "/statements/{pk}/",
    "article": "/articles/{slug}/",
    "event": "/events/{slug}/",
}


def _with(url: str, fmt: str) -> str:
    return url + ("&" if "?" in url else "?") + f"format={fmt}"


@pytest.mark.parametrize(("url", "kind"), PAGES)
def test_every_page_exports_its_public_rows_and_no_draft(client, archive, url, kind):
    record = archive[kind]
    assert csv_ids(client.get(_with(url, "csv"))) == [str(record.pk)]
    assert json_ids(client.get(_with(url, "json"))) == [str(record.pk)]
    path = PATHS[kind].format(pk=record.pk, slug=getattr(record, "slug", ""))
    assert atom_links(client.get(_with(url, "atom"))) == ["http://testserver" + path]


@pytest.mark.parametrize(("url", "kind"), PAGES)
def test_an_unknown_format_answers_400_not_the_page(client, archive, url, kind):
    response = client.get(_with(url, "xml"))
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "Unknown format 'xml'" in response.content.decode()


def test_the_date_export_holds_every_row_of_the_period_not_the_first_50(client):
    article = ArticleFactory(published_on=DAY)
    StatementFactory.create_batch(60, article=article, said_on=DAY)
    StatementFactory(said_on=DAY + datetime.timedelta(days=1), article=article)  # next day
    assert len(csv_ids(client.get("/dates/2023/10/28/?format=csv"))) == 60
    assert len(csv_ids(client.get("/dates/2023/10/?format=csv"))) == 61


def test_a_section_period_narrows_the_actor_export(client, archive):
    speaker = archive["statement"].speaker
    StatementFactory(speaker=speaker, said_on=datetime.date(2024, 5, 1))
    assert len(csv_ids(client.get("/actors/envoy/?format=csv&section=by"))) == 2
    narrowed = client.get("/actors/envoy/?format=csv&section=by&by_from=2024-01-01")
    assert len(csv_ids(narrowed)) == 1
    # The other section's period does not narrow this one.
    other = client.get("/actors/envoy/?format=csv&section=by&about_from=2024-01-01")
    assert len(csv_ids(other)) == 2


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/actors/envoy/?format=csv&section=all", "Unknown section 'all'"),
        ("/actors/envoy/?format=csv&section=by&by_from=2023-13-45", "by_from"),
        ("/dates/2023/?format=csv&type=places", "Unknown type 'places'"),
        ("/search/?q=talks&type=actors&date_from=2023-01-01&format=csv", "Actors carry no dates"),
        ("/events/talks/?format=csv&bom=maybe", "bom=1"),
    ],
)
def test_bad_export_parameters_answer_400_with_a_reason(client, archive, url, message):
    response = client.get(url)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_draft_event_or_article_has_no_export_even_for_staff(staff_client, archive):
    for url in ("/events/secret-talks/", "/articles/draft-report/"):
        assert staff_client.get(url).status_code == 200  # the preview
        for fmt in ("csv", "json", "atom"):
            assert staff_client.get(f"{url}?format={fmt}").status_code == 404


def test_unknown_records_answer_404_before_any_export(client, db):
    for url in (
        "/outlets/nope/",
        "/places/nope/",
        "/events/nope/",
        "/actors/nope/",
        "/articles/x/",
    ):
        assert client.get(url + "?format=csv").status_code == 404


def test_a_merged_actors_export_leads_to_the_actor_it_became(client, archive):
    actor_merge(keep=archive["statement"].speaker, drop=ActorFactory(slug="old-envoy"))
    response = client.get("/actors/old-envoy/?format=csv&section=by")
    assert response.status_code == 301
    assert response["Location"] == "/actors/envoy/?format=csv&section=by"
    assert client.get("/actors/never-was/?format=csv").status_code == 404


def test_a_search_without_words_exports_nothing(client, archive):
    assert csv_ids(client.get("/search/?format=csv")) == []


def test_page_exports_keep_the_row_bound(client, archive, settings):
    StatementFactory.create_batch(
        2, article=archive["article"], event=archive["event"], said_on=DAY, text="More talks."
    )
    settings.EXPORT_MAX_ROWS = 2
    for url in (
        "/dates/2023/?format=csv",
        "/events/talks/?format=json",
        "/search/?q=talks&format=csv",
    ):
        refused = client.get(url)
        assert refused.status_code == 422, url
        assert "This list has 3 statements" in refused.content.decode(), url
    assert len(csv_ids(client.get("/outlets/gazette/?format=csv"))) == 1  # under the bound


def test_page_exports_take_an_export_slot(client, archive, settings):
    settings.EXPORT_CONCURRENCY = 1
    held = slots.take()
    assert held is not None
    try:
        busy = client.get("/places/region/?format=csv")
        assert busy.status_code == 503
        assert busy["Retry-After"] == "30"
    finally:
        held.release()
    assert len(csv_ids(client.get("/places/region/?format=csv"))) == 1


# -- Feeds in the <head> ----------------------------------------------------------------

ALTERNATE = re.compile(
    r'<link rel="alternate" type="application/atom\+xml" title="[^"]*" href="([^"]+)">'
)


def alternate(client, url) -> str:
    """The page's one Atom link in its <head>."""
    html = client.get(url).content.decode()
    head = html.split("</head>")[0]
    found = ALTERNATE.findall(head)
    assert len(found) == 1, (url, found)
    return found[0].replace("&amp;", "&").removeprefix("http://testserver")


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("/", "statement"),
        ("/statements/?speaker=envoy", "statement"),
        ("/articles/", "article"),
        ("/events/", "event"),
        ("/outlets/gazette/", "article"),
        ("/places/region/", "event"),
        ("/events/talks/", "statement"),
        ("/articles/report/", "statement"),
        ("/actors/envoy/", "statement"),
        ("/dates/2023/10/", "statement"),
        ("/search/?q=ceasefire", "statement"),
    ],
)
def test_every_page_with_a_feed_announces_it(client, archive, url, kind):
    record = archive[kind]
    feed = alternate(client, url)
    path = PATHS[kind].format(pk=record.pk, slug=getattr(record, "slug", ""))
    assert "http://testserver" + path in atom_links(client.get(feed))


def test_the_actor_page_links_its_feed(client, archive):
    html = client.get("/actors/envoy/").content.decode()
    assert alternate(client, "/actors/envoy/") == "/actors/envoy/feed/"
    assert 'href="/actors/envoy/feed/"' in html.split("</head>")[1]
    # and each section its own export
    assert "?section=by&amp;format=csv" in html
    assert "?section=about&amp;format=csv" in client.get("/actors/minister/").content.decode()


def test_pages_without_a_feed_announce_none(client, archive):
    html = client.get(f"/statements/{archive['statement'].pk}/").content.decode()
    assert "application/atom+xml" not in html.split("</head>")[0]


def test_the_date_page_links_each_section_as_data(client, archive):
    html = client.get("/dates/2023/10/28/").content.decode()
    for kind in ("statements", "articles", "events"):
        assert f'href="?type={kind}&amp;format=csv"' in html


# -- Queries ----------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [3, 40])
def test_page_export_queries_do_not_grow_with_rows(client, rows, django_assert_max_num_queries):
    outlet = OutletFactory(slug="wire")
    place = PlaceFactory(slug="city")
    speaker = RoleFactory(person=ActorFactory(slug="voice")).person
    event = EventFactory(slug="summit", place=place, start_date=DAY)
    report = ArticleFactory(slug="summit-report", outlet=outlet, published_on=DAY)
    for _ in range(rows):
        article = ArticleFactory(outlet=outlet, published_on=DAY, title="Summit report")
        StatementFactory(speaker=speaker, article=article, event=event, said_on=DAY, text="Summit.")
        EventFactory(place=place, start_date=DAY)
        StatementFactory(speaker=speaker, article=report, said_on=DAY)
    # Each: 1 the page's record (outlet, place, event or actor; none for dates and search);
    # 1 the bound's count; 1 the rows with their joins; then per chunk of rows the
    # prefetches: articles 1 (mentioned actors), events 2 (participants, articles),
    # statements 3 (the speakers' roles, mentioned actors, links to public events).
    for url, most in [
        ("/outlets/wire/?format=csv", 4),
        ("/places/city/?format=csv", 6),  # + the place's children (for_detail)
        ("/events/summit/?format=csv", 6),
        ("/articles/summit-report/?format=csv", 6),
        ("/actors/voice/?format=csv", 6),
        ("/actors/voice/?format=csv&section=by", 6),
        ("/dates/2023/10/28/?format=csv", 5),
        ("/dates/2023/10/28/?format=json&type=events", 4),
        ("/search/?q=summit&format=csv", 6),  # + the matches, counted up to the broad limit
    ]:
        with django_assert_max_num_queries(most):
            response = client.get(url)
            text = body(response)
        assert response.status_code == 200, url
        assert text.count("\n") > rows, url
    # Atom: 1 the event; 1 the newest rows; then the export's prefetches: 1 the speakers'
    # roles, 1 mentioned actors, 1 links to public events.
    with django_assert_max_num_queries(5):
        assert len(atom_links(client.get("/events/summit/?format=atom"))) == rows
