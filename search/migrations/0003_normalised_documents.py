"""Index the normalised words of search.normalise, the same on SQLite and PostgreSQL:
the index is created anew (tables, triggers, the stale-row table) and every row is
re-indexed. On SQLite the triggers, and with them the rebuild, come after `migrate`
(search/apps.py), as for every migration of the indexed apps."""

from django.db import migrations

from search import documents, index


def forward(apps, schema_editor):
    connection = schema_editor.connection
    documents.install(connection)
    if connection.vendor == "postgresql":
        index.rebuild(connection.alias)


def backward(apps, schema_editor):
    documents.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_bounded_documents"),
    ]

    operations = [migrations.RunPython(forward, backward)]
