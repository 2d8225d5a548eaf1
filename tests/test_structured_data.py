"""JSON-LD and Open Graph tags rendered with the demo objects, without queries."""

import json
import re

import pytest
from django.template import Context, Template

from actors.models import Actor
from articles.models import Article, Event, PublicationStatus, Statement
from tests.factories import EventFactory, StatementFactory

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
        "@type": "Organization",
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
