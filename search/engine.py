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
  number shown), one capped count of the index alone.
- `counting(queryset, q)`: the same rows, for a count cut at a limit (`SELECT COUNT(*)
  FROM (… LIMIT n)`), which on SQLite then stops reading matches at the limit.
- `filter_text(queryset, q, broad=True)` gives the same rows for a query known to be
  broad, read in the order of the queryset's own index (newest first) rather than looked
  up match by match, which on SQLite costs a sort of every match.
- `rank(queryset, q)` filters as above, adds `search_rank` and orders best first.
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
from django.db.models import F, FloatField, Func, IntegerField, QuerySet, Value
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
    q = (q or "").strip()[:MAX_QUERY_LENGTH]
    parsed = parse_query(q)
    if not parsed.groups:
        return False
    expression = tsquery_expression(parsed) if _is_postgres() else fts5_expression(parsed)
    sql, params = _matching_sql(_kind(queryset), expression)
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql} LIMIT {int(limit) + 1}) capped", params)
        return cursor.fetchone()[0] > limit


def filter_text(queryset: QuerySet, q: str, *, broad: bool = False) -> QuerySet:
    """The rows of `queryset` matching `q`; an empty `q` leaves it unchanged.

    `broad` (the words match many rows, `matches_more_than`) changes how the database
    reads them, not which: on SQLite the matches are then not looked up by id one by one
    and sorted, but the queryset's order index is walked and each row tested against
    them, which finds a page of a word in a quarter of the rows at once. (Given for a
    rare word it would walk the whole index: only a caller that knows says so.)
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
    if broad and not _is_postgres():
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
    """Matching rows with `search_rank` (higher is better), best first."""
    filtered = filter_text(queryset, q)
    q = (q or "").strip()[:MAX_QUERY_LENGTH]
    kind = _kind(queryset)
    parsed = parse_query(q)
    if not parsed.groups:
        return filtered.annotate(search_rank=Value(0.0, output_field=FloatField()))
    pk = _pk_column(queryset)
    if _is_postgres():
        sql = (
            f"(SELECT ts_rank_cd(d.document, {_TSQUERY}) FROM {documents.pg_table(kind)} d "
            f"WHERE d.object_id = {pk})"
        )
        params = [tsquery_expression(parsed)]
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
    annotated = filtered.annotate(search_rank=RawSQL(sql, params, output_field=FloatField()))
    return annotated.order_by("-search_rank", "-pk")


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
