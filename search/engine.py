"""Full-text search behind one small interface, one function per job.

This is the only module where SQLite and PostgreSQL differ. Both accept the same user
syntax (PostgreSQL's `websearch_to_tsquery`): words are all required, "quoted phrases"
match in order, `-word` excludes, `or` between two terms accepts either.

- `filter_text(queryset, q)` narrows any archive queryset (Actor, Statement, Article,
  Event) to the rows matching `q`; every list's `q` filter and the search page use it.
- `rank(queryset, q)` filters as above, adds `search_rank` and orders best first.
- `highlight(queryset, q)` adds `search_title` and `search_snippet`: the matching words
  wrapped in private-use markers, turned into safe `<mark>` HTML by `marked_html()`.

The index (search/documents.py) holds every row, drafts included: callers pass the
published queryset of their surface, and these functions only ever narrow it.
"""

import dataclasses
import re

from django.db import connection
from django.db.models import FloatField, QuerySet, TextField, Value
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import documents

MAX_QUERY_LENGTH = 500
START, STOP = "\ue000", "\ue001"  # private-use markers around a matched word

# SQLite bm25 column weights, in the column order of search/documents.py.
BM25_WEIGHTS = {
    "actor": (10.0, 8.0, 1.0),
    "statement": (5.0, 2.0, 3.0),
    "article": (10.0, 4.0, 1.0),
    "event": (10.0, 2.0),
}

# PostgreSQL: the text ts_headline marks up, per kind (base table columns).
PG_TITLE = {
    "actor": '"actors_actor"."name"',
    "statement": '"articles_statement"."text"',
    "article": '"articles_article"."title"',
    "event": '"articles_event"."title"',
}
PG_SNIPPET = {
    "actor": (
        "coalesce((SELECT string_agg(al.name, ', ' ORDER BY al.name) FROM actors_alias al "
        "WHERE al.actor_id = \"actors_actor\".\"id\"), '') || ' · ' || "
        '"actors_actor"."description"'
    ),
    "statement": '"articles_statement"."translation"',
    # The indexed part only: matches are there, and ts_headline reads all it is given.
    "article": documents.bounded('"articles_article"."summary"')
    + " || ' … ' || "
    + documents.bounded('"articles_article"."body"'),
    "event": '"articles_event"."description"',
}


@dataclasses.dataclass
class ParsedQuery:
    """A user query: AND of OR-groups of terms, minus the excluded terms."""

    groups: list[list[str]]
    excluded: list[str]

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.excluded


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
        term = " ".join(re.findall(r"\w+", phrase))
        if not term:
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
    return '"' + term.replace('"', '""') + '"'


def fts5_expression(parsed: ParsedQuery) -> str | None:
    """The FTS5 MATCH expression for the positive part, minus the exclusions."""
    if not parsed.groups:
        return None
    positive = " AND ".join(
        "(" + " OR ".join(_fts5_term(t) for t in group) + ")" for group in parsed.groups
    )
    if parsed.excluded:
        excluded = " OR ".join(_fts5_term(t) for t in parsed.excluded)
        return f"({positive}) NOT ({excluded})"
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


def _tsquery() -> str:
    return f"websearch_to_tsquery('{documents.PG_CONFIG}', %s)"


def filter_text(queryset: QuerySet, q: str) -> QuerySet:
    """The rows of `queryset` matching `q`; an empty `q` leaves it unchanged."""
    q = (q or "").strip()[:MAX_QUERY_LENGTH]
    if not q:
        return queryset
    kind = _kind(queryset)
    parsed = parse_query(q)
    if parsed.is_empty:
        return queryset.none()
    if _is_postgres():
        sql = f"SELECT object_id FROM {documents.pg_table(kind)} WHERE document @@ {_tsquery()}"
        return queryset.filter(pk__in=RawSQL(sql, [q]))
    table = documents.fts_table(kind)
    expression = fts5_expression(parsed)
    if expression is None:
        # Only exclusions: everything except what they match, as PostgreSQL does.
        excluded = " OR ".join(_fts5_term(t) for t in parsed.excluded)
        sql = f"SELECT rowid FROM {table} WHERE {table} MATCH %s"
        return queryset.exclude(pk__in=RawSQL(sql, [excluded]))
    sql = f"SELECT rowid FROM {table} WHERE {table} MATCH %s"
    return queryset.filter(pk__in=RawSQL(sql, [expression]))


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
            f"(SELECT ts_rank_cd(d.document, {_tsquery()}) FROM {documents.pg_table(kind)} d "
            f"WHERE d.object_id = {pk})"
        )
        params = [q]
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


def highlight(queryset: QuerySet, q: str) -> QuerySet:
    """Add `search_title` (the title, matches marked) and `search_snippet` (an excerpt)."""
    q = (q or "").strip()[:MAX_QUERY_LENGTH]
    kind = _kind(queryset)
    parsed = parse_query(q)
    if not parsed.groups:
        return queryset.annotate(
            search_title=Value("", output_field=TextField()),
            search_snippet=Value("", output_field=TextField()),
        )
    if _is_postgres():
        marks = f'StartSel="{START}", StopSel="{STOP}"'
        title_sql = f"ts_headline('{documents.PG_CONFIG}', {PG_TITLE[kind]}, {_tsquery()}, %s)"
        snippet_sql = f"ts_headline('{documents.PG_CONFIG}', {PG_SNIPPET[kind]}, {_tsquery()}, %s)"
        title_params = [q, f"HighlightAll=true, {marks}"]
        snippet_params = [
            q,
            f'MaxFragments=2, MaxWords=30, MinWords=12, FragmentDelimiter=" … ", {marks}',
        ]
    else:
        table = documents.fts_table(kind)
        pk = _pk_column(queryset)
        expression = fts5_expression(parsed)
        title_sql = (
            f"(SELECT highlight({table}, 0, %s, %s) FROM {table} "
            f"WHERE {table} MATCH %s AND rowid = {pk})"
        )
        snippet_sql = (
            f"(SELECT snippet({table}, -1, %s, %s, '…', 30) FROM {table} "
            f"WHERE {table} MATCH %s AND rowid = {pk})"
        )
        title_params = [START, STOP, expression]
        snippet_params = [START, STOP, expression]
    return queryset.annotate(
        search_title=RawSQL(title_sql, title_params, output_field=TextField()),
        search_snippet=RawSQL(snippet_sql, snippet_params, output_field=TextField()),
    )


def marked_html(raw: str | None) -> SafeString:
    """Escape text from the index, then turn the match markers into <mark> elements."""
    text = escape(raw or "")
    if text.count(START) != text.count(STOP):
        text = text.replace(START, "").replace(STOP, "")
    return mark_safe(text.replace(START, "<mark>").replace(STOP, "</mark>"))
