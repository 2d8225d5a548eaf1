import pytest
from django.contrib import admin
from django.urls import reverse

from actors.models import Actor
from articles.models import Correction, Statement

pytestmark = pytest.mark.django_db


def registered_models():
    return [
        model for model in admin.site._registry if model._meta.app_label in {"actors", "articles"}
    ]


def edited_models():
    """The models editors add by hand (corrections are recorded by the edit forms)."""
    return [model for model in registered_models() if model is not Correction]


def test_every_archive_model_is_registered():
    names = {model.__name__ for model in registered_models()}
    assert names == {
        "Actor",
        "Alias",
        "Role",
        "Outlet",
        "Place",
        "Article",
        "Statement",
        "Event",
        "EventParticipant",
        "Correction",
    }


@pytest.mark.parametrize("view", ["changelist", "add"])
def test_admin_list_and_add_pages_answer(staff_client, demo, view):
    for model in edited_models():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}")
        response = staff_client.get(url)
        assert response.status_code == 200, url


def test_admin_change_pages_answer(staff_client, demo):
    for model in edited_models():
        obj = model.objects.first()
        assert obj is not None, model
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk]
        )
        response = staff_client.get(url)
        assert response.status_code == 200, url


def test_admin_changelist_search_and_filters(staff_client, demo):
    url = reverse("admin:articles_statement_changelist")
    response = staff_client.get(url, {"q": "Miller", "kind__exact": "quote"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


def test_actor_autocomplete_finds_by_alias(staff_client, demo):
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "SecBlinken",
            "app_label": "articles",
            "model_name": "statement",
            "field_name": "speaker",
        },
    )
    assert response.status_code == 200
    assert [item["text"] for item in response.json()["results"]] == ["Antony Blinken"]


def test_deleting_a_speaker_is_refused_with_the_reason(staff_client, demo):
    miller = Actor.objects.get(slug="matthew-miller")
    url = reverse("admin:actors_actor_delete", args=[miller.pk])
    response = staff_client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "would require deleting the following protected related objects" in content
    response = staff_client.post(url, {"post": "yes"})
    assert response.status_code in (200, 403)
    assert Actor.objects.filter(pk=miller.pk).exists()


def test_bulk_delete_of_protected_actors_is_refused(staff_client, demo):
    ids = list(Actor.objects.values_list("pk", flat=True))
    response = staff_client.post(
        reverse("admin:actors_actor_changelist"),
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert response.status_code == 200
    assert "protected" in response.content.decode()
    assert Actor.objects.count() == len(ids)


def test_admin_refuses_a_quote_that_is_not_in_the_body(staff_client, demo):
    miller = Statement.objects.get(speaker__slug="matthew-miller")
    url = reverse("admin:articles_statement_change", args=[miller.pk])
    response = staff_client.get(url)
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["mentioned_actors"] = [a.pk for a in miller.mentioned_actors.all()]
    data["text"] = "Secretary Blinken said nothing of the sort."
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "not in the source article" in response.content.decode()
    miller.refresh_from_db()
    assert miller.text.startswith("Secretary of State Antony J. Blinken had a conversation")
