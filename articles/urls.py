from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("statements/<int:pk>/", views.statement_detail, name="statement"),
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
    path("events/<slug:slug>/", views.event_detail, name="event"),
    path("outlets/<slug:slug>/", views.outlet_detail, name="outlet"),
    path("places/<slug:slug>/", views.place_detail, name="place"),
]
