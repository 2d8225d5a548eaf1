"""One command for the benchmarks of docs/benchmarks.md: build or reuse, measure, write.

For SQLite (`--sqlite PATH`) and PostgreSQL (`--postgres URL`, the database is created
with psql if missing):

1. migrates the database (a reused archive gets the schema of the code measured),
   builds the archive when it holds no statements (`load_demo`, `generate_archive
   --statements N --seed 7`), and when no article has 50 statements (the generator
   writes 10 per article) adds `generate_archive --statements 500 --seed 8
   --per-article 50`, so that the page table has the tracker's "article with 50
   statements"; generate_archive ends with ANALYZE, and a reused archive gets one
   (new indexes from a migration have no statistics); each step timed;
2. runs the in-process page table (bench/pages.py) on it;
3. on SQLite, unless `--skip-http`, gunicorn against Datasette over HTTP
   (bench/http_bench.py);
4. writes the tables into docs/benchmarks.md between `<!-- bench:begin -->` and
   `<!-- bench:end -->` (added below the title if absent), one section per database,
   with the machine, the date and the commands. A run replaces the sections of the
   databases it measured and keeps the others.

    make bench                                   # both databases, 1,000,000 statements
    .venv/bin/python bench/run.py --only sqlite --sqlite /work/benchdata/dev.sqlite3 \\
        --statements 100000 --rounds 3 --duration 3

The raw results are kept as JSON in bench/results/ (not committed).
"""

import argparse
import datetime
import json
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

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
)

DOCS = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
LONG_ARTICLE = 50  # "an article with 50 statements"
SEED = 7
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/bench"
DEFAULT_SQLITE = BENCH / "data" / "archive.sqlite3"

COUNTS = """
from django.db.models import Count
from articles.models import Statement
total = Statement.objects.count()
longest = (
    Statement.objects.order_by().values("article_id").annotate(n=Count("pk"))
    .order_by("-n").values_list("n", flat=True).first()
) or 0
print(total, longest)
"""


# -- Building --------------------------------------------------------------------------


def counts(env: dict) -> tuple[int, int]:
    out = subprocess.run(
        [str(PYTHON), str(ROOT / "manage.py"), "shell", "-c", COUNTS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return int(out[-2]), int(out[-1])


ANALYZE = "from django.db import connection; connection.cursor().execute('ANALYZE')"


def timed(steps: list, env: dict, *args: str) -> None:
    command = "manage.py " + " ".join(shlex.quote(a) if " " in a else a for a in args)
    log(command)
    started = time.perf_counter()
    manage(env, *args)
    steps.append({"command": command, "seconds": round(time.perf_counter() - started, 1)})


def build(env: dict, statements: int) -> dict:
    """The archive at the given size: reused when it is there, built when not."""
    steps: list = []
    # Always, first: a reused archive gets the schema of the code being measured.
    timed(steps, env, "migrate", "--no-input")
    total, longest = counts(env)
    if 0 < total < statements:
        raise SystemExit(
            f"The database holds {total:,} statements, fewer than {statements:,}: give "
            "an empty database (or --statements at most that) rather than add to it."
        )
    if total < statements:
        timed(steps, env, "load_demo")
        timed(steps, env, "generate_archive", "--statements", str(statements), "--seed", str(SEED))
        total, longest = counts(env)
    elif longest >= LONG_ARTICLE:
        # generate_archive ends with ANALYZE; a reused archive may have new indexes from
        # the migrations, without statistics, which a built one would not.
        timed(steps, env, "shell", "-c", ANALYZE)
    if longest < LONG_ARTICLE:
        timed(
            steps,
            env,
            "generate_archive",
            "--statements",
            str(LONG_ARTICLE * 10),
            "--seed",
            str(SEED + 1),
            "--per-article",
            str(LONG_ARTICLE),
        )
        total, longest = counts(env)
    return {"statements": total, "longest_article": longest, "built": steps}


# -- Measuring -------------------------------------------------------------------------


def run_script(script: str, env: dict, *args: str) -> str:
    """Run a bench script; return its command line as one could type it in the checkout."""
    command = [str(PYTHON), str(BENCH / script), *args]
    database = (
        f"DATABASE_URL={env['DATABASE_URL']}"
        if env.get("DATABASE_URL")
        else f"SQLITE_PATH={env['SQLITE_PATH']}"
    )
    shown = " ".join(shlex.quote(part) for part in command).replace(f"{ROOT}/", "")
    shown = f"{database} {shown}"
    log(shown)
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    return shown


def measure(database: str, target: str, args) -> dict:
    sqlite = target if database == "sqlite" else None
    postgres = target if database == "postgres" else None
    if postgres:
        ensure_postgres_database(postgres)
    env = database_env(production_env(), sqlite=sqlite, postgres=postgres)
    if sqlite:
        Path(sqlite).parent.mkdir(parents=True, exist_ok=True)
    result = {"database": database, "target": target}
    result["archive"] = build(env, args.statements)
    collectstatic(env)
    RESULTS.mkdir(parents=True, exist_ok=True)
    pages_json = RESULTS / f"{database}-pages.json"
    page_args = ["--rounds", str(args.rounds), "--json", str(pages_json)]
    if args.page_budget:
        page_args += ["--page-budget", str(args.page_budget)]
    result["pages_command"] = run_script("pages.py", env, *page_args)
    result["pages"] = json.loads(pages_json.read_text())
    if sqlite and not args.skip_http:
        http_json = RESULTS / f"{database}-http.json"
        http_args = ["--sqlite", str(sqlite), "--samples", str(pages_json)]
        http_args += ["--duration", str(args.duration), "--json", str(http_json)]
        result["http_command"] = run_script("http_bench.py", env, *http_args)
        result["http"] = json.loads(http_json.read_text())
    return result


# -- Writing ---------------------------------------------------------------------------


def ms(value) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def cell(text: str) -> str:
    return str(text).replace("|", "\\|")


def budget_of(name: str) -> float:
    return 150.0 if name.startswith("search") else 100.0


def ratio_cell(value) -> str:
    if value is None:
        return "–"
    return f"{value:g}" + (" ⚠" if value > 3 else "")


def page_tables(pages: dict) -> list[str]:
    rows = pages["pages"]
    lines = [
        "| page | status | p50 | p95 | queries | SQL in execute() | raw SQL | p50 ÷ raw SQL "
        "| first | its queries | its raw SQL | first ÷ raw SQL |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        over = " ⚠" if r["p95_ms"] > budget_of(r["name"]) else ""
        lines.append(
            f"| {cell(r['name'])} | {r['status']} | {ms(r['p50_ms'])} "
            f"| **{ms(r['p95_ms'])}**{over} | {r['queries']} | {ms(r['sql_ms'])} "
            f"| {ms(r['raw_sql_ms'])} | {ratio_cell(r['ratio'])} | {ms(r['first_ms'])} "
            f"| {r['first_queries']} | {ms(r['first_raw_sql_ms'])} "
            f"| {ratio_cell(r['first_ratio'])} |"
        )
    slow = [r for r in rows if r["p95_ms"] > budget_of(r["name"])]
    timed = [r for r in rows if r["ratio"] is not None]
    heavy = [r for r in timed if r["ratio"] > 3]
    firsts = [r for r in rows if r["first_ratio"] is not None]
    heavy_first = [r for r in firsts if r["first_ratio"] > 3]
    failed = [r for r in rows if r["status"] != 200]
    summary = (
        f"{len(rows) - len(slow)} of {len(rows)} pages within their p95 budget (100 ms; "
        f"search 150 ms). Within 3× their raw SQL: {len(timed) - len(heavy)} of the "
        f"{len(timed)} pages that still query after the warm-up, and "
        f"{len(firsts) - len(heavy_first)} of {len(firsts)} first requests"
    )
    summary += f". {len(failed)} pages did not answer 200." if failed else "."
    lines += [
        "",
        summary,
        "",
        "What bounds each page: the slowest query of the replays, and of which request:",
        "",
        "| page | URL | bounding query | its raw time |",
        "| --- | --- | --- | ---: |",
    ]
    for r in rows:
        sql = f"`{cell(r['bound_sql'])}` ({r['bound_in']})" if r["bound_sql"] else "(no query)"
        lines.append(f"| {cell(r['name'])} | `{cell(r['url'])}` | {sql} | {ms(r['bound_ms'])} |")
    return lines


def private(c: dict) -> str:
    """Peak private memory (RssAnon) of an export, where the run measured it: the RSS
    also counts the mapped SQLite file's pages."""
    if "peak_private_mb" not in c:
        return "–"
    return f"{c['peak_private_mb']} MB ({c['private_before_mb']} MB)"


def csv_table(pages: dict) -> list[str]:
    if not pages.get("csv"):
        return []
    lines = [
        "| `?format=csv` of | rows | time | rows/s | first byte | output | peak RSS (before) "
        "| peak private memory (before) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for c in pages["csv"]:
        mismatch = "" if c["rows"] == c["expected_rows"] else f" (expected {c['expected_rows']:,})"
        lines.append(
            f"| {cell(c['name'])} | {c['rows']:,}{mismatch} | {c['seconds']} s "
            f"| **{c['rows_per_s']:,}** | {c['first_byte_s']} s | {c['megabytes']} MB "
            f"| {c['peak_rss_mb']} MB ({c['rss_before_mb']} MB) "
            f"| {private(c)} |"
        )
    return lines


def rps(runs: list[dict]) -> str:
    parts = []
    for r in runs:
        text = f"{r['rps']:g}"
        if r.get("errors"):
            text += f" ({r['errors']} errors)"
        parts.append(text)
    return " / ".join(parts)


def p99(runs: list[dict]) -> str:
    return " / ".join(ms(r["p99_ms"]) if r["requests"] else "–" for r in runs)


def http_tables(http: dict) -> list[str]:
    lines = [
        "| page (URLs below) | wrk | ours req/s, A / A′ | ours p99 ms "
        "| Datasette req/s, B / B′ | Datasette p99 ms | ours ÷ Datasette | one request alone, "
        "ours / Datasette |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for p in http["pairs"]:
        ratio = "–" if p["ratio"] is None else f"**{p['ratio']:g}**"
        if p["ratio"] is not None and p["ratio"] < 1.5:
            ratio += " ⚠"
        note = f" ({cell(p['check'])})" if p.get("check") else ""
        lines.append(
            f"| {cell(p['name'])}{note} | `{p['wrk']}` | {rps(p['ours'])} | {p99(p['ours'])} "
            f"| {rps(p['theirs'])} | {p99(p['theirs'])} | {ratio} "
            f"| {ms(p['ours_single_ms'])} / {ms(p['theirs_single_ms'])} ms |"
        )
    large = http.get("large_csv")
    if large:
        lines += [
            "",
            f"{large['name']}, downloaded whole, A-B-A-B:",
            "",
            "| server | rows | time | rows/s |",
            "| --- | ---: | ---: | ---: |",
        ]
        for side, label in (("ours", "ours (sorted by date)"), ("theirs", "Datasette (rowid)")):
            for r in large[side]:
                lines.append(
                    f"| {label} | {r['rows']:,} | {r['seconds']} s | {r['rows_per_s']:,} |"
                )
    lines += ["", "The URLs, ours then Datasette's:", ""]
    for p in http["pairs"]:
        lines.append(f"- {p['name']}: `{p['ours_url']}` — `{p['theirs_url']}`")
    if large:
        lines.append(f"- {large['name']}: `{large['ours_url']}` — `{large['theirs_url']}`")
    return lines


def section(result: dict, info: dict, command: str) -> str:
    database = result["database"]
    pages = result["pages"]
    s = pages["samples"]
    title = "SQLite" if database == "sqlite" else "PostgreSQL"
    archive = result["archive"]
    built = "prepared with " + "; ".join(
        f"`{step['command']}` ({step['seconds']:,} s)" for step in archive["built"]
    )
    lines = [
        f"<!-- bench:{database}:begin -->",
        f"### {title}: {s['statements_total']:,} statements",
        "",
        f"Measured {info['date']} with `{command}`, on commit {info['git']}. {pages['label']}.",
        "",
        f"Machine: {info['machine']['cores']} cores ({info['machine']['cpu']}), "
        f"{info['machine']['memory']} memory, {info['machine']['os']}; Python "
        f"{info['machine']['python']}, SQLite {info['machine']['sqlite']}"
        + (f", PostgreSQL {info['machine']['postgresql']}" if info["machine"]["postgresql"] else "")
        + ". Other work may have been running on the machine: the times are indicative.",
        "",
        f"Archive: {s['statements_total']:,} statements ({s['statements_published']:,} "
        f"published), {built}. Samples, read from the data: the most-quoted speaker "
        f"`{s['top_speaker']['slug']}` ({s['top_speaker']['statements']:,} statements), a "
        f"speaker with few (`{s['few_speaker']['slug']}`, {s['few_speaker']['statements']}), "
        f"the busiest month {s['busiest_month']['from'][:7]} "
        f"({s['busiest_month']['statements']:,}) and day {s['busiest_day']['date']} "
        f"({s['busiest_day']['statements']:,}), the word “{s['word']['word']}” "
        f"({s['word']['matches']:,} statements, {s['word']['share']:.0%}"
        + (
            "; no single word of the generator's vocabulary reaches a third"
            if s["word"]["share"] < 0.3
            else ""
        )
        + f"), the article with the most statements ({s['article']['statements']}).",
        "",
        f"#### Pages in process ({pages['rounds']} requests each after one warm-up; ms)",
        "",
        *page_tables(pages),
    ]
    csv = csv_table(pages)
    if csv:
        lines += ["", "#### CSV export in process (a fresh process each)", "", *csv]
    if result.get("http"):
        http = result["http"]
        lines += [
            "",
            "#### Over HTTP: gunicorn against Datasette, same SQLite file",
            "",
            f"`gunicorn {http['gunicorn']}` (DEBUG off, HTTPS off, per-process memory "
            f"cache) against `{http['datasette']}`. Each pair: warm-up, then "
            f"`{http['wrk']}` on ours, Datasette's, ours, Datasette's (A-B-A-B), "
            "127.0.0.1 only. ⚠ marks a pair under the 1.5× target.",
            "",
            *http_tables(http),
        ]
    elif database == "sqlite":
        lines += ["", "HTTP side by side: not run (`--skip-http`)."]
    else:
        lines += ["", "HTTP side by side: SQLite only (Datasette serves SQLite files)."]
    lines += ["", "Commands (run.py's, with DEBUG=false, HTTPS=false and a SECRET_KEY):", ""]
    lines += ["```sh", f".venv/bin/python {command}", result["pages_command"]]
    if result.get("http_command"):
        lines.append(result["http_command"])
    lines += ["```", f"<!-- bench:{database}:end -->"]
    return "\n".join(lines)


INTRO = """\
## The benchmark harness: `make bench`

Written by `bench/run.py` (`make bench`; options in its `--help`): everything between
these markers is replaced by the next run, one section per database. Reading the page
tables: **p50/p95** (nearest rank) are of the timed requests after one warm-up request,
which fills the caches kept per generation of the archive (rows, counts, facets,
options); **queries** per request; **SQL in execute()** is the time inside the driver's
`execute()` (`connection.execute_wrapper`; SQLite steps most rows after it returns);
**raw SQL** replays the same queries on a plain cursor with `fetchall()`, the floor a
page cannot go under; **p50 ÷ raw SQL** is what the page adds on top (target ≤ 3; –
where the page ran no query). **first**, **its queries**, **its raw SQL** and **first ÷
raw SQL** are of the first request after a write (the archive's generation moved, as a
publish moves it, by a process that has served the page before: its templates loaded),
whose queries are what the page needs when nothing of the generation is cached: the
median of three, each after its own write. ⚠ marks a page
over its p95 budget (100 ms, search 150 ms) or over 3× its raw SQL.
"""


def write_docs(sections: dict[str, str]) -> None:
    text = DOCS.read_text() if DOCS.exists() else "# Benchmarks\n"
    if BEGIN not in text:
        title, _, rest = text.partition("\n")
        text = f"{title}\n\n{BEGIN}\n{END}\n" + rest
    head, _, tail = text.partition(BEGIN)
    block, _, tail = tail.partition(END)
    kept = {}
    for database in ("sqlite", "postgres"):
        match = re.search(
            rf"<!-- bench:{database}:begin -->.*?<!-- bench:{database}:end -->", block, re.S
        )
        if match:
            kept[database] = match.group(0)
    kept.update(sections)
    body = "\n\n".join(kept[db] for db in ("sqlite", "postgres") if db in kept)
    DOCS.write_text(f"{head}{BEGIN}\n{INTRO}\n{body}\n{END}{tail}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--sqlite", type=Path, default=DEFAULT_SQLITE)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--only", choices=("sqlite", "postgres"))
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--rounds", type=int, default=20, help="Timed requests per page.")
    parser.add_argument("--page-budget", type=float, default=0, help="See pages.py.")
    parser.add_argument("--duration", type=int, default=10, help="Seconds per wrk run.")
    parser.add_argument("--no-docs", action="store_true", help="Leave docs/benchmarks.md.")
    parser.add_argument(
        "--rewrite",
        action="store_true",
        help="Measure nothing: write the docs again from the last run's bench/results/.",
    )
    args = parser.parse_args()
    command = "bench/run.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    targets = {"sqlite": str(args.sqlite.resolve()), "postgres": args.postgres}
    databases = [args.only] if args.only else ["sqlite", "postgres"]
    sections = {}
    if args.rewrite:
        for database in databases:
            result = json.loads((RESULTS / f"{database}-run.json").read_text())
            sections[database] = section(result, result["info"], result["command"])
    info = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%d %B %Y, %H:%M UTC"),
        "git": git_state(),
        "machine": machine(args.postgres if "postgres" in databases else None),
    }
    for database in [] if args.rewrite else databases:
        started = time.perf_counter()
        result = measure(database, targets[database], args)
        result.update(seconds=round(time.perf_counter() - started), info=info, command=command)
        (RESULTS / f"{database}-run.json").write_text(json.dumps(result, indent=2, default=str))
        sections[database] = section(result, info, command)
        log(f"{database}: measured in {result['seconds']} s")
    if not args.no_docs:
        write_docs(sections)
        log(f"wrote {DOCS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
