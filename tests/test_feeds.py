"""Atom feeds and the sitemap: only published records, queries that do not grow."""

import datetime
import xml.etree.ElementTree as ET

import pytest

from articles.models import PublicationStatus
from tests.factories import (
    ActorFactory,
    ArticleFactory,
    EventFactory,
    RoleFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def entries(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content).findall(f"{ATOM}entry")


def test_statements_feed_lists_the_latest_published_statements(client, demo):
    StatementFactory(text="A draft remark.", status=PublicationStatus.DRAFT)
    found = entries(client.get("/feeds/statements/"))
    assert len(found) == 9  # the demo's 9 public statements, not the draft
    titles = [entry.find(f"{ATOM}title").text for entry in found]
    assert not any("draft" in title for title in titles)
    first = found[0]
    assert first.find(f"{ATOM}link").get("href").startswith("http://testserver/statements/")
    assert first.find(f"{ATOM}author/{ATOM}name").text


def test_actor_feed_holds_statements_by_and_about_the_actor(client, demo):
    found = entries(client.get("/actors/eli-cohen/feed/"))
    # Cohen speaks nowhere in the demo; Cleverly's post mentions him.
    assert [entry.find(f"{ATOM}author/{ATOM}name").text for entry in found] == ["James Cleverly"]
    summary = found[0].find(f"{ATOM}summary").text
    assert "Foreign Secretary" in summary and "TechBallad" in summary


def test_actor_feed_of_an_unknown_actor_is_404(client, db):
    assert client.get("/actors/nobody/feed/").status_code == 404


def test_actor_feed_hides_statements_of_draft_articles(client):
    speaker = ActorFactory(slug="spokesperson")
    StatementFactory(speaker=speaker, text="Public.")
    StatementFactory(
        speaker=speaker, text="Hidden.", article=ArticleFactory(status=PublicationStatus.DRAFT)
    )
    titles = [
        e.find(f"{ATOM}title").text for e in entries(client.get("/actors/spokesperson/feed/"))
    ]
    assert len(titles) == 1
    assert titles[0].endswith(": Public.")


@pytest.mark.parametrize("rows", [5, 200])
def test_feed_queries_do_not_grow_with_rows(client, rows, django_assert_max_num_queries):
    speaker = RoleFactory().person
    for _ in range(rows):
        StatementFactory(speaker=speaker)
    # Queries: 1 statements with speaker, on_behalf_of, article, outlet and event;
    # 1 the speakers' roles with their organisations.
    with django_assert_max_num_queries(2):
        found = entries(client.get("/feeds/statements/"))
    assert len(found) == min(rows, 50)
    # Queries: 1 the actor; 1 their statements; 1 roles.
    with django_assert_max_num_queries(3):
        entries(client.get(f"/actors/{speaker.slug}/feed/"))


def sitemap_urls(client, url):
    response = client.get(url)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return [loc.text for loc in root.iter(f"{SITEMAP}loc")]


def test_sitemap_lists_published_records_only(client, demo):
    draft_article = ArticleFactory(slug="secret-draft", status=PublicationStatus.DRAFT)
    draft_statement = StatementFactory(status=PublicationStatus.DRAFT)
    EventFactory(slug="draft-event", status=PublicationStatus.DRAFT)
    sections = sitemap_urls(client, "/sitemap.xml")
    assert "http://testserver/sitemap-statements.xml" in sections
    urls = []
    for section in sections:
        urls += sitemap_urls(client, section.removeprefix("http://testserver"))
    assert "http://testserver/actors/james-cleverly/" in urls
    assert "http://testserver/events/blinken-cleverly-call-2023-10-28/" in urls
    assert "http://testserver/places/mount-dov/" in urls
    assert "http://testserver/outlets/techballad/" in urls
    assert sum("/statements/" in url for url in urls) == 10  # the list and the 9 public ones
    assert "http://testserver/outlets/" in urls and "http://testserver/places/" in urls
    assert f"http://testserver/articles/{draft_article.slug}/" not in urls
    assert f"http://testserver/statements/{draft_statement.pk}/" not in urls
    assert "http://testserver/events/draft-event/" not in urls
    # A published statement whose article is a draft stays out too.
    hidden = StatementFactory(article=draft_article, status=PublicationStatus.PUBLISHED)
    assert f"/statements/{hidden.pk}/" not in client.get("/sitemap-statements.xml").content.decode()


@pytest.mark.parametrize("rows", [5, 200])
def test_sitemap_section_queries_do_not_grow_with_rows(client, rows, django_assert_max_num_queries):
    StatementFactory.create_batch(rows)
    # Queries: 1 count for the paginator; 1 the page of statements.
    with django_assert_max_num_queries(2):
        assert len(sitemap_urls(client, "/sitemap-statements.xml")) == rows


def test_feeds_order_by_when_a_record_became_public_not_by_its_date(client):
    """A quote from 2015 entered today reaches subscribers first, dated today."""
    speaker = ActorFactory(slug="envoy")
    recent = StatementFactory(speaker=speaker, text="Said this year.")
    old_article = ArticleFactory(published_on=datetime.date(2015, 3, 1), status="draft")
    backfilled = StatementFactory(
        speaker=speaker,
        article=old_article,
        said_on=datetime.date(2015, 3, 1),
        text="Said in 2015.",
    )
    old_article.status = PublicationStatus.PUBLISHED
    old_article.save()  # the 2015 quote becomes public now, after the recent one
    backfilled.refresh_from_db()
    assert backfilled.published_at > recent.published_at
    for url in ("/feeds/statements/", "/actors/envoy/feed/", "/statements/?format=atom"):
        found = entries(client.get(url))
        titles = [entry.find(f"{ATOM}title").text for entry in found]
        assert [title.split(": ", 1)[1] for title in titles] == [
            "Said in 2015.",
            "Said this year.",
        ], url
        published = found[0].find(f"{ATOM}published").text
        assert published.startswith(backfilled.published_at.date().isoformat()), url
