"""The in-process page table: every public page, timed server side, next to its SQL.

For the database named by SQLITE_PATH or DATABASE_URL (as the site reads them), this
script picks its sample values from the data itself (the most-quoted speaker, a speaker
with few statements, the busiest month and day, the article with the most statements,
a word that matches about a third of the statements, …), builds the page list of the
tracker's "Measured, not asserted" section, and requests each page through Django's
test client (view, queries, templates; no network) with DEBUG off: one warm-up request
(reported as "first": the first request after a write, by a process that has served
the page before; it fills the per-generation caches), then ROUNDS timed requests.

Per page it reports the status, the first request, p50 and p95 (nearest rank), the
queries per request, the time spent in the database driver's `execute()` (timed with
`connection.execute_wrapper`, since Django records query times only with DEBUG on),
the raw SQL time of the same queries replayed on a plain cursor with `fetchall()` (the
floor a page cannot go under), the ratio page p50 / raw SQL, and the query that bounds
the page (the slowest of the replay).

Then the CSV export of two filtered statement lists (the top speaker's statements and
the largest a live export allows: the busiest month's first days), each in a fresh
subprocess: rows, rows/s, peak RSS and peak private memory.

    SQLITE_PATH=/work/benchdata/dev.sqlite3 .venv/bin/python bench/pages.py --rounds 3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/pages.py

`--json PATH` writes the results for `bench/run.py`, which puts them in
docs/benchmarks.md. `--match TEXT` measures only the pages whose name contains TEXT.
"""

import argparse
import calendar
import datetime
import json
import math
import os
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

from common import ROOT, production_env, status_kib  # noqa: E402  (bench/common.py)

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Measure as production runs: DEBUG off (with it on, Django also keeps every query's SQL),
# over plain HTTP (HTTPS=false where the settings read it).
_env = production_env(site_url=os.environ.get("SITE_URL") or "http://127.0.0.1:8000")
for _name in set(os.environ) - set(_env):
    del os.environ[_name]
os.environ.update(_env)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402

from actors.models import Actor  # noqa: E402
from articles import freshness  # noqa: E402
from articles.models import Article, Event, EventParticipant, Outlet, Place, Statement  # noqa: E402
from search.engine import filter_text, fts5_expression, parse_query  # noqa: E402

HOST = "127.0.0.1"  # in ALLOWED_HOSTS by default; bench/run.py sets it explicitly
DEEP_PAGE = 20_000  # "page 20,000 of statements"


# -- Sample values, read from the data ------------------------------------------------


def _top(queryset, field, *, fewest=False):
    """(value, count) of the most (or least) frequent `field` in `queryset`."""
    order = ("n", field) if fewest else ("-n", field)
    row = (
        queryset.exclude(**{f"{field}__isnull": True})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .order_by(*order)
        .first()
    )
    return (row[field], row["n"]) if row else (None, 0)


def _third_word(published, total: int) -> dict:
    """The word whose share of statements is nearest one third, from a sample of texts."""
    ids = published.order_by().values_list("pk", flat=True)
    low, high = ids.order_by("pk").first(), ids.order_by("-pk").first()
    texts = []
    for step in range(8):  # 8 slices of 250 rows spread over the id range
        start = low + (high - low) * step // 8
        texts += published.filter(pk__gte=start).order_by("pk").values_list("text", flat=True)[:250]
    frequency = Counter()
    for text in texts:
        frequency.update({w for w in re.findall(r"[a-z]{4,}", text.lower())})
    candidates = sorted(frequency, key=lambda w: (abs(frequency[w] / len(texts) - 1 / 3), w))
    # The sample only ranks the candidates; the exact counts of the best few decide.
    shortlist = list(dict.fromkeys(candidates[:4] + ["ceasefire"]))
    counts = {w: filter_text(published, w).count() for w in shortlist}
    word = min(counts, key=lambda w: (abs(counts[w] / total - 1 / 3), w))
    matches = counts[word]
    second = next((w for w in candidates if w != word and counts.get(w, 0) < matches), word)
    return {
        "word": word,
        # What the FTS5 table holds is the normalised words (search/normalise.py): a
        # Datasette query of the same rows gives this expression in raw search mode.
        "fts5": fts5_expression(parse_query(word)),
        "matches": matches,
        "share": round(matches / total, 3) if total else 0,
        "second_word": second,
    }


def pick_samples() -> dict:
    """Real values from this archive for every page of the list."""
    published = Statement.objects.published()
    total = published.count()
    if not total:
        raise SystemExit("No published statements: build the archive first (bench/run.py).")
    top_id, top_n = _top(published, "speaker_id")
    few_id, few_n = _top(published, "speaker_id", fewest=True)
    top = Actor.objects.get(pk=top_id)
    few = Actor.objects.get(pk=few_id)
    days = Counter(
        {
            row["said_on"]: row["n"]
            for row in published.order_by().values("said_on").annotate(n=Count("pk"))
        }
    )
    months, years = Counter(), Counter()
    for day, n in days.items():
        months[(day.year, day.month)] += n
        years[day.year] += n
    busiest_day, day_n = max(days.items(), key=lambda item: (item[1], item[0]))
    (year, month), month_n = max(months.items(), key=lambda item: (item[1], item[0]))
    busiest_year = max(years.items(), key=lambda item: (item[1], item[0]))[0]
    month_start = f"{year:04d}-{month:02d}-01"
    month_end = datetime.date(year, month, calendar.monthrange(year, month)[1]).isoformat()
    # The largest export a list allows: the busiest month's first days, up to 90% of
    # EXPORT_MAX_ROWS (a longer list is refused and pointed to /downloads/).
    export_end, export_n = datetime.date(year, month, 1), 0
    for day in sorted(d for d in days if d >= export_end):
        if export_n + days[day] > settings.EXPORT_MAX_ROWS * 0.9:
            break
        export_end, export_n = day, export_n + days[day]
    article_id, article_n = _top(published, "article_id")
    event_id, event_n = _top(published.filter(events__status="published"), "events")
    event = Event.objects.get(pk=event_id) if event_id else Event.objects.published().first()
    outlet_id, outlet_n = _top(Article.objects.published(), "outlet_id")
    place_id, place_n = _top(Event.objects.published(), "place_id")
    channels = (
        published.order_by().values("channel").annotate(n=Count("pk")).order_by("-n", "channel")
    )
    participant_id, _ = _top(EventParticipant.objects.filter(event__status="published"), "actor_id")
    event_kind, _ = _top(Event.objects.published(), "kind")
    actor_kind, _ = _top(Actor.objects.all(), "kind")
    country, _ = _top(Actor.objects.exclude(country=""), "country")
    word = _third_word(published, total)
    statement = published.filter(speaker=top).order_by("-said_on", "-pk").first()
    return {
        "statements_total": Statement.objects.count(),
        "statements_published": total,
        "top_speaker": {"slug": top.slug, "id": top.pk, "name": top.name, "statements": top_n},
        "few_speaker": {"slug": few.slug, "id": few.pk, "statements": few_n},
        "busiest_day": {"date": busiest_day.isoformat(), "statements": day_n},
        "busiest_month": {
            "year": year,
            "month": month,
            "from": month_start,
            "to": month_end,
            "statements": month_n,
        },
        "large_export": {"from": month_start, "to": export_end.isoformat(), "statements": export_n},
        "busiest_year": busiest_year,
        "article": {"slug": Article.objects.get(pk=article_id).slug, "statements": article_n},
        "event": {"slug": event.slug, "statements": event_n} if event else None,
        "outlet": {"slug": Outlet.objects.get(pk=outlet_id).slug, "articles": outlet_n},
        "place": {"slug": Place.objects.get(pk=place_id).slug, "events": place_n}
        if place_id
        else None,
        "kind": _top(published, "kind")[0],
        "channel": channels[0]["channel"],
        "second_channel": channels[1]["channel"] if len(channels) > 1 else channels[0]["channel"],
        "language": _top(published, "language")[0],
        "event_kind": event_kind,
        "participant": Actor.objects.get(pk=participant_id).slug if participant_id else top.slug,
        "actor_kind": actor_kind,
        "country": country,
        "statement_id": statement.pk,
        "word": word,
        "pages": math.ceil(total / settings.PAGE_SIZE),
        "page_size": settings.PAGE_SIZE,
    }


# -- The pages -------------------------------------------------------------------------


def _url(path: str, **params) -> str:
    params = {key: value for key, value in params.items() if value not in (None, "")}
    return path + ("?" + urlencode(params) if params else "")


def page_list(s: dict) -> list[tuple[str, str]]:
    """(name, URL) of every page the tracker names, with this archive's values."""
    top, few, month = s["top_speaker"]["slug"], s["few_speaker"]["slug"], s["busiest_month"]
    word, day = s["word"]["word"], s["busiest_day"]["date"]
    deep = min(DEEP_PAGE, s["pages"])
    deep_name = f"page {deep:,}" + ("" if deep == DEEP_PAGE else " (the last)")
    pages = [("home", "/")]
    lists = {
        "statements": [
            ("q", word),
            ("date_from", month["from"]),
            ("date_to", month["to"]),
            ("speaker", top),
            ("actor", top),
            ("kind", s["kind"]),
            ("channel", s["channel"]),
            ("outlet", s["outlet"]["slug"]),
            ("language", s["language"]),
        ],
        "articles": [
            ("q", word),
            ("date_from", month["from"]),
            ("date_to", month["to"]),
            ("actor", top),
            ("outlet", s["outlet"]["slug"]),
            ("language", s["language"]),
        ],
        "events": [
            ("q", word),
            ("date_from", month["from"]),
            ("date_to", month["to"]),
            ("actor", s["participant"]),
            ("kind", s["event_kind"]),
            ("place", s["place"]["slug"] if s["place"] else ""),
        ],
        "actors": [
            ("q", s["top_speaker"]["name"]),
            ("kind", s["actor_kind"]),
            ("country", s["country"] or ""),
        ],
    }
    two = {
        "statements": {"speaker": top, "channel": s["channel"]},
        "articles": {"outlet": s["outlet"]["slug"], "date_from": month["from"]},
        "events": {"kind": s["event_kind"], "place": s["place"]["slug"] if s["place"] else ""},
        "actors": {"kind": s["actor_kind"], "q": "actor"},
    }
    sorts = {
        "statements": ["-date", "date"],
        "articles": ["-date", "date", "title"],
        "events": ["-date", "date"],
        "actors": ["name", "most_quoted"],
    }
    for name, filters in lists.items():
        path = f"/{name}/"
        pages.append((f"{name}", path))
        for key, value in filters:
            if value:
                pages.append((f"{name} {key}=", _url(path, **{key: value})))
        pages.append((f"{name} " + " & ".join(f"{k}=" for k in two[name]), _url(path, **two[name])))
        for sort in sorts[name]:
            pages.append((f"{name} sort={sort}", _url(path, sort=sort)))
        pages.append((f"{name} page 2", _url(path, page=2)))
    pages.append((f"statements {deep_name}", _url("/statements/", page=deep)))
    # A word in a quarter of the statements narrowed by a speaker (its matches are read
    # once, as ids, for the count and the facets).
    pages.append(("statements q= & speaker=", _url("/statements/", q=word, speaker=top)))
    # Date ranges that cut months: the busiest month from its second day on, and ten of
    # its days.
    prefix = month["from"][:8]
    pages += [
        ("statements date_from= (cuts a month)", _url("/statements/", date_from=prefix + "02")),
        (
            "statements date_from= & date_to= (ten days)",
            _url("/statements/", date_from=prefix + "11", date_to=prefix + "20"),
        ),
        (
            "statements q= & ten days",
            _url("/statements/", q=word, date_from=prefix + "11", date_to=prefix + "20"),
        ),
    ]
    pages += [
        ("statement", f"/statements/{s['statement_id']}/"),
        (
            f"article ({s['article']['statements']} statements)",
            f"/articles/{s['article']['slug']}/",
        ),
        ("actor, most quoted", f"/actors/{top}/"),
        (f"actor, {s['few_speaker']['statements']} statement(s)", f"/actors/{few}/"),
    ]
    if s["event"]:
        pages.append(
            (f"event ({s['event']['statements']} statements)", f"/events/{s['event']['slug']}/")
        )
    pages.append(("outlet", f"/outlets/{s['outlet']['slug']}/"))
    if s["place"]:
        pages.append(("place", f"/places/{s['place']['slug']}/"))
    pages += [
        ("dates index", "/dates/"),
        ("year", f"/dates/{s['busiest_year']}/"),
        ("month", f"/dates/{month['year']:04d}/{month['month']:02d}/"),
        ("day (busiest)", "/dates/" + day.replace("-", "/") + "/"),
        (f"search q={word} (~⅓)", _url("/search/", q=word)),
        (f"search q={word}, statements", _url("/search/", q=word, type="statements")),
        (
            f"search q={word} {s['word']['second_word']}",
            _url("/search/", q=f"{word} {s['word']['second_word']}"),
        ),
        ("search q=speaker name", _url("/search/", q=s["top_speaker"]["name"])),
        # The word narrowed by an actor and by ten days: ranked, each row scored alone.
        (f"search q={word} & actor= (most quoted)", _url("/search/", q=word, actor=top)),
        (
            f"search q={word} & ten days",
            _url("/search/", q=word, date_from=prefix + "11", date_to=prefix + "20"),
        ),
    ]
    return pages


# -- Measuring -------------------------------------------------------------------------


class QueryLog:
    """An execute wrapper: every query of the request, with the time of its execute()."""

    def __init__(self):
        self.queries: list[tuple[str, object, bool, float]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((sql, params, many, time.perf_counter() - started))


def nearest_rank(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def abbreviate(sql: str, limit: int = 200) -> str:
    """SQL on one line, short enough for a table: table names off the columns, joins as
    `⋈ table`, a long column list elided, and the GROUP BY / ORDER BY / LIMIT kept."""
    text = " ".join(sql.replace('"', "").split())
    text = re.sub(r"\b[a-z_]+\.([a-z_]+)\b", r"\1", text)
    text = re.sub(r"(?:INNER|LEFT OUTER) JOIN (\w+)(?: \w+)? ON \([^()]*\)", r"⋈ \1", text)
    match = re.match(r"(SELECT (?:DISTINCT )?)(.*?)( FROM .*)", text)
    if match and len(match.group(2)) > 40:
        text = match.group(1) + match.group(2)[:20] + "…" + match.group(3)
    if len(text) <= limit:
        return text
    ends = [text.rfind(word) for word in (" GROUP BY ", " ORDER BY ", " LIMIT ")]
    cut = min((i for i in ends if i > len(text) // 2), default=-1)
    tail = text[cut:] if cut > 0 else ""
    tail = tail if len(tail) <= 60 else tail[:59] + "…"
    return text[: limit - len(tail) - 2] + " …" + tail


def replay(queries, repeat: int = 3) -> dict:
    """The raw SQL of a request: each SELECT again on a plain cursor, fetching every row."""
    per_query = []
    for sql, params, many, _ in queries:
        if many or not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        times = []
        for _ in range(repeat):
            with connection.cursor() as cursor:
                started = time.perf_counter()
                cursor.execute(sql, params)
                cursor.fetchall()
                times.append(time.perf_counter() - started)
        per_query.append((statistics.median(times), sql))
    slowest = max(per_query, default=(0.0, ""))
    return {
        "raw_sql_ms": round(sum(t for t, _ in per_query) * 1000, 2),
        "replayed": len(per_query),
        "bound_ms": round(slowest[0] * 1000, 2),
        "bound_sql": abbreviate(slowest[1]),
    }


def timed_request(client: Client, url: str):
    """One request, its body read to the end, with the queries it ran."""
    log = QueryLog()
    with connection.execute_wrapper(log):
        started = time.perf_counter()
        response = client.get(url, HTTP_HOST=HOST)
        if response.streaming:
            for _chunk in response.streaming_content:
                pass
        elapsed = time.perf_counter() - started
    return response, elapsed, log.queries


FIRST_ROUNDS = 3  # first requests after a write, of which "first" is the median


def measure(client: Client, name: str, url: str, rounds: int, budget: float) -> dict:
    """The first request after a write (cold caches) and `rounds` timed requests, and
    both replays.

    The process serves the page once before the write, untimed, as a running server
    has long before: its templates are loaded and compiled. The write is what every
    publish does to the caches (`freshness.advance()`): no stored page, count or facet
    of the archive's generation is left, so "first" is what a reader waits for after it.
    It is the median of FIRST_ROUNDS such requests, each after its own write: one alone
    on a shared machine read twice its usual time now and then.
    """
    client.get(url, HTTP_HOST=HOST)
    firsts = []
    for _ in range(FIRST_ROUNDS):
        freshness.advance()
        firsts.append(timed_request(client, url))
    response, first, cold_queries = sorted(firsts, key=lambda run: run[1])[len(firsts) // 2]
    times, sql_times, counts, queries = [], [], [], []
    spent = 0.0
    for _ in range(rounds):
        response, elapsed, queries = timed_request(client, url)
        times.append(elapsed)
        sql_times.append(sum(q[3] for q in queries))
        counts.append(len(queries))
        spent += elapsed
        if budget and spent > budget and len(times) >= 3:
            break
    result = {
        "name": name,
        "url": url,
        "status": response.status_code,
        "bytes": len(response.content) if not response.streaming else None,
        "n": len(times),
        "first_ms": round(first * 1000, 1),
        "first_queries": len(cold_queries),
        "first_sql_ms": round(sum(q[3] for q in cold_queries) * 1000, 2),
        "p50_ms": round(statistics.median(times) * 1000, 1),
        "p95_ms": round(nearest_rank(times, 0.95) * 1000, 1),
        "queries": max(counts),
        "sql_ms": round(statistics.median(sql_times) * 1000, 2),
    }
    warm = replay(queries)
    cold = replay(cold_queries, repeat=1)
    result["raw_sql_ms"] = warm["raw_sql_ms"]
    result["first_raw_sql_ms"] = cold["raw_sql_ms"]
    bound = max((cold, "first"), (warm, "timed"), key=lambda item: item[0]["bound_ms"])
    result.update(bound_ms=bound[0]["bound_ms"], bound_sql=bound[0]["bound_sql"], bound_in=bound[1])
    raw, first_raw = result["raw_sql_ms"], result["first_raw_sql_ms"]
    result["ratio"] = round(result["p50_ms"] / raw, 1) if raw >= 0.05 else None
    result["first_ratio"] = round(result["first_ms"] / first_raw, 1) if first_raw >= 0.05 else None
    return result


# -- CSV export, one fresh process per measurement --------------------------------------


def csv_child(url: str) -> dict:
    """Stream one export through the test client and discard it; rows, time and memory."""
    client = Client()
    rss_before = status_kib("VmHWM")
    private_before = private = status_kib("RssAnon")
    started = time.perf_counter()
    response = client.get(url, HTTP_HOST=HOST)
    lines = size = 0
    first_byte = None
    for chunk in response.streaming_content if response.streaming else [response.content]:
        if first_byte is None:
            first_byte = time.perf_counter() - started
        lines += chunk.count(b"\n")
        size += len(chunk)
        private = max(private, status_kib("RssAnon"))
    elapsed = time.perf_counter() - started
    rows = max(0, lines - 1)  # the header; generated and real texts carry no newline
    return {
        "url": url,
        "status": response.status_code,
        "streaming": response.streaming,
        "rows": rows,
        "seconds": round(elapsed, 2),
        "first_byte_s": round(first_byte or 0, 3),
        "rows_per_s": round(rows / elapsed) if elapsed else 0,
        "megabytes": round(size / 1e6, 1),
        "rss_before_mb": round(rss_before / 1024, 1),
        "peak_rss_mb": round(status_kib("VmHWM") / 1024, 1),
        "private_before_mb": round(private_before / 1024, 1),
        "peak_private_mb": round(private / 1024, 1),
    }


def csv_exports(s: dict) -> list[dict]:
    large = s["large_export"]
    cases = [
        (
            f"speaker (the most quoted, {s['top_speaker']['statements']:,} statements)",
            _url("/statements/", speaker=s["top_speaker"]["slug"], format="csv"),
            s["top_speaker"]["statements"],
        ),
        (
            f"the largest export allowed ({large['from']} to {large['to']}, "
            f"{large['statements']:,} statements)",
            _url("/statements/", date_from=large["from"], date_to=large["to"], format="csv"),
            large["statements"],
        ),
    ]
    results = []
    for name, url, expected in cases:
        output = subprocess.run(
            [sys.executable, __file__, "--csv-child", url],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        result = json.loads(output.strip().splitlines()[-1])
        result.update(name=name, expected_rows=expected)
        print(
            f"csv {name}: {result['rows']:,} rows in {result['seconds']} s = "
            f"{result['rows_per_s']:,} rows/s, peak RSS {result['peak_rss_mb']} MB "
            f"(before {result['rss_before_mb']} MB), peak private memory "
            f"{result['peak_private_mb']} MB (before {result['private_before_mb']} MB)",
            flush=True,
        )
        results.append(result)
    return results


def database_label() -> str:
    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        return f"SQLite {connection.Database.sqlite_version} ({db['NAME']})"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return f"PostgreSQL {version} (database {db['NAME']})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=20, help="Timed requests per page.")
    parser.add_argument(
        "--page-budget",
        type=float,
        default=0,
        help="Stop a page's rounds after this many seconds (at least 3 rounds); 0: no limit.",
    )
    parser.add_argument("--match", default="", help="Only the pages whose name contains this.")
    parser.add_argument("--json", type=Path, help="Write the results to this file.")
    parser.add_argument("--skip-csv", action="store_true", help="Leave out the CSV exports.")
    parser.add_argument("--samples", action="store_true", help="Print the samples and stop.")
    parser.add_argument("--csv-child", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.csv_child:
        print(json.dumps(csv_child(args.csv_child)), flush=True)
        return

    started = time.perf_counter()
    samples = pick_samples()
    picked = round(time.perf_counter() - started, 1)
    if args.samples:
        print(json.dumps(samples, indent=2, default=str))
        return
    label = database_label()
    print(
        f"{label}: {samples['statements_published']:,} published statements; samples in "
        f"{picked} s; {args.rounds} rounds after a warm-up",
        flush=True,
    )
    client = Client()
    # The process's own first request (URL conf, middleware, the base template) is not
    # the archive's: a running server has made it long before a write. Two requests that
    # read no record make it here, so that the first page's "first" is a first request
    # after a write, as every other page's is.
    for warm_up in ("/healthz", "/no-such-page/"):
        client.get(warm_up, HTTP_HOST=HOST)
    results = []
    for name, url in page_list(samples):
        if args.match and args.match not in name:
            continue
        result = measure(client, name, url, args.rounds, args.page_budget)
        results.append(result)
        print(
            f"{result['status']} p50 {result['p50_ms']:8.1f} p95 {result['p95_ms']:8.1f} ms "
            f"{result['queries']:2d} q sql {result['sql_ms']:7.1f} raw "
            f"{result['raw_sql_ms']:7.1f} ×{result['ratio']} | first {result['first_ms']:8.1f} "
            f"{result['first_queries']:2d} q raw {result['first_raw_sql_ms']:7.1f} "
            f"×{result['first_ratio']}  {name}  {url}",
            flush=True,
        )
    csv = [] if args.skip_csv else csv_exports(samples)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(
                {
                    "database": connection.vendor,
                    "label": label,
                    "rounds": args.rounds,
                    "samples": samples,
                    "samples_seconds": picked,
                    "pages": results,
                    "csv": csv,
                },
                indent=2,
                default=str,
            )
        )


if __name__ == "__main__":
    main()
