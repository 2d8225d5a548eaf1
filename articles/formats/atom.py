"""Atom feeds: the latest statements, an actor's statements, and any filtered list.

`/feeds/statements/` and `/actors/<slug>/feed/` are django.contrib.syndication feeds;
`?format=atom` on a list (through `articles.formats.tabular.export_response`) builds the
same entries from the list's filtered queryset. Entries are the record type's
`feed_entry` (`articles/records/`) and carry only public records.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from actors.models import Actor

from ..links import absolute
from ..records import statements
from ..records.base import RecordType

FEED_LENGTH = 50


def list_feed_response(
    request: HttpRequest, queryset: QuerySet, *, record: RecordType, title: str = ""
) -> HttpResponse:
    """An Atom feed of the rows of a filtered list or a page (`?format=atom`), the latest to
    become public first. `title` names the rows ("Statements about …"); a list's default
    is its type."""
    params = request.GET.copy()
    params.pop("format", None)
    params.pop("page", None)
    query = params.urlencode()
    link = absolute(request.path + (f"?{query}" if query else ""))
    plural = record.noun[1]
    title = title or f"{plural.capitalize()}{' (filtered)' if query else ''}"
    feed = Atom1Feed(
        title=f"{title} · {settings.SITE_NAME}",
        link=link,
        description=f"The {plural} of {link}, the latest to become public first",
        feed_url=absolute(request.get_full_path()),
        language="en",
    )
    for obj in record.for_export(queryset).order_by(*record.newest_first)[:FEED_LENGTH]:
        entry = record.feed_entry(obj)
        link = absolute(entry.link)
        feed.add_item(
            unique_id=link,
            link=link,
            title=entry.title,
            description=entry.description,
            author_name=entry.author_name or None,
            pubdate=entry.pubdate,
            updateddate=entry.updateddate,
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response


class _StatementFeed(Feed):
    """Item methods of the statement feeds, read from the statements' `feed_entry`.

    Every link is absolute from SITE_URL (`links.absolute`): Django's feeds would
    otherwise prefix the host the request named, which a client can choose.
    """

    feed_type = Atom1Feed
    record = statements.RECORD

    def _rows(self) -> QuerySet:
        return self.record.public().for_listing().order_by(*self.record.newest_first)

    def item_title(self, item):
        return self.record.feed_entry(item).title

    def item_description(self, item):
        return self.record.feed_entry(item).description

    def item_link(self, item):
        return absolute(self.record.feed_entry(item).link)

    def item_author_name(self, item):
        return self.record.feed_entry(item).author_name

    def item_pubdate(self, item):
        return self.record.feed_entry(item).pubdate

    def item_updateddate(self, item):
        return self.record.feed_entry(item).updateddate


class LatestStatementsFeed(_StatementFeed):
    title = f"Latest statements · {settings.SITE_NAME}"
    description = "The newest published statements, each with its speaker and source."

    def link(self):
        return absolute(reverse("articles:statement_list"))

    def feed_url(self):
        return absolute(reverse("discovery:statements_feed"))

    def items(self):
        return self._rows()[:FEED_LENGTH]


class ActorStatementsFeed(_StatementFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Actor, slug=slug)

    def title(self, obj):
        return f"Statements by or about {obj.name} · {settings.SITE_NAME}"

    def link(self, obj):
        return absolute(obj.get_absolute_url())

    def feed_url(self, obj):
        return absolute(reverse("actors:feed", args=[obj.slug]))

    def description(self, obj):
        return f"The newest published statements made by or about {obj.name}."

    def items(self, obj):
        return self._rows().involving(obj)[:FEED_LENGTH]
