"""How long do the public pages take on a large archive? Measure it.

Requests each path through Django's test client (the whole view, templates included,
no network), REPEAT times after one warm-up request, and prints the median time, the
number of queries and the slowest query of each page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python manage.py migrate
    DATABASE_URL=… python manage.py generate_archive --statements 1000000 --seed 7
    DATABASE_URL=… python bench/page_times.py / /statements/ "/statements/?q=ceasefire"

SQLITE_PATH=/tmp/bench.sqlite3 measures SQLite instead. Results: docs/benchmarks.md.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

REPEAT = int(os.environ.get("REPEAT", "3"))


def measure(client: Client, path: str) -> None:
    client.get(path, HTTP_HOST="127.0.0.1")  # warm-up: caches, connection, templates
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, HTTP_HOST="127.0.0.1")
        times.append(time.perf_counter() - started)
    slowest = max(queries.captured_queries, key=lambda query: float(query["time"]))
    print(
        f"{response.status_code} {statistics.median(times):7.3f} s  {len(queries):3d} queries"
        f"  {path}\n      slowest {slowest['time']} s: {slowest['sql'][:110]}"
    )


def main(paths: list[str]) -> None:
    print(f"database: {connection.vendor}, median of {REPEAT} after a warm-up")
    client = Client()
    for path in paths:
        measure(client, path)


if __name__ == "__main__":
    main(sys.argv[1:] or ["/", "/statements/", "/actors/", "/events/", "/articles/"])
