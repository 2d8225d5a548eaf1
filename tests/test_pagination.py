"""Deep pages read their ids first, then only their rows: same rows, cheaper.

`ArchivePaginator` reads the ids of a page deeper than `DEEP` rows from the sort alone
and then joins those rows. These tests make `DEEP` small and check that every page of
every sort shows exactly the rows that plain OFFSET paging shows, in the same order.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Statement
from articles.records.actors import listing
from articles.website import lists

from .factories import ActorFactory, ArticleFactory, StatementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_steps(monkeypatch, settings):
    monkeypatch.setattr(lists.ArchivePaginator, "DEEP", 5)
    settings.PAGE_SIZE = 3


def listed_ids(client, path, **params) -> list[int]:
    response = client.get(path, params)
    assert response.status_code == 200
    return [row.pk for row in response.context["page_obj"].object_list]


@pytest.mark.parametrize("sort", ["-date", "date"])
def test_every_statement_page_shows_the_rows_offset_paging_shows(client, small_steps, sort):
    article = ArticleFactory()
    for day in range(12):  # several statements a day: the id breaks the ties
        for _ in range(3):
            StatementFactory(article=article, said_on=datetime.date(2023, 10, 1 + day))
    order = ("-said_on", "-pk") if sort == "-date" else ("said_on", "pk")
    expected = list(Statement.objects.published().order_by(*order).values_list("pk", flat=True))
    pages = [listed_ids(client, "/statements/", sort=sort, page=number) for number in range(1, 13)]
    assert [pk for page in pages for pk in page] == expected


def test_article_pages_seek_on_a_sort_with_mixed_directions(client, small_steps):
    for index in range(20):
        ArticleFactory(published_on=datetime.date(2023, 10, 1 + index % 4), title=f"T{index % 3}")
    order = ("-published_on", "title", "pk")
    expected = list(Article.objects.published().order_by(*order).values_list("pk", flat=True))
    pages = [listed_ids(client, "/articles/", page=number) for number in range(1, 8)]
    assert [pk for page in pages for pk in page] == expected


def test_most_quoted_actors_page_deep_by_their_counts(client, small_steps):
    for count in (5, 3, 3, 1, 0, 0, 2, 4, 1, 6, 2, 3) * 2:
        actor = ActorFactory()
        for _ in range(count):
            StatementFactory(speaker=actor)
    expected = list(
        listing().order_by("-statement_count", "name", "pk").values_list("pk", flat=True)
    )
    assert len(expected) > 5 * 3  # deeper than DEEP rows: the last pages read ids first
    pages = -(-len(expected) // 3)
    seen = [
        pk
        for number in range(1, pages + 1)
        for pk in listed_ids(client, "/actors/", sort="most_quoted", page=number)
    ]
    assert seen == expected


def test_a_deep_page_joins_only_its_own_rows(client, small_steps):
    """The deep page's row query names its ids: it never joins the rows above it."""
    article = ArticleFactory()
    for day in range(10):
        StatementFactory(article=article, said_on=datetime.date(2023, 10, 1 + day))
    expected = list(
        Statement.objects.published().order_by("-said_on", "-pk").values_list("pk", flat=True)
    )
    with CaptureQueriesContext(connection) as captured:
        assert listed_ids(client, "/statements/", page=3) == expected[6:9]
    joined = [q["sql"] for q in captured if "articles_article" in q["sql"]]
    assert joined and not any("OFFSET" in sql for sql in joined), joined
    assert any(all(f"{pk}" in sql for pk in expected[6:9]) for sql in joined), joined


def test_the_first_page_of_a_long_list_sorts_ids_not_joined_rows(client, small_steps):
    """Past DEEP rows even page 1 reads its ids first (an outlet's statements have no
    index in the list's order, and would be sorted joined to their articles); a search's
    first page does not, since its second query would look the words up again."""
    article = ArticleFactory()
    for day in range(8):
        StatementFactory(
            article=article, said_on=datetime.date(2023, 10, 1 + day), text=f"Ceasefire {day}."
        )
    expected = list(
        Statement.objects.published().order_by("-said_on", "-pk").values_list("pk", flat=True)
    )
    with CaptureQueriesContext(connection) as captured:
        assert listed_ids(client, "/statements/", outlet=article.outlet.slug) == expected[:3]
    ids = [q["sql"] for q in captured if q["sql"].startswith('SELECT "articles_statement"."id" AS')]
    assert ids and "articles_article" in ids[0] and "LIMIT 3" in ids[0], ids
    with CaptureQueriesContext(connection) as captured:
        assert listed_ids(client, "/statements/", q="ceasefire") == expected[:3]
    ids = [q["sql"] for q in captured if q["sql"].startswith('SELECT "articles_statement"."id" AS')]
    assert ids == []
