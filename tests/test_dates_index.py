"""The dates index, /dates/: every year with public records and its counts per kind."""

import datetime

import pytest
from django.urls import reverse

from articles.models import PublicationStatus

from .factories import ArticleFactory, EventFactory, StatementFactory
from .test_lists import hrefs, text

pytestmark = pytest.mark.django_db

DRAFT = PublicationStatus.DRAFT
DATES = reverse("articles:dates")


def year_url(year: int) -> str:
    return reverse("articles:year", args=[f"{year:04d}"])


def rows(response) -> list[tuple[int, int, int, int]]:
    return [(y.year, y.statements, y.articles, y.events) for y in response.context["years"]]


def test_index_lists_each_year_newest_first_with_its_public_counts(client):
    old = ArticleFactory(published_on=datetime.date(2021, 3, 1))
    StatementFactory.create_batch(2, article=old, said_on=datetime.date(2021, 3, 1))
    # Said in December, reported in January: each counts in its own year.
    late = ArticleFactory(published_on=datetime.date(2024, 1, 2))
    StatementFactory(article=late, said_on=datetime.date(2023, 12, 31))
    # Events count by start year, at any precision; a long one counts once, where it starts.
    EventFactory(start_date=datetime.date(2022, 6, 1), date_precision="month")
    EventFactory(start_date=datetime.date(2022, 1, 1), date_precision="year")
    EventFactory(start_date=datetime.date(2023, 12, 30), end_date=datetime.date(2024, 1, 5))

    response = client.get(DATES)

    assert response.status_code == 200
    assert rows(response) == [
        (2024, 0, 1, 0),
        (2023, 1, 0, 1),
        (2022, 0, 0, 2),
        (2021, 2, 1, 0),
    ]
    content = text(response)
    assert "2024 0 1 0 2023 1 0 1 2022 0 0 2 2021 2 1 0" in content
    links = hrefs(response)
    for year in (2021, 2022, 2023, 2024):
        assert year_url(year) in links


def test_index_counts_only_public_records(client):
    draft_article = ArticleFactory(published_on=datetime.date(2019, 5, 5), status=DRAFT)
    # A published statement of a draft article is not public either.
    StatementFactory(article=draft_article, said_on=datetime.date(2019, 5, 5))
    public_article = ArticleFactory(published_on=datetime.date(2020, 5, 5))
    StatementFactory(article=public_article, said_on=datetime.date(2018, 5, 5), status=DRAFT)
    EventFactory(start_date=datetime.date(2017, 5, 5), status=DRAFT)

    response = client.get(DATES)

    assert rows(response) == [(2020, 0, 1, 0)]
    for hidden in (2017, 2018, 2019):
        assert year_url(hidden) not in hrefs(response)


def test_index_of_the_demo_archive(client, demo):
    # The seed article, its nine statements and seven events are all from 2023.
    response = client.get(DATES)
    assert rows(response) == [(2023, 9, 1, 7)]
    assert "2023 9 1 7" in text(response)


def test_empty_index_says_nothing_is_published(client):
    response = client.get(DATES)
    assert response.status_code == 200
    assert "Nothing has been published yet" in text(response)


def test_date_pages_lead_back_to_the_index_and_the_navigation_marks_dates(client):
    for url in (DATES, year_url(2023), reverse("articles:month", args=["2023", "10"])):
        content = client.get(url).content.decode()
        assert f'<a href="{DATES}" aria-current="page">Dates</a>' in content
    assert DATES in hrefs(client.get(year_url(2023)))


@pytest.mark.parametrize("count", [5, 200])
def test_index_query_count_does_not_grow(client, django_assert_max_num_queries, count):
    for n in range(count):
        day = datetime.date(1900 + n % 120, 1 + n % 12, 1 + n % 28)
        StatementFactory(said_on=day, article=ArticleFactory(published_on=day))
        EventFactory(start_date=day, date_precision=["day", "month", "year"][n % 3])
    # 1 statements per year, 2 articles per year, 3 events per year (by start year).
    with django_assert_max_num_queries(3):
        response = client.get(DATES)
    assert len(response.context["years"]) == min(count, 120)
