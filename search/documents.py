"""What each search document holds, and the SQL that keeps the index in step.

One index table per searchable model, keyed by the row's id. Database triggers (not
Python signals) maintain it, so rows written by the ORM, `bulk_create`, raw SQL, the
admin or an import are all indexed, and alias changes re-index their actor.

SQLite: an FTS5 table `search_<kind>_fts` (unicode61, diacritics removed) per model.
PostgreSQL: a table `search_<kind>` (object_id, weighted tsvector) with a GIN index,
built with the `archive_search` configuration: 'simple' plus `unaccent`, so Arabic,
Hebrew and accented Latin text match without language-specific stemming.

Each column is indexed up to its first `INDEXED_CHARS` characters. PostgreSQL refuses a
tsvector whose words pass 1 MB ("string is too long for tsvector"), so without a bound an
article with a long enough body could not be saved at all; SQLite indexes the same prefix,
so both answer alike. A body's later part is still stored and shown, only not searchable.

Only the migrations use this module; `search.engine` queries the tables it creates.
"""

# kind: (base table, alias of base table in the SQL below, [(column, SQL expression,
# PostgreSQL weight)]). `{agg}` is the string aggregate of the back end.
DOCUMENTS = {
    "actor": (
        "actors_actor",
        "a",
        [
            ("name", "a.name", "A"),
            (
                "aliases",
                "(SELECT {agg} FROM actors_alias al WHERE al.actor_id = a.id)",
                "A",
            ),
            ("description", "a.description", "C"),
        ],
    ),
    "statement": (
        "articles_statement",
        "s",
        [
            ("text", "s.text", "A"),
            ("translation", "s.translation", "B"),
            ("speaker", "(SELECT sp.name FROM actors_actor sp WHERE sp.id = s.speaker_id)", "B"),
        ],
    ),
    "article": (
        "articles_article",
        "r",
        [
            ("title", "r.title", "A"),
            ("summary", "r.summary", "B"),
            ("body", "r.body", "C"),
        ],
    ),
    "event": (
        "articles_event",
        "e",
        [
            ("title", "e.title", "A"),
            ("description", "e.description", "C"),
        ],
    ),
}

AGGREGATE = {
    "sqlite": "group_concat(al.name, ' ')",
    "postgresql": "string_agg(al.name, ' ' ORDER BY al.name)",
}

PG_CONFIG = "archive_search"

# Characters of each column that are indexed. At most four bytes a character in UTF-8,
# and at most three columns a document: under PostgreSQL's 1 MB (1,048,575 bytes) of
# words per tsvector however the text is written.
INDEXED_CHARS = 80_000
TSVECTOR_MAX_BYTES = 1_048_575
assert max(len(c) for _, _, c in DOCUMENTS.values()) * INDEXED_CHARS * 4 < TSVECTOR_MAX_BYTES


def bounded(expr: str) -> str:
    """The SQL of a column's indexed part: its first INDEXED_CHARS characters."""
    return f"substr({expr}, 1, {INDEXED_CHARS})"


def fts_table(kind: str) -> str:
    return f"search_{kind}_fts"


def pg_table(kind: str) -> str:
    return f"search_{kind}"


def _columns(kind: str, vendor: str):
    table, alias, columns = DOCUMENTS[kind]
    return (
        table,
        alias,
        [(name, bounded(expr.format(agg=AGGREGATE[vendor]))) for name, expr, _ in columns],
    )


def longer_than_indexed(kind: str, vendor: str) -> str:
    """SQL condition: a row with a column longer than what the index holds of it."""
    _, _, columns = DOCUMENTS[kind]
    return " OR ".join(
        f"length({expr.format(agg=AGGREGATE[vendor])}) > {INDEXED_CHARS}" for _, expr, _ in columns
    )


# SQLite ---------------------------------------------------------------------------------


def sqlite_refresh(kind: str, where: str) -> list[str]:
    """Delete and re-insert the documents of the base rows matching `where`."""
    table, alias, columns = _columns(kind, "sqlite")
    names = ", ".join(name for name, _ in columns)
    exprs = ", ".join(f"coalesce({expr}, '')" for _, expr in columns)
    return [
        f"DELETE FROM {fts_table(kind)} WHERE rowid IN (SELECT {alias}.id FROM {table} {alias} "
        f"WHERE {where});",
        f"INSERT INTO {fts_table(kind)}(rowid, {names}) SELECT {alias}.id, {exprs} "
        f"FROM {table} {alias} WHERE {where};",
    ]


def sqlite_triggers() -> dict[str, tuple[str, str]]:
    """Trigger name: (the kind whose index it maintains, CREATE TRIGGER statement)."""
    triggers = {}
    for kind in DOCUMENTS:
        table, alias, _ = DOCUMENTS[kind]
        body = " ".join(sqlite_refresh(kind, f"{alias}.id = NEW.id"))
        triggers[f"search_{kind}_ai"] = (kind, f"AFTER INSERT ON {table} BEGIN {body} END;")
        triggers[f"search_{kind}_au"] = (
            kind,
            f"AFTER UPDATE ON {table} BEGIN "
            f"DELETE FROM {fts_table(kind)} WHERE rowid = OLD.id; {body} END;",
        )
        triggers[f"search_{kind}_ad"] = (
            kind,
            f"AFTER DELETE ON {table} BEGIN "
            f"DELETE FROM {fts_table(kind)} WHERE rowid = OLD.id; END;",
        )
    # Aliases belong to their actor's document.
    for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
        body = " ".join(sqlite_refresh("actor", f"a.id = {row}.actor_id"))
        extra = ""
        if event == "UPDATE":
            extra = " ".join(sqlite_refresh("actor", "a.id = OLD.actor_id"))
        triggers[f"search_alias_{event.lower()}"] = (
            "actor",
            f"AFTER {event} ON actors_alias BEGIN {extra} {body} END;",
        )
    # A statement's document holds its speaker's name.
    body = " ".join(sqlite_refresh("statement", "s.speaker_id = NEW.id"))
    triggers["search_speaker_rename"] = (
        "statement",
        f"AFTER UPDATE ON actors_actor WHEN OLD.name IS NOT NEW.name BEGIN {body} END;",
    )
    return {name: (kind, f"CREATE TRIGGER {name} {sql}") for name, (kind, sql) in triggers.items()}


def sqlite_forward() -> list[str]:
    sql = []
    for kind in DOCUMENTS:
        _, _, columns = _columns(kind, "sqlite")
        names = ", ".join(name for name, _ in columns)
        sql.append(
            f"CREATE VIRTUAL TABLE {fts_table(kind)} USING fts5({names}, "
            "tokenize = 'unicode61 remove_diacritics 2');"
        )
        sql += sqlite_refresh(kind, "1 = 1")
    # The triggers are created after `migrate`, by sqlite_ensure_triggers() (search/apps.py).
    return sql


def sqlite_drop_triggers(connection) -> None:
    """Drop the triggers before other apps' migrations run (see search/apps.py)."""
    with connection.cursor() as cursor:
        for name in sqlite_triggers():
            cursor.execute(f"DROP TRIGGER IF EXISTS {name};")


def sqlite_ensure_triggers(connection) -> list[str]:
    """Recreate missing triggers and rebuild the indexes they maintain; return their names.

    Django's SQLite schema editor alters a table by copying it into a new one, dropping
    the old one and renaming the copy. That drops the table's own triggers, and the rename
    fails while a trigger on another table names the dropped one (the statement triggers
    read actors_actor). So on SQLite the triggers are dropped before a migration of the
    indexed apps and created again after `migrate` (search/apps.py), with a rebuild of
    the indexes they maintain.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        existing = {row[0] for row in cursor.fetchall()}
        if not all(fts_table(kind) in existing for kind in DOCUMENTS):
            return []  # the search migration has not run (yet)
        missing = {name: spec for name, spec in sqlite_triggers().items() if name not in existing}
        for _, create in missing.values():
            cursor.execute(create)
        for kind in sorted({kind for kind, _ in missing.values()}):
            for sql in sqlite_refresh(kind, "1 = 1"):
                cursor.execute(sql)
    return sorted(missing)


def bound_existing(connection) -> None:
    """Index only the bounded prefix in a database indexed before INDEXED_CHARS existed.

    PostgreSQL: replace the refresh functions and re-index the rows longer than the
    bound. SQLite: drop the triggers; `migrate` creates them again and rebuilds the
    indexes (sqlite_ensure_triggers).
    """
    if connection.vendor == "sqlite":
        sqlite_drop_triggers(connection)
        return
    with connection.cursor() as cursor:
        for kind in DOCUMENTS:
            cursor.execute(pg_refresh_function(kind))
            cursor.execute(
                f"SELECT {pg_table(kind)}_refresh(%s)",
                [longer_than_indexed(kind, "postgresql")],
            )


def sqlite_backward() -> list[str]:
    sql = [
        f"DROP TRIGGER IF EXISTS search_alias_{event};" for event in ("insert", "update", "delete")
    ]
    sql.append("DROP TRIGGER IF EXISTS search_speaker_rename;")
    for kind in DOCUMENTS:
        sql += [f"DROP TRIGGER IF EXISTS search_{kind}_{op};" for op in ("ai", "au", "ad")]
        sql.append(f"DROP TABLE IF EXISTS {fts_table(kind)};")
    return sql


# PostgreSQL -----------------------------------------------------------------------------


def _pg_vector(kind: str) -> str:
    _, _, columns = DOCUMENTS[kind]
    parts = [
        f"setweight(to_tsvector('{PG_CONFIG}', "
        f"coalesce({bounded(expr.format(agg=AGGREGATE['postgresql']))}, '')), '{weight}')"
        for _, expr, weight in columns
    ]
    return " || ".join(parts)


def pg_refresh_function(kind: str) -> str:
    """CREATE OR REPLACE the function that (re)indexes the base rows matching a condition."""
    table, alias, _ = DOCUMENTS[kind]
    index = pg_table(kind)
    return f"""CREATE OR REPLACE FUNCTION {index}_refresh(target_where text) RETURNS void AS $f$
            BEGIN
                EXECUTE format(
                    'INSERT INTO {index} (object_id, document) SELECT {alias}.id, %s '
                    'FROM {table} {alias} WHERE %s '
                    'ON CONFLICT (object_id) DO UPDATE SET document = EXCLUDED.document',
                    {_pg_literal(_pg_vector(kind))}, target_where);
            END $f$ LANGUAGE plpgsql;"""


def pg_forward() -> list[str]:
    sql = [
        "CREATE EXTENSION IF NOT EXISTS unaccent;",
        f"""DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{PG_CONFIG}') THEN
                CREATE TEXT SEARCH CONFIGURATION {PG_CONFIG} (COPY = simple);
                ALTER TEXT SEARCH CONFIGURATION {PG_CONFIG}
                    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
            END IF;
        END $$;""",
    ]
    for kind in DOCUMENTS:
        table, alias, _ = DOCUMENTS[kind]
        index = pg_table(kind)
        sql += [
            f"CREATE TABLE {index} (object_id bigint PRIMARY KEY, document tsvector NOT NULL);",
            # The search page and every list's `q` filter: document @@ query.
            f"CREATE INDEX {index}_document_gin ON {index} USING gin (document);",
            pg_refresh_function(kind),
            f"""CREATE FUNCTION {index}_trigger() RETURNS trigger AS $f$
            BEGIN
                IF TG_OP = 'DELETE' THEN
                    DELETE FROM {index} WHERE object_id = OLD.id;
                    RETURN OLD;
                END IF;
                PERFORM {index}_refresh(format('{alias}.id = %s', NEW.id));
                RETURN NEW;
            END $f$ LANGUAGE plpgsql;""",
            f"CREATE TRIGGER {index}_sync AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {index}_trigger();",
            f"SELECT {index}_refresh('true');",
        ]
    sql += [
        """CREATE FUNCTION search_alias_trigger() RETURNS trigger AS $f$
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') THEN
                PERFORM search_actor_refresh(format('a.id = %s', OLD.actor_id));
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') THEN
                PERFORM search_actor_refresh(format('a.id = %s', NEW.actor_id));
            END IF;
            RETURN NULL;
        END $f$ LANGUAGE plpgsql;""",
        "CREATE TRIGGER search_alias_sync AFTER INSERT OR UPDATE OR DELETE ON actors_alias "
        "FOR EACH ROW EXECUTE FUNCTION search_alias_trigger();",
        # The name test sits in the function, not in a WHEN clause: a WHEN clause would
        # make PostgreSQL refuse later migrations that alter actors_actor.name.
        """CREATE FUNCTION search_speaker_trigger() RETURNS trigger AS $f$
        BEGIN
            IF OLD.name IS DISTINCT FROM NEW.name THEN
                PERFORM search_statement_refresh(format('s.speaker_id = %s', NEW.id));
            END IF;
            RETURN NULL;
        END $f$ LANGUAGE plpgsql;""",
        "CREATE TRIGGER search_speaker_rename AFTER UPDATE ON actors_actor FOR EACH ROW "
        "EXECUTE FUNCTION search_speaker_trigger();",
    ]
    return sql


def _pg_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def pg_backward() -> list[str]:
    sql = [
        "DROP TRIGGER IF EXISTS search_speaker_rename ON actors_actor;",
        "DROP TRIGGER IF EXISTS search_alias_sync ON actors_alias;",
        "DROP FUNCTION IF EXISTS search_speaker_trigger();",
        "DROP FUNCTION IF EXISTS search_alias_trigger();",
    ]
    for kind, (table, _, _) in DOCUMENTS.items():
        index = pg_table(kind)
        sql += [
            f"DROP TRIGGER IF EXISTS {index}_sync ON {table};",
            f"DROP FUNCTION IF EXISTS {index}_trigger();",
            f"DROP FUNCTION IF EXISTS {index}_refresh(text);",
            f"DROP TABLE IF EXISTS {index};",
        ]
    sql.append(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {PG_CONFIG};")
    return sql
