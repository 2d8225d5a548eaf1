"""Writing the index: the documents of rows, normalised in Python (search.normalise).

- `catch_up(using)` re-indexes every row the triggers marked stale (search/documents.py).
  The signals of search/apps.py call it after each ORM save or delete of an indexed
  model; bulk writers (imports, the demo archive, generated archives) call it once at
  the end; `manage.py rebuild_search_index --stale` does the same by hand.
- `rebuild(using, kinds)` re-indexes every row: after the migration that introduced the
  normaliser, after SQLite migrations that had to drop the triggers, or by hand
  (`manage.py rebuild_search_index`); `rebuild(using, after=…)` only the rows added
  since, for a bulk writer that set the triggers aside.
"""

from collections.abc import Callable, Iterable

from django.db import connections, transaction

from . import documents, normalise

BATCH = 2000


def _documents(cursor, kind: str, vendor: str, ids: list[int]) -> list[tuple]:
    """(id, normalised column, …) of the base rows with these ids."""
    _, alias, _, _ = documents.DOCUMENTS[kind]
    marks = ", ".join(["%s"] * len(ids))
    cursor.execute(documents.source_sql(kind, vendor) + f" WHERE {alias}.id IN ({marks})", ids)
    limit = documents.INDEXED_CHARS
    return [
        (row[0], *(normalise.index_text(text, limit) for text in row[1:]))
        for row in cursor.fetchall()
    ]


def _write(cursor, kind: str, vendor: str, ids: list[int]) -> None:
    """Replace the documents of these rows (rows gone since are simply left out)."""
    rows = _documents(cursor, kind, vendor, ids)
    marks = ", ".join(["%s"] * len(ids))
    _, _, columns, _ = documents.DOCUMENTS[kind]
    if vendor == "sqlite":
        table = documents.fts_table(kind)
        cursor.execute(f"DELETE FROM {table} WHERE rowid IN ({marks})", ids)
        names = ", ".join(name for name, _, _ in columns)
        values = ", ".join(["%s"] * (len(columns) + 1))
        if rows:
            cursor.executemany(f"INSERT INTO {table} (rowid, {names}) VALUES ({values})", rows)
        return
    table = documents.pg_table(kind)
    vector = " || ".join(
        f"setweight(to_tsvector('{documents.PG_CONFIG}', %s), '{weight}')"
        for _, _, weight in columns
    )
    if rows:
        cursor.executemany(
            f"INSERT INTO {table} (object_id, document) VALUES (%s, {vector}) "
            "ON CONFLICT (object_id) DO UPDATE SET document = EXCLUDED.document",
            rows,
        )


def catch_up(
    using: str = "default", progress: Callable[[str, int, int], None] | None = None
) -> int:
    """Re-index the rows marked stale; return how many were.

    `progress(kind, done, total)` is told after each batch how many of the rows of that
    kind marked at the start are done (rows marked meanwhile are indexed too)."""
    connection = connections[using]
    totals: dict[str, int] = {}
    if progress:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT kind, COUNT(*) FROM {documents.STALE} GROUP BY kind")
            totals = dict(cursor.fetchall())
    finished: dict[str, int] = {}
    done = 0
    while True:
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT kind, object_id FROM {documents.STALE} ORDER BY kind, object_id "
                f"LIMIT {BATCH}"
            )
            stale = cursor.fetchall()
            if not stale:
                return done
            by_kind: dict[str, list[int]] = {}
            for kind, object_id in stale:
                by_kind.setdefault(kind, []).append(object_id)
            for kind, ids in by_kind.items():
                # Unmarked first: a write committed after this reads the rows marks them again.
                marks = ", ".join(["%s"] * len(ids))
                cursor.execute(
                    f"DELETE FROM {documents.STALE} WHERE kind = %s AND object_id IN ({marks})",
                    [kind, *ids],
                )
                if kind in documents.DOCUMENTS:
                    _write(cursor, kind, connection.vendor, ids)
        done += len(stale)
        if progress:
            for kind, ids in by_kind.items():
                finished[kind] = finished.get(kind, 0) + len(ids)
                progress(kind, finished[kind], max(totals.get(kind, 0), finished[kind]))


def rebuild(
    using: str = "default",
    kinds: Iterable[str] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    after: dict[str, int] | None = None,
) -> int:
    """Re-index every row of these kinds (all by default); return how many.

    `after` ({kind: id}) re-indexes only the rows of a kind with a larger id, the rows
    added since (`articles.generate` adds rows that refer only to rows it added), and
    leaves the documents of the others as they are.
    `progress(kind, done, total)` is told after each batch how many rows of that kind are
    done, of how many."""
    connection = connections[using]
    done = 0
    for kind in kinds or documents.DOCUMENTS:
        table, _, _, _ = documents.DOCUMENTS[kind]
        first = (after or {}).get(kind, 0)
        last, of_kind = first, 0
        total = 0
        if progress:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE id > %s", [first])
                total = cursor.fetchone()[0]
        while True:
            with transaction.atomic(using=using), connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT id FROM {table} WHERE id > %s ORDER BY id LIMIT {BATCH}", [last]
                )
                ids = [row[0] for row in cursor.fetchall()]
                if not ids:
                    break
                _write(cursor, kind, connection.vendor, ids)
            last = ids[-1]
            done += len(ids)
            of_kind += len(ids)
            if progress:
                progress(kind, of_kind, max(total, of_kind))
        if after is not None:
            continue
        with transaction.atomic(using=using), connection.cursor() as cursor:
            # Documents of rows that no longer exist (none, unless triggers were missing).
            key = "rowid" if connection.vendor == "sqlite" else "object_id"
            index = (
                documents.fts_table(kind)
                if connection.vendor == "sqlite"
                else documents.pg_table(kind)
            )
            cursor.execute(f"DELETE FROM {index} WHERE {key} NOT IN (SELECT id FROM {table})")
    return done
