"""Bounded work per request: stored passages, a bounded search index, statement timeouts.

Work is measured by what was done (calls of the normalising function, queries), never by
wall time.
"""

import importlib
import itertools
import re
import string

import psycopg
import pytest
from django.apps import apps
from django.db import connection
from django.http import HttpResponse
from django.urls import path, reverse

import config.urls
from articles import quotes
from articles.models import Article, Statement
from search import documents, engine

from .admin_forms import admin_form_data
from .factories import ArticleFactory, StatementFactory

MEGABYTE = 1024 * 1024


def distinct_words(count: int, length: int = 8) -> list[str]:
    """`count` different lower-case words of `length` letters: so many index entries."""
    letters = itertools.product(string.ascii_lowercase, repeat=length - 1)
    return ["q" + "".join(next(letters)) for _ in range(count)]


@pytest.fixture
def normalised_lengths(monkeypatch):
    """The length of every text the quote matcher normalises, from now on."""
    lengths: list[int] = []
    original = quotes._normalise_with_offsets

    def counting(text):
        lengths.append(len(text))
        return original(text)

    monkeypatch.setattr(quotes, "_normalise_with_offsets", counting)
    return lengths


def long_article_with_quotes(count: int = 20) -> tuple[Article, list[Statement]]:
    """A published article of over 1 MB of text with `count` quotes spread through it."""
    said = [f"Quote number {n} says the talks continue." for n in range(count)]
    filler = "The correspondent describes the day in plain words and long sentences. " * 750
    body = "\n\n".join(f"{filler}\n\nThe minister said: “{quote}”" for quote in said)
    assert len(body) > MEGABYTE
    article = ArticleFactory(body=body)
    statements = [StatementFactory(article=article, text=quote) for quote in said]
    return article, statements


# 1. Passages are located when the text changes, and stored ----------------------------


@pytest.mark.django_db
def test_saving_a_statement_stores_where_its_text_sits_in_the_body():
    article = ArticleFactory(body="He said “Israel’s right — to   self-defense” today.")
    statement = StatementFactory(article=article, text="israel's right - to self-defense")
    statement.refresh_from_db()
    assert article.body[statement.passage_start : statement.passage_end] == (
        "Israel’s right — to   self-defense"
    )
    assert statement.passage() == (statement.passage_start, statement.passage_end)


@pytest.mark.django_db
def test_a_paraphrase_worded_differently_stores_no_passage():
    statement = StatementFactory(text="The minister wants to talk more.", kind="paraphrase")
    statement.refresh_from_db()
    assert (statement.passage_start, statement.passage_end) == (None, None)
    assert statement.passage() is None


@pytest.mark.django_db
def test_editing_a_statements_text_moves_its_passage():
    article = ArticleFactory(body="First they said “alpha”. Then they said “beta”.")
    statement = StatementFactory(article=article, text="alpha")
    statement.text = "beta"
    statement.save()
    statement.refresh_from_db()
    assert article.body[statement.passage_start : statement.passage_end] == "beta"


@pytest.mark.django_db
def test_editing_the_body_in_the_admin_relocates_every_statement_of_the_article(staff_client):
    article = ArticleFactory(body="Intro. “We will keep talking.” Then “we will not stop.”")
    kept = StatementFactory(article=article, text="We will keep talking.")
    # A paraphrase: the admin refuses a body that drops a recorded quote.
    lost = StatementFactory(article=article, text="we will not stop.", kind="paraphrase")
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(staff_client.get(url))
    data["body"] = "A much longer introduction comes first. “We will keep talking.” The end."
    data["correction_note"] = "The text was completed from the source."
    response = staff_client.post(url, data)
    assert response.status_code == 302

    kept.refresh_from_db()
    lost.refresh_from_db()
    article.refresh_from_db()
    assert article.body[kept.passage_start : kept.passage_end] == "We will keep talking."
    assert kept.passage_start == article.body.index("We will keep talking.")
    assert lost.passage() is None
    # And what a reader sees: the kept quote marked, the lost one listed as not located.
    page = staff_client.get(article.get_absolute_url()).content.decode()
    assert f'id="statement-{kept.pk}" class="passage' in page
    assert f'<div id="statement-{lost.pk}" class="unlocated">' in page


@pytest.mark.django_db
def test_saving_a_new_body_normalises_it_once_for_all_its_statements(normalised_lengths):
    article, statements = long_article_with_quotes()
    article = Article.objects.get(pk=article.pk)
    normalised_lengths.clear()
    article.body = "A new first paragraph.\n\n" + article.body
    article.save()
    assert sum(length >= MEGABYTE for length in normalised_lengths) == 1
    for statement in Statement.objects.filter(article=article):
        assert article.body[statement.passage_start : statement.passage_end] == statement.text
    # Saving it again unchanged locates nothing.
    normalised_lengths.clear()
    article.save()
    assert normalised_lengths == []


@pytest.mark.django_db
def test_a_1mb_article_with_20_quotes_renders_without_normalising_its_body(
    client, normalised_lengths
):
    article, statements = long_article_with_quotes(20)
    normalised_lengths.clear()

    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert len(re.findall(r'<mark id="statement-\d+" class="passage', page)) == 20
    for statement in statements:
        response = client.get(statement.get_absolute_url())
        assert response.status_code == 200
        assert "Read the passage in the source" in response.content.decode()
    assert normalised_lengths == []  # not the body, not even a quote


@pytest.mark.django_db
def test_the_migration_locates_the_passages_of_existing_statements():
    article = ArticleFactory(body="Before. “We will keep talking.” After.")
    found = StatementFactory(article=article)
    missing = StatementFactory(article=article, text="Not in the text.", kind="paraphrase")
    Statement.objects.update(passage_start=None, passage_end=None)

    migration = importlib.import_module("articles.migrations.0007_statement_passage")
    migration.locate_passages(apps, connection.schema_editor())

    found.refresh_from_db()
    missing.refresh_from_db()
    assert article.body[found.passage_start : found.passage_end] == "We will keep talking."
    assert missing.passage() is None


# 2. Very long bodies are indexed within PostgreSQL's limits -----------------------------


@pytest.mark.django_db
def test_a_body_past_the_tsvector_limit_saves_and_is_found_by_its_first_words(client):
    # 200,000 different words: far more than the 1 MB of words a tsvector can hold.
    words = distinct_words(200_000)
    body = "Opening words: zanzibarfirst. " + " ".join(words) + " Closing: zanzibarlast."
    assert len(body.encode()) > 1.5 * MEGABYTE
    article = ArticleFactory(title="A very long report", body=body)

    found = engine.filter_text(Article.objects.all(), "zanzibarfirst")
    assert list(found) == [article]
    # Words early in the body are searchable, and ranked and highlighted.
    assert list(engine.filter_text(Article.objects.all(), words[1000])) == [article]
    highlighted = engine.highlight(
        engine.rank(Article.objects.all(), "zanzibarfirst"), "zanzibarfirst"
    )
    assert "zanzibarfirst" in highlighted[article.pk].snippet
    # What lies past the indexed part is stored and shown, not searchable.
    assert not engine.filter_text(Article.objects.all(), "zanzibarlast").exists()
    assert Article.objects.get(pk=article.pk).body == body

    response = client.get("/search/", {"q": "zanzibarfirst"})
    assert response.status_code == 200
    assert "A very long report" in response.content.decode()


@pytest.mark.django_db
def test_editing_a_long_body_keeps_it_indexed():
    article = ArticleFactory(body=" ".join(distinct_words(200_000)))
    article.body = "zanzibarnew " + article.body
    article.save()
    assert list(engine.filter_text(Article.objects.all(), "zanzibarnew")) == [article]


def test_the_indexed_prefix_fits_a_tsvector_whatever_the_script():
    widest = max(len(columns) for _, _, columns, _ in documents.DOCUMENTS.values())
    assert widest * documents.INDEXED_CHARS * 4 < documents.TSVECTOR_MAX_BYTES


# 3. A public query past the statement timeout answers 503 --------------------------------


def count_to(request):
    """A deliberately slow query, as a page of its own: count to `n` in a recursive CTE."""
    n = int(request.GET.get("n", 10**9))
    with connection.cursor() as cursor:
        cursor.execute(COUNT_TO, [n])
        (counted,) = cursor.fetchone()
    return HttpResponse(str(counted), content_type="text/plain")


COUNT_TO = (
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < %s) "
    "SELECT count(*) FROM c"
)

# This module is also the URL conf of the tests marked `slow_pages`: the site's own
# routes, plus a slow page in public and one under the admin's prefix.
urlpatterns = [
    path("admin/count-to/", count_to),
    path("count-to/", count_to),
    *config.urls.urlpatterns,
]
slow_pages = pytest.mark.urls(__name__)


def assert_too_slow_503(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "This page took too long to prepare" in page
    assert 'action="/search/"' in page  # the site's header: the branded page


@slow_pages
def test_a_public_query_past_the_limit_answers_503_and_the_next_request_works(
    client, transactional_db, settings, caplog
):
    settings.PUBLIC_STATEMENT_TIMEOUT_MS = 200
    StatementFactory()
    assert_too_slow_503(client.get("/count-to/"))
    assert "Query stopped after 200 ms for /count-to/" in caplog.text
    # The same worker, the same connection: the next pages answer.
    response = client.get("/count-to/", {"n": 1000})
    assert response.status_code == 200 and response.content == b"1000"
    response = client.get("/statements/")
    assert response.status_code == 200
    assert "We will keep talking." in response.content.decode()


@slow_pages
def test_the_admin_and_commands_are_not_limited(staff_client, transactional_db, settings):
    settings.PUBLIC_STATEMENT_TIMEOUT_MS = 1
    n = 300_000  # far past a millisecond on any machine
    response = staff_client.get("/admin/count-to/", {"n": n})
    assert response.status_code == 200 and response.content == str(n).encode()
    # Outside a request, as in generate_archive, import_archive or export_archive.
    with connection.cursor() as cursor:
        cursor.execute(COUNT_TO, [n])
        assert cursor.fetchone() == (n,)


@slow_pages
def test_the_limit_is_lifted_after_the_request(client, transactional_db, settings):
    # A limit the page's own small query keeps on a busy machine (1 ms did not, once),
    # and a count afterwards that takes twenty times as long on a fast one.
    settings.PUBLIC_STATEMENT_TIMEOUT_MS = 20
    assert client.get("/count-to/", {"n": 10}).content == b"10"
    with connection.cursor() as cursor:
        cursor.execute(COUNT_TO, [3_000_000])
        assert cursor.fetchone() == (3_000_000,)
        if connection.vendor == "postgresql":
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone() == ("0",)


@slow_pages
def test_an_unlimited_setting_leaves_public_queries_alone(client, transactional_db, settings):
    settings.PUBLIC_STATEMENT_TIMEOUT_MS = 0
    assert client.get("/count-to/", {"n": 300_000}).content == b"300000"


@pytest.mark.postgresql  # a table lock held by another session
def test_a_real_page_blocked_past_the_limit_answers_503_then_works(
    client, transactional_db, settings
):
    # A list page whose query waits on a lock held by another session (as an ALTER TABLE
    # would hold it) is stopped at the limit instead of holding the worker.
    settings.PUBLIC_STATEMENT_TIMEOUT_MS = 300
    StatementFactory()
    db = connection.settings_dict
    with psycopg.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"] or 5432
    ) as other:
        other.execute("LOCK TABLE articles_statement IN ACCESS EXCLUSIVE MODE")
        assert_too_slow_503(client.get("/statements/"))
        other.rollback()
    response = client.get("/statements/")
    assert response.status_code == 200
    assert "We will keep talking." in response.content.decode()
