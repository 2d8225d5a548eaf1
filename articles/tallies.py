"""Counts of the public statements, kept by the database as statements change.

The statement list's count and its facets (speakers, kinds, stances, channels, outlets,
attribution, years) group every public statement: up to a million rows, seconds on the
first request after each write. These totals are kept instead in one table,
`articles_statementtally`, by triggers on the tables they count, in the same transaction
as the write that changes them: whatever writes (the admin, a service, a bulk update, an
import, a merge, a cascade), the totals move with the rows, and a rolled-back write
leaves them as they were. Every worker and machine reads the same totals.

A row of the table is (scope, scope value, facet, facet value, n): how many public
statements have that facet value, among all of them (scope "") or among those of one
kind, channel, attribution state or language (scope "kind" and the kind, …), which is
what the list counts when one of those filters is chosen, or among those said in one
month (scope "month", value "2024-01") or on one day (scope "day", value "2024-01-31").
A date range adds up its whole months and, for a month it cuts, the days it keeps or
the month less the days it leaves out, whichever are fewer (`date_scope`): at most
fifteen days at each end, whatever the range. Facet "all" is the number of statements
of the scope; facet "day", kept in the scope of all statements only, is the number said
on each day, which the date pages' calendars show (`per_day`). The facets of a list
narrowed by any other filter are grouped from its rows, as before.

Stances count statements, not links: a statement is counted once under each stance it
takes on a public event. Its stances are kept on the statement itself as one bit each
(`Statement.stance_mask`, set by triggers on the links and on the events' status), so a
statement's totals follow from its own row.

`rebuild()` recounts everything from the rows and (re)creates the triggers; `migrate`
calls it when they are missing. On SQLite, Django alters a table by copying it, which
fails while a trigger on another table names it: the triggers are dropped before
`migrate` touches this app and rebuilt after it (articles/apps.py). `generate_archive`
drops them while it writes and rebuilds once at the end.
"""

import calendar
import datetime
from collections import Counter

from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.models import CharField, Subquery
from django.db.models.functions import Cast

from . import freshness
from .models import Statement, StatementEvent, StatementTally

TABLE = StatementTally._meta.db_table
STATEMENTS = Statement._meta.db_table
ARTICLES = "articles_article"
EVENTS = "articles_event"
LINKS = StatementEvent._meta.db_table

# The filters whose rows the table counts, by their column (and list filter name).
SCOPES = ("kind", "channel", "verification", "language")
# And the month and the day a statement was said on: the date filters' scopes.
MONTH = "month"
DAY = "day"
# Not a scope of the table: the statements said in a date range, added up from the
# month and day scopes (`date_scope`).
RANGE = "dates"

# One bit of `stance_mask` per stance.
STANCE_BITS = {stance: 1 << i for i, stance in enumerate(StatementEvent.Stance.values)}

# A statement's stances from its links `l`, one bit each (NULL: none).
STANCE_MASK_OF_LINKS = "SUM(DISTINCT CASE l.stance {} END)".format(
    " ".join(f"WHEN '{stance}' THEN {bit}" for stance, bit in STANCE_BITS.items())
)
OUTLET_OF = f"SELECT a.outlet_id FROM {ARTICLES} a WHERE a.id = {{r}}.article_id"
YEAR_OF = {"sqlite": "substr({r}.said_on, 1, 4)", "postgresql": "to_char({r}.said_on, 'YYYY')"}
MONTH_OF = {
    "sqlite": "substr({r}.said_on, 1, 7)",
    "postgresql": "to_char({r}.said_on, 'YYYY-MM')",
}
DAY_OF = {"sqlite": "{r}.said_on", "postgresql": "to_char({r}.said_on, 'YYYY-MM-DD')"}


def _scope_values(vendor: str, r: str) -> list[tuple[str, str]]:
    """Each scope and its value for the statement row `r`, as SQL."""
    return [
        *((f"'{scope}'", f"{r}.{scope}") for scope in SCOPES),
        (f"'{MONTH}'", MONTH_OF[vendor].format(r=r)),
        (f"'{DAY}'", DAY_OF[vendor].format(r=r)),
    ]


def _facets(vendor: str, r: str, outlet: str = "") -> list[tuple[str, str, str]]:
    """(facet, its value for the statement row `r` as text, and when it has one).
    `outlet` is the outlet's id when the article is joined, else it is looked up."""
    outlet = outlet or f"({OUTLET_OF.format(r=r)})"
    stances = [
        ("stance", f"'{stance}'", f"({r}.stance_mask & {bit}) <> 0")
        for stance, bit in STANCE_BITS.items()
    ]
    return [
        ("all", "''", ""),
        ("speaker", f"CAST({r}.speaker_id AS TEXT)", ""),
        ("kind", f"{r}.kind", ""),
        ("channel", f"{r}.channel", ""),
        ("verification", f"{r}.verification", ""),
        ("language", f"{r}.language", ""),
        # '' when the article is gone first, as when `flush` empties the tables.
        ("outlet", f"COALESCE(CAST({outlet} AS TEXT), '')", ""),
        ("year", YEAR_OF[vendor].format(r=r), ""),
        *stances,
    ]


# The columns a statement's totals depend on: a change to any other leaves them.
COUNTED_COLUMNS = (
    "is_public", "speaker_id", "kind", "channel", "verification", "language", "said_on",
    "article_id", "stance_mask",
)  # fmt: skip

UPSERT = (
    f"ON CONFLICT (scope, scope_value, facet, facet_value) DO UPDATE SET n = {TABLE}.n + excluded.n"
)
INSERT = f"INSERT INTO {TABLE} (scope, scope_value, facet, facet_value, n)"


def _row_totals(vendor: str, r: str, sign: int) -> str:
    """Add `sign` to every total that the statement row `r` (NEW or OLD) counts in."""
    scopes = " UNION ALL ".join(
        ["SELECT '' AS scope, '' AS scope_value"]
        + [f"SELECT {scope}, {value}" for scope, value in _scope_values(vendor, r)]
    )
    facets = " UNION ALL ".join(
        f"SELECT '{facet}' AS facet, {value} AS facet_value" + (f" WHERE {when}" if when else "")
        for facet, value, when in _facets(vendor, r)
    )
    day = DAY_OF[vendor].format(r=r)
    return (
        f"{INSERT} SELECT s.scope, s.scope_value, f.facet, f.facet_value, {sign} "
        f"FROM ({scopes}) AS s, ({facets}) AS f WHERE {r}.is_public {UPSERT}; "
        f"{INSERT} SELECT '', '', '{DAY}', {day}, {sign} WHERE {r}.is_public {UPSERT}"
    )


def _outlet_moved(vendor: str, r: str, sign: int) -> str:
    """An article changed outlet: add `sign` × its public statements to the outlet
    totals of `r` (its OLD or NEW row), in every scope."""
    where = f"WHERE st.article_id = {r}.id AND st.is_public"
    counts = " UNION ALL ".join(
        [f"SELECT '' AS scope, '' AS scope_value, COUNT(*) AS k FROM {STATEMENTS} st {where}"]
        + [
            f"SELECT {scope}, {value}, COUNT(*) FROM {STATEMENTS} st {where} GROUP BY {value}"
            for scope, value in _scope_values(vendor, "st")
        ]
    )
    return (
        f"{INSERT} SELECT c.scope, c.scope_value, 'outlet', CAST({r}.outlet_id AS TEXT), "
        f"{sign} * c.k FROM ({counts}) AS c WHERE c.k > 0 {UPSERT}"
    )


def _mask_of(statement: str) -> str:
    """The stances a statement takes on public events, one bit each (NULL: none)."""
    return (
        f"(SELECT {STANCE_MASK_OF_LINKS} FROM {LINKS} l "
        f"JOIN {EVENTS} e ON e.id = l.event_id "
        f"WHERE l.statement_id = {statement} AND e.status = 'published')"
    )


def _set_masks(where: str, vendor: str) -> str:
    """Set the stances of the statements `where` selects, those that changed only."""
    differs = "IS NOT" if vendor == "sqlite" else "IS DISTINCT FROM"
    mask = _mask_of(f"{STATEMENTS}.id")
    return (
        f"UPDATE {STATEMENTS} SET stance_mask = {mask} "
        f"WHERE ({where}) AND stance_mask {differs} {mask}"
    )


# The statements linked to the event whose status changed.
EVENT_LINKED = f"id IN (SELECT statement_id FROM {LINKS} WHERE event_id = NEW.id)"


def _differs(vendor: str, columns, old: str = "OLD", new: str = "NEW") -> str:
    test = "IS NOT" if vendor == "sqlite" else "IS DISTINCT FROM"
    return " OR ".join(f"{old}.{c} {test} {new}.{c}" for c in columns)


def _sqlite_triggers() -> dict[str, str]:
    v = "sqlite"
    return {
        "statement_tally_insert": f"AFTER INSERT ON {STATEMENTS} WHEN NEW.is_public "
        f"BEGIN {_row_totals(v, 'NEW', 1)}; END",
        "statement_tally_delete": f"AFTER DELETE ON {STATEMENTS} WHEN OLD.is_public "
        f"BEGIN {_row_totals(v, 'OLD', -1)}; END",
        "statement_tally_update": f"AFTER UPDATE ON {STATEMENTS} "
        f"WHEN (OLD.is_public OR NEW.is_public) AND ({_differs(v, COUNTED_COLUMNS)}) "
        f"BEGIN {_row_totals(v, 'OLD', -1)}; {_row_totals(v, 'NEW', 1)}; END",
        "statement_tally_outlet": f"AFTER UPDATE ON {ARTICLES} "
        f"WHEN OLD.outlet_id IS NOT NEW.outlet_id "
        f"BEGIN {_outlet_moved(v, 'OLD', -1)}; {_outlet_moved(v, 'NEW', 1)}; END",
        "statement_stances_insert": f"AFTER INSERT ON {LINKS} "
        f"BEGIN {_set_masks('id = NEW.statement_id', v)}; END",
        "statement_stances_delete": f"AFTER DELETE ON {LINKS} "
        f"BEGIN {_set_masks('id = OLD.statement_id', v)}; END",
        "statement_stances_update": f"AFTER UPDATE ON {LINKS} "
        f"WHEN {_differs(v, ('statement_id', 'event_id', 'stance'))} "
        f"BEGIN {_set_masks('id IN (OLD.statement_id, NEW.statement_id)', v)}; END",
        "statement_stances_event": f"AFTER UPDATE ON {EVENTS} "
        f"WHEN OLD.status IS NOT NEW.status BEGIN {_set_masks(EVENT_LINKED, v)}; END",
    }


def _postgresql_functions() -> dict[str, tuple[str, str, str]]:
    """Function name: (table, trigger events, body). The column tests sit in the body, not
    in `UPDATE OF`, which would make PostgreSQL refuse migrations altering the columns."""
    v = "postgresql"
    return {
        "statement_tally": (
            STATEMENTS,
            "INSERT OR UPDATE OR DELETE",
            f"""IF TG_OP = 'UPDATE' THEN
                IF NOT ((OLD.is_public OR NEW.is_public) AND ({_differs(v, COUNTED_COLUMNS)}))
                THEN RETURN NULL; END IF;
            END IF;
            IF TG_OP <> 'INSERT' THEN {_row_totals(v, "OLD", -1)}; END IF;
            IF TG_OP <> 'DELETE' THEN {_row_totals(v, "NEW", 1)}; END IF;""",
        ),
        "statement_tally_outlet": (
            ARTICLES,
            "UPDATE",
            f"""IF OLD.outlet_id IS DISTINCT FROM NEW.outlet_id THEN
                {_outlet_moved(v, "OLD", -1)}; {_outlet_moved(v, "NEW", 1)};
            END IF;""",
        ),
        "statement_stances": (
            LINKS,
            "INSERT OR UPDATE OR DELETE",
            f"""IF TG_OP <> 'INSERT' THEN {_set_masks("id = OLD.statement_id", v)}; END IF;
            IF TG_OP <> 'DELETE' THEN {_set_masks("id = NEW.statement_id", v)}; END IF;""",
        ),
        "statement_stances_event": (
            EVENTS,
            "UPDATE",
            f"""IF OLD.status IS DISTINCT FROM NEW.status THEN
                {_set_masks(EVENT_LINKED, v)};
            END IF;""",
        ),
    }


def _function_body(body: str) -> str:
    return f" BEGIN {body} RETURN NULL; END "


def installed(*, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether every trigger is in place, as this code defines it: a trigger of an
    earlier definition counts as missing, so `migrate` recounts with the new one."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            found = dict(cursor.fetchall())
            return all(
                found.get(name) == f"CREATE TRIGGER {name} {definition}"
                for name, definition in _sqlite_triggers().items()
            )
        functions = _postgresql_functions()
        cursor.execute(
            "SELECT p.proname, p.prosrc FROM pg_proc p JOIN pg_trigger t ON t.tgfoid = p.oid "
            "WHERE p.proname = ANY(%s)",
            [list(functions)],
        )
        found = dict(cursor.fetchall())
        return all(
            found.get(name) == _function_body(body) for name, (_, _, body) in functions.items()
        )


def install(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Create the triggers that keep the totals (again, if they exist)."""
    uninstall(using=using)
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name, definition in _sqlite_triggers().items():
                cursor.execute(f"CREATE TRIGGER {name} {definition}")
            return
        for name, (table, events, body) in _postgresql_functions().items():
            cursor.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql "
                f"AS $f${_function_body(body)}$f$"
            )
            cursor.execute(
                f"CREATE TRIGGER {name} AFTER {events} ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {name}()"
            )


def uninstall(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Drop the triggers: the totals stop following the rows until `install()` and
    `rebuild()`."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in _sqlite_triggers():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            return
        for name, (table, _, _) in _postgresql_functions().items():
            cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")


def rebuild(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Recount the stances of every statement and every total from the rows, and leave
    the triggers in place. One transaction: the triggers are away while it recounts (they
    would redo the work row by row), and no writer comes between."""
    connection = connections[using]
    vendor = connection.vendor
    with transaction.atomic(using=using), connection.cursor() as cursor:
        uninstall(using=using)
        _recount_masks(cursor, vendor)
        cursor.execute(f"DELETE FROM {TABLE}")
        counted = _recount(cursor, vendor)
        # Written in the order of the table's key (scope, facet, scope value, …): a
        # range of months then reads its rows from neighbouring pages.
        StatementTally.objects.using(using).bulk_create(
            [
                StatementTally(scope=s, scope_value=v, facet=f, facet_value=fv, n=n)
                for (s, v, f, fv), n in sorted(counted.items(), key=_key_order)
            ],
            batch_size=2000,
        )
        _recount_days(cursor, vendor)
        install(using=using)


def _key_order(total: tuple[tuple[str, str, str, str], int]) -> tuple[str, str, str, str]:
    (scope, scope_value, facet, facet_value), _ = total
    return scope, facet, scope_value, facet_value


def _recount_masks(cursor, vendor: str) -> None:
    """Every statement's stances, in two set-wise updates (one query each, where the
    triggers' per-statement form would run a subquery per row)."""
    differs = "IS NOT" if vendor == "sqlite" else "IS DISTINCT FROM"
    masks = (
        f"SELECT l.statement_id, {STANCE_MASK_OF_LINKS} AS mask "
        f"FROM {LINKS} l JOIN {EVENTS} e ON e.id = l.event_id "
        f"WHERE e.status = 'published' GROUP BY l.statement_id"
    )
    cursor.execute(
        f"UPDATE {STATEMENTS} SET stance_mask = m.mask FROM ({masks}) AS m "
        f"WHERE {STATEMENTS}.id = m.statement_id AND {STATEMENTS}.stance_mask {differs} m.mask"
    )
    cursor.execute(
        f"UPDATE {STATEMENTS} SET stance_mask = NULL WHERE stance_mask IS NOT NULL "
        f"AND NOT EXISTS (SELECT 1 FROM {LINKS} l JOIN {EVENTS} e ON e.id = l.event_id "
        f"WHERE l.statement_id = {STATEMENTS}.id AND e.status = 'published')"
    )


def _recount(cursor, vendor: str) -> Counter:
    """Every total, from four passes over the public statements: the facets but the
    speakers grouped by the columns they read (thousands of groups), then the speakers
    by the scopes' columns, then the speakers by month, then the days. The groups are
    spread over scopes and facets here."""
    month = MONTH_OF[vendor].format(r="r")
    counted: Counter = Counter()
    scoped = ", ".join(f"r.{scope}" for scope in SCOPES)

    def scopes(values: tuple) -> list[tuple[str, str]]:
        return [("", ""), *zip(SCOPES, values, strict=True)]

    cursor.execute(
        f"SELECT {scoped}, a.outlet_id, {month}, r.stance_mask, COUNT(*) FROM {STATEMENTS} r "
        f"JOIN {ARTICLES} a ON a.id = r.article_id WHERE r.is_public "
        f"GROUP BY {scoped}, a.outlet_id, {month}, r.stance_mask"
    )
    for row in cursor.fetchall():
        values, (outlet, said_in, mask, n) = row[: len(SCOPES)], row[len(SCOPES) :]
        facets = [
            ("all", ""),
            *zip(SCOPES, values, strict=True),
            ("outlet", str(outlet)),
            ("year", said_in[:4]),
        ] + [("stance", stance) for stance, bit in STANCE_BITS.items() if (mask or 0) & bit]
        for scope in (*scopes(values), (MONTH, said_in)):
            for facet in facets:
                counted[scope + facet] += n
    cursor.execute(
        f"SELECT {scoped}, r.speaker_id, COUNT(*) FROM {STATEMENTS} r "
        f"WHERE r.is_public GROUP BY {scoped}, r.speaker_id"
    )
    for row in cursor.fetchall():
        values, (speaker, n) = row[: len(SCOPES)], row[len(SCOPES) :]
        for scope in scopes(values):
            counted[(*scope, "speaker", str(speaker))] += n
    cursor.execute(
        f"SELECT {month}, r.speaker_id, COUNT(*) FROM {STATEMENTS} r "
        f"WHERE r.is_public GROUP BY {month}, r.speaker_id"
    )
    for said_in, speaker, n in cursor.fetchall():
        counted[(MONTH, said_in, "speaker", str(speaker))] += n
    cursor.execute(
        f"SELECT r.said_on, COUNT(*) FROM {STATEMENTS} r WHERE r.is_public GROUP BY r.said_on"
    )
    for said_on, n in cursor.fetchall():
        counted[("", "", DAY, str(said_on))] += n  # a date on PostgreSQL, its ISO text on SQLite
    return counted


def _recount_days(cursor, vendor: str) -> None:
    """The totals of each day's statements, one facet at a time, counted and written by
    the database: a day's speakers and outlets are hundreds of thousands of rows in all,
    too many to pass through Python as `_recount` does for the other scopes."""
    day = DAY_OF[vendor].format(r="r")
    for facet, value, when in _facets(vendor, "r", outlet="a.outlet_id"):
        joined = f"JOIN {ARTICLES} a ON a.id = r.article_id " if facet == "outlet" else ""
        cursor.execute(
            f"{INSERT} SELECT '{DAY}', {day}, '{facet}', {value}, COUNT(*) "
            f"FROM {STATEMENTS} r {joined}WHERE r.is_public{f' AND {when}' if when else ''} "
            # By the day and the value (a constant for some facets), written in that
            # order, as `rebuild` writes the other scopes.
            "GROUP BY 2, 4 ORDER BY 2, 4"
        )


def date_scope(start, end) -> tuple[str, list[str]] | None:
    """The scope of the statements said from `start` to `end`, either open: (RANGE,
    [first, last]) as ISO dates, "" where open; None when both are open."""
    if start is None and end is None:
        return None
    return RANGE, [d.isoformat() if d is not None else "" for d in (start, end)]


def _month(day: datetime.date, step: int = 0) -> str | None:
    """The month of `day` ("YYYY-MM"), or the `step`th after it; None past the calendar."""
    year, month = divmod(day.year * 12 + day.month - 1 + step, 12)
    return f"{year:04d}-{month + 1:02d}" if 1 <= year <= 9999 else None


def _last_day(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _within(start: datetime.date, end: datetime.date) -> list[tuple[str, str, str, int]]:
    """The days from `start` to `end` of one month: those days, or the month less the
    days before and after them, whichever reads fewer days."""
    first, last = start.replace(day=1), _last_day(start)
    kept = (end - start).days + 1
    if kept <= last.day - kept:
        return [(DAY, start.isoformat(), end.isoformat(), 1)]
    pieces = [(MONTH, _month(start), _month(start), 1)]
    if start > first:
        pieces.append((DAY, first.isoformat(), (start - datetime.timedelta(1)).isoformat(), -1))
    if end < last:
        pieces.append((DAY, (end + datetime.timedelta(1)).isoformat(), last.isoformat(), -1))
    return pieces


def _pieces(first: str, last: str) -> list[tuple[str, str, str, int]]:
    """The totals that add up to the statements said from `first` to `last` (ISO dates,
    "" where open), as (scope, from, to, sign): the scope's values from `from` to `to`
    (either "" where open), added or taken away. The months the range holds whole, then
    each month it cuts (`_within`); no two pieces count the same statement."""
    start = datetime.date.fromisoformat(first) if first else None
    end = datetime.date.fromisoformat(last) if last else None
    if start is not None and end is not None:
        if start > end:
            return []
        if _month(start) == _month(end):
            return _within(start, end)
    months, pieces = ["", ""], []
    if start is not None:
        months[0] = _month(start)
        if start.day > 1:
            pieces += _within(start, _last_day(start))
            months[0] = _month(start, 1)
    if end is not None:
        months[1] = _month(end)
        if end != _last_day(end):
            pieces += _within(end.replace(day=1), end)
            months[1] = _month(end, -1)
    if None not in months and not (months[0] and months[1] and months[0] > months[1]):
        pieces.insert(0, (MONTH, *months, 1))
    return pieces


def _selection(scope: str, values: list[str], facets: str, facet_params=()) -> tuple[str, list]:
    """The rows of the table that count the statements of `scope`'s `values`, as a
    query of (facet, facet_value, n) and its parameters, n negative for the rows a date
    range takes away; `facets` (with `facet_params`) is a condition on `t.facet`. A
    language matches in any case, as the list's filter does (`iexact`)."""
    if scope == RANGE:  # each piece of the range, added or taken away
        pieces = [
            (piece, [(">=", low), ("<=", high)], sign)
            for piece, low, high, sign in _pieces(*values)
        ]
    elif scope == "language":
        pieces = [(scope, [("IN", [value.upper() for value in values])], 1)]
    else:
        pieces = [(scope, [("IN", list(values) or [""])], 1)]
    queries, params = [], []
    for piece, tests, sign in pieces:
        compare = "UPPER(t.scope_value)" if piece == "language" else "t.scope_value"
        conditions = ["t.scope = %s"]
        params.append(piece)
        for operator, bound in tests:
            if operator == "IN":
                conditions.append(f"{compare} IN ({', '.join(['%s'] * len(bound))})")
                params += bound
            elif bound:  # "" is open
                conditions.append(f"{compare} {operator} %s")
                params.append(bound)
        queries.append(
            f"SELECT t.facet, t.facet_value, {'-' if sign < 0 else ''}t.n AS n FROM {TABLE} t "
            f"WHERE {' AND '.join(conditions)} AND {facets} AND t.n <> 0"
        )
        params += facet_params
    if not queries:  # a range that ends before it starts
        return f"SELECT t.facet, t.facet_value, t.n FROM {TABLE} t WHERE 1 = 0", []
    return " UNION ALL ".join(queries), params


def totals(facet: str, *, scope: str = "", values: list[str] = ()) -> dict[str, int]:
    """The public statements per value of `facet`, among all of them (`scope` "") or
    among those whose `scope` is one of `values` (summed: a statement has one kind, one
    channel, one attribution state), or said in the date range of `values` (scope
    RANGE, `date_scope`). Values no statement has any longer are left out.

    Every facet of a scope but the speakers (`top_related` reads those) is read in one
    query, once per generation of the archive (`freshness`): the list's count and its
    facets cost one query together."""
    key = (scope, list(values) if scope == RANGE else sorted(values))
    return freshness.cached("statement_totals", key, lambda: _read(scope, values)).get(facet, {})


# The facets `totals` reads: not the speakers (thousands of rows in a scope, which
# `top_related` ranks) nor the days (`per_day`).
READ = sorted({facet for facet, _, _ in _facets("sqlite", "r")} - {"speaker"})


def _read(scope: str, values: list[str]) -> dict[str, dict[str, int]]:
    rows, params = _selection(scope, values, f"t.facet IN ({', '.join(['%s'] * len(READ))})", READ)
    found: dict[str, dict[str, int]] = {}
    with connections[router.db_for_read(StatementTally)].cursor() as cursor:
        cursor.execute(
            f"SELECT t.facet, t.facet_value, SUM(t.n) FROM ({rows}) t "
            "GROUP BY t.facet, t.facet_value HAVING SUM(t.n) > 0",
            params,
        )
        for facet, value, n in cursor.fetchall():
            found.setdefault(facet, {})[value] = int(n)
    return found


def top_related(
    facet: str, related, fields: tuple[str, str], *, scope: str, values: list[str], limit: int
) -> list[tuple[str, str, int]]:
    """The `limit` values of a facet of related rows (speakers, outlets) with the most
    statements, each as its `fields` of the related row (slug, name) and its count; equal
    counts in name order. One query: the totals joined to the related rows."""
    table = related._meta.db_table
    value, label = (related._meta.get_field(name).column for name in fields)
    pk = related._meta.pk.column
    connection = connections[router.db_for_read(StatementTally)]
    integer = "INTEGER" if connection.vendor == "sqlite" else "BIGINT"
    rows, params = _selection(scope, values, "t.facet = %s", [facet])
    sql = (
        f"SELECT r.{value}, r.{label}, SUM(t.n) AS total FROM ({rows}) t "
        f"JOIN {table} r ON r.{pk} = CAST(t.facet_value AS {integer}) "
        f"GROUP BY r.{pk}, r.{value}, r.{label} HAVING SUM(t.n) > 0 "
        f"ORDER BY total DESC, r.{label} LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit])
        return [(row[0], row[1], int(row[2])) for row in cursor.fetchall()]


def per_day(start: datetime.date, end: datetime.date) -> dict[datetime.date, int]:
    """How many statements are public on each day from `start` to `end` (days with none
    left out): one range of the totals' index, however many statements the days hold."""
    rows = StatementTally.objects.filter(
        scope="",
        scope_value="",
        facet=DAY,
        facet_value__gte=start.isoformat(),
        facet_value__lte=end.isoformat(),
        n__gt=0,
    )
    return {datetime.date.fromisoformat(day): n for day, n in rows.values_list("facet_value", "n")}


def day_of_row(
    offset: int,
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    newest_first: bool = True,
) -> tuple[datetime.date, int] | None:
    """Where the row at `offset` (from 0) of the public statements said from `start` to
    `end` (either open) falls, in date order: its day, and how many statements of that
    day come before it. None past the last row.

    From the totals per day, read once per generation of the archive: a list's deep page
    starts at its day (an index seek) and skips at most that day's statements, where an
    OFFSET would skip every row above it (page 20,000: half a million).
    """
    days = freshness.cached(
        "day-totals",
        (start, end),
        lambda: sorted(per_day(start or datetime.date.min, end or datetime.date.max).items()),
    )
    for day, n in reversed(days) if newest_first else days:
        if offset < n:
            return day, offset
        offset -= n
    return None


def per_year() -> dict[int, int]:
    """How many statements are public in each year (years with none left out)."""
    return {int(year): n for year, n in totals("year").items()}


def statements_by(actor_pk) -> Subquery:
    """Subquery: how many public statements the actor `actor_pk` (an `OuterRef`) made, from
    the totals: one indexed lookup per actor, NULL when none."""
    rows = StatementTally.objects.filter(
        scope="", scope_value="", facet="speaker", facet_value=Cast(actor_pk, CharField())
    )
    return Subquery(rows.values("n")[:1])


def count(*, scope: str = "", values: list[str] = ()) -> int:
    """How many statements are public (of the scope's values)."""
    return totals("all", scope=scope, values=values).get("", 0)
