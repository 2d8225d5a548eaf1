"""Every public URL of the archive (DESIGN.md); `config/urls.py` includes this module.

The namespaces are part of the public contract through `reverse()` and `{% url %}`:
`articles:` (lists, details, dates), `actors:`, `search:` and `discovery:` (feeds, sitemap,
robots.txt).
"""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path

from ..formats import sitemaps
from ..formats.atom import ActorStatementsFeed, LatestStatementsFeed
from ..formats.sitemaps import SITEMAPS
from . import actors, crawlers, dates, downloads, indexes, lists, pages, search

article_patterns = [
    path("", pages.home, name="home"),
    path("statements/", lists.record_list, {"key": "statements"}, name="statement_list"),
    path("statements/<int:pk>/", pages.statement_detail, name="statement"),
    path("articles/", lists.record_list, {"key": "articles"}, name="article_list"),
    path("articles/<slug:slug>/", pages.article_detail, name="detail"),
    path("events/", lists.record_list, {"key": "events"}, name="event_list"),
    path("events/<slug:slug>/", pages.event_detail, name="event"),
    path("outlets/", indexes.outlet_index, name="outlets"),
    path("outlets/<slug:slug>/", pages.outlet_detail, name="outlet"),
    path("places/", indexes.place_index, name="places"),
    path("places/<slug:slug>/", pages.place_detail, name="place"),
    path("downloads/", downloads.index, name="downloads"),
    path("downloads/<str:name>", downloads.download, name="download"),
    path("dates/", dates.index_view, name="dates"),
    # Dates are zero-padded (2023/10/28); impossible ones (2023/02/31) answer 404.
    re_path(r"^dates/(?P<year>[0-9]{4})/$", dates.year_view, name="year"),
    re_path(r"^dates/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/$", dates.month_view, name="month"),
    re_path(
        r"^dates/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/(?P<day>[0-9]{2})/$",
        dates.day_view,
        name="day",
    ),
]

actor_patterns = [
    path("", lists.record_list, {"key": "actors"}, name="list"),
    path("<slug:slug>/", actors.actor_detail, name="detail"),
    path("<slug:slug>/feed/", ActorStatementsFeed(), name="feed"),
]

search_patterns = [
    path("", search.search, name="results"),
    path("actors.json", search.actor_suggestions, name="actors"),
]

discovery_patterns = [
    path("robots.txt", crawlers.robots_txt, name="robots"),
    path("favicon.ico", crawlers.favicon, name="favicon"),
    path("feeds/statements/", LatestStatementsFeed(), name="statements_feed"),
    path(
        "sitemap.xml",
        sitemaps.index,
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
]

urlpatterns = [
    path("actors/", include((actor_patterns, "actors"))),
    path("search/", include((search_patterns, "search"))),
    path("", include((discovery_patterns, "discovery"))),
    path("", include((article_patterns, "articles"))),
]
