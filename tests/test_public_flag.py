"""`Statement.is_public` is true exactly when a statement and its article are published.

The lists, counts and facets read it (and its partial indexes) instead of joining the
article, so every way of writing a statement or an article must keep it right.
"""

import io
import json

import pytest

from articles.formats.interchange import archive_export, archive_import
from articles.generate import archive_generate
from articles.models import Article, PublicationStatus, Statement
from articles.services import records_publish, records_unpublish

from .factories import ArticleFactory, StatementFactory

pytestmark = pytest.mark.django_db
PUBLISHED, DRAFT = PublicationStatus.PUBLISHED, PublicationStatus.DRAFT


def assert_flags_right():
    for statement in Statement.objects.select_related("article"):
        expected = statement.status == PUBLISHED and statement.article.status == PUBLISHED
        assert statement.is_public == expected, statement.pk


def test_saving_statements_and_articles_keeps_the_flag():
    article = ArticleFactory(status=DRAFT)
    statement = StatementFactory(article=article)
    assert_flags_right()
    article.status = PUBLISHED
    article.save()
    assert_flags_right()
    assert Statement.objects.published().get() == statement
    statement.status = DRAFT
    statement.save()
    assert_flags_right()
    statement.status = PUBLISHED
    statement.article = ArticleFactory(status=DRAFT)  # moved to a draft article
    statement.save()
    assert_flags_right()
    assert not Statement.objects.published().exists()


def test_publishing_services_keep_the_flag():
    articles = ArticleFactory.create_batch(2, status=DRAFT)
    for article in articles:
        StatementFactory.create_batch(2, article=article, status=DRAFT)
    records_publish(records=Article.objects.all())
    assert_flags_right()
    records_publish(records=Statement.objects.filter(article=articles[0]))
    assert_flags_right()
    assert Statement.objects.published().count() == 2
    records_unpublish(records=Article.objects.filter(pk=articles[0].pk))
    assert_flags_right()
    assert Statement.objects.published().count() == 0


def test_an_import_and_a_generated_archive_keep_the_flag(demo):
    out = io.StringIO()
    archive_export(out)
    data = json.loads(out.getvalue())
    data["articles"][0]["status"] = DRAFT
    archive_import(stream=io.StringIO(json.dumps(data)))
    assert_flags_right()
    assert not Statement.objects.published().exists()
    archive_generate(statements=300, seed=3)
    assert_flags_right()
    assert Statement.objects.published().exists()
