"""What the benchmark scripts share: the production environment over plain HTTP, the
machine description, and running the project's own commands. No Django import here."""

import os
import platform
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = ROOT / ".venv" / "bin" / "python"
RESULTS = BENCH / "results"
SECRET_KEY = "benchmark-only-not-a-secret-" + "x" * 32


def status_kib(field: str) -> int:
    """A memory figure of this process from /proc/self/status, in KiB: VmHWM its peak
    resident memory (not getrusage's ru_maxrss, which Linux carries across exec from the
    parent), RssAnon its private memory now (what it allocated itself; the resident
    memory also counts the pages of the SQLite file read through a memory map, which are
    the system's shared file cache)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def settings_text() -> str:
    return (ROOT / "config" / "settings.py").read_text()


def production_env(base: dict | None = None, *, site_url: str = "http://127.0.0.1:8000") -> dict:
    """`base` (os.environ) set up to run the site as production does, over plain HTTP.

    DEBUG off, a SECRET_KEY and a SITE_URL, 127.0.0.1 allowed. The HTTPS redirect is
    switched off by whatever the settings read at the time of the run: `HTTPS=false`
    where config/settings.py reads HTTPS (production secure by default), nothing where
    it does not (the older settings never redirected). SECURE_COOKIES is removed where
    the settings refuse it.
    """
    env = dict(os.environ if base is None else base)
    text = settings_text()
    env.update(
        DEBUG="false",
        SECRET_KEY=env.get("SECRET_KEY") or SECRET_KEY,
        SITE_URL=site_url,
        ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    if re.search(r"""env_bool\(\s*["']HTTPS["']""", text):
        env["HTTPS"] = "false"
    if re.search(r"""["']SECURE_COOKIES["']\s+in\s+os\.environ""", text):
        env.pop("SECURE_COOKIES", None)
    if re.search(r"""env_bool\(\s*["']SECURE_SSL_REDIRECT["']""", text):
        env["SECURE_SSL_REDIRECT"] = "false"
    return env


def database_env(env: dict, *, sqlite: str | None = None, postgres: str | None = None) -> dict:
    """`env` pointed at one database: SQLITE_PATH or DATABASE_URL, never both."""
    env = dict(env)
    env.pop("DATABASE_URL", None)
    env.pop("SQLITE_PATH", None)
    if postgres:
        env["DATABASE_URL"] = postgres
    elif sqlite:
        env["SQLITE_PATH"] = str(sqlite)
    return env


def manage(env: dict, *args: str, capture: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(PYTHON), str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        capture_output=capture,
    )


def collectstatic(env: dict) -> None:
    """With DEBUG off the pages need the static files' manifest; keep it current."""
    manage(env, "collectstatic", "--no-input", "-v", "0")


def _first(command: list[str]) -> str:
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.strip().splitlines()[0] if out.strip() else ""


def machine(postgres_url: str | None = None) -> dict:
    """Cores, CPU model, memory, OS, Python, SQLite and PostgreSQL versions."""
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    os_name = platform.platform()
    release = Path("/etc/os-release")
    if release.exists():
        names = dict(line.split("=", 1) for line in release.read_text().splitlines() if "=" in line)
        os_name = names.get("PRETTY_NAME", os_name).strip('"')
    venv_python = _first([str(PYTHON), "--version"]) or f"Python {platform.python_version()}"
    info = {
        "cores": os.cpu_count(),
        "cpu": model,
        "memory": memory,
        "os": f"{os_name}, kernel {platform.release()}",
        "python": venv_python.replace("Python ", ""),
        "sqlite": _first([str(PYTHON), "-c", "import sqlite3; print(sqlite3.sqlite_version)"])
        or sqlite3.sqlite_version,
        "postgresql": "",
    }
    if postgres_url and shutil.which("psql"):
        info["postgresql"] = _first(["psql", postgres_url, "-Atc", "SHOW server_version"])
    return info


def git_state() -> str:
    """The commit measured, and whether the work tree had changes on top of it."""
    head = _first(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    dirty = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    changed = len(dirty.splitlines()) if dirty else 0
    return head + (f" + {changed} uncommitted changed files" if changed else "")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- Processes --------------------------------------------------------------------------


def ensure_postgres_database(url: str) -> None:
    """The PostgreSQL database of `url`, created when missing."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise SystemExit(f"Give the PostgreSQL database a plain name, not {name!r}.")
    admin = urlunsplit(parts._replace(path="/postgres"))
    found = subprocess.run(
        ["psql", admin, "-Atc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not found:
        log(f"creating the PostgreSQL database {name}")
        subprocess.run(["psql", admin, "-qc", f'CREATE DATABASE "{name}"'], check=True)


def start_server(command: list[str], env: dict, logfile: Path) -> subprocess.Popen:
    """A server in its own process group, so that stopping it stops its children too."""
    handle = logfile.open("w")
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop_server(process: subprocess.Popen | None) -> None:
    """SIGTERM to the server's process group, SIGKILL if it is still there after 30 s."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)
    except ProcessLookupError:
        pass
