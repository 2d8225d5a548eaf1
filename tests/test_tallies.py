"""The statement totals the database keeps (articles/tallies.py) are right after every
kind of write.

Each test writes as the archive does (services, the admin's saves, bulk updates,
cascades, merges, imports, generated archives) and then checks two things: the table
holds exactly the counts recounted here from the rows, and the statement list shows the
same count and facets as it does when it groups the rows itself. Both databases run
these tests, with their own triggers.
"""

import datetime
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from articles import freshness, tallies
from articles.formats.interchange import archive_export, archive_import
from articles.models import (
    Article,
    Event,
    PublicationStatus,
    Statement,
    StatementEvent,
    StatementTally,
)
from articles.records.registry import record_type
from articles.services import actor_merge, records_publish, records_unpublish

from .factories import ActorFactory, ArticleFactory, EventFactory, OutletFactory, StatementFactory

pytestmark = pytest.mark.django_db

STATEMENTS = reverse("articles:statement_list")
DRAFT, PUBLISHED = PublicationStatus.DRAFT, PublicationStatus.PUBLISHED


def recounted() -> dict[tuple[str, str, str, str], int]:
    """Every total, counted here from the rows, as the table should hold it."""
    totals: Counter = Counter()
    for statement in Statement.objects.filter(status=PUBLISHED, article__status=PUBLISHED):
        stances = set(
            statement.event_links.filter(event__status=PUBLISHED).values_list("stance", flat=True)
        )
        values = [
            ("all", ""),
            ("speaker", str(statement.speaker_id)),
            ("kind", statement.kind),
            ("channel", statement.channel),
            ("verification", statement.verification),
            ("language", statement.language),
            ("outlet", str(statement.article.outlet_id)),
            ("year", f"{statement.said_on.year:04d}"),
        ] + [("stance", stance) for stance in stances]
        scopes = [("", ""), ("kind", statement.kind), ("channel", statement.channel)]
        scopes += [("verification", statement.verification), ("language", statement.language)]
        scopes += [("month", f"{statement.said_on:%Y-%m}"), ("day", statement.said_on.isoformat())]
        for scope in scopes:
            for value in values:
                totals[(*scope, *value)] += 1
        totals[("", "", "day", statement.said_on.isoformat())] += 1
    return dict(totals)


def kept() -> dict[tuple[str, str, str, str], int]:
    rows = StatementTally.objects.exclude(n=0)
    return {(t.scope, t.scope_value, t.facet, t.facet_value): t.n for t in rows}


def shown(client, params: dict | None = None) -> tuple[int, dict]:
    """The count and facets the statement list shows."""
    response = client.get(STATEMENTS, params or {})
    assert response.status_code == 200
    facets = {f.title: [(v.label, v.count) for v in f.values] for f in response.context["facets"]}
    return response.context["paginator"].count, facets


def grouped(params: dict | None = None) -> tuple[int, dict]:
    """The count and facets grouped from the rows, without the kept totals."""
    from django.http import QueryDict

    record = record_type("statements")
    query = QueryDict(mutable=True)
    for name, value in (params or {}).items():
        query[name] = value
    filterset = record.filterset(query, queryset=record.list_rows())
    assert filterset.is_valid()
    facets = {}
    for title, function in record.facets:
        param = getattr(function, "param", None)
        rows = filterset.qs_without(param) if param in (params or {}) else filterset.qs
        facets[title] = [(label, count) for label, _, count in function(rows)]
    return filterset.qs.count(), facets


def assert_right(client) -> None:
    assert kept() == recounted()
    # The actors' list, most quoted first, counts each speaker's public statements.
    response = client.get(reverse("actors:list"), {"sort": "most_quoted"})
    listed = {a.slug: a.statement_count for a in response.context["page_obj"].object_list}
    speakers = Counter(
        Statement.objects.filter(is_public=True).values_list("speaker__slug", flat=True)
    )
    assert {slug: n for slug, n in listed.items() if n} == dict(speakers)
    # The date pages: each year's statements on the index, each day's on the calendars.
    said = Counter(Statement.objects.filter(is_public=True).values_list("said_on", flat=True))
    response = client.get(reverse("articles:dates"))
    per_year = Counter()
    for day, n in said.items():
        per_year[day.year] += n
    assert {y.year: y.statements for y in response.context["years"] if y.statements} == per_year
    assert tallies.per_day(datetime.date(1, 1, 1), datetime.date(9999, 12, 31)) == said
    for params in (
        {},
        {"kind": "quote"},
        {"channel": "interview"},
        {"kind": "paraphrase"},
        {"language": "EN"},
        # Whole months: read from the month totals, summed over the range.
        {"date_from": "2023-10-01", "date_to": "2023-10-31"},
        {"date_from": "2023-11-01"},
        {"date_to": "2023-12-31"},
        {"date_from": "2023-01-01", "date_to": "2024-12-31"},
        # Ranges that cut months: the months they hold whole, and for each month they
        # cut the days kept or the month less the days left out.
        {"date_from": "2023-10-15", "date_to": "2024-10-30"},
        {"date_from": "2023-10-30", "date_to": "2024-10-29"},
        {"date_from": "2023-10-31"},
        {"date_from": "2023-10-02"},
        {"date_to": "2024-10-30"},
        {"date_to": "2024-10-02"},
        {"date_from": "2024-10-29", "date_to": "2024-10-30"},
        {"date_from": "2024-10-02", "date_to": "2024-10-30"},
        {"date_from": "2023-10-20", "date_to": "2024-11-12"},
    ):
        count, facets = shown(client, params)
        expected_count, expected_facets = grouped(params)
        assert count == expected_count, params
        for title, values in expected_facets.items():
            if values or facets.get(title):
                assert facets[title][: len(values)] == values, (params, title)


@pytest.fixture
def archive():
    """Two outlets, three speakers, statements of two kinds and channels, one event."""
    outlets = OutletFactory.create_batch(2)
    speakers = ActorFactory.create_batch(3)
    event = EventFactory()
    articles = [ArticleFactory(outlet=outlets[i % 2]) for i in range(3)]
    statements = []
    for i in range(9):
        statement = StatementFactory(
            article=articles[i % 3],
            speaker=speakers[i % 3],
            kind=Statement.Kind.PARAPHRASE if i % 4 == 0 else Statement.Kind.QUOTE,
            channel=Statement.Channel.SPEECH if i % 2 else Statement.Channel.INTERVIEW,
            said_on=datetime.date(2023 + i % 2, 10, 30),
            language="ar" if i % 3 == 0 else "en",
            text=f"We will keep talking.{' ' * i}",
        )
        statements.append(statement)
    StatementEvent.objects.create(statement=statements[0], event=event, stance="claims")
    StatementEvent.objects.create(statement=statements[1], event=event, stance="denies")
    return {"outlets": outlets, "speakers": speakers, "event": event, "articles": articles}


def test_the_totals_follow_statements_as_they_are_created(client, archive):
    assert kept()[("", "", "all", "")] == 9
    assert kept()[("", "", "stance", "claims")] == 1
    assert_right(client)


def test_the_totals_follow_publishing_and_unpublishing_articles_and_statements(client, archive):
    article = archive["articles"][0]
    records_unpublish(records=Article.objects.filter(pk=article.pk))
    assert kept()[("", "", "all", "")] == 6
    assert_right(client)
    records_unpublish(records=Statement.objects.filter(article=archive["articles"][1])[:1])
    assert_right(client)
    records_publish(records=Article.objects.filter(pk=article.pk))
    records_publish(records=Statement.objects.all())
    assert kept()[("", "", "all", "")] == 9
    assert_right(client)


def test_the_totals_follow_edits_of_every_counted_field(client, archive):
    statement = Statement.objects.filter(is_public=True).first()
    statement.kind = Statement.Kind.PARAPHRASE
    statement.channel = Statement.Channel.OFFICIAL_STATEMENT
    statement.verification = Statement.Verification.NOT_FOUND
    statement.speaker = archive["speakers"][2]
    statement.said_on = datetime.date(2021, 1, 1)
    statement.save()
    assert kept()[("", "", "year", "2021")] == 1
    assert_right(client)
    # A bulk update, as the services write many rows at once (and then move the
    # generation: an UPDATE sends no signal).
    Statement.objects.filter(kind=Statement.Kind.QUOTE).update(channel=Statement.Channel.OTHER)
    freshness.advance()
    assert_right(client)


def test_the_totals_follow_an_article_moving_to_another_outlet(client, archive):
    article = archive["articles"][0]
    article.outlet = OutletFactory()
    article.save()
    assert kept()[("", "", "outlet", str(article.outlet_id))] == 3
    assert_right(client)


def test_the_stances_follow_links_and_their_events(client, archive):
    event, statement = archive["event"], Statement.objects.order_by("pk")[2]
    link = StatementEvent.objects.create(statement=statement, event=event, stance="claims")
    assert kept()[("", "", "stance", "claims")] == 2
    assert_right(client)
    # A second link of the same stance counts the statement once.
    StatementEvent.objects.create(statement=statement, event=EventFactory(), stance="claims")
    assert kept()[("", "", "stance", "claims")] == 2
    link.stance = "condemns"
    link.save()
    assert_right(client)
    records_unpublish(records=Event.objects.filter(pk=event.pk))
    assert ("", "", "stance", "denies") not in kept()
    assert_right(client)
    records_publish(records=Event.objects.filter(pk=event.pk))
    link.delete()
    assert_right(client)
    event.statement_links.all().delete()  # an event with accounts cannot be deleted
    event.delete()
    assert ("", "", "stance", "denies") not in kept()
    assert_right(client)


def test_the_totals_follow_deletions(client, archive):
    Statement.objects.filter(pk=Statement.objects.order_by("pk")[0].pk).delete()
    assert_right(client)
    article = archive["articles"][1]
    article.statements.all().delete()
    article.delete()
    assert kept()[("", "", "all", "")] == 5
    assert_right(client)


def test_the_totals_follow_a_merge_of_speakers(client, archive):
    keep, drop = archive["speakers"][:2]
    actor_merge(keep=keep, drop=drop)
    assert kept()[("", "", "speaker", str(keep.pk))] == 6
    assert ("", "", "speaker", str(drop.pk)) not in kept()
    assert_right(client)


def test_the_totals_follow_an_import(client, archive):
    out = io.StringIO()
    archive_export(out)
    StatementEvent.objects.all().delete()
    Statement.objects.all().delete()
    Article.objects.all().delete()
    Event.objects.all().delete()
    assert kept() == {}
    archive_import(stream=io.StringIO(out.getvalue()))
    assert kept()[("", "", "all", "")] == 9
    assert_right(client)


def test_a_rolled_back_write_leaves_the_totals(client, archive):
    before = kept()
    with pytest.raises(RuntimeError), transaction.atomic():
        records_unpublish(records=Article.objects.all())
        assert kept() == {}
        raise RuntimeError("the write fails")
    assert kept() == before
    assert_right(client)


def test_a_generated_archive_is_counted(client):
    call_command("generate_archive", statements=60, seed=3, stdout=io.StringIO())
    assert tallies.installed()
    assert kept()[("", "", "all", "")] == Statement.objects.filter(is_public=True).count()
    assert_right(client)
    # The triggers are back: the next write is counted.
    Statement.objects.filter(is_public=True).first().delete()
    assert_right(client)


def test_the_list_reads_its_count_and_facets_from_the_totals(
    client, archive, django_assert_max_num_queries
):
    # Grouping nothing: 1 the totals of the scope (count and the facets of values), 2-3
    # the speakers and outlets with their names, 4 the stances' totals… all from the
    # table; then the page of statements and its speakers' roles, and the selects.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(STATEMENTS, {"kind": "quote"})
    grouping = [q["sql"] for q in queries if "GROUP BY" in q["sql"] and "tally" not in q["sql"]]
    assert grouping == []
    with CaptureQueriesContext(connection) as queries:
        client.get(STATEMENTS, {"kind": "quote", "speaker": archive["speakers"][0].slug})
    grouping = [q["sql"] for q in queries if "GROUP BY" in q["sql"] and "tally" not in q["sql"]]
    assert grouping, "a list narrowed by a speaker groups its own rows"
    # Dates are read from the month and day totals, whole months or not.
    for dates in (
        {"date_from": "2023-01-01", "date_to": "2023-12-31"},
        {"date_from": "2023-01-02", "date_to": "2023-12-31"},
        {"date_from": "2023-10-29"},
    ):
        with CaptureQueriesContext(connection) as queries:
            client.get(STATEMENTS, dates)
        grouping = [q["sql"] for q in queries if "GROUP BY" in q["sql"] and "tally" not in q["sql"]]
        assert grouping == [], dates


def test_triggers_of_an_earlier_definition_are_replaced_and_recounted_by_migrate(archive):
    from django.db import connection

    from articles.apps import _keep_tallies

    # An earlier version of the code kept fewer totals: its trigger counted nothing.
    tallies.uninstall()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "CREATE TRIGGER statement_tally_insert AFTER INSERT ON articles_statement "
                "BEGIN SELECT 1; END"
            )
        else:
            cursor.execute(
                "CREATE FUNCTION statement_tally() RETURNS trigger LANGUAGE plpgsql "
                "AS $f$ BEGIN RETURN NULL; END $f$"
            )
            cursor.execute(
                "CREATE TRIGGER statement_tally AFTER INSERT ON articles_statement "
                "FOR EACH ROW EXECUTE FUNCTION statement_tally()"
            )
    StatementTally.objects.all().delete()
    assert not tallies.installed()
    _keep_tallies(None, using=connection.alias)  # what `migrate` runs after its work
    assert tallies.installed()
    assert kept() == recounted()
    StatementFactory(article=archive["articles"][0])
    assert kept() == recounted()


def month(low, high, sign=1):
    return ("month", low, high, sign)


def days(low, high, sign=1):
    return ("day", low, high, sign)


@pytest.mark.parametrize(
    ("first", "last", "pieces"),
    [
        # Whole months.
        ("2023-10-01", "2023-10-31", [month("2023-10", "2023-10")]),
        ("2024-02-01", "2024-02-29", [month("2024-02", "2024-02")]),
        ("", "9999-12-31", [month("", "9999-12")]),
        ("0001-01-01", "", [month("0001-01", "")]),
        ("", "2023-02-28", [month("", "2023-02")]),
        # A cut month: its days, or the month less the days left out, whichever are fewer.
        (
            "2023-10-02",
            "",
            [
                month("2023-11", ""),
                month("2023-10", "2023-10"),
                days("2023-10-01", "2023-10-01", -1),
            ],
        ),
        ("2023-10-20", "", [month("2023-11", ""), days("2023-10-20", "2023-10-31")]),
        (
            "",
            "2024-02-28",
            [
                month("", "2024-01"),
                month("2024-02", "2024-02"),
                days("2024-02-29", "2024-02-29", -1),
            ],
        ),
        ("", "2024-02-10", [month("", "2024-01"), days("2024-02-01", "2024-02-10")]),
        ("2023-10-16", "2023-10-17", [days("2023-10-16", "2023-10-17")]),
        (
            "2023-10-02",
            "2023-10-30",
            [
                month("2023-10", "2023-10"),
                days("2023-10-01", "2023-10-01", -1),
                days("2023-10-31", "2023-10-31", -1),
            ],
        ),
        # Two cut months next to each other: no whole month between.
        (
            "2023-10-20",
            "2023-11-10",
            [days("2023-10-20", "2023-10-31"), days("2023-11-01", "2023-11-10")],
        ),
        # The calendar's ends, and a range that ends before it starts.
        ("9999-12-02", "", [month("9999-12", "9999-12"), days("9999-12-01", "9999-12-01", -1)]),
        ("", "0001-01-30", [month("0001-01", "0001-01"), days("0001-01-31", "0001-01-31", -1)]),
        ("2023-10-31", "2023-10-30", []),
    ],
)
def test_a_date_range_is_added_up_from_whole_months_and_the_fewest_days(first, last, pieces):
    assert tallies._pieces(first, last) == pieces
    # Each day of the range is counted once, and no day outside it.
    edge = datetime.date.fromisoformat(first or last).toordinal()
    counted, expected = Counter(), Counter()
    for ordinal in range(max(edge - 100, 1), min(edge + 500, datetime.date.max.toordinal()) + 1):
        day = datetime.date.fromordinal(ordinal)
        month, iso = f"{day.year:04d}-{day.month:02d}", day.isoformat()
        for scope, low, high, sign in pieces:
            value = month if scope == "month" else iso
            if (not low or value >= low) and (not high or value <= high):
                counted[day] += sign
        if (not first or iso >= first) and (not last or iso <= last):
            expected[day] += 1
    assert {day: n for day, n in counted.items() if n} == expected
