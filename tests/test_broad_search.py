"""A search that matches more rows than SEARCH_BROAD_MATCHES is broad.

Lists and the search page then say "more than" that many, list the first ones in the
list's own order (newest first) instead of ranking every match, count no facets, and
say so on the page. Below the limit nothing changes: exact counts, facets, relevance.
What decides is the number of PUBLIC matches: drafts never change what a reader sees.
"""

import datetime

import pytest
from django.db import connection
from django.db.models import F

from articles.models import Article, PublicationStatus, Statement
from articles.services import records_publish, records_unpublish
from search import engine
from search import index as search_index

from .factories import ArticleFactory, EventFactory, StatementFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2024, 3, 1)


@pytest.fixture
def limit(settings):
    settings.SEARCH_BROAD_MATCHES = 3
    return 3


def ceasefire(count: int, *, status=PublicationStatus.PUBLISHED) -> list[Statement]:
    """`count` statements about a ceasefire, one a day from DAY, each in its own article."""
    statements = []
    for n in range(count):
        day = DAY + datetime.timedelta(days=n)
        article = ArticleFactory(published_on=day)
        statements.append(
            StatementFactory(
                article=article,
                said_on=day,
                text=f"The ceasefire must hold, day {n}.",
                status=status,
            )
        )
    return statements


def listed(response) -> list[int]:
    return [statement.pk for statement in response.context["page_obj"].object_list]


def test_a_broad_search_lists_the_newest_matches_and_says_more_than(client, limit):
    statements = ceasefire(5)
    StatementFactory(text="Nothing about it.")
    response = client.get("/statements/", {"q": "ceasefire"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "More than 3 statements" in html
    assert "These words match more than 3 statements" in html
    # The newest three matches, in the list's order; no facet counts of them.
    assert listed(response) == [s.pk for s in reversed(statements)][:3]
    assert response.context["facets"] == []
    assert "facets-heading" not in html


def test_oldest_first_keeps_its_order_when_broad(client, limit):
    statements = ceasefire(5)
    response = client.get("/statements/", {"q": "ceasefire", "sort": "date"})
    assert listed(response) == [s.pk for s in statements][:3]


def test_below_the_limit_the_count_is_exact_with_facets(client, settings):
    settings.SEARCH_BROAD_MATCHES = 10
    ceasefire(5)
    response = client.get("/statements/", {"q": "ceasefire"})
    html = response.content.decode()
    assert "More than" not in html
    assert response.context["paginator"].count == 5
    assert "facets-heading" in html


def test_drafts_never_make_a_search_broad(client, limit):
    public = ceasefire(2)
    ceasefire(5, status=PublicationStatus.DRAFT)
    # The index holds the drafts too: the words match 7 documents, but 2 public rows.
    assert engine.matches_more_than(Statement.objects.all(), "ceasefire", limit)
    response = client.get("/statements/", {"q": "ceasefire"})
    html = response.content.decode()
    assert "More than" not in html
    assert sorted(listed(response)) == sorted(s.pk for s in public)
    assert response.context["paginator"].count == 2
    assert "facets-heading" in html


def test_a_page_past_the_first_matches_explains_the_limit(client, settings):
    settings.SEARCH_BROAD_MATCHES = 3
    settings.PAGE_SIZE = 2
    ceasefire(5)
    assert client.get("/statements/", {"q": "ceasefire", "page": 2}).status_code == 200
    response = client.get("/statements/", {"q": "ceasefire", "page": 3})
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page 3 does not exist" in html
    assert "only the first 3 are listed" in html


def test_publishing_and_unpublishing_move_a_search_across_the_limit(client, limit):
    statements = ceasefire(3)
    response = client.get("/statements/", {"q": "ceasefire"})
    assert response.context["paginator"].count == 3
    assert not response.context["paginator"].capped
    [late] = ceasefire(1, status=PublicationStatus.DRAFT)
    records_publish(records=Statement.objects.filter(pk=late.pk))
    response = client.get("/statements/", {"q": "ceasefire"})
    assert response.context["paginator"].capped
    assert "More than 3 statements" in response.content.decode()
    records_unpublish(records=Statement.objects.filter(pk__in=[late.pk, statements[0].pk]))
    response = client.get("/statements/", {"q": "ceasefire"})
    assert response.context["paginator"].count == 2
    assert not response.context["paginator"].capped


@pytest.mark.parametrize("q", ["ceasefire", "ceasefire -day", "-hold", "ceasefire or nothing"])
def test_the_broad_reading_selects_the_same_rows(q):
    ceasefire(4)
    StatementFactory(text="Nothing about it.")
    rows = Statement.objects.published().order_by(F("said_on").desc(), F("pk").desc())
    assert list(engine.filter_text(rows, q, broad=True)) == list(engine.filter_text(rows, q))


@pytest.mark.parametrize(
    "q", ["ceasefire", "ceasefire -day", "-hold", "ceasefire or nothing", '"must hold"', "!!"]
)
def test_the_counting_reading_selects_the_same_rows(q):
    ceasefire(4)
    ceasefire(2, status=PublicationStatus.DRAFT)
    StatementFactory(text="Nothing about it.")
    rows = Statement.objects.published()
    counted = engine.counting(rows, q)
    assert sorted(counted.values_list("pk", flat=True)) == sorted(
        engine.filter_text(rows, q).values_list("pk", flat=True)
    )


def test_a_capped_search_count_reads_the_matches_one_by_one(client, limit):
    # On SQLite, `id IN (SELECT rowid …)` built the list of every match before counting
    # the first (a quarter of a million for a common word); the count joins the index
    # and stops at the limit. PostgreSQL's plans were the same either way.
    ceasefire(5)
    response = client.get("/search/", {"q": "ceasefire", "type": "statements"})
    assert "More than 3 statements" in response.content.decode()
    if connection.vendor != "sqlite":
        return
    counted = engine.counting(Statement.objects.published(), "ceasefire")
    sql, params = counted.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN SELECT COUNT(*) FROM ({sql} LIMIT 4)", params)
        plan = [row[-1] for row in cursor.fetchall()]
    assert not any("LIST SUBQUERY" in step for step in plan), plan
    assert any("VIRTUAL TABLE" in step for step in plan), plan


def test_matches_more_than_stops_at_the_limit():
    ceasefire(3)
    rows = Statement.objects.all()
    assert engine.matches_more_than(rows, "ceasefire", 2)
    assert not engine.matches_more_than(rows, "ceasefire", 3)
    assert not engine.matches_more_than(rows, "-ceasefire", 0)  # exclusions only


def test_the_search_page_lists_a_broad_type_newest_first_and_says_so(client, limit):
    statements = ceasefire(5)
    response = client.get("/search/", {"q": "ceasefire"})
    html = response.content.decode()
    [group] = [g for g in response.context["groups"] if g["type"] == "statements"]
    assert group["broad"] and group["count"] == 3
    assert [s.pk for s in group["results"]] == [s.pk for s in reversed(statements)][:5]
    assert 'Statements <span class="count">(more than 3)</span>' in html
    assert "not by relevance" in html
    assert "More than" in html.split('aria-live="polite">')[1][:20]
    assert "The first 3 statements" in html

    response = client.get("/search/", {"q": "ceasefire", "type": "statements"})
    [group] = [g for g in response.context["groups"] if g["type"] == "statements"]
    assert [s.pk for s in group["results"]] == [s.pk for s in reversed(statements)][:3]
    assert group["page_obj"].paginator.count == 3


def test_the_search_page_ranks_a_narrow_type(client, settings):
    settings.SEARCH_BROAD_MATCHES = 10
    ceasefire(2)
    best = StatementFactory(text="Ceasefire, ceasefire, ceasefire.", said_on=DAY)
    response = client.get("/search/", {"q": "ceasefire", "type": "statements"})
    [group] = [g for g in response.context["groups"] if g["type"] == "statements"]
    assert not group["broad"] and group["count"] == 3
    assert group["results"][0].pk == best.pk  # by relevance, though it is the oldest
    assert "not by relevance" not in response.content.decode()


def test_a_broad_search_costs_no_more_queries(client, limit, django_assert_max_num_queries):
    ceasefire(8)
    with django_assert_max_num_queries(12):
        client.get("/statements/", {"q": "ceasefire"})
    with django_assert_max_num_queries(11):
        client.get("/search/", {"q": "ceasefire"})


def test_a_search_export_gives_the_rows_in_the_pages_order(client, settings):
    """Broad words export newest first, as the page lists them, without ranking every
    match first; narrow words export best match first."""
    import csv
    import io

    def exported(q: str) -> list[int]:
        response = client.get("/search/", {"q": q, "format": "csv"})
        assert response.status_code == 200
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        return [int(row["id"]) for row in csv.DictReader(io.StringIO(text))]

    ceasefire(4)
    best = StatementFactory(text="Ceasefire, ceasefire, ceasefire.", said_on=DAY)
    settings.SEARCH_BROAD_MATCHES = 3
    newest_first = Statement.objects.order_by("-said_on", "-pk").values_list("pk", flat=True)
    assert exported("ceasefire") == list(newest_first)
    assert best.pk != newest_first[0]
    settings.SEARCH_BROAD_MATCHES = 10
    assert exported("ceasefire")[0] == best.pk


def facets_shown(response) -> dict[str, list[tuple[str, int | None]]]:
    return {f.title: [(v.label, v.count) for v in f.values] for f in response.context["facets"]}


def facets_of(rows) -> dict[str, list[tuple[str, int]]]:
    """Each facet of the statement list counted on `rows` directly."""
    from articles.records.registry import record_type

    return {
        title: [(label, n) for label, _, n in function(rows)]
        for title, function in record_type("statements").facets
    }


@pytest.mark.parametrize("narrowed", ["speaker", "dates"])
def test_broad_words_narrowed_by_another_filter_count_and_facet_their_rows(client, limit, narrowed):
    statements = ceasefire(6)
    speaker = statements[0].speaker
    Statement.objects.filter(pk__in=[statements[1].pk, statements[4].pk]).update(speaker=speaker)
    Statement.objects.filter(pk=statements[4].pk).update(kind=Statement.Kind.PARAPHRASE)
    StatementFactory(speaker=speaker, text="Nothing about it.", said_on=DAY)
    if narrowed == "speaker":
        params = {"q": "ceasefire", "speaker": speaker.slug}
        expected = [statements[0], statements[1], statements[4]]
    else:
        day = DAY + datetime.timedelta(days=3)
        params = {"q": "ceasefire", "date_from": day.isoformat(), "date_to": day.isoformat()}
        expected = [statements[3]]
    response = client.get("/statements/", params)
    assert response.status_code == 200
    # Fewer rows than the limit: an exact count, and the facets of exactly these rows.
    assert response.context["paginator"].count == len(expected)
    assert not response.context["paginator"].capped
    # In the list's order, either way.
    newest_first = [s.pk for s in sorted(expected, key=lambda s: s.said_on, reverse=True)]
    assert listed(response) == newest_first
    oldest_first = client.get("/statements/", {**params, "sort": "date"})
    assert listed(oldest_first) == newest_first[::-1]
    shown = facets_shown(response)
    rows = Statement.objects.filter(pk__in=[s.pk for s in expected])
    for title, values in facets_of(rows).items():
        if narrowed == "speaker" and title == "Speakers":
            # The rows of the words alone would be counted: the chosen speaker only.
            assert shown[title] == [(speaker.name, None)]
        else:
            assert shown.get(title, []) == values, title


def test_broad_words_narrowed_by_another_filter_read_the_index_once(client, limit):
    """The words' matches among the other filters' rows are read once, as ids, which the
    count and the facets use: the facets do not each look the words up again."""
    from django.test.utils import CaptureQueriesContext

    statements = ceasefire(6)
    speaker = statements[0].speaker
    Statement.objects.filter(pk=statements[1].pk).update(speaker=speaker)
    index = "search_statement"  # the SQLite and the PostgreSQL tables alike
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/statements/", {"q": "ceasefire", "speaker": speaker.slug})
    assert response.context["paginator"].count == 2
    assert response.context["facets"]
    reads = [q["sql"] for q in queries if index in q["sql"]]
    # Whether the words are broad, the matching rows' ids, the page.
    assert len(reads) == 3, reads
    assert listed(response) == [statements[1].pk, statements[0].pk]


@pytest.mark.parametrize("narrowed", ["actor", "dates"])
def test_the_search_page_ranks_broad_words_narrowed_by_an_actor_or_dates(client, limit, narrowed):
    """Broad words (more than the limit in the whole index) that an actor or dates narrow
    to the limit or fewer are ranked by relevance, as the page promises ("add a word or a
    filter"): the words are tested on the rows the filter keeps, their ids read once, and
    each row scored by itself (on SQLite no bm25() of every match)."""
    from django.test.utils import CaptureQueriesContext

    statements = ceasefire(6)
    speaker = statements[0].speaker
    best = StatementFactory(text="Ceasefire, ceasefire, ceasefire.", said_on=DAY, speaker=speaker)
    Statement.objects.filter(pk=statements[1].pk).update(speaker=speaker)
    StatementFactory(speaker=speaker, text="Nothing about it.", said_on=DAY)
    if narrowed == "actor":
        params = {"q": "ceasefire", "actor": speaker.slug, "type": "statements"}
        expected = {statements[0].pk, statements[1].pk, best.pk}
    else:
        last = DAY + datetime.timedelta(days=1)
        params = {"q": "ceasefire", "date_from": DAY.isoformat(), "date_to": last.isoformat()}
        expected = {statements[0].pk, statements[1].pk, best.pk}
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/search/", {**params, "type": "statements"})
    html = response.content.decode()
    [group] = [g for g in response.context["groups"] if g["type"] == "statements"]
    assert not group["broad"] and group["count"] == 3
    assert "not by relevance" not in html
    shown = [s.pk for s in group["results"]]
    assert set(shown) == expected and shown[0] == best.pk
    # The order of ranking these rows the ordinary way.
    ranked = engine.rank(Statement.objects.filter(pk__in=expected), "ceasefire")
    assert shown == [s.pk for s in ranked]
    page = [q["sql"] for q in queries if "search_rank" in q["sql"] or "bm25" in q["sql"]]
    assert page and not any("bm25(" in sql or "object_id FROM search" in sql for sql in page)

    response = client.get("/search/", {**params, "format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert [int(line.split(",")[0]) for line in text.splitlines()[1:]] == shown


def test_broad_words_narrowed_on_the_search_page_cost_at_most_twelve_queries(
    client, limit, django_assert_max_num_queries
):
    """Every type at once: whether the words are broad is asked of the three indexes in
    one query, then each broad type's matching ids, the others' counts in one query."""
    for _ in range(2):
        ceasefire(6)
        EventFactory(title="Ceasefire talks", start_date=DAY)
    Article.objects.update(title="Ceasefire news")
    search_index.rebuild()
    params = {"q": "ceasefire", "date_from": DAY.isoformat(), "date_to": DAY.isoformat()}
    with django_assert_max_num_queries(12):
        response = client.get("/search/", params)
    counts = {g["type"]: (g["count"], g["broad"]) for g in response.context["groups"]}
    assert counts == {"statements": (2, False), "articles": (2, False), "events": (2, False)}
