"""The public lists: /statements/, /articles/, /events/, /actors/.

Rows are asserted by what the page lists (its page of objects and its text), never
only by the status code.
"""

import datetime
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actors.models import Actor
from articles.models import Article, Event, PublicationStatus, Statement

from .factories import (
    ActorFactory,
    ArticleFactory,
    EventFactory,
    EventParticipantFactory,
    OutletFactory,
    PlaceFactory,
    RoleFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db

DRAFT = PublicationStatus.DRAFT
STATEMENTS = reverse("articles:statement_list")
ARTICLES = reverse("articles:article_list")
EVENTS = reverse("articles:event_list")
ACTORS = reverse("actors:list")


def listed(response) -> list:
    """The rows on the page, in order."""
    page_obj = response.context["page_obj"]
    return list(page_obj.object_list) if page_obj else []


def text(response) -> str:
    """The page's visible text, tags removed and white space collapsed."""
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    body = re.sub(r"\s+", " ", unescape(body))
    return re.sub(r"\s+([,.:;)])", r"\1", re.sub(r"\(\s+", "(", body))


def speakers(response) -> list[str]:
    return [statement.speaker.slug for statement in listed(response)]


def hrefs(response) -> list[str]:
    return [unescape(href) for href in re.findall(r'href="([^"]*)"', response.content.decode())]


# -- Statements ------------------------------------------------------------------------


def test_statement_list_shows_every_public_statement_newest_first(client, demo):
    response = client.get(STATEMENTS)
    assert response.status_code == 200
    rows = listed(response)
    assert len(rows) == 9
    assert [row.said_on for row in rows] == sorted((row.said_on for row in rows), reverse=True)
    assert "9 statements" in text(response)
    assert "Matthew Miller, Spokesperson (at the time)" in text(response)


def test_statement_list_filters_by_speaker(client, demo):
    response = client.get(STATEMENTS, {"speaker": "matthew-miller"})
    assert speakers(response) == ["matthew-miller"]
    assert "1 statement " in text(response)


def test_statement_actor_filter_finds_speaker_or_mentioned(client, demo):
    response = client.get(STATEMENTS, {"actor": "antony-blinken"})
    # Blinken says nothing himself; three statements are about him.
    assert sorted(speakers(response)) == [
        "james-cleverly",
        "matthew-miller",
        "us-department-of-state",
    ]
    response = client.get(STATEMENTS, {"actor": "israel-defense-forces"})
    assert speakers(response) == ["israel-defense-forces"] * 4


def test_statement_list_filters_by_kind_channel_and_language(client, demo):
    quotes = listed(client.get(STATEMENTS, {"kind": "quote"}))
    assert sorted(s.speaker.slug for s in quotes) == ["james-cleverly", "matthew-miller"]
    social = listed(client.get(STATEMENTS, {"channel": "social_media"}))
    assert [s.speaker.slug for s in social] == ["james-cleverly"]
    french = StatementFactory(language="fr", text="We will keep talking.")
    assert listed(client.get(STATEMENTS, {"language": "fr"})) == [french]


def test_statement_list_filters_by_outlet(client, demo):
    other = StatementFactory(article=ArticleFactory(outlet=OutletFactory(slug="the-record")))
    assert listed(client.get(STATEMENTS, {"outlet": "the-record"})) == [other]
    assert len(listed(client.get(STATEMENTS, {"outlet": "techballad"}))) == 9


def test_statement_list_filters_by_date_range_inclusive(client, demo):
    response = client.get(STATEMENTS, {"date_from": "2023-10-28", "date_to": "2023-10-29"})
    assert sorted(speakers(response)) == [
        "james-cleverly",
        "matthew-miller",
        "us-department-of-state",
    ]
    # The IDF claims and the US and UK condemnations take the article's date, 30 October.
    response = client.get(STATEMENTS, {"date_from": "2023-10-30"})
    assert sorted(speakers(response)) == ["israel-defense-forces"] * 4 + [
        "united-kingdom",
        "united-states",
    ]
    response = client.get(STATEMENTS, {"date_to": "2023-10-28"})
    assert speakers(response) == ["james-cleverly"]


def test_statement_list_text_query(client, demo):
    response = client.get(STATEMENTS, {"q": "human shields"})
    assert [s.text[:40] for s in listed(response)] == ["The IDF spokesperson has highlighted the"]


def test_statement_list_combines_filters(client, demo):
    params = {"actor": "israel", "kind": "paraphrase", "date_to": "2023-10-29"}
    assert speakers(client.get(STATEMENTS, params)) == ["us-department-of-state"]
    params = {"speaker": "israel-defense-forces", "q": "Mount Dov", "channel": "official_statement"}
    rows = listed(client.get(STATEMENTS, params))
    assert len(rows) == 1 and "Mount Dov" in rows[0].text


def test_statement_list_sorts_oldest_first(client, demo):
    rows = listed(client.get(STATEMENTS, {"sort": "date"}))
    assert rows[0].speaker.slug == "james-cleverly"  # 28 October, the earliest
    assert [row.said_on for row in rows] == sorted(row.said_on for row in rows)


def test_statement_list_facets_count_the_current_result(client, demo):
    response = client.get(STATEMENTS, {"date_from": "2023-10-29"})
    facets = {facet.title: facet for facet in response.context["facets"]}
    assert [(v.label, v.count) for v in facets["Speakers"].values] == [
        ("Israel Defense Forces", 4),
        ("Matthew Miller", 1),
        ("US Department of State", 1),
        ("United Kingdom", 1),
        ("United States", 1),
    ]
    assert [(v.label, v.count) for v in facets["Kinds"].values] == [
        ("Paraphrase", 7),
        ("Quote", 1),
    ]
    assert [(v.label, v.count) for v in facets["Channels"].values] == [
        ("Official statement", 5),
        ("Other", 2),
        ("Call readout", 1),
    ]
    assert [(v.label, v.count) for v in facets["Outlets"].values] == [("TechBallad", 8)]
    assert [(v.label, v.count) for v in facets["Years"].values] == [("2023", 8)]
    content = text(response)
    assert "Matthew Miller (1)" in content
    assert "Israel Defense Forces (4)" in content
    # Each value links to the current URL plus that filter.
    assert f"{STATEMENTS}?date_from=2023-10-29&speaker=matthew-miller" in hrefs(response)
    assert f"{STATEMENTS}?date_from=2023-01-01&date_to=2023-12-31" in hrefs(response)


def _facet_counts(response) -> dict[str, list[tuple[str, int]]]:
    return {f.title: [(v.label, v.count) for v in f.values] for f in response.context["facets"]}


def test_one_column_facets_counted_in_one_query_count_each_column(client):
    # Kinds, channels and attribution of a speaker's statements come from one GROUP BY
    # over the three columns, added up per column: each column's counts, ties by value.
    envoy = ActorFactory(slug="envoy")
    quote, paraphrase = Statement.Kind.QUOTE, Statement.Kind.PARAPHRASE
    for kind, channel, verification in [
        (quote, "speech", "as_reported"),
        (quote, "speech", "matches"),
        (paraphrase, "speech", "matches"),
        (paraphrase, "interview", "as_reported"),
        (paraphrase, "interview", "differs"),
        (quote, "other", "matches"),
    ]:
        StatementFactory(
            speaker=envoy,
            kind=kind,
            channel=channel,
            verification=verification,
            source_url="https://gov.example.org/statement",
        )
    StatementFactory(speaker=envoy, kind=quote, channel="speech", status=DRAFT)  # counts nowhere
    StatementFactory(kind=quote, channel="speech")  # another speaker's
    reported = "As reported (not checked against a primary source)"

    facets = _facet_counts(client.get(STATEMENTS, {"speaker": "envoy"}))
    assert facets["Kinds"] == [("Paraphrase", 3), ("Quote", 3)]
    assert facets["Channels"] == [("Speech", 3), ("Interview", 2), ("Other", 1)]
    assert facets["Attribution"] == [
        ("Matches the primary source", 3),
        (reported, 2),
        ("Differs from the primary source", 1),
    ]
    # A kind chosen: the kinds still count the speaker's statements of every kind (to
    # add one), the other two the quotes only.
    facets = _facet_counts(client.get(STATEMENTS, {"speaker": "envoy", "kind": "quote"}))
    assert facets["Kinds"] == [("Paraphrase", 3), ("Quote", 3)]
    assert facets["Channels"] == [("Speech", 2), ("Other", 1)]
    assert facets["Attribution"] == [("Matches the primary source", 2), (reported, 1)]


def test_statement_facet_years_newest_first(client, demo):
    StatementFactory(article=ArticleFactory(published_on=datetime.date(2021, 5, 1)))
    StatementFactory(article=ArticleFactory(published_on=datetime.date(2024, 2, 1)))
    facets = {f.title: f for f in client.get(STATEMENTS).context["facets"]}
    assert [(v.label, v.count) for v in facets["Years"].values] == [
        ("2024", 1),
        ("2023", 9),
        ("2021", 1),
    ]


def test_active_facet_value_links_to_its_removal(client, demo):
    response = client.get(STATEMENTS, {"kind": "quote"})
    facets = {f.title: f for f in response.context["facets"]}
    kinds = {v.label: v for v in facets["Kinds"].values}
    assert kinds["Quote"].active and not kinds["Paraphrase"].active
    assert 'aria-current="true"' in response.content.decode()
    assert STATEMENTS in hrefs(response)
    # The other kind is there to add, counted as it would be added.
    assert (kinds["Quote"].count, kinds["Paraphrase"].count) == (2, 7)
    assert f"{STATEMENTS}?kind=quote&kind=paraphrase" in hrefs(response)


def test_active_filters_show_as_chips_that_remove_themselves(client, demo):
    response = client.get(STATEMENTS, {"speaker": "matthew-miller", "kind": "quote", "page": "1"})
    content = text(response)
    assert "Speaker: Matthew Miller" in content
    assert "Kind: Quote" in content
    chips = {chip.name: chip for chip in response.context["chips"]}
    assert set(chips) == {"speaker", "kind"}
    links = hrefs(response)
    assert f"{STATEMENTS}?kind=quote" in links  # remove the speaker
    assert f"{STATEMENTS}?speaker=matthew-miller" in links  # remove the kind


def test_chip_for_the_only_filter_links_to_the_bare_list(client, demo):
    response = client.get(STATEMENTS, {"outlet": "techballad"})
    (chip,) = response.context["chips"]
    assert chip.value == "TechBallad"
    assert re.search(rf'class="chip" href="{STATEMENTS}"', response.content.decode())


def test_filter_form_keeps_its_state(client, demo):
    response = client.get(STATEMENTS, {"speaker": "matthew-miller", "date_from": "2023-10-01"})
    content = response.content.decode()
    assert 'name="speaker" value="matthew-miller"' in content
    assert 'name="date_from" value="2023-10-01"' in content
    assert '<form method="get" action="/statements/"' in content
    assert '<label for="id_speaker">Speaker</label>' in content


# -- Pagination ------------------------------------------------------------------------


def test_pagination_pages_through_rows_and_keeps_filters(client, demo, settings):
    settings.PAGE_SIZE = 3
    first = client.get(STATEMENTS, {"speaker": "israel-defense-forces"})
    second = client.get(STATEMENTS, {"speaker": "israel-defense-forces", "page": "2"})
    assert len(listed(first)) == 3 and len(listed(second)) == 1
    assert not set(listed(first)) & set(listed(second))
    assert "Page 1 of 2" in text(first)
    assert "?speaker=israel-defense-forces&page=2" in hrefs(first)
    assert "showing 4–4" in text(second)


@pytest.mark.parametrize("page", ["abc", "-1", "0", "1.5", "9" * 5000])
def test_page_that_is_not_a_number_answers_400_with_an_explanation(client, demo, page):
    response = client.get(STATEMENTS, {"page": page})
    assert response.status_code == 400
    assert "is not a page number: pages are numbered from 1 to 1." in text(response)
    assert listed(response) == []


def test_page_past_the_end_answers_404_and_says_how_many_pages(client, demo, settings):
    settings.PAGE_SIZE = 3
    response = client.get(STATEMENTS, {"page": "999999", "kind": "paraphrase"})
    assert response.status_code == 404
    # 7 paraphrases, 3 a page.
    assert "Page 999999 does not exist: there are 3 pages of results." in text(response)
    assert listed(response) == []
    assert "?page=3&kind=paraphrase" in hrefs(response)  # the last page


def test_empty_result_says_so(client, demo):
    response = client.get(STATEMENTS, {"q": "no such words anywhere"})
    assert response.status_code == 200
    assert "0 statements" in text(response)
    assert "No statements match these filters." in text(response)


@pytest.mark.parametrize("url", [STATEMENTS, ARTICLES, EVENTS, ACTORS])
@pytest.mark.parametrize("q", ["*", '"', "(", "-"])
def test_words_of_punctuation_only_match_nothing(client, demo, url, q):
    # No word to search for: the search matches no row, and the list says so.
    response = client.get(url, {"q": q})
    assert response.status_code == 200
    assert listed(response) == []
    assert "No " in text(response) and "match these filters." in text(response)


# -- Bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "2023-13-45"}, "Enter a date as YYYY-MM-DD, for example 2023-10-28."),
        ({"date_to": "yesterday"}, "Enter a date as YYYY-MM-DD, for example 2023-10-28."),
        ({"date_from": "28/10/2023"}, "Enter a date as YYYY-MM-DD, for example 2023-10-28."),
        (
            {"date_from": "2023-10-30", "date_to": "2023-10-01"},
            "The start date (2023-10-30) is after the end date (2023-10-01).",
        ),
        ({"speaker": "xyz"}, "No actor has the slug, name or alias “xyz”."),
        ({"actor": "nobody-at-all"}, "No actor has the slug, name or alias “nobody-at-all”."),
        ({"outlet": "nope"}, "No outlet with the slug “nope”."),
        ({"kind": "rumour"}, "“rumour” is not a kind of statement. Choose one of: quote"),
        ({"channel": "pigeon"}, "“pigeon” is not a channel."),
        ({"language": "english!"}, "A language is a tag such as en, ar, he or pt-BR."),
        ({"sort": "loudest"}, "“loudest” is not a way to sort this list."),
    ],
)
def test_bad_statement_filter_answers_400_and_explains(client, demo, params, message):
    response = client.get(STATEMENTS, params)
    assert response.status_code == 400
    content = text(response)
    assert "These filters could not be applied" in content
    assert message in content
    assert listed(response) == []
    # The bad value is still a chip, one click from removal.
    if "sort" not in params:
        assert response.context["chips"]


@pytest.mark.parametrize(
    ("url", "params", "message"),
    [
        (ARTICLES, {"outlet": "xyz"}, "No outlet with the slug “xyz”."),
        (ARTICLES, {"actor": "xyz"}, "No actor has the slug, name or alias “xyz”."),
        (ARTICLES, {"date_from": "2023-02-30"}, "Enter a date as YYYY-MM-DD"),
        (EVENTS, {"place": "atlantis"}, "No place with the slug “atlantis”."),
        (EVENTS, {"kind": "party"}, "“party” is not a kind of event."),
        (EVENTS, {"date_from": "2024-01-01", "date_to": "2023-01-01"}, "is after the end date"),
        (ACTORS, {"kind": "alien"}, "“alien” is not a kind of actor."),
        (ACTORS, {"country": "Britain"}, "A country is a two-letter ISO 3166 code"),
        (ACTORS, {"sort": "age"}, "“age” is not a way to sort this list."),
    ],
)
def test_bad_filters_on_every_list_answer_400_and_explain(client, demo, url, params, message):
    response = client.get(url, params)
    assert response.status_code == 400
    assert message in text(response)


def test_unknown_parameters_are_ignored(client, demo):
    response = client.get(STATEMENTS, {"colour": "blue", "format": ""})
    assert response.status_code == 200
    assert len(listed(response)) == 9


# -- Drafts never appear -----------------------------------------------------------------


def test_drafts_never_appear_on_lists_or_facets(client, demo):
    speaker = ActorFactory(name="Secret Speaker", slug="secret-speaker")
    seed = Article.objects.get()
    StatementFactory(
        speaker=speaker, article=seed, status=DRAFT, kind="paraphrase", text="A secret claim."
    )
    draft_article = ArticleFactory(title="Unpublished report", status=DRAFT)
    StatementFactory(speaker=speaker, article=draft_article, text="We will keep talking.")
    EventFactory(title="Draft event", slug="draft-event", status=DRAFT)

    statements = client.get(STATEMENTS)
    assert len(listed(statements)) == 9
    assert "Secret Speaker" not in text(statements)  # not in rows, facets or selects
    assert "A secret claim." not in text(statements)
    assert listed(client.get(STATEMENTS, {"speaker": "secret-speaker"})) == []

    articles = client.get(ARTICLES)
    assert listed(articles) == [seed]
    assert "Unpublished report" not in text(articles)

    events = client.get(EVENTS)
    assert "Draft event" not in text(events)
    assert len(listed(events)) == 7

    actors = client.get(ACTORS, {"q": "Secret Speaker"})
    (actor,) = listed(actors)
    assert actor.statement_count == 0  # drafts are not counted


def test_article_actor_filter_counts_only_public_statements(client, demo):
    speaker = ActorFactory(slug="speaker-x")
    spoken = ArticleFactory(title="Where X speaks")
    StatementFactory(article=spoken, speaker=speaker)
    secret = ArticleFactory(title="Where X speaks in a draft")
    StatementFactory(article=secret, speaker=speaker, status=DRAFT)
    mentioned = ArticleFactory(title="Where X is mentioned")
    mentioned.mentioned_actors.add(speaker)
    response = client.get(ARTICLES, {"actor": "speaker-x"})
    assert sorted(a.title for a in listed(response)) == ["Where X is mentioned", "Where X speaks"]


# -- Articles -----------------------------------------------------------------------------


@pytest.fixture
def articles(db):
    outlet = OutletFactory(name="The Record", slug="the-record")
    return {
        "old": ArticleFactory(title="Old report", published_on=datetime.date(2022, 3, 1)),
        "mid": ArticleFactory(
            title="Arabic report", published_on=datetime.date(2023, 6, 1), language="ar"
        ),
        "new": ArticleFactory(
            title="New report", published_on=datetime.date(2024, 1, 5), outlet=outlet
        ),
        "draft": ArticleFactory(title="Draft report", status=DRAFT),
    }


def test_article_list_filters(client, articles):
    def titles(**params):
        return [a.title for a in listed(client.get(ARTICLES, params))]

    assert titles() == ["New report", "Arabic report", "Old report"]
    assert titles(outlet="the-record") == ["New report"]
    assert titles(language="ar") == ["Arabic report"]
    assert titles(date_from="2023-01-01", date_to="2023-12-31") == ["Arabic report"]
    assert titles(date_from="2023-06-01") == ["New report", "Arabic report"]
    assert titles(q="Arabic") == ["Arabic report"]
    assert titles(sort="date") == ["Old report", "Arabic report", "New report"]
    assert titles(sort="title") == ["Arabic report", "New report", "Old report"]
    assert titles(language="ar", outlet="the-record") == []


def test_article_facets(client, articles):
    response = client.get(ARTICLES)
    facets = {f.title: [(v.label, v.count) for v in f.values] for f in response.context["facets"]}
    assert facets["Languages"] == [("English", 2), ("Arabic", 1)]  # names, not codes
    assert facets["Years"] == [("2024", 1), ("2023", 1), ("2022", 1)]
    assert ("The Record", 1) in facets["Outlets"]
    assert "3 articles" in text(response)


# -- Events ------------------------------------------------------------------------------


def titles_of(response) -> list[str]:
    return [row.title for row in listed(response)]


def test_event_date_filters_find_overlapping_events(client, demo):
    long = EventFactory(
        title="Month-long siege",
        kind=Event.Kind.GROUND_OPERATION,
        start_date=datetime.date(2023, 10, 1),
        end_date=datetime.date(2023, 10, 31),
    )
    response = client.get(EVENTS, {"date_from": "2023-10-15", "date_to": "2023-10-16"})
    assert titles_of(response) == [long.title]
    response = client.get(EVENTS, {"date_from": "2023-10-20"})
    assert set(titles_of(response)) == {
        "Blinken–Cleverly phone call on Gaza",
        "Cleverly–Cohen phone call",
        "IDF ground operations in northern Gaza",
        "Month-long siege",
    }


def test_event_place_filter_includes_places_inside(client, demo):
    response = client.get(EVENTS, {"place": "israel"})
    assert set(titles_of(response)) == {
        "Hamas attack on Israel of 7 October",
        "Joe Biden visits Israel",  # in Tel Aviv, inside Israel
        "Rishi Sunak visits Israel",
    }
    response = client.get(EVENTS, {"place": "palestine"})
    assert titles_of(response) == ["IDF ground operations in northern Gaza"]
    assert titles_of(client.get(EVENTS, {"place": "tel-aviv"})) == ["Joe Biden visits Israel"]


def test_event_actor_kind_and_text_filters(client, demo):
    assert set(titles_of(client.get(EVENTS, {"actor": "james-cleverly"}))) == {
        "Blinken–Cleverly phone call on Gaza",
        "Cleverly–Cohen phone call",
    }
    assert set(titles_of(client.get(EVENTS, {"kind": "visit"}))) == {
        "Joe Biden visits Israel",
        "Rishi Sunak visits Israel",
    }
    assert titles_of(client.get(EVENTS, {"kind": "visit", "actor": "rishi-sunak"})) == [
        "Rishi Sunak visits Israel"
    ]
    assert titles_of(client.get(EVENTS, {"q": "Mount Dov"})) == [
        "Israel Air Force strike on a cell in the Mount Dov area"
    ]


def test_event_list_shows_dates_at_their_precision_and_facets(client, demo):
    response = client.get(EVENTS)
    content = text(response)
    # The Mount Dov strike is known to the month: written as the month, never as the 1st.
    assert 'datetime="2023-10">October 2023</time>' in response.content.decode()
    assert "1 October 2023" not in content
    assert "Hamas (initiator)" in content
    facets = {f.title: [(v.label, v.count) for v in f.values] for f in response.context["facets"]}
    assert facets["Kinds"][:2] == [("Phone call", 2), ("Visit", 2)]
    assert ("Israel", 2) in facets["Places"] and ("Tel Aviv", 1) in facets["Places"]
    assert facets["Start years"] == [("2023", 7)]


def test_event_list_sorts_oldest_first(client, demo):
    rows = listed(client.get(EVENTS, {"sort": "date"}))
    assert rows[0].slug == "iaf-air-strike-mount-dov-2023-10"  # dated 1 October (month only)


# -- Actors ------------------------------------------------------------------------------


def test_actor_list_filters_and_counts(client, demo):
    people = listed(client.get(ACTORS, {"kind": "person"}))
    assert [a.name for a in people] == [
        "Antony Blinken",
        "Eli Cohen",
        "James Cleverly",
        "Joe Biden",
        "Matthew Miller",
        "Rishi Sunak",
    ]
    british = listed(client.get(ACTORS, {"country": "gb"}))
    assert {a.slug for a in british} == {
        "united-kingdom",
        "foreign-commonwealth-development-office",
        "uk-home-office",
        "james-cleverly",
        "rishi-sunak",
    }
    # q matches aliases too.
    assert [a.slug for a in listed(client.get(ACTORS, {"q": "@SecBlinken"}))] == ["antony-blinken"]
    most = listed(client.get(ACTORS, {"sort": "most_quoted"}))
    assert (most[0].slug, most[0].statement_count) == ("israel-defense-forces", 4)
    content = text(client.get(ACTORS, {"kind": "military"}))
    assert "Israel Defense Forces" in content and "4 statements" in content
    assert "part of Israel Defense Forces" in content  # the Air Force


def test_actor_facets(client, demo):
    response = client.get(ACTORS, {"country": "IL"})
    facets = {f.title: [(v.label, v.count) for v in f.values] for f in response.context["facets"]}
    assert facets["Kinds"] == [("Military", 2), ("Government body", 1), ("Person", 1), ("State", 1)]
    # The countries are named, and counted without the country filter: each adds itself.
    countries = dict(facets["Countries"])
    assert countries["Israel"] == 5 and countries["United Kingdom"] == 5
    assert "IL" not in countries
    assert "Military (2)" in text(response)
    assert f"{ACTORS}?country=IL&kind=military" in hrefs(response)
    assert f"{ACTORS}?country=IL&country=GB" in hrefs(response)


# -- Several values of one filter -------------------------------------------------------


def test_a_repeated_filter_means_either_and_filters_still_narrow_each_other(client, demo):
    both = client.get(STATEMENTS + "?speaker=matthew-miller&speaker=israel-defense-forces")
    assert sorted(speakers(both)) == ["israel-defense-forces"] * 4 + ["matthew-miller"]
    quotes = client.get(
        STATEMENTS + "?speaker=matthew-miller&speaker=israel-defense-forces&kind=quote"
    )
    assert speakers(quotes) == ["matthew-miller"]
    kinds = client.get(STATEMENTS + "?kind=quote&kind=paraphrase")
    assert len(listed(kinds)) == 9
    # The same value twice, or typed as a name, counts once.
    again = client.get(STATEMENTS + "?speaker=matthew-miller&speaker=Matthew+Miller")
    assert speakers(again) == ["matthew-miller"]


def test_repeated_filters_that_go_through_a_method_take_the_union(client, demo):
    about = client.get(STATEMENTS + "?actor=antony-blinken&actor=israel-defense-forces")
    assert sorted(speakers(about)) == [
        "israel-defense-forces",
        "israel-defense-forces",
        "israel-defense-forces",
        "israel-defense-forces",
        "james-cleverly",
        "matthew-miller",
        "us-department-of-state",
    ]
    places = client.get(EVENTS + "?place=palestine&place=tel-aviv")
    assert set(titles_of(places)) == {
        "IDF ground operations in northern Gaza",
        "Joe Biden visits Israel",
    }
    cleverly = set(titles_of(client.get(EVENTS, {"actor": "james-cleverly"})))
    biden = set(titles_of(client.get(EVENTS, {"actor": "joe-biden"})))
    either = client.get(EVENTS + "?actor=james-cleverly&actor=joe-biden")
    assert set(titles_of(either)) == cleverly | biden and cleverly and biden


def test_repeated_codes_filter_by_either_and_show_names(client, demo):
    response = client.get(ACTORS + "?country=gb&country=IL")
    both = listed(response)
    assert {a.country for a in both} == {"GB", "IL"}
    assert len(both) == 10
    assert [(c.label, c.value) for c in response.context["chips"]] == [
        ("Country", "United Kingdom"),
        ("Country", "Israel"),
    ]
    form = response.content.decode()
    assert '<option value="GB" selected>United Kingdom</option>' in form
    assert '<option value="IL" selected>Israel</option>' in form
    ArticleFactory(language="ar", title="Arabic report")
    ArticleFactory(language="fr", title="French report")
    response = client.get(ARTICLES + "?language=ar&language=FR")
    assert sorted(a.title for a in listed(response)) == ["Arabic report", "French report"]
    assert "Language: Arabic" in text(response) and "Language: French" in text(response)
    assert '<option value="ar" selected>Arabic</option>' in response.content.decode()


def test_a_language_matches_its_tag_in_any_case_on_both_lists(client):
    brazil = ArticleFactory(language="pt-BR", title="Relatório")
    ArticleFactory(language="pt", title="Relato")
    StatementFactory(article=brazil, language="pt-BR", text="Vamos continuar.")
    for typed in ("pt-br", "PT-BR", "pt-BR"):
        assert [a.title for a in listed(client.get(ARTICLES, {"language": typed}))] == ["Relatório"]
        assert [s.text for s in listed(client.get(STATEMENTS, {"language": typed}))] == [
            "Vamos continuar."
        ]
    # Matched as the stored spellings, so the language index serves it.
    with CaptureQueriesContext(connection) as queries:
        client.get(ARTICLES, {"language": "PT-br"})
    assert not [q["sql"] for q in queries if '"language" LIKE' in q["sql"] or "UPPER(" in q["sql"]]
    # A well-formed tag nobody uses lists nothing, and says so without an error.
    response = client.get(ARTICLES, {"language": "xx"})
    assert response.status_code == 200 and listed(response) == []


def test_each_value_has_a_chip_that_removes_only_it(client, demo):
    response = client.get(STATEMENTS + "?speaker=matthew-miller&speaker=james-cleverly&kind=quote")
    chips = [(c.label, c.value) for c in response.context["chips"]]
    assert chips == [
        ("Speaker", "Matthew Miller"),
        ("Speaker", "James Cleverly"),
        ("Kind", "Quote"),
    ]
    links = hrefs(response)
    assert f"{STATEMENTS}?speaker=james-cleverly&kind=quote" in links
    assert f"{STATEMENTS}?speaker=matthew-miller&kind=quote" in links
    assert f"{STATEMENTS}?speaker=matthew-miller&speaker=james-cleverly" in links


def test_a_facet_adds_its_value_to_the_chosen_ones(client, demo):
    response = client.get(STATEMENTS, {"speaker": "matthew-miller"})
    facets = {f.title: {v.label: v for v in f.values} for f in response.context["facets"]}
    speakers_facet = facets["Speakers"]
    # The facet of a filter in use counts without it: the other speakers are there to add.
    assert speakers_facet["Matthew Miller"].active
    assert speakers_facet["Israel Defense Forces"].count == 4
    assert not speakers_facet["Israel Defense Forces"].active
    assert f"{STATEMENTS}?speaker=matthew-miller&speaker=israel-defense-forces" in hrefs(response)
    # The other facets count the current result.
    assert {label: v.count for label, v in facets["Kinds"].items()} == {"Quote": 1}


def test_a_chosen_value_outside_the_top_values_is_still_listed_to_remove(client, demo):
    response = client.get(STATEMENTS + "?speaker=israel-defense-forces&kind=quote")
    facets = {f.title: {v.label: v for v in f.values} for f in response.context["facets"]}
    chosen = facets["Speakers"]["Israel Defense Forces"]
    assert chosen.active and chosen.count is None  # no quote of theirs in the result
    assert f"{STATEMENTS}?kind=quote" in hrefs(response)


def test_one_bad_value_among_several_answers_400_naming_it(client, demo):
    response = client.get(STATEMENTS + "?speaker=matthew-miller&speaker=nobody-at-all")
    assert response.status_code == 400
    assert "No actor has the slug, name or alias “nobody-at-all”." in text(response)
    assert listed(response) == []
    chips = [c.value for c in response.context["chips"]]
    assert chips == ["matthew-miller", "nobody-at-all"]  # each one click from removal


def test_too_many_values_of_one_filter_answer_400(client, demo):
    query = "&".join(f"kind=quote&speaker=actor-{n}" for n in range(25))
    response = client.get(f"{STATEMENTS}?{query}")
    assert response.status_code == 400
    assert "At most 20 values of one filter, please: this link has 25." in text(response)


def test_empty_parameters_never_reach_the_links_of_the_page(client, demo, settings):
    settings.PAGE_SIZE = 2
    response = client.get(
        STATEMENTS + "?q=&date_from=&speaker=&kind=paraphrase&kind=&outlet=&language=&page=1"
    )
    assert response.status_code == 200
    assert len(listed(response)) == 2
    links = [link for link in hrefs(response) if link.startswith(("?", STATEMENTS + "?"))]
    assert len(links) > 5  # pager, facets, chips, exports
    for link in links:
        assert not re.search(r"=(&|$)", link), link
    assert "?kind=paraphrase&page=2" in links
    assert "?kind=paraphrase&format=csv" in links
    assert [(c.label, c.value) for c in response.context["chips"]] == [("Kind", "Paraphrase")]


# -- Query counts ------------------------------------------------------------------------


def make_statements(count: int) -> None:
    organisation = ActorFactory(kind=Actor.Kind.GOVERNMENT_BODY)
    for _ in range(count):
        speaker = ActorFactory()
        RoleFactory(person=speaker, organisation=organisation)
        statement = StatementFactory(speaker=speaker)
        statement.mentioned_actors.add(organisation)


@pytest.mark.parametrize("rows", [5, 200])
def test_statement_list_query_count_does_not_grow(client, django_assert_max_num_queries, rows):
    make_statements(rows)
    # 1 count, 2 the page of statements (speaker, on_behalf_of, article, outlet joined),
    # 3 the speakers' roles with organisations (prefetch), 4-7 the facets (speakers,
    # outlets, years, and kinds, channels, attribution and stances in one query), 8 the
    # speaker check (by slug, name or alias), 9-10 the options of the outlet and
    # language selects. The actor and event fields are text fields: no options to read.
    slug = Statement.objects.first().speaker.slug
    with django_assert_max_num_queries(10):
        response = client.get(STATEMENTS, {"speaker": slug})
    assert response.status_code == 200
    with django_assert_max_num_queries(12):  # no filter: no check
        response = client.get(STATEMENTS)
    assert len(listed(response)) == min(rows, 25)
    # Several speakers: one check each (at most MAX_VALUES), the rest as above.
    several = [s.speaker.slug for s in Statement.objects.all()[:3]]
    with django_assert_max_num_queries(12):
        response = client.get(STATEMENTS, {"speaker": several})
    assert len(listed(response)) == min(rows, 3)


@pytest.mark.parametrize("rows", [5, 200])
def test_article_list_query_count_does_not_grow(client, django_assert_max_num_queries, rows):
    for _ in range(rows):
        article = ArticleFactory()
        article.mentioned_actors.add(ActorFactory())
    # 1 count, 2 the page of articles with outlets, 3-5 the facets (outlets, languages,
    # years), 6-7 the options of the outlet and language selects.
    with django_assert_max_num_queries(7):
        response = client.get(ARTICLES)
    assert len(listed(response)) == min(rows, 25)


@pytest.mark.parametrize("rows", [5, 200])
def test_event_list_query_count_does_not_grow(client, django_assert_max_num_queries, rows):
    place = PlaceFactory()
    for _ in range(rows):
        event = EventFactory(place=place)
        EventParticipantFactory(event=event)
        EventParticipantFactory(event=event)
    # 1 count, 2 the page of events with places, 3 their participations with actors
    # (prefetch), 4-7 the facets (kinds, ACLED event types, places, years), 8 the options
    # of the place select; with ?place=: 9 the place check (the places inside are a
    # subquery).
    with django_assert_max_num_queries(8):
        response = client.get(EVENTS)
    assert len(listed(response)) == min(rows, 25)
    with django_assert_max_num_queries(9):
        response = client.get(EVENTS, {"place": place.slug})
    assert len(listed(response)) == min(rows, 25)
    other = PlaceFactory()
    with django_assert_max_num_queries(10):  # one check per place, the union a subquery
        response = client.get(EVENTS, {"place": [place.slug, other.slug]})
    assert len(listed(response)) == min(rows, 25)


@pytest.mark.parametrize("rows", [5, 200])
def test_actor_list_query_count_does_not_grow(client, django_assert_max_num_queries, rows):
    parent = ActorFactory(kind=Actor.Kind.STATE, country="GB")
    for _ in range(rows):
        StatementFactory(speaker=ActorFactory(parent=parent, country="GB"))
    # 1 count, 2 the page of actors with parents and statement counts (subquery),
    # 3-4 the facets (kinds, countries), 5 the options of the country select.
    with django_assert_max_num_queries(5):
        response = client.get(ACTORS, {"sort": "most_quoted"})
    assert len(listed(response)) == min(rows + 1, 25)


@pytest.mark.parametrize("name", ["q", "speaker", "actor", "outlet", "kind", "language", "page"])
def test_null_characters_never_cause_a_server_error(client, demo, name):
    response = client.get(STATEMENTS, {name: "a\x00b"})
    assert response.status_code == 400
    assert listed(response) == []


@pytest.mark.parametrize("name", ["place", "q", "actor"])
def test_null_characters_on_events_and_actors(client, demo, name):
    assert client.get(EVENTS, {name: "\x00"}).status_code == 400
    assert client.get(ACTORS, {"q": "\x00", "country": "\x00"}).status_code == 400


def test_page_title_names_the_active_filters(client, demo):
    response = client.get(STATEMENTS, {"speaker": "matthew-miller", "kind": "quote"})
    title = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)
    assert title.startswith("Statements: Speaker Matthew Miller; Kind Quote")
