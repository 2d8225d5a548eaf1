"""generate_archive: synthetic data at scale, deterministic for a seed."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from actors.models import Actor
from articles.generate import archive_generate, archive_vacuum
from articles.models import Article, Event, Statement
from search import engine

pytestmark = pytest.mark.django_db


def snapshot() -> list:
    statements = (
        Statement.objects.order_by("article__url", "text")
        .select_related("article", "speaker")
        .prefetch_related("mentioned_actors")
    )
    return [
        (
            s.article.url,
            s.speaker.slug,
            s.text,
            s.status,
            s.said_on,
            sorted(actor.slug for actor in s.mentioned_actors.all()),
        )
        for s in statements
    ]


def test_same_seed_same_archive():
    with transaction.atomic():
        archive_generate(statements=120, seed=5)
        first = snapshot()
        transaction.set_rollback(True)
    archive_generate(statements=120, seed=5)
    assert snapshot() == first
    assert len(first) == 120
    mentions = [len(mentioned) for *_, mentioned in first]
    assert set(mentions) == {0, 1, 2}  # most statements name someone, some nobody


def test_generated_quotes_are_valid_and_indexed():
    counts = archive_generate(statements=60, seed=2, statements_per_article=6)
    assert counts["statements"] == 60 and counts["articles"] == 10
    assert Article.objects.count() == 10
    for statement in Statement.objects.select_related("article")[:10]:
        statement.full_clean()
    word = Statement.objects.first().text.split()[0].lower()
    assert engine.filter_text(Statement.objects.all(), word).exists()


def test_command_reports_and_refuses_a_repeated_seed():
    out = io.StringIO()
    call_command("generate_archive", "--statements", "30", "--seed", "9", stdout=out)
    assert "Generated" in out.getvalue() and "30 statements" in out.getvalue()
    assert Actor.objects.filter(slug__startswith="gen9-").exists()
    with pytest.raises(CommandError, match="seed 9 is already here"):
        call_command("generate_archive", "--statements", "30", "--seed", "9")
    with pytest.raises(CommandError, match="must be positive"):
        call_command("generate_archive", "--statements", "0")


def test_the_progress_bar_runs_to_the_end_of_the_work():
    """Writing the rows is not all: the search index, the totals and the planner's
    statistics follow, each shown, so the bar does not sit at 100 % with no word."""
    out = io.StringIO()
    call_command("generate_archive", "--statements", "40", "--seed", "4", stdout=out)
    shown = out.getvalue()
    lines = shown.splitlines()
    written = shown.index("100% statements: 40 of 40")
    # The search index, kind by kind (on PostgreSQL, the rows the triggers marked).
    assert shown.index("100% search index, statements: 40 of 40") > written
    assert shown.index("100% search index, articles: 4 of 4") > written
    assert "recounting the statement totals" in lines[-3]
    assert "refreshing the planner's statistics" in lines[-2]
    assert lines[-1].startswith("Generated")


def test_generated_events_have_every_sort_of_kind_and_valid_codes():
    archive_generate(statements=2000, seed=3)
    events = list(Event.objects.all())
    assert len(events) == 40
    for event in events:
        event.full_clean()  # a diplomatic kind has its code, no other kind has one
    kinds = {event.kind for event in events}
    assert kinds & set(Event.DIPLOMATIC_KINDS)
    assert {Event.ACLED_TYPES[k][0] for k in kinds if k in Event.ACLED_TYPES} >= {
        "Battles",
        "Strategic developments",
    }
    assert len(kinds) > 15  # drawn from all the kinds, not the ten of old
    assert any(event.ongoing for event in events)
    assert {e.cameo_code for e in events if e.kind == Event.Kind.CALL} <= {"041"}


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_generated_tables_are_vacuumed_after_their_transaction():
    """Index-only scans skip the table only for pages marked all-visible, which VACUUM
    does and ANALYZE does not: without it PostgreSQL read page 20,000 from the table."""
    out = io.StringIO()
    call_command("generate_archive", "--statements", "40", "--seed", "5", stdout=out)
    if connection.vendor != "postgresql":  # SQLite reads its indexes alone already
        assert "vacuuming" not in out.getvalue()
        return
    assert "vacuuming, so PostgreSQL reads its indexes without the rows" in out.getvalue()
    with connection.cursor() as cursor:
        cursor.execute("SELECT relallvisible FROM pg_class WHERE relname = 'articles_statement'")
        assert cursor.fetchone()[0] > 0
    # Inside a transaction it cannot run, and says so by not running.
    with transaction.atomic():
        assert archive_vacuum() is False


def test_a_second_archive_indexes_its_own_rows_and_the_first_stays_found():
    call_command("generate_archive", "--statements", "40", "--seed", "4", stdout=io.StringIO())
    out = io.StringIO()
    call_command("generate_archive", "--statements", "20", "--seed", "6", stdout=out)
    # Only the rows it added are indexed: 20 statements, not the 60 now there.
    assert "100% search index, statements: 20 of 20" in out.getvalue()
    for seed in (4, 6):
        statement = Statement.objects.filter(speaker__slug__startswith=f"gen{seed}-").first()
        found = engine.filter_text(Statement.objects.all(), statement.text)
        assert statement in found
        speaker = engine.filter_text(Actor.objects.all(), statement.speaker.name)
        assert statement.speaker in speaker
