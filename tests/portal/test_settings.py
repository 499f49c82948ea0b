import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What production needs, as a deploy would set it: 60 random characters of secret.
PRODUCTION_ENV = {
    "SECRET_KEY": "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(60)),
    "ALLOWED_HOSTS": "erfa.example",
    "ERFA_BASE_URL": "https://erfa.example",
}


def _run_manage(*args, settings_module, extra_env):
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE must not reach a production check.
    dropped = {
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "ERFA_BASE_URL",
        "SECURE_PROXY_SSL_HEADER",
    }
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


@pytest.mark.parametrize("proxy", [None, "HTTP_X_FORWARDED_PROTO"])
def test_production_settings_pass_check_deploy_without_warnings(proxy):
    extra_env = dict(PRODUCTION_ENV)
    if proxy:
        extra_env["SECURE_PROXY_SSL_HEADER"] = proxy
    result = _run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        settings_module="portal.settings.production",
        extra_env=extra_env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr, result.stderr


def _production_value(expression: str, **env) -> subprocess.CompletedProcess:
    """Import portal.settings.production with ``env`` and print ``expression``."""
    base = {k: v for k, v in os.environ.items() if k not in {*PRODUCTION_ENV, *env}}
    base.pop("SECURE_PROXY_SSL_HEADER", None)
    values = {**PRODUCTION_ENV, **env}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            f"import portal.settings.production as s; print(repr({expression}))",
        ],
        cwd=ROOT,
        env={**base, **{k: v for k, v in values.items() if v is not None}},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "base_url",
    [
        None,
        "",
        "erfa.example",
        "http://localhost:8000",
        "http://127.0.0.1:8000",
        "https://[::1]",
        "http://0.0.0.0",
        "https://erfa.localhost",
        "https://erfa.example/portal/",
    ],
)
def test_production_refuses_a_missing_or_local_base_url(base_url):
    """Every e-mail and feed links to ERFA_BASE_URL: production will not start without a
    public one."""
    result = _production_value("s.ERFA_BASE_URL", ERFA_BASE_URL=base_url)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "ERFA_BASE_URL" in result.stderr


def test_the_base_url_is_the_one_root_url_wagtail_uses_too():
    result = _production_value(
        "(s.ERFA_BASE_URL, s.WAGTAILADMIN_BASE_URL)", ERFA_BASE_URL="https://erfa.example/"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr(("https://erfa.example", "https://erfa.example"))


@pytest.mark.parametrize(
    ("configured", "expected"),
    [
        (None, None),
        ("", None),
        ("HTTP_X_FORWARDED_PROTO", ("HTTP_X_FORWARDED_PROTO", "https")),
        ("X-Forwarded-Proto", ("HTTP_X_FORWARDED_PROTO", "https")),
    ],
)
def test_the_proxy_ssl_header_is_trusted_only_when_configured(configured, expected):
    result = _production_value(
        "getattr(s, 'SECURE_PROXY_SSL_HEADER', None)", SECURE_PROXY_SSL_HEADER=configured
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr(expected)


@pytest.mark.parametrize("secret", ["", "short"])
def test_production_refuses_a_missing_or_weak_secret(secret):
    result = _run_manage(
        "check",
        settings_module="portal.settings.production",
        extra_env={**PRODUCTION_ENV, "SECRET_KEY": secret},
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
