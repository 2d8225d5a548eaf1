"""The archive's generation: what cached counts and HTTP validators are keyed by.

Every write to an archive record moves the generation on (`advance()`): the ORM's saves
and deletes through the signals that `ArticlesConfig` connects, the services' bulk
writes by calling it themselves. Reads that are costly and change only when records
change (facet counts, result counts, the actor options of the filters, most-quoted
actors, calendars) go through `cached()`, whose keys carry the generation, so a value
computed before a write is never served after it.

The generation lives in the shared cache (Redis where `CACHE_URL` names one), so every
worker process and machine reads the same one; reading it costs no database query. It
is a fresh random token, never a counter, so a lost or evicted key can only make a new
generation, never bring an old one back. It moves twice: when the write happens (so
the writer's next read is fresh) and again when the transaction commits (so a value
that a concurrent reader computed from the data before the commit, under the first new
token, is retired with it). A rolled-back write leaves only the first move: values
computed again, never a stale one.

Within `bulk()` (imports, the demo archive, generated archives, merges) the row-by-row
moves are left out and the generation moves once at the end.
"""

import contextlib
import contextvars
import datetime
import hashlib
import secrets
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

T = TypeVar("T")
KEY = "archive:generation"
TIMEOUT = 24 * 60 * 60  # cached values; keys of past generations are never read again

Generation = tuple[str, datetime.datetime]  # (token, when it last moved)

_in_bulk: contextvars.ContextVar[bool] = contextvars.ContextVar("archive_bulk", default=False)
# The generation read once per request (`remembered_for_request`).
_request_generation: contextvars.ContextVar[Generation | None] = contextvars.ContextVar(
    "archive_generation", default=None
)


def _new() -> Generation:
    return f"{time.time_ns():x}{secrets.token_hex(4)}", timezone.now()


def _move() -> None:
    cache.set(KEY, _new(), None)


def advance(*, using: str | None = None) -> None:
    """Records changed: move the generation now and again when the transaction commits."""
    if _in_bulk.get():
        return
    _move()
    transaction.on_commit(_move, using=using)


@contextlib.contextmanager
def bulk() -> Iterator[None]:
    """Write many records with one move at the end instead of one per row."""
    token = _in_bulk.set(True)
    try:
        yield
    finally:
        _in_bulk.reset(token)
    advance()


def current() -> Generation:
    """The generation and when it last moved (the request's, once it is remembered)."""
    remembered = _request_generation.get()
    if remembered is not None:
        return remembered
    generation = cache.get(KEY)
    if generation is None:
        cache.add(KEY, _new(), None)
        generation = cache.get(KEY) or _new()
    return generation


@contextlib.contextmanager
def remembered_for_request() -> Iterator[Generation]:
    """Read the generation once and let every `cached()` call of the request reuse it."""
    generation = current()
    token = _request_generation.set(generation)
    try:
        yield generation
    finally:
        _request_generation.reset(token)


def cached(name: str, parts: Any, compute: Callable[[], T]) -> T:
    """`compute()`'s value for `name` and `parts`, as of the current generation."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    key = f"archive:{current()[0]}:{name}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def query_key(queryset: QuerySet) -> Any:
    """A queryset's SQL and parameters, to key a cached value computed from it.

    A queryset that can match nothing (`none()`: a search for punctuation only) has no
    SQL, and Django raises `EmptyResultSet` when asked for it: its key is its model's.

    Compiling the SQL costs about a millisecond, and a list asks the key of its filtered
    rows for the count, the page and each facet: it is kept on the queryset object, whose
    query does not change (a filtered or ordered copy is a new object, with its own key).
    """
    key = getattr(queryset, "_freshness_key", None)
    if key is None:
        try:
            key = queryset.query.sql_with_params()
        except EmptyResultSet:
            key = (queryset.model._meta.label, "no rows")
        queryset._freshness_key = key
    return key
