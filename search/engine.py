"""Full-text search behind one small interface, one function per job.

This is the only module where SQLite and PostgreSQL differ. Both accept the same user
syntax (PostgreSQL's websearch syntax): words are all required, "quoted phrases" match
in order, `-word` excludes, `or` between two terms accepts either. Both index and query
the words as `search.normalise` writes them (stems, folded letters, Arabic and Hebrew
forms), so both databases match the same words.

- `filter_text(queryset, q)` narrows any archive queryset (Actor, Statement, Article,
  Event) to the rows matching `q`; every list's `q` filter and the search page use it.
- `matches_more_than(queryset, q, limit)`: whether the words match more than `limit`
  rows of the type's index (drafts included: a hint for how to read the rows, never a
  number shown), one capped count of the index alone; `matches_more_than_each` asks
  it of several types in one query.
- `counting(queryset, q)`: the same rows, for a count cut at a limit (`SELECT COUNT(*)
  FROM (… LIMIT n)`), which on SQLite then stops reading matches at the limit.
- `filter_text(queryset, q, broad=True)` gives the same rows for a query known to be
  broad, read in the order of the queryset's own index (newest first) rather than looked
  up match by match, which on SQLite costs a sort of every match.
- `rank(queryset, q)` filters as above, adds `search_rank` and orders best first:
  `score(queryset, q)` for rows known to match (`alone=True`: each row by itself).
- `highlight(queryset, q)` reads each row's title and snippet text in one query and
  returns {pk: Highlight}: the ORIGINAL text with the matching words wrapped in
  private-use markers (found by normalising each word where it stands), turned into
  safe `<mark>` HTML by `marked_html()`.

The index (search/documents.py) holds every row, drafts included: callers pass the
published queryset of their surface, and these functions only ever narrow it.
"""

import dataclasses
import re

from django.db import connection, connections
from django.db.models import BooleanField, F, FloatField, Func, IntegerField, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.lookups import In
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import documents, normalise

MAX_QUERY_LENGTH = 500
START, STOP = "\ue000", "\ue001"  # private-use markers around a matched word
SNIPPET_WORDS = 30  # words per fragment of a snippet
SNIPPET_FRAGMENTS = 2

# SQLite bm25 column weights, in the column order of search/documents.py.
BM25_WEIGHTS = {
    "actor": (10.0, 8.0, 1.0),
    "statement": (5.0, 2.0, 3.0),
    "article": (10.0, 4.0, 1.0),
    "event": (10.0, 2.0),
}

# The text highlight() marks up, per kind (base table columns): the title, the snippet.
_ALIASES = {
    "sqlite": (
        "(SELECT group_concat(n, ', ') FROM (SELECT al.name AS n FROM actors_alias al "
        'WHERE al.actor_id = "actors_actor"."id" ORDER BY al.name))'
    ),
    "postgresql": (
        "(SELECT string_agg(al.name, ', ' ORDER BY al.name) FROM actors_alias al "
        'WHERE al.actor_id = "actors_actor"."id")'
    ),
}
TITLE = {
    "actor": '"actors_actor"."name"',
    "statement": '"articles_statement"."text"',
    "article": '"articles_article"."title"',
    "event": '"articles_event"."title"',
}


def _snippet_sql(kind: str, vendor: str) -> str:
    if kind == "actor":
        return f"coalesce({_ALIASES[vendor]}, '') || ' · ' || " + '"actors_actor"."description"'
    if kind == "statement":
        return '"articles_statement"."translation"'
    if kind == "article":
        # The indexed part only: matches are there.
        return (
            documents.bounded('"articles_article"."summary"')
            + " || ' … ' || "
            + documents.bounded('"articles_article"."body"')
        )
    return '"articles_event"."description"'


@dataclasses.dataclass
class ParsedQuery:
    """A user query: AND of OR-groups of terms, minus the excluded terms."""

    groups: list[list[str]]
    excluded: list[str]

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.excluded

    def wanted(self) -> set[str]:
        """The keys of every word of the positive terms (what highlighting marks)."""
        return {key for group in self.groups for term in group for key in normalise.keys(term)}


_TOKEN = re.compile(r'(-?)"([^"]*)(?:"|$)|(\S+)')


def parse_query(q: str) -> ParsedQuery:
    """Read the websearch syntax: words, "phrases", -exclusions, `or`."""
    groups: list[list[str]] = []
    excluded: list[str] = []
    pending_or = False
    for match in _TOKEN.finditer((q or "")[:MAX_QUERY_LENGTH]):
        negated, phrase, word = match.groups()
        if word is not None:
            if word.lower() == "or":
                pending_or = bool(groups)
                continue
            negated = word.startswith("-") and len(word) > 1
            phrase = word[1:] if negated else word
        term = " ".join(normalise.WORD.findall(phrase))
        if not normalise.keys(term):
            continue
        if negated:
            excluded.append(term)
        elif pending_or:
            groups[-1].append(term)
        else:
            groups.append([term])
        pending_or = False
    return ParsedQuery(groups, excluded)


def _fts5_term(term: str) -> str:
    # Keys are letters and digits only: nothing in them needs escaping.
    return '"' + " ".join(normalise.keys(term)) + '"'


def fts5_expression(parsed: ParsedQuery) -> str | None:
    """The FTS5 MATCH expression for the positive part, minus the exclusions."""
    if not parsed.groups:
        return None
    positive = " AND ".join(
        "(" + " OR ".join(_fts5_term(t) for t in group) + ")" for group in parsed.groups
    )
    if parsed.excluded:
        return f"({positive}) NOT ({_fts5_any(parsed.excluded)})"
    return positive


def _fts5_any(terms: list[str]) -> str:
    return " OR ".join(_fts5_term(t) for t in terms)


def _pg_term(term: str) -> str:
    return "(" + " <-> ".join(f"'{key}'" for key in normalise.keys(term)) + ")"


def _pg_any(terms: list[str]) -> str:
    return "(" + " | ".join(_pg_term(t) for t in terms) + ")"


def tsquery_expression(parsed: ParsedQuery) -> str | None:
    """The to_tsquery('simple', …) text for the positive part, minus the exclusions."""
    if not parsed.groups:
        return None
    positive = " & ".join(_pg_any(group) for group in parsed.groups)
    if parsed.excluded:
        return f"({positive}) & !{_pg_any(parsed.excluded)}"
    return positive


def _kind(queryset: QuerySet) -> str:
    kind = queryset.model._meta.model_name
    if kind not in documents.DOCUMENTS:
        raise ValueError(f"{queryset.model.__name__} is not searchable")
    return kind


def _pk_column(queryset: QuerySet) -> str:
    return f'"{queryset.model._meta.db_table}"."id"'


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


_TSQUERY = f"to_tsquery('{documents.PG_CONFIG}', %s)"


def _matching_sql(kind: str, expression: str) -> tuple[str, list[str]]:
    """SELECT the ids of the documents matching an expression of this back end."""
    if _is_postgres():
        return (
            f"SELECT object_id FROM {documents.pg_table(kind)} WHERE document @@ {_TSQUERY}",
            [expression],
        )
    table = documents.fts_table(kind)
    return f"SELECT rowid FROM {table} WHERE {table} MATCH %s", [expression]


def matches_more_than(queryset: QuerySet, q: str, limit: int) -> bool:
    """Whether the positive words of `q` match more than `limit` documents of the type's
    index, drafts included: one count that stops at `limit + 1` (about a millisecond
    on a million statements). A hint for how to read the rows; never shown."""
    return matches_more_than_each([queryset], q, limit)[0]


def matches_more_than_each(querysets: list[QuerySet], q: str, limit: int) -> list[bool]:
    """`matches_more_than` for the types of several querysets, in one query."""
    q = (q or "").strip()[:MAX_QUERY_LENGTH]
    parsed = parse_query(q)
    if not parsed.groups or not querysets:
        return [False] * len(querysets)
    expression = tsquery_expression(parsed) if _is_postgres() else fts5_expression(parsed)
    counts, params = [], []
    for number, queryset in enumerate(querysets):
        sql, sql_params = _matching_sql(_kind(queryset), expression)
        counts.append(f"(SELECT COUNT(*) FROM ({sql} LIMIT {int(limit) + 1}) capped_{number})")
        params += sql_params
    with connections[querysets[0].db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(counts), params)
        return [count > limit for count in cursor.fetchone()]


def filter_text(queryset: QuerySet, q: str, *, broad: bool = False) -> QuerySet:
    """The rows of `queryset` matching `q`; an empty `q` leaves it unchanged.

    `broad` (the words match many rows, `matches_more_than`) changes how the database
    reads them, not which: the matches are then not looked up by id, but the rows the
    queryset keeps are read in its own order and each is tested, which finds a page of a
    word in a quarter of the rows at once, or the few a speaker or a fortnight keeps.
    (Given for a rare word it would walk the whole index: only a caller that knows says
    so.)
    """
    q = (q or "").strip()[:MAX_QUERY_LENGTH]
    if not q:
        return queryset
    kind = _kind(queryset)
    parsed = parse_query(q)
    if parsed.is_empty:
        return queryset.none()
    if not parsed.groups:
        # Only exclusions: everything except what they match, on both back ends.
        any_of = _pg_any if _is_postgres() else _fts5_any
        return queryset.exclude(pk__in=RawSQL(*_matching_sql(kind, any_of(parsed.excluded))))
    expression = tsquery_expression(parsed) if _is_postgres() else fts5_expression(parsed)
    sql, params = _matching_sql(kind, expression)
    if broad and _is_postgres():
        # Each row's own document tested: given `id IN (matches)`, PostgreSQL reads every
        # match from the GIN index and joins them (a fortnight's statements of a word in
        # a quarter of a million: 250 ms; tested one by one, 80).
        tested = (
            f"(SELECT d.document @@ {_TSQUERY} FROM {documents.pg_table(kind)} d "
            f"WHERE d.object_id = {_pk_column(queryset)})"
        )
        return queryset.filter(RawSQL(tested, [expression], output_field=BooleanField()))
    if broad:
        # `+id IN (…)`: the same test, which SQLite cannot answer from the primary key,
        # so it keeps the index that gives the queryset's order.
        return queryset.filter(In(_Unindexed(F("pk")), RawSQL(sql, params)))
    return queryset.filter(pk__in=RawSQL(sql, params))


def counting(queryset: QuerySet, q: str) -> QuerySet:
    """The rows of `queryset` matching `q`, as `filter_text` gives them, in the form a
    count cut at some limit reads fastest; for counting only (unordered, one row per
    match).

    On SQLite the index is joined rather than asked for a list of ids: `id IN (SELECT
    rowid …)` builds the whole list of matches before the first row is counted (about
    50 ms for a word in a quarter of a million statements), where the join reads the
    matches one by one and stops at the limit (8 ms). PostgreSQL's plans are the same
    either way: `filter_text` as is.
    """
    q = (q or "").strip()[:MAX_QUERY_LENGTH]
    parsed = parse_query(q)
    if _is_postgres() or not parsed.groups:
        return filter_text(queryset, q)
    table = documents.fts_table(_kind(queryset))
    return queryset.order_by().extra(
        tables=[table],
        where=[f"{table}.rowid = {_pk_column(queryset)}", f"{table} MATCH %s"],
        params=[fts5_expression(parsed)],
    )


class _Unindexed(Func):
    """`+column`: the same value, which SQLite does not look up in an index."""

    template = "+%(expressions)s"
    output_field = IntegerField()


def rank(queryset: QuerySet, q: str) -> QuerySet:
    """Matching rows with `search_rank` (higher is better), best first: `filter_text`
    then `score`."""
    return score(filter_text(queryset, q), q)


def score(queryset: QuerySet, q: str, *, alone: bool = False) -> QuerySet:
    """Rows that match `q` with `search_rank` (higher is better), best first.

    PostgreSQL scores each row with `ts_rank_cd` of its own tsvector. SQLite's `bm25()`
    can only be asked of every match of the words at once (scored once, then looked up
    per row): a few milliseconds for a rare word, 250 ms for one in a quarter of a
    million statements, however few rows the queryset keeps. With `alone`, for words
    known to be broad (`matches_more_than`) in rows that other filters narrow, each row
    is scored by itself, by the same formula on the same numbers (`_bm25_sql`): a
    speaker's 68 statements of such a word are 68 scores. (Alone costs about 9 µs a
    short statement and more for a long article, so a small match is scored whole.)
    """
    q = (q or "").strip()[:MAX_QUERY_LENGTH]
    kind = _kind(queryset)
    parsed = parse_query(q)
    if not parsed.groups:
        return queryset.annotate(search_rank=Value(0.0, output_field=FloatField()))
    pk = _pk_column(queryset)
    if _is_postgres():
        sql = (
            f"(SELECT ts_rank_cd(d.document, {_TSQUERY}) FROM {documents.pg_table(kind)} d "
            f"WHERE d.object_id = {pk})"
        )
        params = [tsquery_expression(parsed)]
    elif alone:
        sql, params = _bm25_sql(kind, parsed, pk)
    else:
        table = documents.fts_table(kind)
        weights = ", ".join(str(w) for w in BM25_WEIGHTS[kind])
        # Scored once for all matches, then looked up per row: a plain correlated
        # subquery would run the full-text query again for every row (minutes on 1M rows).
        sql = (
            f"(WITH scored AS MATERIALIZED (SELECT rowid AS id, -bm25({table}, {weights}) AS "
            f"score FROM {table} WHERE {table} MATCH %s) "
            f"SELECT score FROM scored WHERE scored.id = {pk})"
        )
        params = [fts5_expression(parsed)]
    annotated = queryset.annotate(search_rank=RawSQL(sql, params, output_field=FloatField()))
    return annotated.order_by("-search_rank", "-pk")


# FTS5's bm25() (sqlite/ext/fts5/fts5_aux.c): its two constants.
BM25_K1, BM25_B = 1.2, 0.75


def _bm25_sql(kind: str, parsed: ParsedQuery, pk: str) -> tuple[str, list]:
    """`-bm25(table, weights)` of the row whose id is `pk`, for the positive terms of
    `parsed` (an excluded term never occurs in a matching row, and adds nothing).

    What FTS5 computes, from the same numbers: for each phrase, its instances in each
    column of the row times the column's weight (f), the row's length in words (D), and,
    over the whole index (read once per query, not per row), the number of documents
    (N), their average length (avgdl, from the index's averages record) and the number
    holding the phrase (n):

        sum over phrases of idf * f * (k1 + 1) / (f + k1 * (1 - b + b * D / avgdl)),
        idf = ln((N - n + 0.5) / (n + 0.5)), 1e-6 where that is not positive.

    A document is the words' keys separated by single spaces (`normalise.index_text`),
    so the row's words are counted by its spaces, and a phrase's instances by removing
    it, between spaces, from the column with its spaces doubled (so that two instances
    side by side are both found). Phrases that overlap themselves ("a a" in "a a a")
    count once where FTS5 counts twice: the only difference.
    """
    table = documents.fts_table(kind)
    columns = [name for name, _, _ in documents.DOCUMENTS[kind][2]]
    weights = BM25_WEIGHTS[kind]
    terms = [term for group in parsed.groups for term in group]
    averages = f"(SELECT block FROM {table}_data WHERE id = 1)"
    documents_in_index = f"search_fts5_varint({averages}, 0)"
    words = " + ".join(f"search_fts5_varint({averages}, {n + 1})" for n in range(len(columns)))
    avgdl = f"(SELECT ({words}) * 1.0 / {documents_in_index})"
    spaced = ", ".join(
        f"' ' || replace(doc.\"{name}\", ' ', '  ') || ' ' AS c{n}, length(doc.\"{name}\") AS l{n}"
        for n, name in enumerate(columns)
    )
    length = " + ".join(
        f"CASE WHEN l{n} = 0 THEN 0 ELSE length(c{n}) - l{n} - 1 END" for n in range(len(columns))
    )
    frequencies, patterns, scores = [], [], []
    for number, term in enumerate(terms):
        pattern = " " + "  ".join(normalise.keys(term)) + " "
        patterns += [pattern] * len(columns)
        counts = " + ".join(
            f"{weight} * ((length(c{n}) - length(replace(c{n}, %s, ''))) / {len(pattern)})"
            for n, weight in enumerate(weights)
        )
        frequencies.append(f"({counts}) AS f{number}")
        holding = f"(SELECT count(*) FROM {table} WHERE {table} MATCH %s)"
        idf = (
            f"(SELECT CASE WHEN x > 0 THEN x ELSE 1e-6 END FROM "
            f"(SELECT ln(({documents_in_index} - n + 0.5) / (n + 0.5)) AS x "
            f"FROM (SELECT {holding} AS n)))"
        )
        scores.append(
            f"{idf} * ((f{number} * {BM25_K1 + 1}) / (f{number} + {BM25_K1} * "
            f"({1 - BM25_B} + {BM25_B} * d / {avgdl})))"
        )
    sql = (
        f"(SELECT {' + '.join(scores)} FROM (SELECT {', '.join(frequencies)}, {length} AS d "
        f"FROM (SELECT {spaced} FROM {table} doc WHERE doc.rowid = {pk} LIMIT 1)))"
    )
    # In the order of the SQL: each phrase's MATCH (its idf), then the columns' patterns.
    return sql, [_fts5_term(term) for term in terms] + patterns


def fts5_varint(block: bytes | None, number: int) -> int | None:
    """The `number`th (from 0) of the varints an FTS5 record holds, as SQLite writes them:
    seven bits a byte, highest first, the ninth byte whole. Registered on SQLite
    connections as `search_fts5_varint` (search/apps.py) to read an index's averages
    record: its documents, then each column's words."""
    if block is None:
        return None
    position = 0
    for _ in range(number + 1):
        value = 0
        for byte_number in range(9):
            if position >= len(block):
                return None
            byte = block[position]
            position += 1
            if byte_number == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
    return value


@dataclasses.dataclass
class Highlight:
    """A row's title and an excerpt, original text with START/STOP around matches."""

    title: str
    snippet: str


def highlight(queryset: QuerySet, q: str) -> dict[int, Highlight]:
    """{pk: Highlight} for the rows of `queryset`: one query, marking done in Python."""
    q = (q or "").strip()[:MAX_QUERY_LENGTH]
    kind = _kind(queryset)
    wanted = parse_query(q).wanted()
    rows = queryset.annotate(
        search_title_text=RawSQL(TITLE[kind], []),
        search_snippet_text=RawSQL(_snippet_sql(kind, connection.vendor), []),
    ).values_list("pk", "search_title_text", "search_snippet_text")
    return {
        pk: Highlight(mark_words(title or "", wanted), snippet(text or "", wanted))
        for pk, title, text in rows
    }


def _marked(text: str, spans: list[tuple[int, int]], match: normalise.Matcher) -> str:
    """`text` with START/STOP around the words at `spans` that match."""
    pieces, last = [], 0
    for start, end in spans:
        if match(text[start:end]):
            pieces += [text[last:start], START, text[start:end], STOP]
            last = end
    pieces.append(text[last:])
    return "".join(pieces)


def _spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in normalise.WORD.finditer(text)]


def mark_words(text: str, wanted: set[str]) -> str:
    """The whole text, the words matching a wanted key marked."""
    if not wanted:
        return text
    return _marked(text, _spans(text), normalise.Matcher(wanted))


def snippet(text: str, wanted: set[str]) -> str:
    """Up to SNIPPET_FRAGMENTS excerpts of SNIPPET_WORDS words around the matches, marked;
    the text's first words when nothing in it matches."""
    spans = _spans(text)
    if not spans:
        return ""
    match = normalise.Matcher(wanted)
    windows: list[tuple[int, int]] = []
    for i, (start, end) in enumerate(spans):
        if windows and i < windows[-1][1] or not match(text[start:end]):
            continue
        first = max(0, i - SNIPPET_WORDS // 3, windows[-1][1] if windows else 0)
        windows.append((first, min(len(spans), first + SNIPPET_WORDS)))
        if len(windows) == SNIPPET_FRAGMENTS:
            break
    if not windows:
        windows = [(0, min(len(spans), SNIPPET_WORDS))]
    parts = []
    for first, last in windows:
        start, end = spans[first][0], spans[last - 1][1]
        inner = [(s - start, e - start) for s, e in spans[first:last]]
        part = _marked(text[start:end], inner, match)
        parts.append(("… " if first else "") + part + (" …" if last < len(spans) else ""))
    return " ".join(parts).replace("… …", "…")


def marked_html(raw: str | None) -> SafeString:
    """Escape the text, then turn the match markers into <mark> elements."""
    text = escape(raw or "")
    if text.count(START) != text.count(STOP):
        text = text.replace(START, "").replace(STOP, "")
    return mark_safe(text.replace(START, "<mark>").replace(STOP, "</mark>"))
