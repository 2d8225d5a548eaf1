from django.contrib import admin
from django.urls import include, path

from config.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("actors/", include("actors.urls")),
    path("search/", include("search.urls")),
    path("", include("articles.discovery_urls")),
    path("", include("articles.urls")),
]
