"""The full-text index: FTS5 tables on SQLite, tsvector tables with GIN indexes on
PostgreSQL, both kept current by triggers (see search/documents.py)."""

from django.db import migrations

from search import documents


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {
        "sqlite": documents.sqlite_forward,
        "postgresql": documents.pg_forward,
    }.get(vendor)
    if statements is None:
        raise RuntimeError(f"Full-text search supports SQLite and PostgreSQL, not {vendor}.")
    for sql in statements():
        schema_editor.execute(sql, params=None)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": documents.sqlite_backward, "postgresql": documents.pg_backward}
    for sql in statements[vendor]():
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0001_initial"),
        ("articles", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
