"""Links to detail pages: the path `reverse()` gives, without the resolver for each row.

A list or date page links every row to its detail page, its speaker, its source and its
outlet: `get_absolute_url()` fills in a path resolved once per URL name and script
prefix (`actors/links.py`). These tests hold it to what `reverse()` answers, under a
script prefix too, and count the resolver's work on a page as rows grow.
"""

import datetime
from unittest import mock

import pytest
from django.urls import reverse, set_script_prefix
from django.urls.resolvers import URLResolver

from articles import freshness

from .factories import (
    ActorFactory,
    ArticleFactory,
    EventFactory,
    OutletFactory,
    PlaceFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db

MARCH_FIRST = datetime.date(2024, 3, 1)


def records():
    """One record of each type with a detail page, and the URL name and key of that page."""
    statement = StatementFactory(on_behalf_of=ActorFactory())
    event = EventFactory(place=PlaceFactory())
    return [
        (statement, "articles:statement", statement.pk),
        (statement.speaker, "actors:detail", statement.speaker.slug),
        (statement.article, "articles:detail", statement.article.slug),
        (statement.article.outlet, "articles:outlet", statement.article.outlet.slug),
        (event, "articles:event", event.slug),
        (event.place, "articles:place", event.place.slug),
    ]


def test_every_detail_link_is_the_path_reverse_gives_and_opens_its_page(client):
    for record, name, key in records():
        path = record.get_absolute_url()
        assert path == reverse(name, args=[key])
        assert client.get(path).status_code == 200, path


def test_detail_links_follow_the_script_prefix():
    # The site mounted under /archive/ (SCRIPT_NAME), which a WSGI server sets per request.
    rows = records()
    plain = [record.get_absolute_url() for record, _, _ in rows]
    set_script_prefix("/archive/")
    try:
        for (record, name, key), path in zip(rows, plain, strict=True):
            assert record.get_absolute_url() == reverse(name, args=[key]) == "/archive" + path
    finally:
        set_script_prefix("/")
    assert [record.get_absolute_url() for record, _, _ in rows] == plain


def resolver_calls(client, path: str) -> int:
    """How many times a fresh render of the page runs the URL resolver."""
    freshness.advance()
    calls = 0
    original = URLResolver._reverse_with_prefix

    def counted(resolver, *args, **kwargs):
        nonlocal calls
        calls += 1
        return original(resolver, *args, **kwargs)

    with mock.patch.object(URLResolver, "_reverse_with_prefix", counted):
        response = client.get(path)
    assert response.status_code == 200
    return calls


@pytest.mark.parametrize("path", ["/statements/", "/articles/", "/events/", "/dates/2024/"])
def test_the_resolver_runs_as_often_for_many_rows_as_for_one(client, path):
    outlet = OutletFactory()
    place = PlaceFactory()

    def add_rows(count):
        for _ in range(count):
            article = ArticleFactory(outlet=outlet, published_on=MARCH_FIRST)
            StatementFactory(article=article, said_on=MARCH_FIRST)
            EventFactory(place=place, start_date=MARCH_FIRST)

    add_rows(1)
    client.get(path)  # the templates loaded, as in a process that has served the page
    one = resolver_calls(client, path)
    add_rows(20)
    many = resolver_calls(client, path)
    assert many == one, f"{one} calls for one row, {many} for 21"
