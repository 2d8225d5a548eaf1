"""One question, one answer: every page that asks the same thing gets the same records.

Each test asks the same question through two or more surfaces (a list filter, the search
page, a detail page, an export) and checks that they agree. These are the places where
copies of the same read had drifted apart before the record types were declared once.
"""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse

from articles.models import PublicationStatus

from .factories import (
    ActorFactory,
    ArticleFactory,
    EventFactory,
    EventParticipantFactory,
    PlaceFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db
DRAFT = PublicationStatus.DRAFT


def linked(response, prefix: str) -> set[str]:
    """The record paths under `prefix` that the page links to (`/articles/<slug>/`)."""
    pattern = re.escape(prefix) + r"[\w-]+/"
    return set(re.findall(f'href="({pattern})', response.content.decode()))


def test_articles_involving_an_actor_are_the_same_on_the_list_and_in_search(client):
    actor = ActorFactory()
    mentioned = ArticleFactory(title="Ceasefire talks resume")
    mentioned.mentioned_actors.add(actor)
    speaking = ArticleFactory(title="Ceasefire call at the council")
    StatementFactory(article=speaking, speaker=actor)
    ArticleFactory(title="Ceasefire elsewhere")  # neither

    listed = linked(client.get("/articles/", {"actor": actor.slug}), "/articles/")
    searched = linked(
        client.get("/search/", {"q": "ceasefire", "type": "articles", "actor": actor.slug}),
        "/articles/",
    )
    expected = {mentioned.get_absolute_url(), speaking.get_absolute_url()}
    assert listed == searched == expected


def test_a_draft_statement_does_not_tie_an_actor_to_an_article_anywhere(client):
    actor = ActorFactory()
    article = ArticleFactory(title="Ceasefire report")
    StatementFactory(article=article, speaker=actor, status=DRAFT)
    listed = linked(client.get("/articles/", {"actor": actor.slug}), "/articles/")
    searched = linked(
        client.get("/search/", {"q": "ceasefire", "type": "articles", "actor": actor.slug}),
        "/articles/",
    )
    assert listed == searched == set()


def test_an_event_five_levels_down_is_inside_the_place_on_every_page(client):
    country = PlaceFactory(kind="country")
    place = country
    for _ in range(4):
        place = PlaceFactory(parent=place)
    deep = EventFactory(title="Strike on a site five levels down", place=place)
    outside = EventFactory(title="Elsewhere", place=PlaceFactory())

    listed = linked(client.get("/events/", {"place": country.slug}), "/events/")
    on_place_page = linked(client.get(country.get_absolute_url()), "/events/")
    assert deep.get_absolute_url() in listed
    assert listed == on_place_page
    assert outside.get_absolute_url() not in on_place_page


def test_the_place_chain_of_a_deep_place_is_complete(client):
    places = [PlaceFactory(kind="country")]
    for _ in range(5):
        places.append(PlaceFactory(parent=places[-1]))
    response = client.get(places[-1].get_absolute_url())
    for place in places[:-1]:
        assert place.get_absolute_url() in response.content.decode()


def test_events_an_actor_took_part_in_agree_on_the_list_the_actor_page_and_search(client):
    actor = ActorFactory()
    took_part = EventParticipantFactory(actor=actor, event__title="Ceasefire talks").event
    EventParticipantFactory(actor=actor, event__title="Ceasefire draft", event__status=DRAFT)
    EventFactory(title="Ceasefire without them")

    listed = linked(client.get("/events/", {"actor": actor.slug}), "/events/")
    actor_page = linked(client.get(actor.get_absolute_url()), "/events/")
    searched = linked(
        client.get("/search/", {"q": "ceasefire", "type": "events", "actor": actor.slug}),
        "/events/",
    )
    assert listed == actor_page == searched == {took_part.get_absolute_url()}


@pytest.mark.parametrize(
    "url, parameter",
    [
        ("/statements/", "date_from"),
        ("/articles/", "date_to"),
        ("/events/", "date_from"),
        ("/search/?q=x", "date_from"),
        ("/actors/{slug}/", "by_from"),
        ("/actors/{slug}/", "about_to"),
    ],
)
def test_every_date_parameter_reads_iso_dates_only_with_one_message(client, url, parameter):
    actor = ActorFactory()
    separator = "&" if "?" in url else "?"
    response = client.get(f"{url.format(slug=actor.slug)}{separator}{parameter}=28/10/2023")
    assert "Enter a date as YYYY-MM-DD, for example 2023-10-28." in response.content.decode()
    good = client.get(f"{url.format(slug=actor.slug)}{separator}{parameter}=2023-10-28")
    assert good.status_code == 200
    assert "Enter a date as YYYY-MM-DD" not in good.content.decode()


def test_a_month_precise_date_reads_the_same_on_every_surface(client):
    event = EventFactory(
        title="Strike known to the month",
        start_date=datetime.date(2023, 10, 1),
        date_precision="month",
    )
    event_page = client.get(event.get_absolute_url()).content.decode()
    event_list = client.get("/events/").content.decode()
    feed = client.get("/events/", {"format": "atom"}).content.decode()
    for surface in (event_page, event_list, feed):
        assert "October 2023" in surface
        assert "1 October 2023" not in surface
    assert '"startDate": "2023-10"' in event_page  # JSON-LD
    assert "Conflict Reporting Archive, October 2023." in event_page  # the citation


def test_a_draft_event_never_reaches_a_statement_export(client):
    draft = EventFactory(slug="secret-draft-operation", status=DRAFT)
    statement = StatementFactory(event=draft)
    for fmt in ("csv", "json", "atom"):
        content = b"".join(
            client.get("/statements/", {"format": fmt}).streaming_content
            if fmt != "atom"
            else [client.get("/statements/", {"format": fmt}).content]
        ).decode()
        assert statement.get_absolute_url() in content
        assert "secret-draft-operation" not in content
    page = client.get(statement.get_absolute_url()).content.decode()
    assert "secret-draft-operation" not in page
    rows = list(
        csv.DictReader(
            io.StringIO(
                b"".join(client.get("/statements/", {"format": "csv"}).streaming_content).decode()
            )
        )
    )
    assert rows[0]["event"] == rows[0]["stance"] == ""


def test_the_navigation_links_the_dates_index_and_it_lists_years_with_counts(client):
    StatementFactory(said_on=datetime.date(2021, 5, 4))
    StatementFactory(said_on=datetime.date(2023, 10, 28))
    home = client.get("/").content.decode()
    assert f'href="{reverse("articles:dates")}"' in home
    index = client.get(reverse("articles:dates"))
    assert index.status_code == 200
    content = index.content.decode()
    assert f'href="{reverse("articles:year", args=["2021"])}"' in content
    assert f'href="{reverse("articles:year", args=["2023"])}"' in content


def test_export_archive_reads_dates_as_the_pages_do():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="Enter a date as YYYY-MM-DD, for example 2023-10-28."):
        call_command("export_archive", "--date-from", "28/10/2023", stdout=io.StringIO())
