"""Atom feeds: the latest statements, an actor's statements, and any filtered list.

`/feeds/statements/` and `/actors/<slug>/feed/` are django.contrib.syndication feeds;
`?format=atom` on a list (through `articles.formats.tabular.export_response`) builds the same
entries from the list's filtered queryset. Entries carry only published records.
"""

import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator

from actors.models import Actor

from ..models import Statement

FEED_LENGTH = 50


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _midnight(value: datetime.date | None) -> datetime.datetime | None:
    if value is None:
        return None
    return datetime.datetime.combine(value, datetime.time(), tzinfo=datetime.UTC)


def statement_entry(statement) -> dict:
    role = statement.speaker_role()
    who = statement.speaker.name + (f", {role.label} (at the time)" if role else "")
    if statement.on_behalf_of_id:
        who += f", for {statement.on_behalf_of.name}"
    article = statement.article
    said = f"“{statement.text}”" if statement.is_quote else statement.text
    return {
        "title": f"{statement.speaker.name}: {Truncator(statement.text).chars(100)}",
        "link": _absolute(statement.get_absolute_url()),
        "description": (
            f"{said}\n\n— {who}, {statement.said_on:%-d %B %Y}. "
            f"Source: {article.title} ({article.outlet.name}), {article.url}"
        ),
        "author_name": statement.speaker.name,
        "pubdate": _midnight(statement.said_on),
        "updateddate": statement.updated_at,
    }


def article_entry(article) -> dict:
    return {
        "title": article.title,
        "link": _absolute(article.get_absolute_url()),
        "description": article.summary or Truncator(article.body).words(60),
        "author_name": article.byline or article.outlet.name,
        "pubdate": _midnight(article.published_on),
        "updateddate": article.updated_at,
    }


def event_entry(event) -> dict:
    where = f" in {event.place.name}" if event.place_id else ""
    return {
        "title": event.title,
        "link": _absolute(event.get_absolute_url()),
        "description": f"{event.get_kind_display()}{where}, from {event.start_date:%-d %B %Y}. "
        + event.description,
        "pubdate": _midnight(event.start_date),
        "updateddate": event.updated_at,
    }


def actor_entry(actor) -> dict:
    return {
        "title": actor.name,
        "link": _absolute(actor.get_absolute_url()),
        "description": f"{actor.get_kind_display()}. {actor.description}".strip(),
        "pubdate": actor.created_at,
        "updateddate": actor.updated_at,
    }


ENTRIES = {
    "statements": statement_entry,
    "articles": article_entry,
    "events": event_entry,
    "actors": actor_entry,
}


def list_feed_response(request: HttpRequest, queryset: QuerySet, *, kind: str) -> HttpResponse:
    """An Atom feed of the newest rows of a filtered list (`?format=atom`)."""
    from .tabular import KINDS  # the same per-kind querysets as the data exports

    _, prepare, newest_first = KINDS[kind]
    params = request.GET.copy()
    params.pop("format", None)
    params.pop("page", None)
    query = params.urlencode()
    link = _absolute(request.path + (f"?{query}" if query else ""))
    feed = Atom1Feed(
        title=f"{kind.capitalize()}{' (filtered)' if query else ''} · {settings.SITE_NAME}",
        link=link,
        description=f"The newest {kind} of {link}",
        feed_url=_absolute(request.get_full_path()),
        language="en",
    )
    for obj in prepare(queryset).order_by(*newest_first)[:FEED_LENGTH]:
        entry = ENTRIES[kind](obj)
        feed.add_item(unique_id=entry["link"], **entry)
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response


class _StatementFeed:
    """Item methods shared by the statement feeds."""

    feed_type = Atom1Feed

    def item_title(self, item):
        return statement_entry(item)["title"]

    def item_description(self, item):
        return statement_entry(item)["description"]

    def item_link(self, item):
        return item.get_absolute_url()

    def item_author_name(self, item):
        return item.speaker.name

    def item_pubdate(self, item):
        return _midnight(item.said_on)

    def item_updateddate(self, item):
        return item.updated_at


def _statements():
    return Statement.objects.published().for_listing().order_by("-said_on", "-id")


class LatestStatementsFeed(_StatementFeed, Feed):
    title = f"Latest statements · {settings.SITE_NAME}"
    link = "/statements/"
    description = "The newest published statements, each with its speaker and source."

    def items(self):
        return _statements()[:FEED_LENGTH]


class ActorStatementsFeed(_StatementFeed, Feed):
    def get_object(self, request, slug):
        return get_object_or_404(Actor, slug=slug)

    def title(self, obj):
        return f"Statements by or about {obj.name} · {settings.SITE_NAME}"

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return f"The newest published statements made by or about {obj.name}."

    def items(self, obj):
        return _statements().involving(obj)[:FEED_LENGTH]
