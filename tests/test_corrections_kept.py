"""A published correction is part of the public record: deleting a record that has
corrections is refused in the admin with the reason, and nothing is deleted."""

import html
import io
import json

import pytest
from django.urls import reverse

from actors.models import Actor
from articles.formats.interchange import archive_export, archive_import
from articles.models import Article, Correction, Statement

from .admin_forms import admin_form_data
from .factories import ActorFactory, ArticleFactory, EventFactory, StatementFactory

pytestmark = pytest.mark.django_db


def delete_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])


def page_text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.parametrize(
    "make",
    [
        lambda: ("article", ArticleFactory()),
        lambda: ("statement", StatementFactory()),
        lambda: ("event", EventFactory()),
        lambda: ("actor", ActorFactory()),
    ],
)
def test_deleting_a_record_with_a_correction_is_refused_with_the_reason(staff_client, make):
    field, record = make()
    correction = Correction.objects.create(**{field: record}, note="Fixed a date.")
    url = delete_url(record)

    page = staff_client.get(url)
    assert page.status_code == 200
    content = page_text(page)
    assert "would require deleting the following protected related objects" in content
    assert "Fixed a date." in content  # the correction, named

    response = staff_client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in (page_text(response))
    assert type(record).objects.filter(pk=record.pk).exists()
    assert Correction.objects.filter(pk=correction.pk).exists()


def test_a_record_without_corrections_can_still_be_deleted(staff_client):
    actor = ActorFactory()
    response = staff_client.post(delete_url(actor), {"post": "yes"})
    assert response.status_code == 302
    assert not Actor.objects.filter(pk=actor.pk).exists()


def test_bulk_deleting_records_with_corrections_is_refused(staff_client):
    corrected, plain = ActorFactory(), ActorFactory()
    Correction.objects.create(actor=corrected, note="Fixed a name.")
    response = staff_client.post(
        reverse("admin:actors_actor_changelist"),
        {"action": "delete_selected", "_selected_action": [corrected.pk, plain.pk], "post": "yes"},
    )
    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in (page_text(response))
    assert Actor.objects.filter(pk__in=[corrected.pk, plain.pk]).count() == 2


def test_a_statement_with_a_correction_deleted_on_its_article_page_is_refused(staff_client):
    statement = StatementFactory()
    Correction.objects.create(statement=statement, note="Fixed the speaker's title.")
    url = reverse("admin:articles_article_change", args=[statement.article.pk])
    data = admin_form_data(staff_client.get(url))
    data["statements-0-DELETE"] = "on"
    response = staff_client.post(url, data)
    assert response.status_code == 200
    content = page_text(response)
    assert "would require deleting the following protected related objects" in content
    assert "Fixed the speaker's title." in content
    assert Statement.objects.filter(pk=statement.pk).exists()
    assert Correction.objects.count() == 1


def test_an_import_never_takes_back_a_correction(demo):
    """A file without the correction (exported before it, or a version 1 file) adds and
    updates, but the published correction stays."""
    out = io.StringIO()
    archive_export(out)
    data = json.loads(out.getvalue())
    article = Article.objects.order_by("pk").first()
    Correction.objects.create(article=article, note="Corrected the byline.")
    archive_import(stream=io.StringIO(json.dumps(data)))
    assert list(Correction.objects.for_record(article).values_list("note", flat=True)) == [
        "Corrected the byline."
    ]
