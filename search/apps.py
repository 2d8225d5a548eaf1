from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_delete, post_migrate, post_save, pre_migrate

# The apps whose tables the search triggers read.
INDEXED_APPS = {"actors", "articles"}
# The tables whose rows the index holds or reads (search/documents.py).
INDEXED_TABLES = {
    "actors_actor",
    "actors_alias",
    "articles_statement",
    "articles_article",
    "articles_event",
}
_migrating: set[str] = set()  # the databases `migrate` is working on


def _drop_sqlite_triggers(using, plan=None, **kwargs):
    """Before migrating the indexed apps on SQLite, take the search triggers away.

    Schema upkeep, not domain logic: Django rebuilds SQLite tables to alter them, and
    that fails while triggers on other tables name the table being rebuilt.
    """
    from django.db import connections

    from . import documents

    _migrating.add(using)
    connection = connections[using]
    if connection.vendor != "sqlite" or not plan:
        return
    if any(migration.app_label in INDEXED_APPS for migration, _ in plan):
        documents.sqlite_drop_triggers(connection)


def _create_sqlite_triggers(using, **kwargs):
    """After `migrate`: on SQLite create missing search triggers and rebuild the indexes
    they maintain; on both, index the rows the migrations marked stale."""
    from django.db import connections

    from . import documents, index

    _migrating.discard(using)
    connection = connections[using]
    if connection.vendor == "sqlite":
        missing = documents.sqlite_ensure_triggers(connection)
        if missing:
            index.rebuild(using, documents.sqlite_missing_kinds(missing))
    if _installed(connection):
        index.catch_up(using)


def _installed(connection) -> bool:
    from . import documents

    return documents.STALE in connection.introspection.table_names()


def _catch_up(sender, using=None, **kwargs):
    """An indexed row was saved or deleted through the ORM: index what the triggers marked.

    Index upkeep, like the triggers it completes: the normaliser is Python, so the
    documents are written here (search/index.py), in the writer's transaction.
    """
    if using in _migrating:
        return
    from . import index

    index.catch_up(using or "default")


def _add_sqlite_functions(sender, connection, **kwargs):
    """The SQL function `search.engine` scores SQLite rows with: the averages of an
    FTS5 index, read from its record."""
    if connection.vendor == "sqlite":
        from . import engine

        connection.connection.create_function(
            "search_fts5_varint", 2, engine.fts5_varint, deterministic=True
        )


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self):
        pre_migrate.connect(_drop_sqlite_triggers, sender=self, dispatch_uid="search_pre")
        post_migrate.connect(_create_sqlite_triggers, sender=self, dispatch_uid="search_post")
        connection_created.connect(_add_sqlite_functions, dispatch_uid="search_functions")
        # Per model, not for every sender: a delete receiver on a model turns off Django's
        # fast deletes for it, which other models' bulk deletes should keep.
        for model in self.apps.get_models():
            if model._meta.db_table in INDEXED_TABLES:
                uid = f"search_catch_up_{model._meta.label_lower}"
                post_save.connect(_catch_up, sender=model, dispatch_uid=f"{uid}_save")
                post_delete.connect(_catch_up, sender=model, dispatch_uid=f"{uid}_delete")
