"""/healthz for load balancers and monitors: does the database answer, fully migrated?"""

import logging

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from config.middleware import DATABASE_ERRORS

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 {"status": "ok"}, or 503 saying whether the database or its migrations are amiss."""
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        # Reads django_migrations: one round trip that proves the database answers.
        executor = MigrationExecutor(connection)
        unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DATABASE_ERRORS as exc:
        logger.error("Health check: the database does not answer: %s", exc)
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    if unapplied:
        logger.error("Health check: %d migrations are not applied", len(unapplied))
        return JsonResponse(
            {"status": "unavailable", "unapplied_migrations": len(unapplied)}, status=503
        )
    return JsonResponse({"status": "ok"})
