from django.urls import path

from articles.feeds import ActorStatementsFeed

from . import views

app_name = "actors"

urlpatterns = [
    path("", views.actor_list, name="list"),
    path("<slug:slug>/", views.actor_detail, name="detail"),
    path("<slug:slug>/feed/", ActorStatementsFeed(), name="feed"),
]
