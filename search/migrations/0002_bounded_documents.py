"""Index at most the first INDEXED_CHARS characters of each column (search/documents.py):
PostgreSQL cannot hold a tsvector whose words pass 1 MB.

The bound now lives in search/index.py, which writes every document; migration 0003
re-indexes every row, so this one has nothing left to do.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_search_index"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
