"""Over HTTP, on PostgreSQL behind gunicorn: the bounded load test and the parallel exports.

Creates (or reuses) the PostgreSQL database named by `--database-url`, migrates it,
fills it with a generated archive (`generate_archive --statements N --seed 3`) when it
has no statements, creates `--editors` editors (the `editor_create` service, the one
`manage.py create_editor` uses) and starts gunicorn as README "Deploying" does
(gthread, `--workers 2 --threads 4 --timeout 120` on a two-core machine) with the
production settings over plain HTTP and the Redis cache of `--cache-url`. Then:

1. The load test: `--connections` readers on keep-alive connections request a mix of
   public pages (home, lists with filters, detail pages, search, a feed) for
   `--duration` seconds, while each editor logs in to the admin and, over and over, opens
   the change form of one of a few statements and posts it back (CSRF token and the
   version the form carries) with a new translation. A save is accepted (302), or
   refused as stale (200 with the optimistic-locking message: another editor saved
   first; counted apart, not as an error). Afterwards, through the ORM: the history rows
   the editors added equal the saves accepted, every accepted translation is in the
   history, each statement's version rose by its accepted saves and its current
   translation is its newest history row's: no lost edit.
2. The parallel exports: two `/statements/?format=csv` downloads of the whole published
   list (under EXPORT_MAX_ROWS); once both stream, a third, which the export slots must
   refuse with 503 and Retry-After; meanwhile a reader requests `GET /` over and over.
   Each CSV is parsed and its rows compared with the list's count.

Only 127.0.0.1 is requested. gunicorn is stopped (its process group) whatever happens,
also on SIGTERM; the database is dropped at the end unless `--keep`.

    .venv/bin/python bench/load.py --duration 60 --connections 32 --json out.json

The script itself imports no Django: what needs the ORM runs in a child process of this
same file (`--child setup|check`) with the server's environment.
"""

import argparse
import csv
import datetime
import http.client
import io
import json
import math
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

from common import (
    BENCH,
    PYTHON,
    RESULTS,
    ROOT,
    collectstatic,
    database_env,
    ensure_postgres_database,
    git_state,
    log,
    machine,
    manage,
    production_env,
    start_server,
    stop_server,
)

HOST = "127.0.0.1"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
CONFLICT = "Someone else saved this"
MARK = "load-test"


# -- The ORM side, run as a child process -----------------------------------------------


def _django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def child_setup(editors: int, password: str, targets: int) -> dict:
    """Editors, the statements they edit, the readers' URLs; an empty cache."""
    _django()
    import pages  # bench/pages.py: the sample values and the page list
    from axes.utils import reset as axes_reset
    from django.contrib.auth import get_user_model
    from django.core.cache import cache

    from articles.models import Statement
    from articles.services import editor_create

    cache.clear()  # Redis db of this benchmark only: no pages of an earlier archive
    names = [f"load-editor-{number}" for number in range(1, editors + 1)]
    User = get_user_model()
    for name in names:
        user = User.objects.filter(username=name).first()
        if user is None:
            editor_create(username=name, email="", password=password)
        else:  # a database kept from an earlier run (--keep): this run's password
            user.set_password(password)
            user.save(update_fields=["password"])
        axes_reset(username=name)
    samples = pages.pick_samples()
    chosen = Statement.objects.published().order_by("-said_on", "-pk")[:targets]
    return {
        "editors": names,
        "targets": [{"id": s.pk, "version": s.version} for s in chosen],
        "samples": samples,
        "pages": pages.page_list(samples),
        "statements_total": Statement.objects.count(),
    }


def child_count() -> dict:
    _django()
    from articles.models import Statement

    return {"statements": Statement.objects.count()}


def child_check(since: str, editors: list[str], targets: list[dict]) -> dict:
    """What the history says the editors saved since `since`."""
    _django()
    from articles.models import Statement

    history = Statement.history.filter(
        history_date__gte=datetime.datetime.fromisoformat(since),
        history_user__username__in=editors,
        id__in=[target["id"] for target in targets],
    )
    rows = list(history.order_by("history_date", "history_id").values("id", "translation"))
    current = {
        s["id"]: s for s in Statement.objects.filter(pk__in=[t["id"] for t in targets]).values()
    }
    newest = {}
    for row in rows:
        newest[row["id"]] = row["translation"]
    return {
        "history_rows": len(rows),
        "translations": [row["translation"] for row in rows],
        "per_statement": {
            str(target["id"]): {
                "history_rows": sum(1 for row in rows if row["id"] == target["id"]),
                "version_rise": current[target["id"]]["version"] - target["version"],
                "current_is_newest": current[target["id"]]["translation"]
                == newest.get(target["id"], current[target["id"]]["translation"]),
            }
            for target in targets
        },
    }


def run_child(env: dict, *args: str, stdin: str = "") -> dict:
    out = subprocess.run(
        [str(PYTHON), str(BENCH / "load.py"), "--child", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise SystemExit(f"child {args[0]} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout)


# -- HTTP ------------------------------------------------------------------------------


class Client:
    """One keep-alive connection to 127.0.0.1 with its cookies, reopened when closed."""

    def __init__(self, port: int, timeout: float = 120):
        self.port, self.timeout = port, timeout
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, str, dict]:
        headers = {"Host": f"{HOST}:{self.port}", "User-Agent": "bench/load.py"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
            try:
                self.connection.request(method, path, body=data, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # The server closed an idle keep-alive connection: once more on a new one.
                self.close()
                if attempt == 2:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return response.status, text, dict(response.getheaders())

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


class FormFields(HTMLParser):
    """The fields a browser would submit from the form with id `form_id`."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside = form_id, False
        self.fields: list[tuple[str, str]] = []
        self.select: str | None = None
        self.textarea: str | None = None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or "name" not in a and tag != "option":
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "select":
            self.select = a["name"]
        elif tag == "option" and self.select and "selected" in a:
            self.fields.append((self.select, a.get("value", "")))
        elif tag == "textarea":
            self.textarea, self.text = a["name"], ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            # Browsers drop the one newline Django writes after <textarea>.
            text = self.text[1:] if self.text.startswith("\n") else self.text
            self.fields.append((self.textarea, text.replace("\r\n", "\n")))
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.text += data


def form_fields(html: str, form_id: str) -> list[tuple[str, str]]:
    parser = FormFields(form_id)
    parser.feed(html)
    return parser.fields


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not match:
        raise RuntimeError("no CSRF token in the page")
    return match.group(1)


def percentile(values: list[float], share: float) -> float | None:
    """Nearest rank."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(0, math.ceil(len(ordered) * share) - 1)], 1)


# -- The load test ----------------------------------------------------------------------


def reader(port: int, urls: list[str], stop: threading.Event, seed: int, out: dict) -> None:
    rng = random.Random(seed)
    client = Client(port)
    try:
        while not stop.is_set():
            url = rng.choice(urls)
            started = time.perf_counter()
            try:
                status, _, _ = client.request("GET", url)
            except (OSError, http.client.HTTPException) as error:
                client.close()
                out["statuses"][type(error).__name__] += 1
                continue
            out["latencies"].append((time.perf_counter() - started) * 1000)
            out["statuses"][status] += 1
            if status >= 400:
                out["failed_urls"][f"{status} {url}"] += 1
    finally:
        client.close()


def editor(
    port: int, name: str, password: str, targets: list[int], stop: threading.Event, out: dict
) -> None:
    rng = random.Random(name)
    client = Client(port)
    try:
        _, page, _ = client.request("GET", "/admin/login/?next=/admin/")
        status, _, headers = client.request(
            "POST",
            "/admin/login/?next=/admin/",
            {
                "csrfmiddlewaretoken": csrf_token(page),
                "username": name,
                "password": password,
                "next": "/admin/",
            },
        )
        if status != 302:
            raise RuntimeError(f"{name} could not log in ({status})")
        number = 0
        while not stop.is_set():
            pk = rng.choice(targets)
            path = f"/admin/articles/statement/{pk}/change/"
            status, page, _ = client.request("GET", path)
            out["statuses"][f"GET form {status}"] += 1
            if status != 200:
                continue
            fields = [(k, v) for k, v in form_fields(page, "statement_form") if k != "translation"]
            number += 1
            mark = f"{MARK} {name} {number}"
            fields += [("translation", mark), ("_save", "Save")]
            status, page, _ = client.request("POST", path, dict_of(fields))
            if status == 302:
                out["accepted"].append(mark)
            elif status == 200 and CONFLICT in page:
                out["refused_stale"] += 1
            else:
                out["statuses"][f"POST {status}"] += 1
                errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', page, re.S)
                out["form_errors"][re.sub(r"<[^>]+>", "", " ".join(errors))[:200]] += 1
    except (OSError, http.client.HTTPException, RuntimeError) as error:
        out["statuses"][f"{type(error).__name__}: {error}"[:120]] += 1
    finally:
        client.close()


def dict_of(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for key, value in fields:
        grouped.setdefault(key, []).append(value)
    return grouped


def reader_urls(setup: dict) -> list[str]:
    """Every page of bench/pages.py's list, and the feeds."""
    urls = [url for _, url in setup["pages"]]
    top = setup["samples"]["top_speaker"]["slug"]
    return urls + ["/feeds/statements/", f"/actors/{top}/feed/"]


def load_test(port: int, setup: dict, password: str, args) -> dict:
    urls = reader_urls(setup)
    stop = threading.Event()
    readers = [
        {"latencies": [], "statuses": Counter(), "failed_urls": Counter()}
        for _ in range(args.connections)
    ]
    editors = [
        {"accepted": [], "refused_stale": 0, "statuses": Counter(), "form_errors": Counter()}
        for _ in setup["editors"]
    ]
    targets = [target["id"] for target in setup["targets"]]
    since = datetime.datetime.now(datetime.UTC).isoformat()
    threads = [
        threading.Thread(target=reader, args=(port, urls, stop, n, out))
        for n, out in enumerate(readers)
    ] + [
        threading.Thread(target=editor, args=(port, name, password, targets, stop, out))
        for name, out in zip(setup["editors"], editors, strict=True)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(args.duration)  # the run's length, not a wait for a condition
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies = [ms for out in readers for ms in out["latencies"]]
    statuses = sum((out["statuses"] for out in readers), Counter())
    failed = sum((out["failed_urls"] for out in readers), Counter())
    accepted = [mark for out in editors for mark in out["accepted"]]
    editor_statuses = sum((out["statuses"] for out in editors), Counter())
    form_errors = sum((out["form_errors"] for out in editors), Counter())
    return {
        "since": since,
        "seconds": round(elapsed, 1),
        "urls": len(urls),
        "reader_requests": len(latencies),
        "reader_rps": round(len(latencies) / elapsed, 1),
        "reader_statuses": {str(k): v for k, v in sorted(statuses.items(), key=str)},
        "reader_5xx": sum(v for k, v in statuses.items() if isinstance(k, int) and k >= 500),
        "reader_failed_urls": dict(failed.most_common(10)),
        "p50_ms": percentile(latencies, 0.50),
        "p95_ms": percentile(latencies, 0.95),
        "p99_ms": percentile(latencies, 0.99),
        "max_ms": round(max(latencies), 1) if latencies else None,
        "editors": len(editors),
        "statements_edited": targets,
        "saves_accepted": len(accepted),
        "saves_refused_stale": sum(out["refused_stale"] for out in editors),
        "editor_other": {
            str(k): v for k, v in editor_statuses.items() if not k.startswith("GET form 200")
        },
        "form_errors": dict(form_errors),
        "accepted_marks": accepted,
    }


# -- The parallel exports ---------------------------------------------------------------


def export_test(port: int, setup: dict) -> dict:
    url = "/statements/?format=csv"
    expected = setup["samples"]["statements_published"]
    streaming = [threading.Event(), threading.Event()]
    third_done, done = threading.Event(), threading.Event()
    results: list[dict] = [{}, {}]
    third: dict = {}
    home: list[float] = []

    def download(number: int) -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=600)
        started = time.perf_counter()
        try:
            connection.request("GET", url, headers={"Host": f"{HOST}:{port}"})
            response = connection.getresponse()
            streaming[number].set()
            third_done.wait(60)  # keep both slots taken until the third has its answer
            body = response.read()  # IncompleteRead if the stream was cut
            rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
            results[number] = {
                "status": response.status,
                "rows": len(rows) - 1,
                "complete": response.status == 200 and len(rows) - 1 == expected,
                "megabytes": round(len(body) / 1e6, 1),
            }
        except (OSError, http.client.HTTPException) as error:
            streaming[number].set()
            results[number] = {"error": f"{type(error).__name__}: {error}"[:200]}
        finally:
            results[number]["seconds"] = round(time.perf_counter() - started, 2)
            connection.close()

    def read_home() -> None:
        client = Client(port)
        while not done.is_set():
            started = time.perf_counter()
            status, _, _ = client.request("GET", "/")
            home.append((time.perf_counter() - started) * 1000)
            if status != 200:
                home_statuses[status] += 1
        client.close()

    home_statuses: Counter = Counter()
    threads = [threading.Thread(target=download, args=(n,)) for n in (0, 1)]
    home_thread = threading.Thread(target=read_home)
    home_thread.start()
    for thread in threads:
        thread.start()
    for event in streaming:
        event.wait(120)
    client = Client(port)
    try:
        status, _, headers = client.request("GET", url)
        third.update(status=status, retry_after=headers.get("Retry-After"))
    finally:
        client.close()
        third_done.set()
    for thread in threads:
        thread.join()
    done.set()
    home_thread.join()
    return {
        "url": url,
        "list_count": expected,
        "exports": results,
        "third": third,
        "home_requests": len(home),
        "home_p50_ms": percentile(home, 0.5),
        "home_max_ms": round(max(home), 1) if home else None,
        "home_not_200": dict(home_statuses),
    }


# -- Processes --------------------------------------------------------------------------


def drop_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    log(f"dropping the PostgreSQL database {name}")
    subprocess.run(["psql", admin, "-qc", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'])


def wait_ready(port: int, process: subprocess.Popen, logfile: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited ({process.returncode}): see {logfile}")
        client = Client(port, timeout=30)
        try:
            status, _, _ = client.request("GET", "/healthz")
        except OSError:
            time.sleep(0.3)  # polling for the server to listen
            continue
        finally:
            client.close()
        if status == 200:
            return
        raise SystemExit(f"/healthz answered {status}: see {logfile}")
    raise SystemExit(f"gunicorn did not answer within {seconds} s: see {logfile}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


# -- Main -------------------------------------------------------------------------------


def report(result: dict) -> None:
    load, export = result.get("load"), result.get("export")
    if load:
        log(
            f"load: {load['reader_requests']:,} reader requests in {load['seconds']} s "
            f"({load['reader_rps']}/s), statuses {load['reader_statuses']}, p50/p95/p99 "
            f"{load['p50_ms']}/{load['p95_ms']}/{load['p99_ms']} ms; saves accepted "
            f"{load['saves_accepted']}, refused stale {load['saves_refused_stale']}, other "
            f"{load['editor_other']} {load['form_errors']}; history {result['history']}"
        )
    if export:
        log(f"export: {json.dumps(export)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/wt_load_bench"
    )
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--statements", type=int, default=20_000)
    parser.add_argument("--duration", type=int, default=60, help="Seconds of the load test.")
    parser.add_argument("--connections", type=int, default=32, help="Concurrent readers.")
    parser.add_argument("--editors", type=int, default=4)
    parser.add_argument("--targets", type=int, default=3, help="Statements the editors edit.")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn gthread workers.")
    parser.add_argument("--threads", type=int, default=4, help="Threads per worker.")
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument("--keep", action="store_true", help="Do not drop the database.")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        request = json.loads(sys.stdin.read() or "{}")
        if args.child[0] == "count":
            out = child_count()
        elif args.child[0] == "setup":
            out = child_setup(request["editors"], request["password"], request["targets"])
        else:
            out = child_check(request["since"], request["editors"], request["targets"])
        print(json.dumps(out, default=str))
        return

    def interrupted(signum, frame):
        raise SystemExit(f"stopped by signal {signum}")  # runs the finally: below

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, interrupted)
    RESULTS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = database_env(production_env(site_url=f"http://{HOST}"), postgres=args.database_url)
    env.update(ALLOWED_HOSTS=HOST, CACHE_URL=args.cache_url)
    password = secrets.token_urlsafe(18)
    command = [
        str(GUNICORN),
        "config.wsgi",
        "--worker-class",
        "gthread",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--timeout",
        "120",
        "--bind",
        f"{HOST}:{port}",
    ]
    server = None
    result: dict = {
        "date": datetime.date.today().isoformat(),
        "commit": git_state(),
        "gunicorn": " ".join(["gunicorn", *command[1:]]).replace(str(port), "PORT"),
        "arguments": {
            k: v for k, v in vars(args).items() if k not in ("child", "json") and v is not None
        },
    }
    try:
        ensure_postgres_database(args.database_url)
        result["machine"] = machine(args.database_url)
        manage(env, "migrate", "--no-input", "-v", "0")
        if not run_child(env, "count")["statements"]:
            log(f"generating {args.statements:,} statements")
            manage(env, "generate_archive", "--statements", str(args.statements), "--seed", "3")
        collectstatic(env)
        setup = run_child(
            env,
            "setup",
            stdin=json.dumps(
                {"editors": args.editors, "password": password, "targets": args.targets}
            ),
        )
        result["archive"] = {
            "statements": setup["statements_total"],
            "published": setup["samples"]["statements_published"],
        }
        logfile = RESULTS / "load-gunicorn.log"
        server = start_server(command, env, logfile)
        wait_ready(port, server, logfile)
        load = load_test(port, setup, password, args)
        marks = load.pop("accepted_marks")
        history = run_child(
            env,
            "check",
            stdin=json.dumps(
                {"since": load["since"], "editors": setup["editors"], "targets": setup["targets"]}
            ),
        )
        result["load"] = load
        result["history"] = {
            "rows_added": history["history_rows"],
            "rows_equal_saves": history["history_rows"] == len(marks),
            "every_accepted_save_in_history": set(marks) == set(history["translations"]),
            "per_statement": history["per_statement"],
        }
        if not args.skip_export:
            result["export"] = export_test(port, setup)
    finally:
        stop_server(server)
        if not args.keep:
            drop_database(args.database_url)
        report(result)
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main()
