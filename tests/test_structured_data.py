"""JSON-LD and Open Graph tags of the detail pages: what they say, without queries, and
every object valid against the schema.org vocabulary (tests/data/)."""

import datetime
import functools
import hashlib
import json
import re
from pathlib import Path

import pytest
from django.template import Context, Template

from actors.models import Actor
from articles.models import Article, Event, EventParticipant, Place, PublicationStatus, Statement
from articles.records.registry import RECORD_TYPES
from tests.factories import (
    ActorFactory,
    AliasFactory,
    ArticleFactory,
    EventFactory,
    EventParticipantFactory,
    OrganisationFactory,
    OutletFactory,
    PlaceFactory,
    RoleFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db


def render(obj, tag="json_ld") -> str:
    return Template("{% load structured_data %}{% " + tag + " obj %}").render(Context({"obj": obj}))


def ld(obj) -> dict:
    html = render(obj)
    match = re.fullmatch(r'<script type="application/ld\+json">(.*)</script>', html, re.S)
    assert match, html
    return json.loads(match.group(1))


def og(obj) -> dict:
    return dict(
        re.findall(r'<meta property="([^"]+)" content="([^"]*)">', render(obj, "open_graph"))
    )


def test_statement_is_a_quotation_with_speaker_role_and_source(demo, django_assert_num_queries):
    statement = Statement.objects.published().for_detail().get(speaker__slug="matthew-miller")
    with django_assert_num_queries(0):
        data = ld(statement)
        tags = og(statement)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Quotation"
    assert data["text"].startswith("Secretary of State Antony J. Blinken")
    assert data["spokenByCharacter"]["@type"] == "Person"
    assert data["spokenByCharacter"]["name"] == "Matthew Miller"
    assert data["spokenByCharacter"]["jobTitle"] == "Spokesperson"
    assert data["creator"]["@type"] == "Organization"
    assert data["creator"]["name"] == "US Department of State"
    assert data["isBasedOn"]["@type"] == "NewsArticle"
    assert data["isBasedOn"]["publisher"]["name"] == "TechBallad"
    assert "recordedIn" not in data  # not a property of a Quotation
    assert [event["name"] for event in data["about"]] == ["Blinken–Cleverly phone call on Gaza"]
    assert data["dateCreated"] == "2023-10-29"
    assert tags["og:type"] == "article"
    assert tags["og:title"].startswith("Matthew Miller, Spokesperson: “Secretary of State")
    assert tags["og:url"].endswith(f"/statements/{statement.pk}/")


def test_draft_event_stays_out_of_a_statement(db):
    statement = StatementFactory(event=EventFactory(title="Secret op", status="draft"))
    statement = Statement.objects.for_detail().get(pk=statement.pk)
    assert "about" not in ld(statement)
    assert "Secret op" not in render(statement)


def test_article_is_a_news_article(demo, django_assert_num_queries):
    article = Article.objects.published().for_detail().get()
    with django_assert_num_queries(0):
        data = ld(article)
        tags = og(article)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == article.title
    assert data["datePublished"] == "2023-10-30"
    assert data["publisher"] == {
        "@type": "NewsMediaOrganization",
        "name": "TechBallad",
        "url": "https://www.techballad.com/",
    }
    assert "James Cleverly" in [actor["name"] for actor in data["mentions"]]
    assert tags["article:published_time"] == "2023-10-30"


def test_actors_are_people_or_organisations(demo, django_assert_num_queries):
    biden = Actor.objects.for_detail().get(slug="joe-biden")
    iaf = Actor.objects.for_detail().get(slug="israel-air-force")
    with django_assert_num_queries(0):
        person, organisation = ld(biden), ld(iaf)
        tags = og(biden)
    assert person["@type"] == "Person"
    assert person["sameAs"] == "https://www.wikidata.org/wiki/Q6279"
    assert "President Biden" in person["alternateName"]
    assert organisation["@type"] == "Organization"
    assert organisation["parentOrganization"]["name"] == "Israel Defense Forces"
    assert tags["og:type"] == "profile"


def test_event_has_place_and_participants(demo, django_assert_num_queries):
    event = Event.objects.published().for_detail().get(slug="iaf-air-strike-mount-dov-2023-10")
    with django_assert_num_queries(0):
        data = ld(event)
    assert data["@type"] == "Event"
    assert data["startDate"] == "2023-10"  # known to the month only, as ISO 8601 writes it
    assert data["location"]["name"] == "Mount Dov (Shebaa Farms)"
    assert data["location"]["geo"]["latitude"] == pytest.approx(33.2833)
    assert [actor["name"] for actor in data["organizer"]] == ["Israel Air Force"]


def test_json_ld_cannot_break_out_of_its_script_element(db):
    event = EventFactory(
        title="</script><script>alert(1)</script>", status=PublicationStatus.PUBLISHED
    )
    event = Event.objects.for_detail().get(pk=event.pk)
    html = render(event)
    assert html.count("</script>") == 1
    assert "\\u003C/script\\u003E" in html
    assert ld(event)["name"] == "</script><script>alert(1)</script>"
    assert "<script>alert" not in render(event, "open_graph")


# --- Every page's JSON-LD against the schema.org vocabulary ---------------------------

VOCABULARY_FILE = Path(__file__).parent / "data" / "schemaorg-current-https.jsonld"
# The release the vendored file holds and the SHA-256 of its canonical @graph
# (tests/data/README.md says where it comes from).
VOCABULARY_RELEASE = "30.0"
VOCABULARY_SHA256 = "21331b9baa07d76266d8225d01e8a65ff50c43674b2b4fea4011e2af9009087c"


def _ids(value) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [
        (item["@id"] if isinstance(item, dict) else item).removeprefix("schema:")
        for item in values
        if item
    ]


@functools.cache
def vocabulary() -> dict:
    """Classes (with their parents), properties (with their domains) and the terms
    schema.org has superseded, read from the vendored vocabulary."""
    graph = json.loads(VOCABULARY_FILE.read_text(encoding="utf-8"))["@graph"]
    classes, properties, superseded = {}, {}, set()
    for node in graph:
        name = node["@id"].removeprefix("schema:")
        kinds = _ids(node["@type"])
        if "rdfs:Class" in kinds:
            classes[name] = set(_ids(node.get("rdfs:subClassOf", [])))
        if "rdf:Property" in kinds:
            properties[name] = set(_ids(node.get("schema:domainIncludes", [])))
        if node.get("schema:supersededBy"):
            superseded.add(name)
    return {"classes": classes, "properties": properties, "superseded": superseded}


def ancestors(name: str) -> set[str]:
    """The class and every class above it (walking subClassOf)."""
    classes = vocabulary()["classes"]
    seen, todo = set(), [name]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(classes.get(current, ()))
    return seen


def schema_errors(node, where: str = "$") -> list[str]:
    """What in a JSON-LD object the schema.org vocabulary does not allow: an unknown or
    superseded type, an unknown or superseded property, or a property whose domain
    includes none of the object's types. Nested objects are checked the same way."""
    vocab = vocabulary()
    if isinstance(node, list):
        return [e for i, item in enumerate(node) for e in schema_errors(item, f"{where}[{i}]")]
    if not isinstance(node, dict):
        return []
    types = node.get("@type")
    if not types:
        return [f"{where}: an object without @type"]
    types = types if isinstance(types, list) else [types]
    errors, lineage = [], set()
    for name in types:
        if name not in vocab["classes"]:
            errors.append(f"{where}: {name} is not a schema.org type")
        elif name in vocab["superseded"]:
            errors.append(f"{where}: {name} is superseded")
        lineage |= ancestors(name)
    for key, value in node.items():
        if key.startswith("@"):
            continue
        if key not in vocab["properties"]:
            errors.append(f"{where}.{key}: not a schema.org property")
        elif key in vocab["superseded"]:
            errors.append(f"{where}.{key}: superseded")
        elif not vocab["properties"][key] & lineage:
            errors.append(
                f"{where}.{key}: not a property of {'/'.join(types)} "
                f"(its domain: {', '.join(sorted(vocab['properties'][key]))})"
            )
        errors += schema_errors(value, f"{where}.{key}")
    return errors


def page_json_ld(client, path: str) -> list[dict]:
    response = client.get(path)
    assert response.status_code == 200, path
    scripts = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    return [json.loads(script) for script in scripts]


def _canonical(node):
    if isinstance(node, dict):
        return {key: _canonical(value) for key, value in sorted(node.items())}
    if isinstance(node, list):
        items = [_canonical(value) for value in node]
        return sorted(items, key=lambda value: json.dumps(value, sort_keys=True))
    return node


def test_the_vendored_vocabulary_is_schema_org_release_30():
    graph = json.loads(VOCABULARY_FILE.read_text(encoding="utf-8"))["@graph"]
    canonical = json.dumps(_canonical(graph), separators=(",", ":"))
    assert hashlib.sha256(canonical.encode()).hexdigest() == VOCABULARY_SHA256, (
        f"tests/data/schemaorg-current-https.jsonld is not schema.org {VOCABULARY_RELEASE}"
    )
    vocab = vocabulary()
    assert {"Quotation", "NewsArticle", "Event", "Person", "Place"} <= set(vocab["classes"])
    assert "CreativeWork" in ancestors("Quotation") and "Thing" in ancestors("NewsArticle")


def test_the_check_catches_what_schema_org_does_not_allow():
    wrong = {
        "@type": "Quotation",
        "recordedIn": {"@type": "Event", "name": "A call"},  # an Event's property
        "spokenByCharacter": {"@type": "Persn", "name": "A"},  # no such type
        "speaker": "B",  # no such property
    }
    errors = schema_errors(wrong)
    assert any(e.startswith("$.recordedIn: not a property of Quotation") for e in errors)
    assert "$.spokenByCharacter: Persn is not a schema.org type" in errors
    assert "$.speaker: not a schema.org property" in errors
    attack = {"@type": "Event", "attendee": [{"@type": "Person", "name": "C"}], "about": []}
    assert schema_errors(attack) == []
    assert schema_errors({"@type": "Person", "attendee": "x"}) != []


def _edge_records():
    """Records that fill every optional branch of the declarations."""
    country = PlaceFactory(name="Lebanon", slug="lebanon", kind=Place.Kind.COUNTRY)
    site = PlaceFactory(parent=country, latitude=33.28, longitude=35.7, kind=Place.Kind.SITE)
    ministry = OrganisationFactory(parent=OrganisationFactory(), wikidata_id="Q1")
    person = ActorFactory(parent=ministry, country="GB", description="A minister.")
    AliasFactory(actor=person)
    RoleFactory(person=person, organisation=ministry)
    event = EventFactory(place=site, end_date=datetime.date(2023, 10, 30), description="D.")
    for role in EventParticipant.Role.values:
        EventParticipantFactory(event=event, role=role)
    article = ArticleFactory(byline="", archive_url="https://web.archive.org/x", summary="S.")
    article.mentioned_actors.add(person)
    statement = StatementFactory(
        article=article,
        speaker=person,
        on_behalf_of=ministry,
        event=event,
        translation="In English.",
        source_url="https://x.example/post/1",
        said_on=datetime.date(2023, 10, 30),
    )
    return [statement, article, event, person, ministry, article.outlet, country, site]


def test_every_json_ld_object_of_every_record_page_is_valid_schema_org(client, demo):
    """Every public record of every type with a page: each @type exists, each property
    exists and belongs to the type (or a type above it)."""
    _edge_records()
    checked = set()
    for key, record in RECORD_TYPES.items():
        rows = list(record.public())
        assert rows, key
        for obj in rows:
            objects = page_json_ld(client, obj.get_absolute_url())
            assert objects, obj.get_absolute_url()
            for data in objects:
                assert data["@context"] == "https://schema.org"
                assert schema_errors(data) == [], obj.get_absolute_url()
                checked.add(data["@type"])
    assert checked == {
        "Quotation",
        "NewsArticle",
        "Event",
        "Person",
        "Organization",
        "NewsMediaOrganization",
        "Place",
    }


def test_month_precision_dates_are_written_to_the_month(db):
    event = EventFactory(
        start_date=datetime.date(2023, 10, 1),
        end_date=datetime.date(2023, 11, 30),
        date_precision="month",
        end_date_precision="month",
    )
    data = ld(Event.objects.for_detail().get(pk=event.pk))
    assert data["startDate"] == "2023-10"
    assert data["endDate"] == "2023-11"  # the end at its own precision


def test_an_attacks_target_is_what_it_is_about_not_an_attendee(db):
    event = EventFactory(kind=Event.Kind.AIR_STRIKE)
    EventParticipantFactory(
        event=event, actor=OrganisationFactory(name="Air Force"), role="initiator"
    )
    EventParticipantFactory(event=event, actor=OrganisationFactory(name="Hezbollah"), role="target")
    EventParticipantFactory(event=event, actor=ActorFactory(name="Observer"), role="participant")
    data = ld(Event.objects.for_detail().get(pk=event.pk))
    assert [actor["name"] for actor in data["organizer"]] == ["Air Force"]
    assert [actor["name"] for actor in data["about"]] == ["Hezbollah"]
    assert [actor["name"] for actor in data["attendee"]] == ["Observer"]


def test_a_news_article_has_an_author_and_a_date_modified(db):
    bylined = ArticleFactory(byline="Jane Reporter")
    unsigned = ArticleFactory(byline="")
    statement = StatementFactory(article=unsigned)
    for article in (bylined, unsigned):
        data = ld(Article.objects.for_detail().get(pk=article.pk))
        assert data["dateModified"] == Article.objects.get(pk=article.pk).updated_at.isoformat()
        assert data["datePublished"] == "2023-10-30"
    assert ld(Article.objects.for_detail().get(pk=bylined.pk))["author"] == {
        "@type": "Person",
        "name": "Jane Reporter",
    }
    # No byline: the outlet is the author.
    source = ld(Statement.objects.for_detail().get(pk=statement.pk))["isBasedOn"]
    assert source["@type"] == "NewsArticle"
    assert source["author"]["@type"] == "NewsMediaOrganization"
    assert source["author"]["name"] == unsigned.outlet.name
    assert source["dateModified"]


def test_outlet_and_place_pages_describe_their_record(client, db):
    outlet = OutletFactory(name="Al-Akhbar", country="LB", description="A daily.")
    country = PlaceFactory(name="Lebanon")
    site = PlaceFactory(name="Mount Dov", parent=country, latitude=33.28, longitude=35.7)
    [data] = page_json_ld(client, outlet.get_absolute_url())
    assert data["@type"] == "NewsMediaOrganization"
    assert data["sameAs"] == outlet.url
    assert data["address"]["addressCountry"] == "LB"
    [data] = page_json_ld(client, site.get_absolute_url())
    assert data["@type"] == "Place"
    assert data["geo"]["latitude"] == pytest.approx(33.28)
    assert data["containedInPlace"]["name"] == "Lebanon"
