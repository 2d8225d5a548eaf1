"""The full-text index: FTS5 tables on SQLite, tsvector tables with GIN indexes on
PostgreSQL, kept current by triggers and search.index (see search/documents.py)."""

from django.db import migrations

from search import documents


def forward(apps, schema_editor):
    documents.install(schema_editor.connection)


def backward(apps, schema_editor):
    documents.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0001_initial"),
        ("articles", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
