"""What each search document holds, and the SQL that creates and watches the index.

One index table per searchable model, keyed by the row's id, holding the row's text as
`search.normalise` writes it (the same words on both databases):

- SQLite: an FTS5 table `search_<kind>_fts`, one column per document column, tokenised
  by `unicode61` with no folding of its own (the text is already normalised).
- PostgreSQL: a table `search_<kind>` (object_id, weighted tsvector) with a GIN index,
  each column run through the `simple` configuration and given its weight.

The normaliser is Python, so Python writes the documents (`search.index`). Database
triggers keep the index honest whoever writes the rows (the ORM, `bulk_create`, raw SQL,
the admin, an import): a write to an indexed column marks the row stale in
`search_stale`, an alias change marks its actor, a speaker's rename marks their
statements, and a delete removes the row's document at once. `search.index.catch_up()`
re-indexes the stale rows: after every ORM save or delete of an indexed model (the
signals search/apps.py connects), and at the end of every bulk writer.

Each column is indexed up to its first `INDEXED_CHARS` characters. PostgreSQL refuses a
tsvector whose words pass 1 MB ("string is too long for tsvector"), so without a bound an
article with a long enough body could not be saved at all; SQLite indexes the same prefix,
so both answer alike. A body's later part is still stored and shown, only not searchable.

Only the migrations, search/apps.py and `search.index` use this module; `search.engine`
queries the tables it creates.
"""

# kind: (base table, alias of base table in the SQL below, [(column, SQL expression,
# PostgreSQL weight)], the base table's columns whose change re-indexes the row).
# `{agg}` is the string aggregate of the back end.
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
        ["name", "description"],
    ),
    "statement": (
        "articles_statement",
        "s",
        [
            ("text", "s.text", "A"),
            ("translation", "s.translation", "B"),
            ("speaker", "(SELECT sp.name FROM actors_actor sp WHERE sp.id = s.speaker_id)", "B"),
        ],
        ["text", "translation", "speaker_id"],
    ),
    "article": (
        "articles_article",
        "r",
        [
            ("title", "r.title", "A"),
            ("summary", "r.summary", "B"),
            ("body", "r.body", "C"),
        ],
        ["title", "summary", "body"],
    ),
    "event": (
        "articles_event",
        "e",
        [
            ("title", "e.title", "A"),
            ("description", "e.description", "C"),
        ],
        ["title", "description"],
    ),
}

AGGREGATE = {
    "sqlite": "group_concat(al.name, ' ')",
    "postgresql": "string_agg(al.name, ' ' ORDER BY al.name)",
}

STALE = "search_stale"
PG_CONFIG = "simple"

# Characters of each column that are indexed. At most four bytes a character in UTF-8,
# and at most three columns a document: under PostgreSQL's 1 MB (1,048,575 bytes) of
# words per tsvector however the text is written.
INDEXED_CHARS = 80_000
TSVECTOR_MAX_BYTES = 1_048_575
assert max(len(c) for _, _, c, _ in DOCUMENTS.values()) * INDEXED_CHARS * 4 < TSVECTOR_MAX_BYTES


def bounded(expr: str) -> str:
    """The SQL of a column's indexed part: its first INDEXED_CHARS characters."""
    return f"substr({expr}, 1, {INDEXED_CHARS})"


def fts_table(kind: str) -> str:
    return f"search_{kind}_fts"


def pg_table(kind: str) -> str:
    return f"search_{kind}"


def source_sql(kind: str, vendor: str) -> str:
    """SELECT id and the bounded text of each column of the base rows; append a WHERE."""
    table, alias, columns, _ = DOCUMENTS[kind]
    exprs = ", ".join(
        f"coalesce({bounded(expr.format(agg=AGGREGATE[vendor]))}, '')" for _, expr, _ in columns
    )
    return f"SELECT {alias}.id, {exprs} FROM {table} {alias}"


def _marks(vendor: str) -> dict[str, tuple[str, str, list[str], str]]:
    """Trigger name: (table, event, the columns whose change counts on UPDATE, the SQL
    that marks rows stale or drops documents)."""
    ignore = "INSERT OR IGNORE INTO" if vendor == "sqlite" else "INSERT INTO"
    tail = "" if vendor == "sqlite" else " ON CONFLICT DO NOTHING"
    index = fts_table if vendor == "sqlite" else pg_table
    key = "rowid" if vendor == "sqlite" else "object_id"

    def mark(kind: str, row: str) -> str:
        return f"{ignore} {STALE} (kind, object_id) VALUES ('{kind}', {row}){tail};"

    triggers = {}
    for kind, (table, _, _, watched) in DOCUMENTS.items():
        triggers[f"search_{kind}_ai"] = (table, "INSERT", [], mark(kind, "NEW.id"))
        triggers[f"search_{kind}_au"] = (table, "UPDATE", watched, mark(kind, "NEW.id"))
        triggers[f"search_{kind}_ad"] = (
            table,
            "DELETE",
            [],
            f"DELETE FROM {index(kind)} WHERE {key} = OLD.id; "
            f"DELETE FROM {STALE} WHERE kind = '{kind}' AND object_id = OLD.id;",
        )
    # Aliases belong to their actor's document.
    alias = "actors_alias"
    triggers["search_alias_insert"] = (alias, "INSERT", [], mark("actor", "NEW.actor_id"))
    triggers["search_alias_update"] = (
        alias,
        "UPDATE",
        ["name", "actor_id"],
        mark("actor", "OLD.actor_id") + " " + mark("actor", "NEW.actor_id"),
    )
    triggers["search_alias_delete"] = (alias, "DELETE", [], mark("actor", "OLD.actor_id"))
    # A statement's document holds its speaker's name.
    triggers["search_speaker_rename"] = (
        "actors_actor",
        "UPDATE",
        ["name"],
        f"{ignore} {STALE} (kind, object_id) SELECT 'statement', s.id "
        f"FROM articles_statement s WHERE s.speaker_id = NEW.id{tail};",
    )
    return triggers


# SQLite ---------------------------------------------------------------------------------


def sqlite_triggers() -> dict[str, tuple[str, str]]:
    """Trigger name: (the kind whose index it maintains, CREATE TRIGGER statement)."""
    result = {}
    for name, (table, event, watched, body) in _marks("sqlite").items():
        kind = "actor" if "alias" in name else "statement" if "speaker" in name else name[7:-3]
        when = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in watched)
        when = f" WHEN {when}" if when else ""
        result[name] = (
            kind,
            f"CREATE TRIGGER {name} AFTER {event} ON {table}{when} BEGIN {body} END;",
        )
    return result


def sqlite_forward() -> list[str]:
    sql = [
        f"CREATE TABLE IF NOT EXISTS {STALE} (kind varchar(20) NOT NULL, "
        "object_id bigint NOT NULL, PRIMARY KEY (kind, object_id));"
    ]
    for kind, (_, _, columns, _) in DOCUMENTS.items():
        names = ", ".join(name for name, _, _ in columns)
        sql.append(
            f"CREATE VIRTUAL TABLE {fts_table(kind)} USING fts5({names}, "
            "tokenize = 'unicode61 remove_diacritics 0');"
        )
    # The triggers are created after `migrate`, by sqlite_ensure_triggers() (search/apps.py).
    return sql


def sqlite_drop_triggers(connection) -> None:
    """Drop the triggers before other apps' migrations run (see search/apps.py)."""
    with connection.cursor() as cursor:
        for name in sqlite_triggers():
            cursor.execute(f"DROP TRIGGER IF EXISTS {name};")


def sqlite_ensure_triggers(connection) -> list[str]:
    """Recreate missing triggers; return their names (the caller re-indexes their kinds).

    Django's SQLite schema editor alters a table by copying it into a new one, dropping
    the old one and renaming the copy. That drops the table's own triggers, and the rename
    fails while a trigger on another table names the dropped one (the speaker trigger
    reads articles_statement). So on SQLite the triggers are dropped before a migration of
    the indexed apps and created again after `migrate` (search/apps.py), with a rebuild
    of the indexes they maintain.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        existing = {row[0] for row in cursor.fetchall()}
        if STALE not in existing or not all(fts_table(kind) in existing for kind in DOCUMENTS):
            return []  # the search migration has not run (yet)
        missing = {name: spec for name, spec in sqlite_triggers().items() if name not in existing}
        for _, create in missing.values():
            cursor.execute(create)
    return sorted(missing)


def sqlite_missing_kinds(names: list[str]) -> set[str]:
    triggers = sqlite_triggers()
    return {triggers[name][0] for name in names}


def sqlite_backward() -> list[str]:
    sql = [f"DROP TRIGGER IF EXISTS {name};" for name in sqlite_triggers()]
    sql += [
        "DROP TRIGGER IF EXISTS search_alias_insert;",
        "DROP TRIGGER IF EXISTS search_alias_update;",
        "DROP TRIGGER IF EXISTS search_alias_delete;",
    ]
    for kind in DOCUMENTS:
        sql.append(f"DROP TABLE IF EXISTS {fts_table(kind)};")
    sql.append(f"DROP TABLE IF EXISTS {STALE};")
    return sql


# PostgreSQL -----------------------------------------------------------------------------


def pg_forward() -> list[str]:
    sql = [
        f"CREATE TABLE IF NOT EXISTS {STALE} (kind varchar(20) NOT NULL, "
        "object_id bigint NOT NULL, PRIMARY KEY (kind, object_id));"
    ]
    for kind in DOCUMENTS:
        index = pg_table(kind)
        sql += [
            f"CREATE TABLE {index} (object_id bigint PRIMARY KEY, document tsvector NOT NULL);",
            # The search page and every list's `q` filter: document @@ query.
            f"CREATE INDEX {index}_document_gin ON {index} USING gin (document);",
        ]
    for name, (table, event, watched, body) in _marks("postgresql").items():
        # The column test sits in the function, not in `UPDATE OF` or a WHEN clause:
        # those would make PostgreSQL refuse later migrations that alter the columns.
        if watched:
            changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in watched)
            body = f"IF {changed} THEN {body} END IF;"
        sql += [
            f"""CREATE FUNCTION {name}() RETURNS trigger AS $f$
            BEGIN
                {body}
                RETURN NULL;
            END $f$ LANGUAGE plpgsql;""",
            f"CREATE TRIGGER {name} AFTER {event} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {name}();",
        ]
    return sql


def pg_backward() -> list[str]:
    sql = []
    for name, (table, _, _, _) in _marks("postgresql").items():
        sql += [
            f"DROP TRIGGER IF EXISTS {name} ON {table};",
            f"DROP FUNCTION IF EXISTS {name}();",
        ]
    # What the first version of the index (migrations 0001 and 0002) installed.
    sql += [
        "DROP TRIGGER IF EXISTS search_speaker_rename ON actors_actor;",
        "DROP TRIGGER IF EXISTS search_alias_sync ON actors_alias;",
        "DROP FUNCTION IF EXISTS search_speaker_trigger();",
        "DROP FUNCTION IF EXISTS search_alias_trigger();",
    ]
    for kind, (table, _, _, _) in DOCUMENTS.items():
        index = pg_table(kind)
        sql += [
            f"DROP TRIGGER IF EXISTS {index}_sync ON {table};",
            f"DROP FUNCTION IF EXISTS {index}_trigger();",
            f"DROP FUNCTION IF EXISTS {index}_refresh(text);",
            f"DROP TABLE IF EXISTS {index};",
        ]
    sql.append(f"DROP TABLE IF EXISTS {STALE};")
    sql.append("DROP TEXT SEARCH CONFIGURATION IF EXISTS archive_search;")
    return sql


def install(connection) -> None:
    """Drop whatever index there is (any version) and create the current one, empty."""
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise RuntimeError(f"Full-text search supports SQLite and PostgreSQL, not {vendor}.")
    backward, forward = {
        "sqlite": (sqlite_backward, sqlite_forward),
        "postgresql": (pg_backward, pg_forward),
    }[vendor]
    with connection.cursor() as cursor:
        for sql in backward() + forward():
            cursor.execute(sql)
    # SQLite's triggers are created after `migrate`, by sqlite_ensure_triggers().


def uninstall(connection) -> None:
    backward = {"sqlite": sqlite_backward, "postgresql": pg_backward}[connection.vendor]
    with connection.cursor() as cursor:
        for sql in backward():
            cursor.execute(sql)
