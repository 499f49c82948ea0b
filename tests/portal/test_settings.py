import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run_manage(*args, settings_module, extra_env):
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE must not reach a production check.
    dropped = {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update({"DJANGO_SETTINGS_MODULE": settings_module, **extra_env})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_base_settings_are_safe_for_production_on_their_own():
    """base.py alone has DEBUG off and takes its secret only from the environment."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import portal.settings.base as s; print(s.DEBUG, repr(s.SECRET_KEY))",
        ],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k != "SECRET_KEY"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "False ''"


def test_database_url_selects_the_database(monkeypatch):
    """DATABASE_URL chooses PostgreSQL; without it Erfa uses an SQLite file under var/."""
    code = "import portal.settings.base as s; d = s.DATABASES['default']; print(d['ENGINE'], d['NAME'])"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    sqlite = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert sqlite.stdout.startswith("django.db.backends.sqlite3")
    assert sqlite.stdout.strip().endswith("var/erfa.sqlite3")
    env["DATABASE_URL"] = "postgres://erfa@db.internal:5432/erfa"
    pg = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert pg.stdout.split() == ["django.db.backends.postgresql", "erfa"]


def test_production_settings_pass_check_deploy_without_warnings():
    result = _run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        settings_module="portal.settings.production",
        extra_env={
            "SECRET_KEY": "k" * 20 + "-production-secret-0123456789abcdefghij",
            "ALLOWED_HOSTS": "erfa.example.org",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("secret", ["", "short"])
def test_production_refuses_a_missing_or_weak_secret(secret):
    result = _run_manage(
        "check",
        settings_module="portal.settings.production",
        extra_env={"SECRET_KEY": secret, "ALLOWED_HOSTS": "erfa.example.org"},
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
