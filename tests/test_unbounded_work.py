"""Bounded work per request: stored passages, a bounded search index, statement timeouts.

Work is measured by what was done (calls of the normalising function, queries), never by
wall time.
"""

import importlib
import itertools
import re
import string

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

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
    assert "zanzibarfirst" in highlighted.get().search_snippet
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
    widest = max(len(columns) for _, _, columns in documents.DOCUMENTS.values())
    assert widest * documents.INDEXED_CHARS * 4 < documents.TSVECTOR_MAX_BYTES
