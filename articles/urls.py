from django.urls import path, re_path

from . import browse, views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("statements/", browse.statement_list, name="statement_list"),
    path("statements/<int:pk>/", views.statement_detail, name="statement"),
    path("articles/", browse.article_list, name="article_list"),
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
    path("events/", browse.event_list, name="event_list"),
    path("events/<slug:slug>/", views.event_detail, name="event"),
    path("outlets/<slug:slug>/", views.outlet_detail, name="outlet"),
    path("places/<slug:slug>/", views.place_detail, name="place"),
    # Dates are zero-padded (2023/10/28); impossible ones (2023/02/31) answer 404.
    re_path(r"^dates/(?P<year>[0-9]{4})/$", browse.year_view, name="year"),
    re_path(r"^dates/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/$", browse.month_view, name="month"),
    re_path(
        r"^dates/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/(?P<day>[0-9]{2})/$",
        browse.day_view,
        name="day",
    ),
]
