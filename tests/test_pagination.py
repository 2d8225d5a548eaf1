"""Deep pages read their ids first, then only their rows: same rows, cheaper.

`ArchivePaginator` reads the ids of a page deeper than `DEEP` rows from the sort alone
and then joins those rows. These tests make `DEEP` small and check that every page of
every sort shows exactly the rows that plain OFFSET paging shows, in the same order.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import freshness
from articles.models import Article, PublicationStatus, Statement
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


# -- Deep statement pages start at their day ------------------------------------------


def statements_on_days(days: int, per_day: int) -> None:
    """Public statements several a day, with drafts among them on the same days: a
    draft statement, and a public one in a draft article (neither is listed)."""
    article = ArticleFactory()
    draft_article = ArticleFactory(status=PublicationStatus.DRAFT)
    for day in range(days):
        said_on = datetime.date(2023, 10, 1 + day)
        for _ in range(per_day):
            StatementFactory(article=article, said_on=said_on)
        StatementFactory(article=article, said_on=said_on, status=PublicationStatus.DRAFT)
        StatementFactory(article=draft_article, said_on=said_on)


def all_pages(client, **params) -> list[int]:
    first = client.get("/statements/", params)
    assert first.status_code == 200
    pages = first.context["paginator"].num_pages
    return [
        pk
        for number in range(1, pages + 1)
        for pk in listed_ids(client, "/statements/", page=number, **params)
    ]


@pytest.mark.parametrize("sort", ["-date", "date"])
@pytest.mark.parametrize(
    "dates", [{}, {"date_from": "2023-10-03"}, {"date_from": "2023-10-02", "date_to": "2023-10-09"}]
)
def test_deep_statement_pages_show_the_rows_offset_paging_shows_after_every_write(
    client, small_steps, sort, dates
):
    statements_on_days(12, 4)
    order = ("-said_on", "-pk") if sort == "-date" else ("said_on", "pk")
    rows = Statement.objects.published().order_by(*order)
    if "date_from" in dates:
        rows = rows.filter(said_on__gte=dates["date_from"])
    if "date_to" in dates:
        rows = rows.filter(said_on__lte=dates["date_to"])

    def offset_paging() -> list[int]:
        return list(rows.values_list("pk", flat=True))

    assert all_pages(client, sort=sort, **dates) == offset_paging()
    # Each kind of write moves the totals per day and the pages with them.
    draft = Statement.objects.filter(status=PublicationStatus.DRAFT, said_on__day=5).first()
    draft.status = PublicationStatus.PUBLISHED
    draft.save()  # published: one more row on 5 October
    assert all_pages(client, sort=sort, **dates) == offset_paging()
    Statement.objects.published().filter(said_on__day=7).first().delete()
    Article.objects.filter(status=PublicationStatus.DRAFT).update(
        status=PublicationStatus.PUBLISHED, published_at=timezone.now()
    )  # a bulk update: the article's statements all public at once
    freshness.advance()  # as the services do after a bulk write
    assert all_pages(client, sort=sort, **dates) == offset_paging()


def test_a_deep_statement_page_skips_at_most_its_days_rows(client, small_steps):
    statements_on_days(10, 4)
    expected = list(
        Statement.objects.published().order_by("-said_on", "-pk").values_list("pk", flat=True)
    )
    with CaptureQueriesContext(connection) as captured:
        assert listed_ids(client, "/statements/", page=7) == expected[18:21]
    ids = [q["sql"] for q in captured if q["sql"].startswith('SELECT "articles_statement"."id" AS')]
    assert len(ids) == 1, ids
    # Row 18 is the third of 27 September's four (two days of four above it): the query
    # starts at that day and skips two rows, not eighteen.
    assert "said_on" in ids[0] and ids[0].endswith("LIMIT 3 OFFSET 2"), ids[0]
