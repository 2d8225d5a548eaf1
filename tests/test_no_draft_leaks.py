"""Nothing unpublished reaches a public surface: a crawl of every export, feed, sitemap,
search and list with drafts present finds none of their words."""

import gzip
import re

import pytest

from articles.formats import downloads
from articles.models import PublicationStatus, StatementEvent

from .factories import ActorFactory, ArticleFactory, EventFactory, StatementFactory

pytestmark = pytest.mark.django_db
DRAFT = PublicationStatus.DRAFT
SECRET = "zqxsecret"


@pytest.fixture
def archive_with_drafts():
    speaker = ActorFactory(name="Open Speaker")
    public_article = ArticleFactory(title="Open report", body="Open words said here.")
    public = StatementFactory(article=public_article, speaker=speaker, text="Open words")
    draft_event = EventFactory(title=f"{SECRET} operation", slug=f"{SECRET}-event", status=DRAFT)
    # a public statement about a draft event
    StatementEvent.objects.create(statement=public, event=draft_event)
    draft_article = ArticleFactory(
        title=f"{SECRET} report", slug=f"{SECRET}-article", body=f"{SECRET} words.", status=DRAFT
    )
    StatementFactory(article=draft_article, speaker=speaker, text=f"{SECRET} words.")
    StatementFactory(
        article=public_article, speaker=speaker, text="said here", status=DRAFT
    ).mentioned_actors.add(ActorFactory(name=f"{SECRET} mentioned"))
    return speaker, public


def content(response) -> str:
    if getattr(response, "streaming", False):
        data = b"".join(response.streaming_content)
        if response["Content-Type"] == "application/gzip":  # a prepared download
            data = gzip.decompress(data)
        return data.decode()
    return response.content.decode()


def test_no_public_surface_shows_a_draft(client, archive_with_drafts, settings, tmp_path):
    settings.DOWNLOADS_DIR = tmp_path
    manifest = downloads.prepare(tmp_path)
    speaker, public = archive_with_drafts
    paths = ["/", "/feeds/statements/", f"/actors/{speaker.slug}/feed/", "/dates/",
             "/dates/2023/", "/search/?q=report", "/search/?q=words",
             public.get_absolute_url(), public.article.get_absolute_url()]  # fmt: skip
    for listing in ("/statements/", "/articles/", "/events/"):
        paths.append(listing)
        paths += [f"{listing}?format={fmt}" for fmt in ("csv", "json", "atom")]
    # Actors are always public (a draft's mentioned actor is still an actor), so, as for
    # the lists, their file is left out of the crawl.
    paths += ["/downloads/"]
    paths += [f"/downloads/{file.name}" for file in manifest.files if file.record != "actors"]
    sitemap = client.get("/sitemap.xml").content.decode()
    paths += [re.sub(r"^https?://[^/]+", "", url) for url in re.findall(r"<loc>([^<]+)", sitemap)]
    seen = 0
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert SECRET not in content(response), path
        seen += 1
    assert seen > 20
    # The crawl reads what is public: the public statement is in its exports.
    assert "Open words" in content(client.get("/statements/?format=csv"))
    assert "Open words" in content(client.get("/downloads/statements.json.gz"))
