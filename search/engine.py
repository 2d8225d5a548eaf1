"""Full-text matching behind one small interface, one function per job.

`filter_text(queryset, q)` narrows any archive queryset (Actor, Statement, Article,
Event) to the rows matching the text query `q`. Every list's `q` filter and the
search page call it, so they behave alike on SQLite and PostgreSQL.

This first version matches case-insensitive substrings of the searchable fields;
the search issue replaces it with PostgreSQL full-text search and SQLite FTS5.
"""

from django.db.models import Q, QuerySet

SEARCH_FIELDS = {
    "actor": ["name", "aliases__name", "description"],
    "statement": ["text", "translation", "speaker__name"],
    "article": ["title", "summary", "body"],
    "event": ["title", "description"],
}


def filter_text(queryset: QuerySet, q: str) -> QuerySet:
    q = (q or "").strip()
    if not q:
        return queryset
    fields = SEARCH_FIELDS[queryset.model._meta.model_name]
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": q})
    matching = queryset.model.objects.filter(condition).values("pk")
    return queryset.filter(pk__in=matching)
