"""Over HTTP, side by side: our site under gunicorn against `datasette serve`, same file.

(Not `bench/http.py`: a script's folder comes first on sys.path, and a module named
`http` there would hide the standard library's `http` from Django and urllib.)

Starts gunicorn (2 sync workers, production settings over plain HTTP) and Datasette
(from its own virtualenv, bench/.venv-datasette, created here if missing; never a
dependency of the site) on two free ports of 127.0.0.1, both on the same SQLite file,
warms each URL up, then runs `wrk --latency` on equivalent URL pairs A-B-A-B (ours,
Datasette's, ours, Datasette's) and reports requests/s and p99 of each run. Then the
CSV export of the largest list a live export allows (the busiest month's first
days), downloaded whole, A-B-A-B: rows/s. Both servers are
stopped at the end (their process groups), whatever happens.

    SQLITE_PATH=… .venv/bin/python bench/http_bench.py --duration 10 --json out.json

Only 127.0.0.1 is ever requested. Datasette's side:
- the same rows: `status=published` and a `_where` that keeps published articles only
  (our public lists read `Statement.objects.published()`), sorted by said_on
  descending, 25 rows a page like ours;
- facets speaker_id, kind, channel and `_facet_date=said_on`; ours are speaker, kind,
  channel, outlet (a join, which Datasette's facets cannot do) and year;
- full text through the FTS5 table the site already maintains, `search_statement_fts`
  (rowid = statement id), declared as the table's `fts_table` in a metadata file
  passed with `-m`, so `_search=` works as on any Datasette table; the table holds the
  normalised words (search/normalise.py), so Datasette gets our FTS5 expression for the
  word in raw search mode (`_searchmode=raw`) and counts the same rows;
- the deep page through Datasette's own keyset token (`_next=said_on,id` of the last
  row of the page before), computed from the file;
- settings: sql_time_limit_ms and facet_time_limit_ms 10000 (so that no query or facet
  is cut short at a million rows and answers faster by failing), suggest_facets off
  (our pages suggest nothing); the file is opened as Datasette does by default
  (mutable, not `-i`).
"""

import argparse
import concurrent.futures
import json
import math
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

from common import (
    BENCH,
    PYTHON,
    RESULTS,
    ROOT,
    collectstatic,
    database_env,
    log,
    production_env,
    start_server,
    stop_server,
)

DATASETTE_VERSION = "0.65.5"
DATASETTE_VENV = BENCH / ".venv-datasette"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
HOST = "127.0.0.1"


# -- Processes -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def ensure_datasette() -> Path:
    """Datasette in its own virtualenv, pinned; the site never imports it."""
    executable = DATASETTE_VENV / "bin" / "datasette"
    if executable.exists():
        version = subprocess.run(
            [str(executable), "--version"], capture_output=True, text=True
        ).stdout
        if DATASETTE_VERSION in version:
            return executable
    log(f"installing datasette=={DATASETTE_VERSION} into {DATASETTE_VENV}")
    subprocess.run([sys.executable, "-m", "venv", str(DATASETTE_VENV)], check=True)
    subprocess.run(
        [str(DATASETTE_VENV / "bin" / "pip"), "install", "-q", f"datasette=={DATASETTE_VERSION}"],
        check=True,
    )
    return executable


def ensure_wrk() -> str:
    for candidate in ("/usr/bin/wrk", "/usr/local/bin/wrk"):
        if Path(candidate).exists():
            return candidate
    raise SystemExit("wrk is missing: apt-get update && apt-get install -y wrk")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def fetch(url: str, timeout: float = 600) -> tuple[int, bytes, dict]:
    assert url.startswith(f"http://{HOST}:"), url  # loopback only
    try:
        with OPENER.open(url, timeout=timeout) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def wait_ready(url: str, process: subprocess.Popen, logfile: Path, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited ({process.returncode}): see {logfile}")
        try:
            status, _, headers = fetch(url, timeout=60)
        except OSError:
            time.sleep(0.5)
            continue
        if status in (301, 302) and headers.get("Location", "").startswith("https:"):
            raise SystemExit(
                f"{url} redirects to HTTPS: config/settings.py has a switch this script "
                "does not know (bench/common.py production_env)"
            )
        if status == 200:
            return
        raise SystemExit(f"{url} answered {status}: see {logfile}")
    raise SystemExit(f"{url} did not answer within {seconds} s: see {logfile}")


# -- The URL pairs ---------------------------------------------------------------------

PUBLISHED_ARTICLE = "article_id in (select id from articles_article where status='published')"
FACETS = [("_facet", "speaker_id"), ("_facet", "kind"), ("_facet", "channel")]
FACETS += [("_facet_date", "said_on")]
# Datasette 0.65's streamed CSV sorted by a column with ties (`_sort_desc=said_on`)
# repeats some rows and drops others (its first page is ordered without the id that
# its keyset pages use): 7,096 rows with 6,997 distinct ids for 7,149 on the 100,000-
# statement archive. So its CSV is read in rowid order, which streams every row once;
# ours is sorted by date. Each download's rows are counted and compared.
CSV_STREAM = [("_stream", "on"), ("_labels", "on")]


def deep_token(path: Path, page: int, size: int) -> str:
    """Datasette's `_next` for `page`: said_on,id of the last row of the page before,
    in Datasette's keyset order (said_on descending, then id ascending)."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = db.execute(
            "SELECT said_on, id FROM articles_statement WHERE status = 'published' AND "
            f"{PUBLISHED_ARTICLE} ORDER BY said_on DESC, id LIMIT 1 OFFSET ?",
            ((page - 1) * size - 1,),
        ).fetchone()
    finally:
        db.close()
    return f"{row[0]},{row[1]}"


def pairs(samples: dict, path: Path, db_name: str) -> list[dict]:
    """(name, our path, Datasette's path) of each comparison."""
    top, word = samples["top_speaker"], samples["word"]["word"]
    size = samples["page_size"]
    deep = min(20_000, samples["pages"])
    table = f"/{db_name}/articles_statement"
    same_rows = [("status", "published"), ("_where", PUBLISHED_ARTICLE)]
    order = [("_sort_desc", "said_on"), ("_size", str(size))]

    def theirs(extra: list, *, csv: bool = False) -> str:
        if csv:  # in rowid order: see CSV_ORDER
            return f"{table}.csv?" + urlencode(extra + same_rows + CSV_STREAM)
        return f"{table}?" + urlencode(extra + same_rows + order + FACETS)

    return [
        {
            "name": f"statements by the top speaker ({top['statements']:,}), with facets",
            "ours_url": "/statements/?" + urlencode({"speaker": top["slug"]}),
            "theirs_url": theirs([("speaker_id", str(top["id"]))]),
            "rows": top["statements"],
        },
        {
            "name": "statements, page 1 (unfiltered), with facets",
            "ours_url": "/statements/",
            "theirs_url": theirs([]),
            "rows": samples["statements_published"],
        },
        {
            "name": f"statements, page {deep:,}",
            "ours_url": f"/statements/?page={deep}",
            "theirs_url": theirs([("_next", deep_token(path, deep, size))]),
        },
        {
            "name": "one statement",
            "ours_url": f"/statements/{samples['statement_id']}/",
            "theirs_url": f"{table}/{samples['statement_id']}",
        },
        {
            "name": f"full text: statements matching “{word}” ({word_share(samples)})",
            "ours_url": "/statements/?" + urlencode({"q": word}),
            # The index holds normalised words: the same expression as ours, raw.
            "theirs_url": theirs(
                [("_search", samples["word"].get("fts5") or word), ("_searchmode", "raw")]
            ),
            "rows": samples["word"]["matches"],
        },
        {
            "name": f"CSV, the top speaker's {top['statements']:,} statements",
            "ours_url": "/statements/?" + urlencode({"speaker": top["slug"], "format": "csv"}),
            "theirs_url": theirs([("speaker_id", str(top["id"]))], csv=True),
        },
    ]


def word_share(samples: dict) -> str:
    return f"{samples['word']['matches']:,} matches, {samples['word']['share']:.0%}"


def check_counts(base: str, pair: dict) -> str:
    """Datasette's own count of the rows its URL selects, against the expected count."""
    if "rows" not in pair:
        return ""
    path, _, query = pair["theirs_url"].partition("?")
    status, body, _ = fetch(f"{base}{path}.json?{query}")
    if status != 200:
        return f"Datasette answered {status}"
    count = json.loads(body).get("filtered_table_rows_count")
    return "" if count == pair["rows"] else f"Datasette counts {count:,}, we {pair['rows']:,}"


# -- wrk -------------------------------------------------------------------------------

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return round(float(number) * UNITS[unit], 2)


def run_length(pair: dict, args) -> int:
    """Seconds for each wrk run of a pair: `--duration`, longer for slow pages so that
    every connection completes a few requests (about 5 each, with some 2 requests in
    flight at a time on 2 cores), at most `--max-duration`."""
    slowest = max(pair["ours_single_ms"], pair["theirs_single_ms"]) / 1000
    wanted = math.ceil(5 * slowest * args.connections / 2)
    return max(args.duration, min(args.max_duration, wanted))


def run_wrk(wrk: str, url: str, args, duration: int) -> dict:
    assert url.startswith(f"http://{HOST}:"), url  # loopback only
    command = [
        wrk,
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{duration}s",
        "--latency",
        f"--timeout={max(args.timeout, duration)}s",
        url,
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result = {"rps": 0.0, "p50_ms": None, "p99_ms": None, "requests": 0, "errors": 0}
    if match := re.search(r"Requests/sec:\s+([\d.]+)", out):
        result["rps"] = float(match.group(1))
    for share, key in (("50", "p50_ms"), ("99", "p99_ms")):
        if match := re.search(rf"^\s+{share}%\s+(\S+)", out, re.M):
            result[key] = _ms(match.group(1))
    if match := re.search(r"(\d+) requests in", out):
        result["requests"] = int(match.group(1))
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        result["errors"] += int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    ):
        result["errors"] += int(match.group(1)) + int(match.group(3)) + int(match.group(4))
        result["timeouts"] = int(match.group(4))
    return result


def warm(url: str, rounds: int = 2, parallel: int = 4) -> tuple[int, int]:
    """A few concurrent requests, so that every worker has the page's cached counts."""
    status, size = 0, 0
    with concurrent.futures.ThreadPoolExecutor(parallel) as pool:
        for _ in range(rounds):
            for code, body, _ in pool.map(lambda _: fetch(url), range(parallel)):
                status, size = code, len(body)
    return status, size


def single(url: str) -> float:
    """One request alone, after the warm-up: its latency when nothing queues."""
    started = time.perf_counter()
    fetch(url)
    return round((time.perf_counter() - started) * 1000, 1)


def download(url: str) -> dict:
    """One whole CSV, streamed and counted: rows (lines − header), seconds, rows/s."""
    started = time.perf_counter()
    lines = size = 0
    with OPENER.open(url, timeout=1800) as response:
        status = response.status
        while chunk := response.read(1 << 16):
            lines += chunk.count(b"\n")
            size += len(chunk)
    elapsed = time.perf_counter() - started
    rows = max(0, lines - 1)
    return {
        "status": status,
        "rows": rows,
        "seconds": round(elapsed, 2),
        "rows_per_s": round(rows / elapsed) if elapsed else 0,
        "megabytes": round(size / 1e6, 1),
    }


# -- Main ------------------------------------------------------------------------------


def load_samples(path: Path, given: Path | None) -> dict:
    if given:
        data = json.loads(given.read_text())
        return data.get("samples", data)
    env = database_env(production_env(), sqlite=path)
    out = subprocess.run(
        [str(PYTHON), str(BENCH / "pages.py"), "--samples"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sqlite", type=Path, default=os.environ.get("SQLITE_PATH"))
    parser.add_argument("--samples", type=Path, help="pages.py --json output to reuse.")
    parser.add_argument("--duration", type=int, default=10, help="Seconds per wrk run.")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--max-duration", type=int, default=60, help="Longest wrk run, for slow pages."
    )
    parser.add_argument(
        "--timeout", type=int, default=30, help="wrk's request timeout (s), at least a run's."
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers.")
    parser.add_argument("--skip-large-csv", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if not args.sqlite or not Path(args.sqlite).exists():
        raise SystemExit("Give the SQLite file: --sqlite PATH or SQLITE_PATH.")
    path = Path(args.sqlite).resolve()
    db_name = path.stem
    wrk = ensure_wrk()
    datasette = ensure_datasette()
    samples = load_samples(path, args.samples)
    RESULTS.mkdir(parents=True, exist_ok=True)

    ours_port, theirs_port = free_port(), free_port()
    ours_base, theirs_base = f"http://{HOST}:{ours_port}", f"http://{HOST}:{theirs_port}"
    env = database_env(production_env(site_url=ours_base), sqlite=path)
    env["ALLOWED_HOSTS"] = HOST
    collectstatic(env)
    metadata = RESULTS / "datasette-metadata.json"
    metadata.write_text(
        json.dumps(
            {
                "databases": {
                    db_name: {
                        "tables": {
                            "articles_statement": {
                                "fts_table": "search_statement_fts",
                                "fts_pk": "id",
                            }
                        }
                    }
                }
            },
            indent=2,
        )
    )
    gunicorn_command = [
        str(GUNICORN),
        "config.wsgi",
        "-w",
        str(args.workers),
        "-b",
        f"{HOST}:{ours_port}",
        # A streamed CSV of a million-row archive outlasts the default 30 s.
        "--timeout",
        "600",
    ]
    datasette_command = [
        str(datasette),
        "serve",
        str(path),
        "-h",
        HOST,
        "-p",
        str(theirs_port),
        "-m",
        str(metadata),
        "--setting",
        "sql_time_limit_ms",
        "10000",
        "--setting",
        "facet_time_limit_ms",
        "10000",
        "--setting",
        "suggest_facets",
        "off",
    ]
    ours = theirs = None

    def interrupted(signum, frame):
        raise SystemExit(f"stopped by signal {signum}")  # runs the finally: below

    # Also when started in the background, where SIGINT is ignored.
    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, interrupted)
    result = {
        "file": str(path),
        "samples": samples,
        "wrk": f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency "
        f"--timeout={args.timeout}s",
        "gunicorn": " ".join(gunicorn_command[1:]).replace(str(ours_port), "PORT"),
        "datasette": f"datasette {DATASETTE_VERSION} "
        + " ".join(datasette_command[1:]).replace(str(theirs_port), "PORT2"),
        "pairs": [],
    }
    try:
        ours_log, theirs_log = RESULTS / "gunicorn.log", RESULTS / "datasette.log"
        ours = start_server(gunicorn_command, env, ours_log)
        theirs = start_server(datasette_command, dict(os.environ), theirs_log)
        wait_ready(f"{ours_base}/", ours, ours_log)
        wait_ready(f"{theirs_base}/{db_name}", theirs, theirs_log)
        for pair in pairs(samples, path, db_name):
            a, b = ours_base + pair["ours_url"], theirs_base + pair["theirs_url"]
            pair["ours_warm"] = warm(a)
            pair["theirs_warm"] = warm(b)
            pair["check"] = check_counts(theirs_base, pair)
            pair["ours_single_ms"] = single(a)
            pair["theirs_single_ms"] = single(b)
            duration = run_length(pair, args)
            pair["wrk"] = f"-c{args.connections} -d{duration}s"
            runs = {"ours": [], "theirs": []}
            for side, url in (("ours", a), ("theirs", b), ("ours", a), ("theirs", b)):
                runs[side].append(run_wrk(wrk, url, args, duration))
            pair.update(runs)
            mean = {side: sum(r["rps"] for r in runs[side]) / 2 for side in runs}
            pair["ratio"] = round(mean["ours"] / mean["theirs"], 2) if mean["theirs"] else None
            log(
                f"{pair['name']}: ours {[r['rps'] for r in runs['ours']]} req/s "
                f"(p99 {[r['p99_ms'] for r in runs['ours']]} ms), Datasette "
                f"{[r['rps'] for r in runs['theirs']]} (p99 "
                f"{[r['p99_ms'] for r in runs['theirs']]}) → ×{pair['ratio']}"
                + (f"  [{pair['check']}]" if pair["check"] else "")
            )
            result["pairs"].append(pair)
        if not args.skip_large_csv:
            month = samples["large_export"]
            ours_csv = "/statements/?" + urlencode(
                {"date_from": month["from"], "date_to": month["to"], "format": "csv"}
            )
            theirs_csv = f"/{db_name}/articles_statement.csv?" + urlencode(
                [
                    ("said_on__gte", month["from"]),
                    ("said_on__lte", month["to"]),
                    ("status", "published"),
                    ("_where", PUBLISHED_ARTICLE),
                    *CSV_STREAM,
                ]
            )
            runs = {"ours": [], "theirs": []}
            for side, url in (
                ("ours", ours_base + ours_csv),
                ("theirs", theirs_base + theirs_csv),
                ("ours", ours_base + ours_csv),
                ("theirs", theirs_base + theirs_csv),
            ):
                runs[side].append(download(url))
            result["large_csv"] = {
                "name": f"CSV, {month['from']} to {month['to']} ({month['statements']:,} rows)",
                "expected_rows": month["statements"],
                "ours_url": ours_csv,
                "theirs_url": theirs_csv,
                **runs,
            }
            log(f"large CSV: ours {runs['ours']}, Datasette {runs['theirs']}")
    finally:
        stop_server(ours)
        stop_server(theirs)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main()
