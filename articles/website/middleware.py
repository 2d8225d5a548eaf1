"""Conditional GET for the public pages, keyed by the archive's generation.

A public page changes only when a record changes (or the code does), so its validator
is the archive's generation (articles/freshness.py) with the request's URL, the
release and the day (citations give the day they were taken as the access date): a
reader, a feed reader or a CDN that sends `If-None-Match` with the current validator
gets 304 without the page being built. `Cache-Control` lets shared caches
keep a copy but makes them ask again every time (`max-age=0, must-revalidate`), so an
unpublished record is never served from a cache. Signed-in users (staff previews) are
left out. The generation is read once for the whole request, from the shared cache.

The same validator keys the rendered page in the shared cache: a reader's GET that
another reader already asked for in this generation gets the stored response, without
a query or a template rendered. Only complete 200 responses that set no cookie and
allow storing are kept (never a stream, an error, `/healthz` or a signed-in user's
page), and every write moves the generation, so no stored page outlives a change; old
generations' pages expire with PAGE_CACHE_SECONDS.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.http import http_date, quote_etag

from .. import freshness

# Changes with every deployment (RELEASE), or with every start of a worker process.
_RELEASE = getattr(settings, "RELEASE", "") or str(time.time_ns())
_SKIP = ("/admin/", "/static/")


def _is_public_read(request) -> bool:
    if request.method not in ("GET", "HEAD") or request.path.startswith(_SKIP):
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


class ArchiveGenerationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _is_public_read(request):
            return self.get_response(request)
        with freshness.remembered_for_request() as (generation, changed_at):
            # The day is part of it: a citation says the day it was accessed (today).
            today = timezone.localdate()
            validator = hashlib.sha256(
                f"{_RELEASE}|{generation}|{today}|{request.get_full_path()}".encode()
            ).hexdigest()[:32]
            etag = quote_etag(validator)
            page_key = f"page:{validator}"
            if etag in _if_none_match(request):
                response = self._not_modified(etag, changed_at)
            elif request.method == "GET" and (stored := cache.get(page_key)) is not None:
                response = stored
            else:
                response = self.get_response(request)
                if response.status_code == 200 and not response.has_header("ETag"):
                    response["ETag"] = etag
                    response["Last-Modified"] = http_date(changed_at.timestamp())
                if _can_store(request, response):
                    cache.set(page_key, response, settings.PAGE_CACHE_SECONDS)
            response.setdefault("Cache-Control", "public, max-age=0, must-revalidate")
            return response

    @staticmethod
    def _not_modified(etag: str, changed_at):
        from django.http import HttpResponseNotModified

        response = HttpResponseNotModified()
        response["ETag"] = etag
        response["Last-Modified"] = http_date(changed_at.timestamp())
        return response


def _can_store(request, response) -> bool:
    return (
        request.method == "GET"
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and response.has_header("ETag")
        and not {"no-store", "private"} & _directives(response)  # /healthz, for one
        and settings.PAGE_CACHE_SECONDS > 0
    )


def _directives(response) -> set[str]:
    return {part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",")}


def _if_none_match(request) -> list[str]:
    header = request.headers.get("If-None-Match", "")
    return [item.strip() for item in header.split(",") if item.strip()]
