"""The real task queues: RQ on Redis runs a task in a worker process, retries a failing one
with its policy, and keeps it for administrators once it failed for good; either backend's
failed task can be run again from the admin."""

import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from django.core.management import call_command
from django.test import override_settings
from django_tasks import default_task_backend
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from portal import task_queue
from portal.serve import RQ_WORKER_OPTIONS
from tests.factories import UserFactory

from .queue_tasks import flaky_task, write_file_task

ROOT = Path(__file__).resolve().parents[2]
REDIS = "redis://127.0.0.1:6379"


@pytest.fixture
def rq_url(settings):
    """A Redis database of this test's own (CI's .ci/run starts Redis on 127.0.0.1:6379)."""
    url = f"{REDIS}/{9 + secrets.randbelow(7)}"
    connection = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        connection.ping()
    except redis.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")
    connection.flushdb()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    settings.RQ_QUEUES = {"default": {"URL": url, "QUEUE_CLASS": "portal.task_queue.RetryingQueue"}}
    settings.ERFA_RQ_RETRY_INTERVALS = [0]  # one retry, at once: the test need not wait
    yield url
    connection.flushdb()


def run_rq_worker(url: str, tmp_path: Path) -> None:
    """`manage.py rqworker` as `make serve` starts it, in burst mode: it runs what is queued
    and exits."""
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "ERFA_TASKS_BACKEND": "rq",
        "ERFA_REDIS_URL": url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "rqworker", "--burst", *RQ_WORKER_OPTIONS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-2000:]


def test_a_task_enqueued_through_rq_runs_in_a_worker_process(rq_url, tmp_path):
    assert task_queue.queue_kind() == task_queue.QueueKind.RQ
    target = tmp_path / "written.txt"
    result = write_file_task.enqueue(str(target), "från kön")
    assert not target.exists()
    run_rq_worker(rq_url, tmp_path)
    assert target.read_text() == "från kön"
    assert default_task_backend.get_result(result.id).status == TaskResultStatus.SUCCESSFUL


def test_rq_retries_a_failing_task_then_keeps_it_to_run_again(rq_url, tmp_path):
    log = tmp_path / "attempts.log"
    result = flaky_task.enqueue(str(log))
    run_rq_worker(rq_url, tmp_path)
    assert len(log.read_text().splitlines()) == 2  # the run and its one retry
    [failed] = task_queue.failed_tasks()
    assert failed.id == result.id
    assert failed.task_path == "tests.portal.queue_tasks.flaky_task"
    assert failed.args == [str(log)]
    assert "not fixed yet" in failed.error
    assert failed.attempts == 2

    Path(f"{log}.fixed").touch()
    assert task_queue.rerun(result.id)
    assert not task_queue.rerun("no-such-task")
    run_rq_worker(rq_url, tmp_path)
    assert len(log.read_text().splitlines()) == 3
    assert task_queue.failed_tasks() == []
    assert default_task_backend.get_result(result.id).status == TaskResultStatus.SUCCESSFUL


# Transactional: the worker closes its database connection, as it does between tasks. With
# serialized rollback like every other transactional test here: a plain flush re-creates the
# content types, which the next serialized test then inserts a second time.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_administrators_see_a_failed_task_and_run_it_again(client, tmp_path):
    """The database backend does not retry; its failure waits in the admin for a re-run."""
    log = tmp_path / "attempts.log"
    flaky_task.enqueue(str(log))
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    [failed] = DBTaskResult.objects.failed()

    client.force_login(UserFactory(is_staff=True))
    assert client.get("/admin/tasks/failed/").status_code in {302, 403}
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get("/admin/tasks/failed/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "tests.portal.queue_tasks.flaky_task" in html and "not fixed yet" in html

    Path(f"{log}.fixed").touch()
    response = client.post(f"/admin/tasks/failed/{failed.pk}/rerun/")
    assert response.status_code == 302
    assert not DBTaskResult.objects.failed().exists()
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert DBTaskResult.objects.successful().count() == 1
    assert len(log.read_text().splitlines()) == 2
    assert "flaky_task" not in client.get("/admin/tasks/failed/").content.decode()
