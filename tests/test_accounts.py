"""Competing accounts of an event (issue 12): the event page's Accounts by side and stance
with its claimed figures, the `event` and `stance` filters and their facet, the exports,
the actor page's stances per event, and the Claim in a statement's JSON-LD."""

import csv
import datetime
import io
import json
import re
from html import unescape

import pytest
from django.core.cache import cache
from django.urls import reverse

from actors.models import Actor
from articles.models import PublicationStatus, StatementEvent
from articles.website.accounts import sides_of

from .factories import (
    ActorFactory,
    ArticleFactory,
    EventFactory,
    OrganisationFactory,
    RoleFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db

DRAFT = PublicationStatus.DRAFT
STATEMENTS = reverse("articles:statement_list")
ARMY_TEXT = "Our aircraft struck a militant cell in the camp, killing 12 militants."
MINISTRY_TEXT = (
    "The strike on the camp killed between 40 and 50 civilians; no militants were there."
)


def text(response) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body)))


def section(response, css_class: str) -> str:
    """The visible text of the first element with this class (and what follows it up to
    the closing tag of the same name)."""
    content = response.content.decode()
    match = re.search(rf'<(\w+) class="{css_class}"', content)
    assert match, css_class
    tag = match.group(1)
    end = content.index(f"</{tag}>", match.start())
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", content[match.start() : end])))


def link(statement, event, stance, kind="", low=None, high=None, note=""):
    return StatementEvent.objects.create(
        statement=statement,
        event=event,
        stance=stance,
        figure_kind=kind,
        claimed_figure=low,
        claimed_figure_max=high,
        note=note,
    )


@pytest.fixture
def strike(db):
    """Opposing accounts of one air strike: an army claims it killed 12 militants, a health
    ministry denies it and reports 40 to 50 civilians killed. And what must stay out: a
    draft statement about it, a statement of a draft article, and a public statement's
    link to a draft event."""
    event = EventFactory(
        title="Air strike on the Al-Nur camp",
        slug="strike-al-nur",
        kind="air_strike",
        start_date=datetime.date(2023, 11, 2),
    )
    state = ActorFactory(name="Northland", slug="northland", kind=Actor.Kind.STATE, country="NL")
    army = OrganisationFactory(
        name="Northland Defence Forces", slug="ndf", kind=Actor.Kind.MILITARY, parent=state
    )
    ministry = OrganisationFactory(
        name="Southland Ministry of Health", slug="southland-health", country="SL"
    )
    article = ArticleFactory(title="Both sides on the Al-Nur strike")
    claim = StatementFactory(
        article=article,
        speaker=army,
        kind="paraphrase",
        text=ARMY_TEXT,
        said_on=datetime.date(2023, 11, 2),
    )
    link(claim, event, "claims", "killed", 12, note="militants, by the army's count")
    denial = StatementFactory(
        article=article,
        speaker=ministry,
        kind="paraphrase",
        text=MINISTRY_TEXT,
        said_on=datetime.date(2023, 11, 3),
    )
    link(denial, event, "denies", "killed", 40, 50, note="civilians")
    hidden = StatementFactory(
        article=article, speaker=ministry, kind="paraphrase", text="A draft.", status=DRAFT
    )
    link(hidden, event, "condemns", "injured", 999)
    unpublished = StatementFactory(
        article=ArticleFactory(status=DRAFT),
        speaker=ministry,
        kind="paraphrase",
        text="From a draft article.",
    )
    link(unpublished, event, "confirms", "hostages", 777)
    draft_event = EventFactory(title="Secret raid", slug="secret-raid", status=DRAFT)
    link(denial, draft_event, "justifies")
    return {"event": event, "claim": claim, "denial": denial, "army": army, "ministry": ministry}


# -- The event page ------------------------------------------------------------------------


def test_opposing_accounts_stand_side_by_side_under_their_stances(client, strike):
    response = client.get(strike["event"].get_absolute_url())
    accounts = response.context["accounts"]
    shown = [
        (
            column.side.label,
            [(g.label, [a.statement.text for a in g.accounts]) for g in column.groups],
        )
        for column in accounts.columns
    ]
    # The army's side is its state's (it has no country of its own); the ministry's is
    # its country, named by its code while the archive has no state for it.
    assert shown == [
        ("Northland", [("Claims", [ARMY_TEXT])]),
        ("SL", [("Denies", [MINISTRY_TEXT])]),
    ]
    page = text(response)
    assert "Accounts" in page
    assert "Claims Our aircraft" in page and "Figure given: 12 killed" in page
    assert "Denies The strike" in page and "Figure given: 40–50 killed" in page
    assert "militants, by the army's count" in page and "civilians" in page
    # Each account links to its passage in the source article.
    content = response.content.decode()
    for statement in (strike["claim"], strike["denial"]):
        assert f'href="{statement.article.get_absolute_url()}#statement-{statement.pk}"' in content
    assert "A draft." not in page and "999" not in page and "Secret raid" not in page
    assert "From a draft article." not in page and "777" not in page and "Confirms" not in page
    assert [(stance, n) for stance, _label, n in accounts.stance_counts] == [
        ("claims", 1),
        ("denies", 1),
    ]


def test_the_figures_table_lists_each_claim_and_never_adds_them_up(client, strike):
    response = client.get(strike["event"].get_absolute_url())
    table = section(response, "claimed-figures")
    assert "Northland Defence Forces Northland Claims Killed 12 2 Nov 2023" in table
    assert "Southland Ministry of Health SL Denies Killed 40–50 3 Nov 2023" in table
    assert "competing figures are never added up" in text(response)
    for total in ("52", "62", "999", "777"):
        assert total not in table
    assert len(response.context["accounts"].figures) == 2


def test_a_statement_with_two_figures_is_one_account_with_both(client, strike):
    link(strike["claim"], strike["event"], "claims", "injured", 3)
    accounts = client.get(strike["event"].get_absolute_url()).context["accounts"]
    [claims] = accounts.columns[0].groups
    [account] = claims.accounts
    assert account.figures == ["3 injured", "12 killed"]
    assert [row.link.figure for row in accounts.figures] == [
        "3 injured",
        "12 killed",
        "40–50 killed",
    ]


def test_sides_follow_country_then_top_organisation_then_on_behalf_of(db):
    top = OrganisationFactory(name="Movement")
    wing = OrganisationFactory(name="Armed wing", parent=top)
    brigade = OrganisationFactory(name="Brigade", parent=wing)
    spokesperson = ActorFactory(name="Spokesperson")
    army = OrganisationFactory(name="Army", country="NL")
    loner = ActorFactory(name="Loner")
    person_with_country = ActorFactory(name="Minister", country="SL")
    rows = [
        StatementFactory(speaker=brigade),
        StatementFactory(speaker=spokesperson, on_behalf_of=army),
        StatementFactory(speaker=loner),
        StatementFactory(speaker=person_with_country, on_behalf_of=army),
    ]
    sides = sides_of(rows)
    assert [sides[s.pk].label for s in rows] == ["Movement", "NL", "Loner", "SL"]
    assert sides[rows[0].pk].actor == top


# -- Filters, facets and exports -------------------------------------------------------------


def stances_facet(response) -> list[tuple[str, int]]:
    facets = {facet.title: facet for facet in response.context["facets"]}
    return [(value.label, value.count) for value in facets["Stances"].values]


def test_event_and_stance_filter_the_statement_list(client, strike):
    def listed(**params):
        response = client.get(STATEMENTS, params)
        assert response.status_code == 200
        return {s.text for s in response.context["page_obj"].object_list}

    assert listed(event="strike-al-nur") == {ARMY_TEXT, MINISTRY_TEXT}
    assert listed(event="strike-al-nur", stance="denies") == {MINISTRY_TEXT}
    assert listed(event="strike-al-nur", stance="claims") == {ARMY_TEXT}
    assert listed(stance="claims") == {ARMY_TEXT}
    # The denial justifies a draft event: that link is not public, so it finds nothing.
    assert listed(stance="justifies") == set()
    assert listed(event="strike-al-nur", stance="condemns") == set()  # only the draft does
    assert listed(event="strike-al-nur", stance="confirms") == set()  # a draft article's


def test_event_and_stance_apply_to_the_same_link(client, strike):
    other = EventFactory(title="Border clash", slug="border-clash")
    link(strike["claim"], other, "denies")
    response = client.get(STATEMENTS, {"event": "strike-al-nur", "stance": "denies"})
    assert {s.text for s in response.context["page_obj"].object_list} == {MINISTRY_TEXT}
    # The stance counts of an event's list are the stances taken on that event.
    response = client.get(STATEMENTS, {"event": "strike-al-nur"})
    assert stances_facet(response) == [("Claims", 1), ("Denies", 1)]
    response = client.get(STATEMENTS, {"event": "border-clash"})
    assert stances_facet(response) == [("Denies", 1)]


def test_the_stances_facet_counts_statements_not_links_and_leaves_drafts_out(client, strike):
    link(strike["claim"], strike["event"], "claims", "injured", 3)  # a second claims link
    link(strike["claim"], EventFactory(), "claims")  # and a third, about another event
    response = client.get(STATEMENTS)
    assert stances_facet(response) == [("Claims", 1), ("Denies", 1)]
    labels = [label for label, _n in stances_facet(response)]
    assert "Justifies" not in labels and "Condemns" not in labels and "Confirms" not in labels
    assert f"{STATEMENTS}?stance=denies" in unescape(response.content.decode())
    # It respects the other filters.
    response = client.get(STATEMENTS, {"speaker": "southland-health"})
    assert stances_facet(response) == [("Denies", 1)]
    # And it links to the event's list narrowed to the stance.
    response = client.get(STATEMENTS, {"event": "strike-al-nur"})
    assert f"{STATEMENTS}?event=strike-al-nur&stance=claims" in unescape(response.content.decode())


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"stance": "maybe"}, "“maybe” is not a stance. Choose one of: claims, denies, confirms"),
        ({"event": "no-such-event"}, "No public event with the slug “no-such-event”."),
        ({"event": "secret-raid"}, "No public event with the slug “secret-raid”."),
        ({"event": "strike-al-nur", "stance": "CLAIMS"}, "“CLAIMS” is not a stance."),
    ],
)
def test_a_bad_event_or_stance_answers_400_with_the_form_error(client, strike, params, message):
    response = client.get(STATEMENTS, params)
    assert response.status_code == 400
    assert "These filters could not be applied" in text(response)
    assert message in text(response)
    assert "Secret raid" not in text(response)


def test_exports_carry_the_event_stance_and_figures(client, strike):
    params = {"event": "strike-al-nur", "stance": "denies"}
    response = client.get(STATEMENTS, {**params, "format": "csv"})
    body = b"".join(response.streaming_content) if response.streaming else response.content
    [row] = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    # The draft event's link is left out of the aligned columns.
    assert (row["event"], row["stance"], row["figure_kind"]) == (
        "strike-al-nur",
        "denies",
        "killed",
    )
    assert (row["claimed_figure"], row["claimed_figure_max"]) == ("40", "50")
    response = client.get(STATEMENTS, {"stance": "claims", "format": "json"})
    body = b"".join(response.streaming_content) if response.streaming else response.content
    data = json.loads(body)
    rows = data if isinstance(data, list) else data.get("rows") or data.get("statements")
    [row] = rows
    assert (row["event"], row["stance"], row["claimed_figure"]) == ("strike-al-nur", "claims", "12")


# -- The actor page ----------------------------------------------------------------------------


def test_the_actor_page_shows_its_stance_on_each_event(client, strike):
    link(strike["denial"], EventFactory(title="Border clash"), "condemns")
    page = text(client.get(strike["ministry"].get_absolute_url()))
    assert "What Southland Ministry of Health said about events" in page
    assert "Air strike on the Al-Nur camp" in page and "Denies 40–50 killed" in page
    assert "Border clash" in page and "Condemns" in page
    assert "Secret raid" not in page and "999" not in page and "A draft." not in page
    assert "777" not in page and "From a draft article." not in page
    army = text(client.get(strike["army"].get_absolute_url()))
    assert "Claims 12 killed" in army


def test_a_spokesperson_statement_counts_for_the_organisation_too(client, strike):
    person = ActorFactory(name="Colonel Spokes")
    said = StatementFactory(
        speaker=person, on_behalf_of=strike["army"], kind="paraphrase", text="We confirm it."
    )
    link(said, strike["event"], "confirms")
    assert "Confirms" in text(client.get(strike["army"].get_absolute_url()))
    assert "Confirms" in text(client.get(person.get_absolute_url()))


# -- JSON-LD ------------------------------------------------------------------------------------


def json_ld(response) -> dict:
    [script] = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    return json.loads(script)


def test_a_claim_or_denial_is_a_schema_org_claim_appearing_in_the_article(client, strike):
    data = json_ld(client.get(strike["denial"].get_absolute_url()))
    assert data["@type"] == "Quotation"
    [claim] = data["exampleOfWork"]  # the draft event's link is no claim of the public's
    assert claim["@type"] == "Claim"
    assert claim["name"] == "Denies: Air strike on the Al-Nur camp"
    assert claim["description"] == "Figure given: 40–50 killed."
    assert claim["appearance"]["@type"] == "NewsArticle"
    assert claim["appearance"]["url"] == strike["denial"].article.url
    assert claim["about"]["@type"] == "Event"
    assert claim["author"]["name"] == "Southland Ministry of Health"
    # A condemnation is no claim of fact.
    said = StatementFactory(kind="paraphrase", text="We condemn it.")
    link(said, strike["event"], "condemns")
    assert "exampleOfWork" not in json_ld(client.get(said.get_absolute_url()))


# -- Query counts ---------------------------------------------------------------------------------


def deep_speakers(count: int, event) -> None:
    """Statements by speakers four levels down an organisation tree, half with a state on
    top, with roles, each claiming a figure."""
    for index in range(count):
        top = (
            ActorFactory(kind=Actor.Kind.STATE, country=f"Q{chr(65 + index % 26)}")
            if index % 2
            else OrganisationFactory()
        )
        middle = OrganisationFactory(parent=OrganisationFactory(parent=top))
        speaker = ActorFactory(parent=middle)
        RoleFactory(person=speaker, organisation=middle)
        statement = StatementFactory(speaker=speaker, event=event, event__stance="claims")
        StatementEvent.objects.filter(statement=statement).update(
            figure_kind="killed", claimed_figure=index
        )


@pytest.mark.parametrize("rows", [3, 120])
def test_event_page_accounts_cost_a_bounded_number_of_queries(
    client, django_assert_max_num_queries, rows
):
    event = EventFactory()
    deep_speakers(rows, event)
    cache.clear()
    # 1 event, 2 participations, 3 the first accounts (with statements, speakers and
    # their parents, articles), 4 their speakers' roles, 5-6 the two levels of parents
    # above the one joined, 7 the states that name the countries, 8 articles reporting
    # it, 9 corrections; past the first accounts, 10 the figures of the others (their
    # speakers' parents read with the same queries) and 11 the statements per stance.
    with django_assert_max_num_queries(9 if rows <= 100 else 11):
        response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["accounts"].figures) == min(rows, 100)


@pytest.mark.parametrize("rows", [3, 60])
def test_actor_page_stances_cost_one_query(client, django_assert_max_num_queries, rows):
    actor = OrganisationFactory()
    for _ in range(rows):
        StatementFactory(speaker=actor, event=EventFactory(), event__stance="denies")
    with django_assert_max_num_queries(12):
        response = client.get(actor.get_absolute_url())
    assert text(response).count("Denies") == min(rows, 30)
