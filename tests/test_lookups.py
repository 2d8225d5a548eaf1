"""`Among(column, ids)` selects exactly the rows `column__in=ids` selects, on both databases."""

import pytest
from django.db.models import F

from articles.lookups import Among
from articles.models import Statement, StatementEvent

from .factories import EventFactory, StatementFactory

pytestmark = pytest.mark.django_db


def test_among_matches_what_in_matches():
    statements = [StatementFactory() for _ in range(5)]
    event = EventFactory()
    for statement in statements[:3]:
        StatementEvent.objects.create(statement=statement, event=event, stance="describes")
    wanted = [statements[0].pk, statements[2].pk, statements[4].pk, statements[0].pk, 10**9]
    links = StatementEvent.objects.filter(Among(F("statement_id"), wanted))
    assert sorted(links.values_list("statement_id", flat=True)) == sorted(
        StatementEvent.objects.filter(statement_id__in=wanted).values_list(
            "statement_id", flat=True
        )
    )
    assert sorted(links.values_list("statement_id", flat=True)) == [
        statements[0].pk,
        statements[2].pk,
    ]


def test_among_no_ids_is_no_rows_and_thousands_are_one_parameter():
    statement = StatementFactory()
    other = StatementFactory()
    assert not Statement.objects.filter(Among(F("pk"), [])).exists()
    # Ids run on from earlier tests, so the list is built around the statement's own.
    many = [pk for pk in range(statement.pk - 2500, statement.pk + 2500) if pk != other.pk]
    sql, params = Statement.objects.filter(Among(F("pk"), many)).query.sql_with_params()
    assert len(params) <= 2  # the list, and perhaps the published flag
    assert list(Statement.objects.filter(Among(F("pk"), many)).values_list("pk", flat=True)) == [
        statement.pk
    ]


def test_among_refuses_what_is_not_a_whole_number():
    with pytest.raises((TypeError, ValueError)):
        Among(F("pk"), ["1; DROP TABLE articles_statement"])
