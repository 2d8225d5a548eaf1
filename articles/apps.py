from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


def _advance_generation(sender, using=None, **kwargs):
    """A record was written: cached counts of the archive are stale (articles/freshness.py).

    Cache upkeep, not domain logic: it runs for every ORM write, whoever makes it.
    """
    from . import freshness

    if kwargs.get("action", "post_").startswith("post_"):  # m2m: after the change only
        freshness.advance(using=using)


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
