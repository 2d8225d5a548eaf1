"""`/outlets/` and `/places/`: every outlet and place, with counts of public records."""

import re
from html import unescape

import pytest
from django.urls import reverse

from articles.models import Place, PublicationStatus

from .factories import ArticleFactory, EventFactory, OutletFactory, PlaceFactory, StatementFactory

pytestmark = pytest.mark.django_db

DRAFT = PublicationStatus.DRAFT
OUTLETS = reverse("articles:outlets")
PLACES = reverse("articles:places")


def rows(response) -> list[list[str]]:
    """The cells of the index table, as text, row by row."""
    body = response.content.decode()
    table = body[body.index("<tbody>") : body.index("</tbody>")]
    result = []
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        result.append([" ".join(unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in cells])
    return result


def test_outlet_index_counts_public_articles_and_statements_only(client):
    record = OutletFactory(name="The Record", slug="the-record", country="GB")
    article = ArticleFactory(outlet=record)
    StatementFactory(article=article)
    StatementFactory(article=article)
    StatementFactory(article=article, status=DRAFT)
    StatementFactory(article=ArticleFactory(outlet=record, status=DRAFT))  # its article a draft
    ArticleFactory(outlet=record, status=DRAFT)
    OutletFactory(name="Another Paper", slug="another-paper")
    response = client.get(OUTLETS)
    assert response.status_code == 200
    assert rows(response) == [
        ["Another Paper", "", "0", "0"],
        ["The Record", "United Kingdom", "1", "2"],  # the country's name, not GB
    ]
    assert "/outlets/the-record/" in response.content.decode()


def test_place_index_shows_parents_and_counts_events_inside(client):
    country = PlaceFactory(name="Palestine", slug="palestine", kind=Place.Kind.COUNTRY)
    region = PlaceFactory(
        name="Gaza Strip", slug="gaza-strip", kind=Place.Kind.REGION, parent=country
    )
    city = PlaceFactory(name="Jabalia", slug="jabalia", parent=region)
    EventFactory(place=city)
    EventFactory(place=city)
    EventFactory(place=region)
    EventFactory(place=country, status=DRAFT)
    EventFactory(place=city, status=DRAFT)
    response = client.get(PLACES)
    assert rows(response) == [
        ["Palestine", "Country", "—", "3"],
        ["Gaza Strip", "Region", "Palestine", "3"],
        ["Jabalia", "City", "Palestine › Gaza Strip", "2"],
    ]
    # The same count as the place's own page, which lists the events within it.
    assert (
        "Events here and in places within (3)" in client.get("/places/palestine/").content.decode()
    )
    body = response.content.decode()
    assert 'href="/places/gaza-strip/"' in body and 'href="/places/palestine/"' in body


def test_indexes_are_in_the_navigation_and_the_sitemap(client):
    home = client.get("/").content.decode()
    assert f'href="{OUTLETS}"' in home and f'href="{PLACES}"' in home
    pages = client.get("/sitemap-pages.xml").content.decode()
    assert "http://testserver/outlets/</loc>" in pages
    assert "http://testserver/places/</loc>" in pages
    current = client.get(PLACES).content.decode()
    assert f'<a href="{PLACES}" aria-current="page">Places</a>' in current


def test_index_pages_say_when_a_page_does_not_exist(client):
    OutletFactory()
    assert client.get(OUTLETS, {"page": "x"}).status_code == 400
    response = client.get(PLACES, {"page": "9"})
    assert response.status_code == 404
    assert "Page 9 does not exist" in response.content.decode()


@pytest.mark.parametrize("count", [5, 150])
def test_index_queries_do_not_grow_with_rows(client, django_assert_max_num_queries, count):
    parent = PlaceFactory()
    for _ in range(count):
        outlet = OutletFactory(country="IL")
        StatementFactory(article=ArticleFactory(outlet=outlet))
        EventFactory(place=PlaceFactory(parent=parent))
    # 1 count, 2 the page of outlets with their counts (two subqueries).
    with django_assert_max_num_queries(2):
        response = client.get(OUTLETS)
    assert len(rows(response)) == min(count, 100)
    # 1 the places, 2 the public events per place: the tree is walked in memory.
    with django_assert_max_num_queries(2):
        response = client.get(PLACES)
    assert len(rows(response)) == min(count + 1, 100)
