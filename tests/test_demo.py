import datetime
import re
from html import unescape

import pytest
from django.core.management import call_command

from actors.models import Actor, Alias, Role
from articles.models import Article, Event, EventParticipant, Place, Statement
from articles.quotes import normalise

pytestmark = pytest.mark.django_db

MODELS = [Actor, Alias, Role, Place, Article, Statement, Event, EventParticipant]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_load_demo_twice_gives_the_same_rows():
    call_command("load_demo")
    first = counts()
    history_first = Article.history.count() + Statement.history.count()
    call_command("load_demo")
    assert counts() == first
    assert Article.history.count() + Statement.history.count() == history_first
    assert first["Article"] == 1
    assert first["Event"] == 7


def test_every_demo_quote_is_found_verbatim_in_its_article(demo):
    article = Article.objects.get()
    body = normalise(article.body)
    quotes = Statement.objects.filter(kind=Statement.Kind.QUOTE)
    assert quotes.count() == 2
    for statement in Statement.objects.all():
        # Every demo statement, quote or paraphrase, is copied from the body as printed.
        assert statement.text in article.body
        assert normalise(statement.text) in body
        start, end = statement.passage()
        assert article.body[start:end] == statement.text


def test_demo_holds_the_named_actors(demo):
    names = set(Actor.objects.values_list("name", flat=True))
    assert {
        "Antony Blinken",
        "James Cleverly",
        "Eli Cohen",
        "Matthew Miller",
        "Joe Biden",
        "Rishi Sunak",
        "US Department of State",
        "UK Foreign, Commonwealth & Development Office",
        "Israel",
        "Hamas",
        "Israel Defense Forces",
        "Israel Air Force",
    } <= names
    assert Actor.objects.get(name="Israel Air Force").parent.name == "Israel Defense Forces"


def test_miller_speaks_for_the_state_department_about_both_ministers(demo):
    statement = Statement.objects.get(speaker__slug="matthew-miller")
    assert statement.kind == Statement.Kind.QUOTE
    assert statement.on_behalf_of.name == "US Department of State"
    about = set(statement.mentioned_actors.values_list("slug", flat=True))
    assert {"antony-blinken", "james-cleverly"} <= about
    assert statement.speaker_role().title == "Spokesperson"


def test_cleverly_post_shows_him_as_foreign_secretary_at_the_time(demo):
    statement = Statement.objects.get(speaker__slug="james-cleverly")
    assert statement.channel == Statement.Channel.SOCIAL_MEDIA
    assert statement.speaker_role().title == "Foreign Secretary"
    cleverly = statement.speaker
    assert cleverly.role_on(datetime.date(2023, 11, 14)).title == "Home Secretary"


def test_idf_claims_are_paraphrases(demo):
    claims = Statement.objects.filter(speaker__slug="israel-defense-forces")
    assert claims.count() == 4
    assert set(claims.values_list("kind", flat=True)) == {Statement.Kind.PARAPHRASE}


def test_demo_events_have_their_own_dates(demo):
    dates = dict(Event.objects.values_list("slug", "start_date"))
    assert dates["hamas-attack-on-israel-2023-10-07"] == datetime.date(2023, 10, 7)
    assert dates["biden-visit-to-israel-2023-10-18"] == datetime.date(2023, 10, 18)
    assert dates["sunak-visit-to-israel-2023-10-19"] == datetime.date(2023, 10, 19)
    call = Event.objects.get(slug="blinken-cleverly-call-2023-10-28")
    assert set(call.participants.values_list("slug", flat=True)) == {
        "antony-blinken",
        "james-cleverly",
    }
    strike = Event.objects.get(slug="iaf-air-strike-mount-dov-2023-10")
    assert strike.date_precision == "month"
    assert strike.place.slug == "mount-dov"
    assert strike.acled_sub_event_type == "Air/drone strike"


def test_the_us_and_uk_condemnations_are_accounts_of_the_7_october_attack(client, demo):
    attack = Event.objects.get(slug="hamas-attack-on-israel-2023-10-07")
    condemnations = Statement.objects.filter(text__startswith="Both the US and the UK strongly")
    # The article credits the words to both governments: one paraphrase by each.
    assert sorted(condemnations.values_list("speaker__slug", flat=True)) == [
        "united-kingdom",
        "united-states",
    ]
    for statement in condemnations:
        assert statement.kind == Statement.Kind.PARAPHRASE
        assert statement.said_on == datetime.date(2023, 10, 30)  # the article's date
        assert [(link.event.slug, link.stance) for link in statement.event_links.all()] == [
            ("hamas-attack-on-israel-2023-10-07", "condemns")
        ]
    assert attack.get_absolute_url() == "/events/hamas-attack-on-israel-2023-10-07/"
    response = client.get(attack.get_absolute_url())
    assert response.status_code == 200
    accounts = response.context["accounts"]
    shown = {
        column.side.label: [(g.label, [a.statement.pk for a in g.accounts]) for g in column.groups]
        for column in accounts.columns
    }
    by_speaker = {s.speaker.slug: s.pk for s in condemnations}
    assert shown["United States"] == [("Condemns", [by_speaker["united-states"]])]
    assert shown["United Kingdom"] == [("Condemns", [by_speaker["united-kingdom"]])]
    assert ("condemns", "Condemns", 2) in accounts.stance_counts
    content = response.content.decode()
    assert "?event=hamas-attack-on-israel-2023-10-07&amp;stance=condemns" in content
    # Under "Condemns" in each side's column, each linking to its passage in the article.
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", content, flags=re.S)
    visible = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page)))
    assert "Condemns (2)" in visible
    assert "United States (1) Condemns Both the US and the UK strongly condemned" in visible
    assert "United Kingdom (1) Condemns Both the US and the UK strongly condemned" in visible
    for statement in condemnations:
        passage = f"{statement.article.get_absolute_url()}#statement-{statement.pk}"
        assert f'href="{passage}"' in content
