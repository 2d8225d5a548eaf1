"""Feeds and the sitemap: how readers and crawlers follow the archive."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from .feeds import LatestStatementsFeed
from .sitemaps import SITEMAPS

app_name = "discovery"

urlpatterns = [
    path("feeds/statements/", LatestStatementsFeed(), name="statements_feed"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "discovery:sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
]
