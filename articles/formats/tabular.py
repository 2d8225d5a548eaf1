"""Lists as data: `?format=csv`, `?format=json` and `?format=atom` on every list page.

List views call `export_response(request, filterset.qs, kind=...)` after filtering and
before paginating; it returns a response when the request asks for a data format and
None for the HTML page. CSV and JSON hold exactly the filtered rows, all of them, streamed
chunk by chunk (related rows loaded per chunk), so memory stays flat however many rows
match. Atom holds the newest `FEED_LENGTH` rows. Columns are documented in
docs/data-format.md; add columns at the end, never rename or remove one.
"""

import csv
import datetime
import functools
import json
from collections.abc import Callable, Iterable, Iterator

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.urls import reverse

from actors.models import Actor, Alias

from ..models import Article, EventParticipant, speaker_roles_prefetch
from . import atom

CHUNK_SIZE = 2000
FORMATS = ("csv", "json", "atom")


_PLACEHOLDER = "987654321"


@functools.cache
def _url_template(name: str, site_url: str) -> tuple[str, str]:
    before, _, after = reverse(name, args=[_PLACEHOLDER]).partition(_PLACEHOLDER)
    return site_url + before, after


def permalink(name: str, key) -> str:
    """The absolute URL of a detail page, without running the URL resolver per row."""
    before, after = _url_template(name, settings.SITE_URL)
    return f"{before}{key}{after}"


def _slugs(actors: Iterable) -> str:
    return "; ".join(actor.slug for actor in actors)


def _iso(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


# One row per kind: plain values only, in column order. -------------------------------


def statement_row(statement) -> dict:
    article, speaker, behalf = statement.article, statement.speaker, statement.on_behalf_of
    role = statement.speaker_role()
    return {
        "id": statement.pk,
        "permalink": permalink("articles:statement", statement.pk),
        "said_on": _iso(statement.said_on),
        "kind": statement.kind,
        "channel": statement.channel,
        "language": statement.language,
        "text": statement.text,
        "translation": statement.translation,
        "speaker_name": speaker.name,
        "speaker_slug": speaker.slug,
        "speaker_role": role.label if role else "",
        "on_behalf_of_name": behalf.name if behalf else "",
        "on_behalf_of_slug": behalf.slug if behalf else "",
        "mentioned_actors": _slugs(statement.export_mentioned),
        "event_slug": statement.event.slug if statement.event_id else "",
        "source_title": article.title,
        "source_url": article.url,
        "source_archive_url": article.archive_url,
        "source_outlet_name": article.outlet.name,
        "source_outlet_slug": article.outlet.slug,
        "source_published_on": _iso(article.published_on),
        "source_permalink": permalink("articles:detail", article.slug)
        + f"#statement-{statement.pk}",
        "original_source_url": statement.source_url,
    }


def article_row(article) -> dict:
    return {
        "id": article.pk,
        "permalink": permalink("articles:detail", article.slug),
        "slug": article.slug,
        "title": article.title,
        "outlet_name": article.outlet.name,
        "outlet_slug": article.outlet.slug,
        "url": article.url,
        "archive_url": article.archive_url,
        "byline": article.byline,
        "published_on": _iso(article.published_on),
        "language": article.language,
        "summary": article.summary,
        "mentioned_actors": _slugs(article.export_mentioned),
        "body_sha256": article.body_sha256,
        "body": article.body,
    }


def event_row(event) -> dict:
    place = event.place
    return {
        "id": event.pk,
        "permalink": permalink("articles:event", event.slug),
        "slug": event.slug,
        "title": event.title,
        "kind": event.kind,
        "acled_event_type": event.acled_event_type,
        "acled_sub_event_type": event.acled_sub_event_type,
        "cameo_code": event.cameo_code,
        "start_date": _iso(event.start_date),
        "end_date": _iso(event.end_date),
        "date_precision": event.date_precision,
        "place_name": place.name if place else "",
        "place_slug": place.slug if place else "",
        "latitude": str(place.latitude) if place and place.latitude is not None else "",
        "longitude": str(place.longitude) if place and place.longitude is not None else "",
        "fatalities": "" if event.fatalities is None else event.fatalities,
        "participants": "; ".join(f"{p.actor.slug}:{p.role}" for p in event.export_participations),
        "source_urls": " ".join(article.url for article in event.export_articles),
        "description": event.description,
    }


def actor_row(actor) -> dict:
    parent = actor.parent
    return {
        "id": actor.pk,
        "permalink": permalink("actors:detail", actor.slug),
        "slug": actor.slug,
        "name": actor.name,
        "kind": actor.kind,
        "country": actor.country,
        "parent_slug": parent.slug if parent else "",
        "parent_name": parent.name if parent else "",
        "wikidata_id": actor.wikidata_id,
        "aliases": "; ".join(alias.name for alias in actor.export_aliases),
        "description": actor.description,
    }


def _mentioned() -> Prefetch:
    return Prefetch(
        "mentioned_actors",
        queryset=Actor.objects.order_by("slug").only("id", "slug"),
        to_attr="export_mentioned",
    )


def _statements(queryset: QuerySet) -> QuerySet:
    return (
        queryset.select_related("speaker", "on_behalf_of", "article__outlet", "event")
        .prefetch_related(None)
        .prefetch_related(speaker_roles_prefetch(), _mentioned())
    )


def _articles(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("outlet").prefetch_related(None).prefetch_related(_mentioned())


def _events(queryset: QuerySet) -> QuerySet:
    return (
        queryset.select_related("place")
        .prefetch_related(None)
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=EventParticipant.objects.select_related("actor"),
                to_attr="export_participations",
            ),
            # Only published articles may appear as sources.
            Prefetch(
                "articles",
                queryset=Article.objects.published().order_by("url").only("id", "url"),
                to_attr="export_articles",
            ),
        )
    )


def _actors(queryset: QuerySet) -> QuerySet:
    return (
        queryset.select_related("parent")
        .prefetch_related(None)
        .prefetch_related(
            Prefetch("aliases", queryset=Alias.objects.order_by("name"), to_attr="export_aliases")
        )
    )


# kind: (row builder, queryset preparation, newest-first ordering for feeds)
KINDS: dict[str, tuple[Callable, Callable, tuple[str, ...]]] = {
    "statements": (statement_row, _statements, ("-said_on", "-id")),
    "articles": (article_row, _articles, ("-published_on", "-id")),
    "events": (event_row, _events, ("-start_date", "-id")),
    "actors": (actor_row, _actors, ("-created_at", "-id")),
}


def rows(queryset: QuerySet, *, kind: str) -> Iterator[dict]:
    """Every row of the queryset, read in chunks with their related rows."""
    build, prepare, _ = KINDS[kind]
    for obj in prepare(queryset).iterator(chunk_size=CHUNK_SIZE):
        yield build(obj)


class _Echo:
    """A file-like object that hands back what csv.writer writes."""

    def write(self, value: str) -> str:
        return value


def stream_csv(queryset: QuerySet, *, kind: str) -> Iterator[str]:
    writer = None
    echo = _Echo()
    for row in rows(queryset, kind=kind):
        if writer is None:
            writer = csv.DictWriter(echo, fieldnames=list(row))
            yield writer.writeheader()
        yield writer.writerow(row)
    if writer is None:  # no rows: the header alone
        yield csv.DictWriter(echo, fieldnames=column_names(kind)).writeheader()


def stream_json(queryset: QuerySet, *, kind: str) -> Iterator[str]:
    yield "["
    separator = "\n"
    for row in rows(queryset, kind=kind):
        yield separator + json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False)
        separator = ",\n"
    yield "\n]\n"


def column_names(kind: str) -> list[str]:
    """The documented columns of a kind, in order (the keys its row builder returns)."""
    return _COLUMN_NAMES[kind]


_COLUMN_NAMES = {
    "statements": [
        "id", "permalink", "said_on", "kind", "channel", "language", "text", "translation",
        "speaker_name", "speaker_slug", "speaker_role", "on_behalf_of_name", "on_behalf_of_slug",
        "mentioned_actors", "event_slug", "source_title", "source_url", "source_archive_url",
        "source_outlet_name", "source_outlet_slug", "source_published_on", "source_permalink",
        "original_source_url",
    ],
    "articles": [
        "id", "permalink", "slug", "title", "outlet_name", "outlet_slug", "url", "archive_url",
        "byline", "published_on", "language", "summary", "mentioned_actors", "body_sha256",
        "body",
    ],
    "events": [
        "id", "permalink", "slug", "title", "kind", "acled_event_type", "acled_sub_event_type",
        "cameo_code", "start_date", "end_date", "date_precision", "place_name", "place_slug",
        "latitude", "longitude", "fatalities", "participants", "source_urls", "description",
    ],
    "actors": [
        "id", "permalink", "slug", "name", "kind", "country", "parent_slug", "parent_name",
        "wikidata_id", "aliases", "description",
    ],
}  # fmt: skip


def _filename(kind: str, extension: str) -> str:
    return f"{kind}-{datetime.date.today().isoformat()}.{extension}"


def export_response(request: HttpRequest, queryset: QuerySet, *, kind: str) -> HttpResponse | None:
    """The list as CSV, JSON or Atom when `?format=` asks for it; None for the HTML page."""
    fmt = request.GET.get("format", "").strip().lower()
    if not fmt:
        return None
    if kind not in KINDS:
        raise ValueError(f"Unknown export kind {kind!r}")
    if fmt not in FORMATS:
        return HttpResponseBadRequest(
            f"Unknown format {fmt[:20]!r}: use format=csv, format=json or format=atom.",
            content_type="text/plain; charset=utf-8",
        )
    if fmt == "atom":
        return atom.list_feed_response(request, queryset, kind=kind)
    if fmt == "csv":
        content, content_type = stream_csv(queryset, kind=kind), "text/csv; charset=utf-8"
    else:
        content, content_type = stream_json(queryset, kind=kind), "application/json"
    response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{_filename(kind, fmt)}"'
    return response
