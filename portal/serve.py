"""`make serve`: the portal as in production — gunicorn and the task worker, on one command.

    python -m portal.serve [--host 127.0.0.1] [--port 8000] [--dry-run]

Production settings (portal/settings/production.py). They need SECRET_KEY, ALLOWED_HOSTS and
ERFA_BASE_URL; without them this refuses to start, except on a loopback address, where it
serves this machine only over plain HTTP and keeps a generated secret in var/ (and says so).
Then it migrates, collects static files, and starts gunicorn (portal/gunicorn_conf.py:
workers from ERFA_WEB_WORKERS, threads from ERFA_WEB_THREADS, no preloading, the encoder
warmed in each worker after the fork) beside the worker that ERFA_TASKS_BACKEND needs
(`manage.py db_worker`, or `manage.py rqworker` for Redis). Ctrl-C (or SIGTERM) stops both
and waits for them.

Django is not imported here: the settings must be checked before anything loads them.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIRED = ("SECRET_KEY", "ALLOWED_HOSTS", "ERFA_BASE_URL")
STOP_WAIT_SECONDS = 30
# django-tasks-rq's jobs run through its own job class. One process keeps the encoder loaded
# (RQ's default worker forks per job and would load the model for every task).
RQ_WORKER_OPTIONS = [
    "--job-class",
    "django_tasks_rq.backend.Job",
    "--worker-class",
    "rq.SimpleWorker",
]


def is_loopback(host: str) -> bool:
    if host in {"localhost", "ip6-localhost"}:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def local_secret_key(var_dir: Path) -> tuple[str, bool]:
    """The secret kept for local serving under var/, made on first use (True: made now)."""
    path = var_dir / "serve-secret-key"
    if path.exists():
        return path.read_text().strip(), False
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key, True


def production_environment(host: str, port: int, environ: dict[str, str]) -> dict[str, str]:
    """The environment gunicorn and the worker run with; SystemExit when it is incomplete."""
    env = dict(environ)
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings.production"
    missing = [name for name in REQUIRED if not env.get(name, "").strip()]
    if missing and not is_loopback(host):
        raise SystemExit(
            f"make serve: {', '.join(missing)} must be set to serve on {host}. "
            "SECRET_KEY: a random value of at least 50 characters; ALLOWED_HOSTS: the site's "
            "host names, comma-separated; ERFA_BASE_URL: its public root URL "
            "(https://erfa.example). Bound to 127.0.0.1 it serves this machine only and "
            "needs none of them."
        )
    if is_loopback(host) and missing:
        env["ERFA_SERVE_LOCAL"] = "1"
        if "SECRET_KEY" in missing:
            var_dir = Path(env.get("ERFA_VAR_DIR", ROOT / "var"))
            env["SECRET_KEY"], made = local_secret_key(var_dir)
            print(
                f"make serve: no SECRET_KEY set; using the local one in {var_dir}/serve-secret-key"
                + (" (generated now)" if made else "")
                + ". Serving this machine only, over plain HTTP.",
                flush=True,
            )
        env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
        env.setdefault("ERFA_BASE_URL", f"http://{host}:{port}")
    env["ERFA_BIND"] = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return env


def worker_command(env: dict[str, str]) -> list[str] | None:
    """The task worker for ERFA_TASKS_BACKEND (None: tasks run at once, no worker)."""
    backend = env.get("ERFA_TASKS_BACKEND", "database")
    manage = [sys.executable, str(ROOT / "manage.py")]
    if backend in {"database", "django_tasks_db.DatabaseBackend"}:
        return [*manage, "db_worker"]
    if backend in {"rq", "django_tasks_rq.RQBackend"}:
        # Its scheduler runs the delayed retries.
        return [*manage, "rqworker", *RQ_WORKER_OPTIONS, "--with-scheduler"]
    return None


def commands(env: dict[str, str]) -> tuple[list[list[str]], list[list[str]]]:
    """What runs first, once (migrate, collectstatic), and what runs until stopped."""
    manage = [sys.executable, str(ROOT / "manage.py")]
    setup = [
        [*manage, "migrate", "--noinput", "-v0"],
        [*manage, "collectstatic", "--noinput", "-v0"],
    ]
    web = [sys.executable, "-m", "gunicorn", "-c", "python:portal.gunicorn_conf", "portal.wsgi"]
    worker = worker_command(env)
    return setup, [web, *([worker] if worker else [])]


def run_until_stopped(long_running: list[list[str]], env: dict[str, str]) -> int:
    """Start each command; when one exits or a stop signal arrives, stop the others."""
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    # Own process groups: a Ctrl-C reaches this launcher only, which stops each child once,
    # gracefully (gunicorn finishes its requests, the worker its task).
    children = [
        subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
        for command in long_running
    ]
    code = 0
    try:
        while not stopping:
            exited = [child for child in children if child.poll() is not None]
            if exited:
                code = exited[0].returncode or 1
                print(f"make serve: {exited[0].args[2]} exited ({code}); stopping.", flush=True)
                break
            time.sleep(0.2)
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_WAIT_SECONDS
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if stopping:
        print("make serve: stopped.", flush=True)
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument(
        "--dry-run", action="store_true", help="check the settings and print the commands"
    )
    args = parser.parse_args(argv)
    env = production_environment(args.host, args.port, dict(os.environ))
    setup, long_running = commands(env)
    if args.dry_run:
        for command in [*setup, *long_running]:
            print(" ".join(command))
        return 0
    for command in setup:
        subprocess.run(command, env=env, cwd=ROOT, check=True)
    print(
        f"make serve: Erfa at {env['ERFA_BASE_URL']} (gunicorn on {env['ERFA_BIND']}, "
        f"{env.get('ERFA_WEB_WORKERS', '2')} workers); Ctrl-C stops it.",
        flush=True,
    )
    return run_until_stopped(long_running, env)


if __name__ == "__main__":
    sys.exit(main())
