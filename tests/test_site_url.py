"""Every absolute URL the site writes comes from SITE_URL (through articles/links.py),
never from the Host a request named: canonical links, citations, JSON-LD, Open Graph,
feeds, the sitemap, robots.txt and exports."""

import pytest

from actors.models import Actor
from articles.models import Article, Event, Outlet, Place, Statement

pytestmark = pytest.mark.django_db

SITE = "https://archive.example.org"
OTHER_HOST = "mirror.example.net"


@pytest.fixture
def other_host_client(client, settings):
    """A client whose requests name another host (a mirror, a proxy, a forged Host)."""
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = [OTHER_HOST]
    client.defaults["HTTP_HOST"] = OTHER_HOST
    return client


def test_every_public_surface_writes_absolute_urls_from_site_url(other_host_client, demo):
    client = other_host_client
    statement = Statement.objects.get(speaker__slug="matthew-miller")
    actor = Actor.objects.get(slug="antony-blinken")
    paths = [
        "/",
        statement.get_absolute_url(),
        statement.get_absolute_url() + "?format=ris",
        Article.objects.get().get_absolute_url(),
        Event.objects.get(slug="blinken-cleverly-call-2023-10-28").get_absolute_url(),
        actor.get_absolute_url(),
        Outlet.objects.get().get_absolute_url(),
        Place.objects.first().get_absolute_url(),
        "/feeds/statements/",
        f"/actors/{actor.slug}/feed/",
        "/statements/?format=atom",
        "/statements/?format=csv",
        "/statements/?format=json",
        "/sitemap.xml",
        "/sitemap-statements.xml",
        "/sitemap-places.xml",
        "/robots.txt",
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode()
        assert OTHER_HOST not in text, path
        assert "testserver" not in text, path
        assert SITE in text, path


def test_the_canonical_link_and_feeds_name_the_configured_site(other_host_client, demo):
    client = other_host_client
    actor = Actor.objects.get(slug="antony-blinken")
    page = client.get(actor.get_absolute_url()).content.decode()
    assert f'<link rel="canonical" href="{SITE}/actors/{actor.slug}/">' in page
    feed = client.get(f"/actors/{actor.slug}/feed/").content.decode()
    assert f'<link href="{SITE}/actors/{actor.slug}/" rel="alternate"/>' in feed
    assert f'<link href="{SITE}/actors/{actor.slug}/feed/" rel="self"/>' in feed
    assert f'<link href="{SITE}/statements/' in feed  # the entries
    index = client.get("/sitemap.xml").content.decode()
    assert f"<loc>{SITE}/sitemap-statements.xml</loc>" in index
