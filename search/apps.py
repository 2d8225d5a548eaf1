from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate

# The apps whose tables the search triggers read.
INDEXED_APPS = {"actors", "articles"}


def _drop_sqlite_triggers(using, plan=None, **kwargs):
    """Before migrating the indexed apps on SQLite, take the search triggers away.

    Schema upkeep, not domain logic: Django rebuilds SQLite tables to alter them, and
    that fails while triggers on other tables name the table being rebuilt.
    """
    from django.db import connections

    from . import documents

    connection = connections[using]
    if connection.vendor != "sqlite" or not plan:
        return
    if any(migration.app_label in INDEXED_APPS for migration, _ in plan):
        documents.sqlite_drop_triggers(connection)


def _create_sqlite_triggers(using, **kwargs):
    """After `migrate` on SQLite, create missing search triggers and rebuild their indexes."""
    from django.db import connections

    from . import documents

    connection = connections[using]
    if connection.vendor == "sqlite":
        documents.sqlite_ensure_triggers(connection)


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self):
        pre_migrate.connect(_drop_sqlite_triggers, sender=self, dispatch_uid="search_pre")
        post_migrate.connect(_create_sqlite_triggers, sender=self, dispatch_uid="search_post")
