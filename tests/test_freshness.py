"""Cached facts are never stale: after every kind of write, pages show the new truth.

Counts, option lists and HTTP validators are cached for the archive's generation
(articles/freshness.py). Each test reads a page (filling the cache), writes through
one of the archive's write paths, and reads again.
"""

import io
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import freshness
from articles.formats.interchange import archive_export, archive_import
from articles.models import PublicationStatus, Statement, StatementEvent
from articles.services import actor_merge, records_publish, records_unpublish

from .factories import (
    ActorFactory,
    ArticleFactory,
    EventFactory,
    OutletFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db
PUBLISHED, DRAFT = PublicationStatus.PUBLISHED, PublicationStatus.DRAFT


def outlet_options(client) -> str:
    """The outlet select of the statement list, as sent."""
    html = client.get("/statements/").content.decode()
    start = html.index('<select name="outlet"')
    return html[start : html.index("</select>", start)]


def speaker_facet(client) -> dict[str, int]:
    response = client.get("/statements/")
    facets = {facet.title: facet for facet in response.context["facets"]}
    return {value.label: value.count for value in facets["Speakers"].values}


def most_quoted(client) -> str:
    html = client.get("/").content.decode()
    start = html.index('id="most-quoted"')
    return html[start : html.index("</section>", start)]


def test_publishing_and_unpublishing_show_at_once_in_options_facets_and_home(client):
    speaker = ActorFactory(name="Nadia Quoted")
    statement = StatementFactory(speaker=speaker, status=DRAFT)
    assert "Nadia Quoted" not in speaker_facet(client)
    assert "Nadia Quoted" not in most_quoted(client)

    records_publish(records=Statement.objects.filter(pk=statement.pk))
    assert speaker_facet(client)["Nadia Quoted"] == 1
    assert "Nadia Quoted" in most_quoted(client)

    records_unpublish(records=Statement.objects.filter(pk=statement.pk))
    assert "Nadia Quoted" not in speaker_facet(client)
    assert "Nadia Quoted" not in most_quoted(client)


def test_an_editor_saving_a_record_changes_the_counts(client):
    speaker = ActorFactory(name="Omar Often")
    article = ArticleFactory()
    StatementFactory(speaker=speaker, article=article)
    assert speaker_facet(client)["Omar Often"] == 1
    StatementFactory(speaker=speaker, article=article)  # a save, as the admin makes
    assert speaker_facet(client)["Omar Often"] == 2
    article.status = DRAFT  # the source article is withdrawn: its statements go with it
    article.save()
    assert "Omar Often" not in speaker_facet(client)


def test_a_merge_moves_the_counts_to_the_kept_actor(client):
    keep, drop = ActorFactory(name="Kept Name"), ActorFactory(name="Dropped Name")
    StatementFactory(speaker=keep)
    StatementFactory(speaker=drop)
    assert speaker_facet(client) == {"Kept Name": 1, "Dropped Name": 1}
    actor_merge(keep=keep, drop=drop)
    assert speaker_facet(client) == {"Kept Name": 2}
    # The dropped name is now an alias of the kept actor: typing it suggests the kept one.
    suggested = client.get("/search/actors.json", {"q": "Dropped"}).json()
    assert suggested == [{"slug": keep.slug, "name": "Kept Name"}]


def test_an_import_changes_the_counts(client, demo):
    before = speaker_facet(client)
    out = io.StringIO()
    archive_export(out)
    data = json.loads(out.getvalue())
    miller = next(s for s in data["statements"] if s["speaker"] == "matthew-miller")
    miller["status"] = DRAFT
    archive_import(stream=io.StringIO(json.dumps(data)))
    after = speaker_facet(client)
    assert after.get("Matthew Miller", 0) == before["Matthew Miller"] - 1


def test_a_new_outlet_is_offered_at_once(client):
    StatementFactory()
    assert "Brand New Outlet" not in outlet_options(client)
    OutletFactory(name="Brand New Outlet")
    assert "Brand New Outlet" in outlet_options(client)


def test_a_new_actor_is_suggested_at_once(client):
    assert client.get("/search/actors.json", {"q": "Zainab"}).json() == []
    actor = ActorFactory(name="Zainab Newname")
    assert client.get("/search/actors.json", {"q": "Zainab"}).json() == [
        {"slug": actor.slug, "name": "Zainab Newname"}
    ]


def test_a_deleted_record_leaves_the_counts(client):
    speaker = ActorFactory(name="Gone Soon")
    statement = StatementFactory(speaker=speaker)
    assert speaker_facet(client)["Gone Soon"] == 1
    statement.delete()
    assert "Gone Soon" not in speaker_facet(client)


def test_an_evicted_generation_never_brings_back_an_old_value(client):
    StatementFactory(speaker=ActorFactory(name="Before Eviction"))
    assert "Before Eviction" in speaker_facet(client)
    old = freshness.current()
    cache.delete(freshness.KEY)  # the cache lost the generation (eviction, restart)
    assert freshness.current() != old


def test_a_repeated_read_is_answered_304_until_the_archive_changes(client):
    statement = StatementFactory()
    first = client.get("/statements/")
    assert first.status_code == 200
    assert first["Cache-Control"] == "public, max-age=0, must-revalidate"
    etag = first["ETag"]
    assert client.get("/statements/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    # Another URL has another validator.
    assert client.get("/articles/", HTTP_IF_NONE_MATCH=etag).status_code == 200
    records_unpublish(records=Statement.objects.filter(pk=statement.pk))
    again = client.get("/statements/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200
    assert statement.get_absolute_url() not in again.content.decode()


def test_signed_in_editors_get_no_validator(client, django_user_model):
    StatementFactory()
    user = django_user_model.objects.create_user("e", password="x-long-pass-phrase-9")
    user.is_staff = True
    user.save()
    client.force_login(user)
    response = client.get("/statements/")
    assert response.status_code == 200
    assert not response.has_header("ETag")


def test_a_page_asked_for_again_is_the_same_page_without_a_query(client, django_assert_num_queries):
    statement = StatementFactory(text="Asked for twice")
    first = client.get("/statements/")
    assert "Asked for twice" in first.content.decode()
    with django_assert_num_queries(0):
        again = client.get("/statements/")
    assert again.status_code == 200
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]

    records_unpublish(records=Statement.objects.filter(pk=statement.pk))
    assert "Asked for twice" not in client.get("/statements/").content.decode()


def test_a_stored_page_is_not_kept_from_errors_or_streams(client, django_assert_num_queries):
    StatementFactory()
    assert client.get("/statements/?date_from=2023-02-30").status_code == 400
    assert client.get("/statements/?date_from=2023-02-30").status_code == 400
    for _ in range(2):
        response = client.get("/statements/?format=csv")
        assert response.streaming
        assert len(b"".join(response.streaming_content).splitlines()) == 2  # header, row


def test_what_an_editor_sees_is_never_stored_for_readers(client, django_user_model):
    draft = ArticleFactory(title="Not yet for readers", status=DRAFT)
    editor = django_user_model.objects.create_user(
        "e", password="x-long-pass-phrase-9", is_staff=True
    )
    client.force_login(editor)
    preview = client.get(draft.get_absolute_url())
    assert preview.status_code == 200
    assert "Not yet for readers" in preview.content.decode()
    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_the_health_check_is_never_answered_from_the_cache(client):
    assert client.get("/healthz").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/healthz").status_code == 200
    assert len(queries) > 0  # it asks the database every time


def test_a_statements_link_to_an_event_written_alone_moves_the_generation():
    """Cached counts (an event's accounts by stance) must not outlive a change of links."""
    statement, event = StatementFactory(), EventFactory()
    before = freshness.current()
    link = StatementEvent.objects.create(statement=statement, event=event, stance="denies")
    after_create = freshness.current()
    assert after_create != before
    link.delete()
    assert freshness.current() != after_create


def test_a_querysets_cache_key_is_compiled_once_and_a_narrowed_copy_has_its_own(
    django_assert_num_queries,
):
    rows = Statement.objects.filter(status=PublicationStatus.PUBLISHED)
    key = freshness.query_key(rows)
    assert freshness.query_key(rows) is key  # kept on the queryset: not compiled again
    narrowed = rows.filter(kind=Statement.Kind.QUOTE)
    assert freshness.query_key(narrowed) != key
    assert freshness.query_key(rows.order_by("pk")) != key
    assert freshness.query_key(rows.none()) == ("articles.Statement", "no rows")
    # A copy made before the key was asked for compiles its own, the same SQL.
    with django_assert_num_queries(0):
        assert freshness.query_key(Statement.objects.filter(status="published")) == key
