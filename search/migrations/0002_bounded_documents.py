"""Index at most the first INDEXED_CHARS characters of each column (search/documents.py):
PostgreSQL cannot hold a tsvector whose words pass 1 MB."""

from django.db import migrations

from search import documents


def forward(apps, schema_editor):
    documents.bound_existing(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_search_index"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
