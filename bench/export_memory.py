"""Does exporting stay in constant memory? Measure it.

Streams the published statements of the current database as CSV and as JSON through
`articles.formats.tabular.export_response` (as the list pages do), discards the bytes, and
reports rows, time, the Python heap's peak (tracemalloc), the process's peak RSS and its
peak private memory (RssAnon, sampled after each piece: the RSS also counts the pages of
the SQLite file read through a memory map, which are the system's shared file cache).
Run it at several sizes; the peaks should not grow with the rows. The list's bound on a
live export (EXPORT_MAX_ROWS) is lifted here, unless the environment sets it.

    SQLITE_PATH=/tmp/bench.sqlite3 python manage.py migrate
    SQLITE_PATH=/tmp/bench.sqlite3 python manage.py generate_archive --statements 1000000
    SQLITE_PATH=/tmp/bench.sqlite3 python bench/export_memory.py --limit 10000 100000 0

`--limit 0` means every row. DATABASE_URL=postgres://… measures PostgreSQL instead.
"""

import argparse
import json
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Measure as production runs: with DEBUG on, Django keeps the last 9,000 queries' SQL.
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("EXPORT_MAX_ROWS", "100000000")

import django  # noqa: E402

django.setup()

from common import status_kib  # noqa: E402  (bench/common.py)
from django.db import connection  # noqa: E402
from django.test import RequestFactory  # noqa: E402

from articles.formats.tabular import export_response  # noqa: E402
from articles.models import Statement  # noqa: E402
from articles.records.registry import record_type  # noqa: E402


def measure(fmt: str, limit: int, trace: bool) -> dict:
    record = record_type("statements")
    queryset = record.list_rows().order_by("-said_on", "-pk")  # the list's order
    if limit:
        # Limit by id range rather than slicing, so the export runs as on a filtered list.
        last = queryset.order_by("pk").values_list("pk", flat=True)[limit - 1 : limit]
        queryset = queryset.filter(pk__lte=last[0]) if last else queryset
    request = RequestFactory().get("/statements/", {"format": fmt})
    rss_before = status_kib("VmHWM")
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    private_before = private = status_kib("RssAnon")
    response = export_response(request, queryset, record=record)
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
        private = max(private, status_kib("RssAnon"))
    elapsed = time.perf_counter() - started
    result = {
        "database": connection.vendor,
        "format": fmt,
        "status": response.status_code,
        "rows": lines - (2 if fmt == "json" else 1),
        "seconds": round(elapsed, 1),
        "megabytes_out": round(size / 1e6, 1),
        "rss_before_mb": round(rss_before / 1024, 1),
        "max_rss_mb": round(status_kib("VmHWM") / 1024, 1),
        "private_before_mb": round(private_before / 1024, 1),
        "peak_private_mb": round(private / 1024, 1),
    }
    if trace:
        result["heap_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 1e6, 1)
        tracemalloc.stop()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, nargs="+", default=[10_000, 100_000, 0])
    parser.add_argument("--formats", nargs="+", default=["csv", "json"])
    parser.add_argument(
        "--tracemalloc", action="store_true", help="Also report the Python heap peak (slow)."
    )
    parser.add_argument("--one", nargs=2, metavar=("FORMAT", "LIMIT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one[0], int(args.one[1]), args.tracemalloc)), flush=True)
        return
    print(
        f"database: {connection.vendor}, published statements: "
        f"{Statement.objects.published().count()}",
        flush=True,
    )
    # One process per measurement, so that each peak RSS is its own.
    for limit in args.limit:
        for fmt in args.formats:
            command = [sys.executable, __file__, "--one", fmt, str(limit)]
            if args.tracemalloc:
                command.append("--tracemalloc")
            subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
