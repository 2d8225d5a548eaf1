"""`published_at`: when a record first became public, whatever way it was published.

Feeds order by it (tests/test_page_exports.py), so every way of publishing must set it,
and only then: a draft has none, and unpublishing keeps the first time.
"""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.generate import archive_generate
from articles.models import Article, Event, PublicationStatus, Statement
from articles.services import records_publish, records_unpublish

from .factories import ArticleFactory, EventFactory, StatementFactory

pytestmark = pytest.mark.django_db
PUBLISHED, DRAFT = PublicationStatus.PUBLISHED, PublicationStatus.DRAFT


def test_drafts_have_no_published_at_and_saving_them_published_sets_it():
    before = timezone.now()
    article = ArticleFactory(status=DRAFT)
    statement = StatementFactory(article=article)  # published, but its article is not
    event = EventFactory(status=DRAFT)
    for record in (article, statement, event):
        record.refresh_from_db()
        assert record.published_at is None
    article.status = PUBLISHED
    article.save()
    event.status = PUBLISHED
    event.save()
    for record in (article, statement, event):
        record.refresh_from_db()
        assert record.published_at >= before, record


def test_the_publishing_services_set_it_once():
    article = ArticleFactory(status=DRAFT)
    statement = StatementFactory(article=article, status=DRAFT)
    event = EventFactory(status=DRAFT)
    records_publish(records=Article.objects.filter(pk=article.pk))
    article.refresh_from_db()
    first = article.published_at
    assert first is not None
    # The statement is still a draft: not public, no time.
    statement.refresh_from_db()
    assert statement.published_at is None
    records_publish(records=Statement.objects.filter(pk=statement.pk))
    records_publish(records=Event.objects.filter(pk=event.pk))
    statement.refresh_from_db()
    event.refresh_from_db()
    assert statement.published_at >= first
    assert event.published_at is not None
    # Unpublished and published again: the first time stays.
    records_unpublish(records=Article.objects.filter(pk=article.pk))
    records_publish(records=Article.objects.filter(pk=article.pk))
    article.refresh_from_db()
    assert article.published_at == first


def test_a_back_dated_record_becomes_public_now_not_on_its_date():
    statement = StatementFactory(said_on=datetime.date(2015, 3, 1))
    assert statement.published_at.date() == timezone.now().date()


def test_the_database_refuses_a_public_row_without_the_time():
    statement = StatementFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Statement.objects.filter(pk=statement.pk).update(published_at=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=statement.article_id).update(published_at=None)


def test_a_generated_archive_carries_the_time_of_its_public_rows():
    archive_generate(statements=40, seed=3, draft_share=0.2)
    assert Statement.objects.filter(is_public=True, published_at=None).count() == 0
    assert Statement.objects.filter(is_public=False).exclude(published_at=None).count() == 0
    assert Article.objects.filter(status=PUBLISHED, published_at=None).count() == 0
    assert Event.objects.filter(status=PUBLISHED, published_at=None).count() == 0
