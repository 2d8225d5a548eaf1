from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


def _advance_generation(sender, using=None, **kwargs):
    """A record was written: cached counts of the archive are stale (articles/freshness.py).

    Cache upkeep, not domain logic: it runs for every ORM write, whoever makes it.
    """
    from . import freshness

    if kwargs.get("action", "post_").startswith("post_"):  # m2m: after the change only
        freshness.advance(using=using)


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles, statements and events"

    def ready(self):
        from actors.models import Actor, Alias, Role

        from .models import (
            Article,
            Correction,
            Event,
            EventParticipant,
            Outlet,
            Place,
            Statement,
        )

        for model in (
            Actor, Alias, Role, Outlet, Place, Article, Statement, Event, EventParticipant,
            Correction,
        ):  # fmt: skip
            uid = f"archive_generation_{model._meta.label_lower}"
            post_save.connect(_advance_generation, sender=model, dispatch_uid=f"{uid}_save")
            post_delete.connect(_advance_generation, sender=model, dispatch_uid=f"{uid}_delete")
        for through in (
            Article.mentioned_actors.through,
            Statement.mentioned_actors.through,
            Event.articles.through,
        ):
            m2m_changed.connect(
                _advance_generation, sender=through, dispatch_uid=f"archive_generation_{through}"
            )
