"""`/sitemap.xml`: an index of one sitemap per record type, published records only."""

from django.contrib.sitemaps import Sitemap

from actors.models import Actor

from ..models import Article, Event, Outlet, Place, Statement


class _Sitemap(Sitemap):
    limit = 10_000

    def lastmod(self, obj):
        return getattr(obj, "updated_at", None)


class StatementSitemap(_Sitemap):
    def items(self):
        return Statement.objects.published().only("pk", "updated_at").order_by("pk")


class ArticleSitemap(_Sitemap):
    def items(self):
        return Article.objects.published().only("slug", "updated_at").order_by("pk")


class EventSitemap(_Sitemap):
    def items(self):
        return Event.objects.published().only("slug", "updated_at").order_by("pk")


class ActorSitemap(_Sitemap):
    def items(self):
        return Actor.objects.only("slug", "updated_at").order_by("pk")


class OutletSitemap(_Sitemap):
    def items(self):
        return Outlet.objects.only("slug", "updated_at").order_by("pk")


class PlaceSitemap(_Sitemap):
    def items(self):
        return Place.objects.only("slug").order_by("pk")


SITEMAPS = {
    "statements": StatementSitemap,
    "articles": ArticleSitemap,
    "events": EventSitemap,
    "actors": ActorSitemap,
    "outlets": OutletSitemap,
    "places": PlaceSitemap,
}
