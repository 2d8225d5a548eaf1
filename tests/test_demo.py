import datetime

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
