"""The search page `/search/`: grouped, ranked, highlighted, filtered, never a draft."""

import datetime

import pytest
from django.urls import reverse

from articles.models import PublicationStatus
from tests.factories import (
    ActorFactory,
    AliasFactory,
    ArticleFactory,
    EventFactory,
    EventParticipantFactory,
    RoleFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db
URL = "/search/"


def test_search_url_is_named():
    assert reverse("search:results") == URL


def test_empty_search_shows_the_form(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="search"' in html
    assert '<label for="id_q">' in html
    main = html.split('id="main"')[1]  # after the site header's own search box
    assert "result" not in main.split("</form>")[1]


def test_results_are_grouped_by_type_with_counts(client, demo):
    response = client.get(URL, {"q": "cleverly"})
    html = response.content.decode()
    groups = {group["type"]: group["count"] for group in response.context["groups"]}
    assert groups == {"statements": 2, "actors": 1, "articles": 1, "events": 2}
    assert "6 results for" in html
    for heading in ('id="heading-statements"', 'id="heading-actors"', 'id="heading-events"'):
        assert heading in html
    assert "James <mark>Cleverly</mark>" in html
    assert 'dir="auto"' in html


def test_actor_found_by_alias(client, demo):
    response = client.get(URL, {"q": "@SecBlinken", "type": "actors"})
    [group] = [g for g in response.context["groups"] if g["type"] == "actors"]
    assert [actor.slug for actor in group["results"]] == ["antony-blinken"]
    assert "<mark>SecBlinken</mark>" in response.content.decode()


def test_phrase_exclusion_and_or_on_the_page(client, demo):
    def statements(q):
        response = client.get(URL, {"q": q, "type": "statements"})
        [group] = [g for g in response.context["groups"] if g["type"] == "statements"]
        return {s.speaker.slug for s in group["results"]}

    assert statements('"humanitarian pauses"') == {"james-cleverly"}
    assert statements("hostages -blinken") == {"us-department-of-state"}
    assert statements("pauses or airstrike") == {"james-cleverly", "israel-defense-forces"}


def test_drafts_are_never_found(client):
    StatementFactory(text="Zebra remark.", status=PublicationStatus.DRAFT)
    StatementFactory(text="Zebra remark too.", article=ArticleFactory(status="draft"))
    ArticleFactory(title="Zebra article", status=PublicationStatus.DRAFT)
    EventFactory(title="Zebra event", status=PublicationStatus.DRAFT)
    response = client.get(URL, {"q": "zebra"})
    assert response.context["total"] == 0
    assert "Zebra" not in response.content.decode().split("</form>")[1]
    assert "Nothing matches" in response.content.decode()


def test_type_filter_paginates_one_type(client, settings):
    settings.PAGE_SIZE = 10
    StatementFactory.create_batch(23, text="Ceasefire talks.")
    first = client.get(URL, {"q": "ceasefire", "type": "statements"})
    group = next(g for g in first.context["groups"] if g["type"] == "statements")
    assert group["count"] == 23
    assert len(group["results"]) == 10
    assert 'rel="next"' in first.content.decode()
    third = client.get(URL, {"q": "ceasefire", "type": "statements", "page": 3})
    group = next(g for g in third.context["groups"] if g["type"] == "statements")
    assert len(group["results"]) == 3


def test_date_range_and_actor_filters(client):
    speaker = ActorFactory(slug="cohen", name="Eli Cohen")
    early = StatementFactory(
        text="Truce soon.", speaker=speaker, said_on=datetime.date(2023, 10, 1)
    )
    StatementFactory(text="Truce later.", speaker=speaker, said_on=datetime.date(2023, 12, 1))
    StatementFactory(text="Truce elsewhere.", said_on=datetime.date(2023, 10, 1))
    event = EventFactory(title="Truce signed", start_date=datetime.date(2023, 10, 2))
    EventParticipantFactory(event=event, actor=speaker)
    EventFactory(title="Truce broken", start_date=datetime.date(2023, 10, 3))
    response = client.get(
        URL, {"q": "truce", "date_from": "2023-09-01", "date_to": "2023-10-31", "actor": "cohen"}
    )
    groups = {g["type"]: g for g in response.context["groups"]}
    assert [s.pk for s in groups["statements"]["results"]] == [early.pk]
    assert [e.pk for e in groups["events"]["results"]] == [event.pk]
    assert "actors" not in groups


@pytest.mark.parametrize(
    "params, message",
    [
        ({"date_from": "yesterday"}, "From: Enter a date as YYYY-MM-DD, for example 2023-10-28."),
        ({"date_to": "2023-13-45"}, "To: Enter a date as YYYY-MM-DD, for example 2023-10-28."),
        ({"date_from": "2024-01-02", "date_to": "2024-01-01"}, "is after the"),
        ({"actor": "no-such-actor"}, "No actor has the slug"),
        ({"actor": "not a slug!"}, "Actor:"),
        ({"type": "people"}, "Type: Select a valid choice."),
        ({"q": "x" * 600}, "Search for:"),
    ],
)
def test_bad_filters_answer_400_with_a_clear_message(client, db, params, message):
    response = client.get(URL, {"q": "gaza", **params})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert message in html


def test_search_text_is_escaped(client, db):
    response = client.get(URL, {"q": "<script>alert(1)</script>"})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_highlighting_is_escaped(client):
    EventFactory(title="<em>Strike</em> & counter-strike")
    html = client.get(URL, {"q": "strike"}).content.decode()
    assert "&lt;em&gt;<mark>Strike</mark>&lt;/em&gt; &amp;" in html


def test_search_page_loads_its_stylesheet(client, db):
    assert "css/search.css" in client.get(URL, {"q": "x"}).content.decode()


@pytest.mark.parametrize("rows", [5, 200])
def test_search_queries_do_not_grow_with_rows(client, rows, django_assert_max_num_queries):
    speaker = RoleFactory(person__name="Gaza Speaker").person
    AliasFactory(actor=speaker, name="Gaza voice")
    for n in range(rows):
        StatementFactory(speaker=speaker, text=f"Gaza statement {n}.")
        ArticleFactory(title=f"Gaza report {n}")
        EventFactory(title=f"Gaza event {n}")
    # Queries, all types: 1 for the four counts; per type (statements, actors, articles,
    # events) 1 page of ranked rows and 1 highlights = 8; plus the statements' speaker
    # roles and the events' participations (for_listing prefetches) = 11.
    with django_assert_max_num_queries(11):
        response = client.get(URL, {"q": "gaza"})
    assert response.context["total"] == 3 * rows + 1
    assert [group["count"] for group in response.context["groups"]] == [rows, 1, rows, rows]
    # One type: 1 for the three other counts, the chosen type's by the paginator, 1 page,
    # 1 highlights, 1 roles = 5.
    with django_assert_max_num_queries(5):
        response = client.get(URL, {"q": "gaza", "type": "statements"})
    assert 'rel="next"' in response.content.decode() or rows <= 25


@pytest.mark.browser
def test_reader_searches_and_narrows_to_one_type(page, live_server, transactional_db):
    from articles.services import demo_load

    demo_load()
    page.goto(live_server.url + URL)
    page.get_by_label("Search for").fill('"humanitarian pauses" or cleverly')
    page.get_by_role("main").get_by_role("button", name="Search").click()
    assert page.locator("mark").first.is_visible()
    page.get_by_role("link", name="Events 2").click()
    assert "type=events" in page.url
    assert page.get_by_role("heading", name="Events (2)").is_visible()
    assert page.locator("#results-statements").count() == 0
    page.get_by_label("From").fill("2023-10-29")
    page.get_by_role("main").get_by_role("button", name="Search").click()
    summary = page.locator(".search-summary").inner_text()
    assert "Events 0" in summary and "Statements 1" in summary
    assert page.locator("#results-events").count() == 0


def test_a_query_of_exclusions_only_lists_plain_titles(client):
    EventFactory(title="Convoy reaches Rafah")
    EventFactory(title="Shelling near Jabalia")
    response = client.get(URL, {"q": "-shelling", "type": "events"})
    html = response.content.decode()
    assert "Convoy reaches Rafah" in html
    assert "Jabalia" not in html.split("</form>")[1]


@pytest.mark.parametrize("type_", ["", "statements", "actors"])
def test_a_query_of_punctuation_only_finds_nothing(client, demo, type_):
    response = client.get(URL, {"q": "* ( )", "type": type_})
    assert response.status_code == 200
    assert response.context["total"] == 0


# "No results": suggestions --------------------------------------------------------------


def test_no_results_suggests_the_closest_actor_and_spelling(client, demo):
    response = client.get(URL, {"q": "Cleverley"})
    assert response.context["total"] == 0
    html = response.content.decode()
    assert "Nothing matches" in html
    assert 'Did you mean <a href="?q=Cleverly" dir="auto">Cleverly</a>?' in html
    suggested = html.split('class="suggested-actors"')[1].split("</ul>")[0]
    assert '<a href="/actors/james-cleverly/" dir="auto">James Cleverly</a>' in suggested
    # The suggested query finds what the misspelt one missed.
    assert client.get(URL, {"q": "Cleverly"}).context["total"] > 0
    assert client.get(URL, {"q": "cleverley"}).context["suggested_query"] == "cleverly"


def test_no_results_suggests_actors_by_alias_and_never_a_draft_title(client):
    AliasFactory(actor=ActorFactory(name="Antony Blinken"), name="Tony Blinken")
    ArticleFactory(title="Zanzibaria talks", status=PublicationStatus.DRAFT)
    StatementFactory(text="Zanzibaria again.", status=PublicationStatus.DRAFT)
    response = client.get(URL, {"q": "Blinkin"})
    assert [a.name for a in response.context["suggested_actors"]] == ["Antony Blinken"]
    response = client.get(URL, {"q": "zanzibarya"})
    assert response.context["total"] == 0
    assert response.context["suggested_query"] == ""  # the drafts' words are not known


def test_no_results_suggests_a_word_of_the_published_statements(client):
    StatementFactory(text="Both leaders sought the release of hostages.")
    response = client.get(URL, {"q": "release hostagse"})
    assert response.context["suggested_query"] == "release hostages"


def test_results_suggest_nothing(client, demo, django_assert_max_num_queries):
    response = client.get(URL, {"q": "cleverly"})
    assert "suggested_query" not in response.context
    assert "Nothing matches" not in response.content.decode()


def test_no_results_suggestions_cost_few_queries(client, demo, django_assert_max_num_queries):
    client.get(URL, {"q": "Cleverley"})  # vocabulary and names cached for the generation
    with django_assert_max_num_queries(6):
        # 3 counts in one query, 1 cached count of the chosen type ... and the actors shown
        response = client.get(URL, {"q": "Cleverlee"})
    assert response.context["suggested_actors"]


# The actor filter takes a name ------------------------------------------------------------


@pytest.mark.parametrize("typed", ["eli-cohen", "Eli Cohen", "ELI COHEN", "the PM", "Cohen"])
def test_the_actor_filter_takes_a_slug_a_name_an_alias_or_part_of_a_name(client, typed):
    cohen = ActorFactory(slug="eli-cohen", name="Eli Cohen")
    AliasFactory(actor=cohen, name="The PM")
    said = StatementFactory(text="Truce soon.", speaker=cohen)
    StatementFactory(text="Truce elsewhere.")
    response = client.get(URL, {"q": "truce", "actor": typed, "type": "statements"})
    assert response.status_code == 200
    assert response.context["actor"] == cohen
    [group] = [g for g in response.context["groups"] if g["type"] == "statements"]
    assert [s.pk for s in group["results"]] == [said.pk]
    assert "involving" in response.content.decode()


def test_the_actor_filter_names_the_actors_a_name_could_be(client):
    ActorFactory(slug="eli-cohen", name="Eli Cohen")
    ActorFactory(slug="yossi-cohen", name="Yossi Cohen")
    response = client.get(URL, {"q": "truce", "actor": "cohen"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "“cohen” could be Eli Cohen (eli-cohen) or Yossi Cohen (yossi-cohen)." in html
    # The slug chooses one.
    assert client.get(URL, {"q": "truce", "actor": "yossi-cohen"}).status_code == 200


def test_an_exact_name_wins_over_names_that_contain_it(client):
    exact = ActorFactory(name="Hamas")
    ActorFactory(name="Hamas political bureau")
    response = client.get(URL, {"q": "truce", "actor": "hamas"})
    assert response.status_code == 200 and response.context["actor"] == exact


def test_the_actor_filter_says_when_no_actor_has_the_name(client, db):
    response = client.get(URL, {"q": "truce", "actor": "Nobody Known"})
    assert response.status_code == 400
    assert "No actor has the slug, name or alias “Nobody Known”." in response.content.decode()
