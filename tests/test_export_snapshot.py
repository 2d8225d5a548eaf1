"""An export reads in one transaction (`tabular.snapshot`).

On PostgreSQL that is what lets the rows stream: outside a transaction Django's
server-side cursor is WITH HOLD, which the server fills with every row before sending
the first. It also makes an export one snapshot of the archive: a chunk read after
another session's change still agrees with the chunks before it.
"""

import psycopg
import pytest
from django.db import connection

from articles.formats import downloads, tabular
from articles.records.registry import record_type

from .factories import ActorFactory, StatementFactory

STATEMENTS = record_type("statements")


def _other_session() -> psycopg.Connection:
    db = connection.settings_dict
    port = db["PORT"] or 5432
    return psycopg.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=port, autocommit=True
    )


@pytest.mark.postgresql  # the server's cursors
def test_a_postgresql_export_streams_from_a_cursor_that_holds_no_rows(
    transactional_db, monkeypatch
):
    monkeypatch.setattr(tabular, "CHUNK_SIZE", 2)
    made = [StatementFactory() for _ in range(5)]
    rows = tabular.rows(downloads.public_rows(STATEMENTS), record=STATEMENTS)

    first = next(rows)
    with connection.cursor() as cursor:
        cursor.execute("SELECT is_holdable FROM pg_cursors WHERE name LIKE '_django_curs_%%'")
        cursors = cursor.fetchall()
        cursor.execute("SHOW transaction_isolation")
        isolation = cursor.fetchone()[0]
        cursor.execute("SHOW idle_in_transaction_session_timeout")
        idle = cursor.fetchone()[0]
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]
    assert cursors == [(False,)]  # read as fetched, not materialised first
    assert isolation == "repeatable read"
    assert idle == "5min"
    assert jit == "off"

    rest = list(rows)
    assert [row["id"] for row in [first, *rest]] == [s.pk for s in reversed(made)]
    assert not connection.in_atomic_block  # the export's transaction ended with it


@pytest.mark.postgresql  # a second session writing while the export reads
def test_an_export_reads_one_snapshot_whatever_is_written_meanwhile(transactional_db, monkeypatch):
    monkeypatch.setattr(tabular, "CHUNK_SIZE", 2)
    actor = ActorFactory(slug="hamas")
    for _ in range(4):
        StatementFactory().mentioned_actors.add(actor)
    rows = tabular.rows(downloads.public_rows(STATEMENTS), record=STATEMENTS)
    first = next(rows)

    with _other_session() as other:  # after the first chunk, before the second
        other.execute("DELETE FROM articles_statement_mentioned_actors")
        other.execute("UPDATE articles_statement SET text = 'Changed meanwhile.'")

    rest = list(rows)
    assert [row["mentioned"] for row in [first, *rest]] == [["hamas"]] * 4
    assert {row["text"] for row in [first, *rest]} == {"We will keep talking."}
    # Read afresh, the export has the change.
    again = list(tabular.rows(downloads.public_rows(STATEMENTS), record=STATEMENTS))
    assert [row["mentioned"] for row in again] == [()] * 4
    assert {row["text"] for row in again} == {"Changed meanwhile."}
