import pytest
from django.urls import reverse

from articles.models import PublicationStatus, Statement

from .factories import StatementFactory

pytestmark = pytest.mark.django_db


def test_home_lists_demo_statements_linked_to_speaker_and_passage(client, demo):
    response = client.get(reverse("articles:home"))
    assert response.status_code == 200
    content = response.content.decode()
    miller = Statement.objects.get(speaker__slug="matthew-miller")
    assert 'href="/actors/matthew-miller/"' in content
    assert f'href="{miller.article.get_absolute_url()}#statement-{miller.pk}"' in content
    assert "Spokesperson (at the time)" in content


def test_home_hides_drafts(client):
    StatementFactory(text="We will keep talking.", status=PublicationStatus.DRAFT)
    response = client.get(reverse("articles:home"))
    assert "We will keep talking." not in response.content.decode()
