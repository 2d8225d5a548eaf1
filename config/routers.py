"""Public reads to a read replica, everything else to the primary.

With `DATABASE_REPLICA_URLS` set, readers' pages read from a replica chosen at random.
The primary answers every write, every read inside a transaction (a write may follow,
and must see what the transaction wrote), every read of the admin and of signed-in
users, and every request that is not GET or HEAD (`PrimaryForEditorsMiddleware`).
Without replicas everything goes to `default`.
"""

import contextlib
import contextvars
import random
from collections.abc import Iterator

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

_primary_only: contextvars.ContextVar[bool] = contextvars.ContextVar("primary_only", default=False)


@contextlib.contextmanager
def primary() -> Iterator[None]:
    """Every read within goes to the primary."""
    token = _primary_only.set(True)
    try:
        yield
    finally:
        _primary_only.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            return instance._state.db  # related rows from where the row came
        replicas = settings.DATABASE_REPLICAS
        if not replicas or _primary_only.get() or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return random.choice(replicas)

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # replicas hold the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


class PrimaryForEditorsMiddleware:
    """The admin, signed-in users and every request but GET and HEAD read the primary.

    An editor must see what they just saved, whatever the replica's lag.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        editing = (
            request.path.startswith("/admin/")
            or request.method not in ("GET", "HEAD")
            or settings.SESSION_COOKIE_NAME in request.COOKIES
        )
        if not editing:
            return self.get_response(request)
        with primary():
            return self.get_response(request)
