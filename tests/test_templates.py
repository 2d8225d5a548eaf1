"""What every template shares: paths through `{% url %}`, one navigation, one pager."""

import re
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from .factories import (
    ActorFactory,
    ArticleFactory,
    EventFactory,
    OutletFactory,
    PlaceFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db

TEMPLATES = Path(django_settings.BASE_DIR) / "templates"


def site_templates() -> list[Path]:
    """The public site's templates; the admin's overrides follow Django's own."""
    return [path for path in TEMPLATES.rglob("*.html") if "admin" not in path.parts]


def main_nav(response) -> str:
    content = response.content.decode()
    return re.search(r'<nav class="site-nav".*?</nav>', content, re.S).group(0)


def test_templates_write_no_path_by_hand():
    """A typed path breaks silently when its URL changes; `{% url %}` fails loudly."""
    by_hand = [
        f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()}"
        for path in site_templates()
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r'(href|action|src)="/', line)
    ]
    assert by_hand == []


def test_one_pager_partial_for_every_paginated_page():
    pagers = [
        str(path.relative_to(TEMPLATES))
        for path in site_templates()
        if re.search(r'<nav class="(pager|pagination)"', path.read_text())
    ]
    assert pagers == ["includes/pagination.html"]


def test_navigation_links_every_section_by_its_url_name(client):
    nav = main_nav(client.get(reverse("articles:home")))
    links = [unescape(href) for href in re.findall(r'href="([^"]*)"', nav)]
    assert links == [
        reverse("articles:statement_list"),
        reverse("actors:list"),
        reverse("articles:article_list"),
        reverse("articles:event_list"),
        reverse("articles:dates"),
        reverse("articles:outlets"),
        reverse("articles:places"),
    ]
    assert "aria-current" not in nav  # the home page is no section


def test_navigation_marks_the_section_of_lists_and_their_records(client):
    statement = StatementFactory()
    event = EventFactory()
    pages = {
        reverse("articles:statement_list"): "Statements",
        statement.get_absolute_url(): "Statements",
        reverse("actors:list"): "Actors",
        statement.speaker.get_absolute_url(): "Actors",
        reverse("articles:article_list"): "Articles",
        statement.article.get_absolute_url(): "Articles",
        reverse("articles:event_list"): "Events",
        event.get_absolute_url(): "Events",
        reverse("articles:dates"): "Dates",
        reverse("articles:day", args=["2023", "10", "28"]): "Dates",
    }
    for url, section in pages.items():
        current = re.findall(r'aria-current="page">([^<]+)</a>', main_nav(client.get(url)))
        assert current == [section], url


def test_footer_and_site_search_use_the_named_urls(client):
    content = client.get(reverse("articles:home")).content.decode()
    assert f'action="{reverse("search:results")}"' in content
    assert f'<a class="site-name" href="{reverse("articles:home")}">' in content
    assert f'href="{reverse("discovery:statements_feed")}"' in content


def test_see_all_links_of_the_actor_page_name_the_actor(client):
    actor = ActorFactory(slug="un-envoy")
    for _ in range(21):  # more than the page shows
        EventFactory().participations.create(actor=actor, role="participant")
        ArticleFactory().mentioned_actors.add(actor)
    content = client.get(actor.get_absolute_url()).content.decode()
    assert f'href="{reverse("articles:event_list")}?actor=un-envoy"' in content
    assert f'href="{reverse("articles:article_list")}?actor=un-envoy"' in content


def pager(response) -> str:
    match = re.search(r'<nav class="pagination".*?</nav>', response.content.decode(), re.S)
    return match.group(0) if match else ""


def test_outlet_and_place_pages_page_with_the_list_pager(client, settings):
    settings.PAGE_SIZE = 1
    outlet = OutletFactory()
    ArticleFactory.create_batch(3, outlet=outlet)
    place = PlaceFactory()
    EventFactory.create_batch(2, place=PlaceFactory(parent=place))
    EventFactory(place=place)

    for url in (outlet.get_absolute_url(), place.get_absolute_url()):
        middle = pager(client.get(url, {"page": 2}))
        assert 'aria-label="Pages"' in middle
        assert '<li class="current" aria-current="page">Page 2 of 3</li>' in middle
        assert 'href="?page=1" rel="prev"' in middle and 'href="?page=3" rel="next"' in middle
        last = pager(client.get(url, {"page": 3}))
        assert "« First" in last and 'rel="next"' not in last


def test_search_results_page_with_the_same_pager_named_for_its_type(client, settings):
    settings.PAGE_SIZE = 2
    StatementFactory.create_batch(5, text="Ceasefire talks.")
    response = client.get(reverse("search:results"), {"q": "ceasefire", "type": "statements"})
    nav = pager(response)
    assert 'aria-label="Pages of statements"' in nav
    assert "Page 1 of 3" in nav
    assert 'href="?q=ceasefire&amp;type=statements&amp;page=2" rel="next"' in nav
