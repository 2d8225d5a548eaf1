from django.apps import AppConfig
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_migrate,
    post_save,
    pre_migrate,
)


def _advance_generation(sender, using=None, **kwargs):
    """A record was written: cached counts of the archive are stale (articles/freshness.py).

    Cache upkeep, not domain logic: it runs for every ORM write, whoever makes it.
    """
    from . import freshness

    if kwargs.get("action", "post_").startswith("post_"):  # m2m: after the change only
        freshness.advance(using=using)


def _set_tallies_aside(sender, using=None, plan=None, **kwargs):
    """Before migrating this app on SQLite, drop the triggers that keep the statement
    totals (articles/tallies.py): Django alters a SQLite table by copying it, and that
    fails while a trigger on another table names it.

    Schema upkeep, like the search index's triggers (search/apps.py).
    """
    from django.db import connections

    from . import tallies

    if connections[using].vendor != "sqlite" or not plan:
        return
    if any(migration.app_label == "articles" for migration, _ in plan):
        tallies.uninstall(using=using)


def _keep_tallies(sender, using=None, plan=None, **kwargs):
    """After `migrate`: create the missing triggers and recount the totals, which the
    rows may have moved from while they were away. After `flush` (no plan), recount: it
    empties the tables in an order of its own, the totals' table perhaps before the
    statements whose triggers then count them out again."""
    from django.db import connections

    from . import tallies

    if tallies.TABLE not in connections[using].introspection.table_names():
        return
    if plan is None or not tallies.installed(using=using):
        tallies.rebuild(using=using)


# Every model whose rows the public pages show, and their many-to-many links: a write to
# any of them moves the archive's generation.
ARCHIVE_MODELS = (
    "actors.Actor", "actors.Alias", "actors.Role", "articles.Outlet", "articles.Place",
    "articles.Article", "articles.Statement", "articles.Event", "articles.EventParticipant",
    "articles.StatementEvent", "articles.Correction",
)  # fmt: skip
ARCHIVE_LINKS = (
    ("articles.Article", "mentioned_actors"),
    ("articles.Statement", "mentioned_actors"),
    ("articles.Event", "articles"),
)


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles, statements and events"

    def ready(self):
        from django.apps import apps

        pre_migrate.connect(_set_tallies_aside, sender=self, dispatch_uid="articles_tallies_pre")
        post_migrate.connect(_keep_tallies, sender=self, dispatch_uid="articles_tallies_post")
        for label in ARCHIVE_MODELS:
            model = apps.get_model(label)
            uid = f"archive_generation_{model._meta.label_lower}"
            post_save.connect(_advance_generation, sender=model, dispatch_uid=f"{uid}_save")
            post_delete.connect(_advance_generation, sender=model, dispatch_uid=f"{uid}_delete")
        for label, field in ARCHIVE_LINKS:
            through = getattr(apps.get_model(label), field).through
            m2m_changed.connect(
                _advance_generation, sender=through, dispatch_uid=f"archive_generation_{through}"
            )
